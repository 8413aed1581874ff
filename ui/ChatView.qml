import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Glassbox 1.0

// The current conversation: system prompt, context usage, the messages and the composer.
Pane {
    id: chatView
    padding: 0

    signal openModelRequested()

    // Tokens of the reply at the end of the list (set by that message's bubble), for the context bar.
    property int replyTokens: 0

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        SystemPromptEditor {
            Layout.fillWidth: true
            Layout.maximumWidth: 900
            Layout.alignment: Qt.AlignHCenter
            Layout.leftMargin: 16
            Layout.rightMargin: 16
            Layout.topMargin: 8
        }

        ContextBar {
            Layout.fillWidth: true
            Layout.maximumWidth: 900
            Layout.alignment: Qt.AlignHCenter
            Layout.leftMargin: 16
            Layout.rightMargin: 16
            Layout.topMargin: 6
            Layout.bottomMargin: 4
            systemTokens: Chat.systemPromptTokens
            usedTokens: Chat.contextUsed
            replyTokens: chatView.replyTokens
            contextSize: Chat.contextSize
        }

        Label {
            objectName: "contextNotice"
            Layout.fillWidth: true
            Layout.maximumWidth: 900
            Layout.alignment: Qt.AlignHCenter
            Layout.leftMargin: 16
            Layout.rightMargin: 16
            visible: text.length > 0
            text: Chat.contextNotice || ""
            wrapMode: Label.Wrap
            font.pixelSize: 11
            color: chatView.Material.color(Material.Orange)
        }

        ListView {
            id: messages
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Chat.messages
            spacing: 14
            topMargin: 12
            bottomMargin: 12
            boundsBehavior: Flickable.StopAtBounds
            Accessible.name: qsTr("Messages")
            ScrollBar.vertical: ScrollBar {
                onPressedChanged: if (!pressed) messages.followEnd = messages.atYEnd
            }

            // Follows the end while the user has not scrolled away from it.
            property bool followEnd: true
            onMovementEnded: followEnd = atYEnd
            onContentHeightChanged: if (followEnd) Qt.callLater(positionViewAtEnd)
            onCountChanged: {
                followEnd = true;
                Qt.callLater(positionViewAtEnd);
            }

            delegate: MessageBubble {
                width: ListView.view.width
                conversationView: chatView
            }

            ColumnLayout {
                anchors.centerIn: parent
                width: Math.min(parent.width - 48, 520)
                visible: messages.count === 0
                spacing: 12

                Label {
                    Layout.fillWidth: true
                    horizontalAlignment: Label.AlignHCenter
                    text: Models.state === "ready" ? qsTr("Start a conversation") : qsTr("No model loaded")
                    font.pixelSize: 22
                    font.weight: Font.Medium
                }
                Label {
                    Layout.fillWidth: true
                    horizontalAlignment: Label.AlignHCenter
                    wrapMode: Label.Wrap
                    color: chatView.Material.hintTextColor
                    text: Models.state === "ready"
                          ? qsTr("Type a message below and press Ctrl+Enter. %1 is ready.").arg(Models.modelName)
                          : Models.state === "loading" ? qsTr("The model is loading…")
                          : qsTr("Open a GGUF model with Ctrl+O, or drop a .gguf file onto the window.")
                }
                Button {
                    Layout.alignment: Qt.AlignHCenter
                    visible: Models.state === "empty" || Models.state === "error"
                    text: qsTr("Open model…")
                    highlighted: true
                    onClicked: chatView.openModelRequested()
                    Accessible.name: qsTr("Open a model file")
                }
            }
        }

        // The last error, plainly, until the next one or until dismissed.
        Pane {
            id: errorBanner
            property string dismissed
            Layout.fillWidth: true
            Layout.maximumWidth: 900
            Layout.alignment: Qt.AlignHCenter
            Layout.leftMargin: 16
            Layout.rightMargin: 16
            visible: Chat.lastError.length > 0 && Chat.lastError !== dismissed
            padding: 8
            background: Rectangle {
                radius: 6
                color: Qt.rgba(0.9, 0.2, 0.2, 0.14)
                border.color: errorBanner.Material.color(Material.Red)
            }
            RowLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    text: Chat.lastError
                    wrapMode: Label.Wrap
                    color: errorBanner.Material.foreground
                }
                ToolButton {
                    text: "✕"
                    onClicked: errorBanner.dismissed = Chat.lastError
                    Accessible.name: qsTr("Dismiss the error")
                }
            }
        }

        Composer {
            Layout.fillWidth: true
            Layout.maximumWidth: 900
            Layout.alignment: Qt.AlignHCenter
            Layout.leftMargin: 16
            Layout.rightMargin: 16
            Layout.topMargin: 6
            Layout.bottomMargin: 12
        }
    }
}
