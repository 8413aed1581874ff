import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Glassbox 1.0

// Where the user writes: Ctrl+Enter sends, Esc stops; disabled, with a hint, until a model is loaded.
Pane {
    id: composer

    readonly property bool modelReady: Models.state === "ready"
    readonly property bool canSend: modelReady && !Chat.generating && input.text.trim().length > 0

    function send() {
        if (!canSend)
            return;
        Chat.send(input.text.trim());
        input.clear();
    }

    padding: 6
    background: Rectangle {
        radius: 10
        color: composer.Material.theme === Material.Dark ? Qt.rgba(1, 1, 1, 0.06) : "#ffffff"
        border.color: input.activeFocus ? composer.Material.accent : composer.Material.dividerColor
        border.width: input.activeFocus ? 2 : 1
    }

    RowLayout {
        anchors.fill: parent
        spacing: 6

        ScrollView {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, 44), 180)
            Layout.alignment: Qt.AlignBottom

            TextArea {
                id: input
                objectName: "composerInput"
                enabled: composer.modelReady
                wrapMode: TextArea.Wrap
                selectByMouse: true
                focus: true
                background: null
                font.pixelSize: 14
                placeholderText: composer.modelReady ? qsTr("Message %1 — Ctrl+Enter to send").arg(Models.modelName)
                               : Models.state === "loading" ? qsTr("Waiting for the model to load…")
                               : qsTr("Load a model to start chatting (Ctrl+O, or drop a .gguf file)")
                Accessible.name: qsTr("Message")
                Accessible.description: placeholderText

                Keys.onPressed: event => {
                    if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && (event.modifiers & Qt.ControlModifier)) {
                        composer.send();
                        event.accepted = true;
                    } else if (event.key === Qt.Key_Escape && Chat.generating) {
                        Chat.stop();
                        event.accepted = true;
                    }
                }
            }
        }

        Button {
            objectName: "sendButton"
            Layout.alignment: Qt.AlignBottom
            text: Chat.generating ? qsTr("Stop") : qsTr("Send")
            highlighted: !Chat.generating
            enabled: Chat.generating || composer.canSend
            onClicked: Chat.generating ? Chat.stop() : composer.send()
            Accessible.name: Chat.generating ? qsTr("Stop generating") : qsTr("Send the message")
            ToolTip.visible: hovered
            ToolTip.delay: 600
            ToolTip.text: Chat.generating ? qsTr("Stop the reply (Esc)") : qsTr("Send (Ctrl+Enter)")
        }
    }
}
