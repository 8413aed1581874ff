import QtQuick
import QtTest
import Glassbox 1.0
import "qrc:/ui"

// The composer is disabled until a model is loaded; then Ctrl+Enter sends.
Item {
    id: root
    width: 700
    height: 200

    Component {
        id: composerComponent
        Composer {
            width: parent.width
        }
    }

    TestCase {
        name: "Composer"
        when: windowShown

        function test_disabledWithoutModel() {
            Models.unload();
            const composer = createTemporaryObject(composerComponent, root);
            const input = findChild(composer, "composerInput");
            verify(!input.enabled);
            verify(input.placeholderText.indexOf("model") >= 0, input.placeholderText);
            verify(!findChild(composer, "sendButton").enabled);
        }

        function test_ctrlEnterSends() {
            Models.openPath(testModelPath);
            tryCompare(Models, "state", "ready", 120000);
            Chat.newConversation();
            const composer = createTemporaryObject(composerComponent, root);
            const input = findChild(composer, "composerInput");
            verify(input.enabled);
            input.forceActiveFocus();
            verify(input.activeFocus);
            for (const key of "Once")
                keyClick(key);
            compare(input.text, "Once");
            // A plain Return is a new line, not a send.
            keyClick(Qt.Key_Return);
            compare(Chat.messages.rowCount(), 0);
            keyClick(Qt.Key_Return, Qt.ControlModifier);
            compare(input.text, "");
            tryVerify(() => Chat.messages.rowCount() >= 2, 10000, "the message and its reply are listed");
            // stories260K never ends a chat reply by itself: it would run until the context is full.
            Chat.stop();
            tryCompare(Chat, "generating", false, 120000);
        }
    }
}
