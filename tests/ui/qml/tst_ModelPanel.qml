import QtQuick
import QtTest
import Glassbox 1.0
import "qrc:/ui"

// The model panel: an empty state, then the card of a real model with a memory verdict.
Item {
    id: root
    width: 400
    height: 900

    Component {
        id: panelComponent
        ModelPanel {
            anchors.fill: parent
        }
    }

    TestCase {
        name: "ModelPanel"
        when: windowShown

        function test_emptyState() {
            Models.unload();
            const panel = createTemporaryObject(panelComponent, root);
            verify(findChild(panel, "emptyState").visible);
            verify(!findChild(panel, "modelCard").visible);
            verify(!findChild(panel, "errorState").visible);
        }

        function test_cardOfALoadedModel() {
            Models.unload();
            const panel = createTemporaryObject(panelComponent, root);
            Models.openPath(testModelPath);
            tryCompare(Models, "state", "ready", 120000);
            verify(findChild(panel, "modelCard").visible);
            verify(!findChild(panel, "emptyState").visible);
            compare(findChild(panel, "architecture").text, "llama");
            compare(findChild(panel, "modelName").text.length > 0, true);
            // 260K parameters fit anywhere.
            compare(Models.card.fits, true);
            verify(findChild(panel, "verdictText").text.indexOf("Fits") >= 0, findChild(panel, "verdictText").text);
        }

        function test_errorIsShownPlainly() {
            const panel = createTemporaryObject(panelComponent, root);
            Models.openPath(testModelPath + ".missing");
            tryCompare(Models, "state", "error", 30000);
            verify(findChild(panel, "errorState").visible);
            verify(findChild(panel, "errorText").text.length > 0);
            Models.unload();
        }
    }
}
