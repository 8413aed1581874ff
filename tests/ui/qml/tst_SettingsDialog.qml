import QtQuick
import QtQuick.Controls
import QtTest
import Glassbox 1.0
import "qrc:/ui"

// The settings dialog edits the real Settings: devices listed CPU first, the KV cache type.
Item {
    id: root
    width: 700
    height: 700

    Component {
        id: dialogComponent
        SettingsDialog {}
    }

    TestCase {
        name: "SettingsDialog"
        when: windowShown

        function test_deviceAndKvCache() {
            const dialog = createTemporaryObject(dialogComponent, root);
            dialog.open();
            tryCompare(dialog, "opened", true);
            const devices = findChild(dialog.contentItem, "deviceBox");
            compare(devices.model[0], "CPU");
            compare(devices.currentIndex, Settings.device);

            const cache = findChild(dialog.contentItem, "kvCacheBox");
            compare(cache.currentText, "F16");
            cache.activated(1);
            compare(Settings.kvCache, "Q8_0");
            compare(cache.currentText, "Q8_0");
            cache.activated(0);
            compare(Settings.kvCache, "F16");
            dialog.close();
        }
    }
}
