import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import QtQuick.Dialogs
import Glassbox 1.0
import "Format.js" as Format

// Application settings: compute device, KV cache type, default context size, CPU threads and
// folders. Each change applies at once (device, KV cache and context size when the next model is loaded).
Dialog {
    id: dialog

    title: qsTr("Settings")
    modal: true
    width: 520
    standardButtons: Dialog.Close
    parent: Overlay.overlay

    function folderPath(url) {
        const text = decodeURIComponent(url.toString());
        return text.startsWith("file://") ? text.substring(7) : text;
    }

    GridLayout {
        width: parent.width
        columns: 2
        columnSpacing: 14
        rowSpacing: 10

        Label { text: qsTr("Device") }
        ComboBox {
            objectName: "deviceBox"
            Layout.fillWidth: true
            model: Settings.devices
            currentIndex: Settings.device
            onActivated: index => Settings.device = index
            Accessible.name: qsTr("Compute device")
        }

        Label { text: qsTr("KV cache") }
        ComboBox {
            objectName: "kvCacheBox"
            Layout.fillWidth: true
            model: ["F16", "Q8_0"]
            currentIndex: Math.max(0, model.indexOf(Settings.kvCache))
            onActivated: index => Settings.kvCache = model[index]
            ToolTip.visible: hovered
            ToolTip.text: qsTr("How keys and values of past tokens are kept: F16, or Q8_0 in about half the memory for a slightly less exact model (heads of 32, 64, … values)")
            Accessible.name: qsTr("KV cache type")
        }

        Label { text: qsTr("Context size") }
        SpinBox {
            Layout.fillWidth: true
            from: 0
            to: 131072
            stepSize: 512
            editable: true
            value: Settings.contextSize
            textFromValue: (value, locale) => value === 0 ? qsTr("as trained") : Number(value).toLocaleString(locale, 'f', 0)
            valueFromText: (text, locale) => text === qsTr("as trained") ? 0 : Number.fromLocaleString(locale, text)
            onValueModified: Settings.contextSize = value
            Accessible.name: qsTr("Default context size in tokens")
        }

        Label { text: qsTr("CPU threads") }
        SpinBox {
            Layout.fillWidth: true
            from: 0
            to: 256
            editable: true
            value: Settings.threads
            textFromValue: (value, locale) => value === 0 ? qsTr("automatic") : Number(value).toLocaleString(locale, 'f', 0)
            valueFromText: (text, locale) => text === qsTr("automatic") ? 0 : Number.fromLocaleString(locale, text)
            onValueModified: Settings.threads = value
            Accessible.name: qsTr("CPU threads")
        }

        Label { text: qsTr("Model folder") }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                Layout.fillWidth: true
                text: Settings.modelFolder
                selectByMouse: true
                onEditingFinished: Settings.modelFolder = text
                Accessible.name: qsTr("Model folder")
            }
            Button {
                text: qsTr("Browse…")
                onClicked: {
                    folderDialog.target = "modelFolder";
                    folderDialog.currentFolder = Format.fileUrl(Settings.modelFolder);
                    folderDialog.open();
                }
                Accessible.name: qsTr("Choose the model folder")
            }
        }

        Label { text: qsTr("Data folder") }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                Layout.fillWidth: true
                text: Settings.dataFolder
                selectByMouse: true
                onEditingFinished: Settings.dataFolder = text
                Accessible.name: qsTr("Data folder")
            }
            Button {
                text: qsTr("Browse…")
                onClicked: {
                    folderDialog.target = "dataFolder";
                    folderDialog.currentFolder = Format.fileUrl(Settings.dataFolder);
                    folderDialog.open();
                }
                Accessible.name: qsTr("Choose the data folder")
            }
        }

        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            wrapMode: Label.Wrap
            font.pixelSize: 11
            color: dialog.Material.hintTextColor
            text: qsTr("The device, KV cache and context size take effect when a model is next loaded. Conversations are stored in the data folder.")
        }
    }

    FolderDialog {
        id: folderDialog
        property string target
        onAccepted: Settings[target] = dialog.folderPath(selectedFolder)
    }
}
