import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Glassbox 1.0
import "Markdown.js" as Markdown
import "Format.js" as Format

// One message of the chat: the user's on the right, the assistant's on the left, with the branch
// switcher, the reply's stats and the actions (copy, regenerate, edit, delete).
Item {
    id: bubble

    required property int index
    required property string role
    required property string text
    required property bool streaming
    required property int branchIndex
    required property int branchCount
    required property var stats
    property Item conversationView

    readonly property bool isUser: role === "user"
    readonly property bool isLastReply: !isUser && ListView.view !== null && index === ListView.view.count - 1
    readonly property real contentWidth: Math.min(width - 32, 900)
    property bool editing: false

    // Markdown is parsed once the reply is complete; while tokens stream in, the text is shown plain,
    // so each token costs a plain-text relayout rather than a markdown parse.
    readonly property var segments: streaming || isUser ? [] : Markdown.split(text)

    implicitHeight: column.implicitHeight

    Binding {
        target: bubble.conversationView
        property: "replyTokens"
        value: bubble.stats && bubble.stats.generatedTokens ? bubble.stats.generatedTokens : 0
        when: bubble.isLastReply && bubble.conversationView !== null
        restoreMode: Binding.RestoreBindingOrValue
    }

    HoverHandler {
        id: hover
    }

    // The unwrapped width of the user's text, so that a short message gets a snug bubble.
    TextMetrics {
        id: naturalWidth
        font: plain.font
        text: bubble.isUser ? bubble.text : ""
    }

    ColumnLayout {
        id: column
        x: (bubble.width - bubble.contentWidth) / 2
        width: bubble.contentWidth
        spacing: 4

        Label {
            Layout.alignment: bubble.isUser ? Qt.AlignRight : Qt.AlignLeft
            text: bubble.isUser ? qsTr("You") : (bubble.streaming ? qsTr("Assistant · writing…") : qsTr("Assistant"))
            font.pixelSize: 11
            font.weight: Font.Medium
            color: bubble.Material.hintTextColor
        }

        Pane {
            id: body
            Layout.alignment: bubble.isUser ? Qt.AlignRight : Qt.AlignLeft
            Layout.preferredWidth: bubble.editing || !bubble.isUser
                                   ? bubble.contentWidth
                                   : Math.min(Math.ceil(naturalWidth.advanceWidth) + 2 + leftPadding + rightPadding, bubble.contentWidth * 0.8)
            padding: 12
            background: Rectangle {
                radius: 10
                color: bubble.isUser ? Qt.rgba(bubble.Material.accent.r, bubble.Material.accent.g, bubble.Material.accent.b, 0.16)
                                     : (bubble.Material.theme === Material.Dark ? Qt.rgba(1, 1, 1, 0.05) : Qt.rgba(0, 0, 0, 0.035))
            }

            ColumnLayout {
                width: parent.width
                spacing: 8

                // The user's text, and a reply while it streams: plain and selectable.
                TextEdit {
                    id: plain
                    objectName: "plainText"
                    Layout.fillWidth: true
                    visible: !bubble.editing && (bubble.isUser || bubble.streaming)
                    text: visible ? bubble.text : ""
                    textFormat: TextEdit.PlainText
                    wrapMode: TextEdit.Wrap
                    readOnly: true
                    selectByMouse: true
                    color: bubble.Material.foreground
                    selectionColor: bubble.Material.accent
                    font.pixelSize: 14
                    Accessible.name: bubble.isUser ? qsTr("Your message") : qsTr("Reply being written")
                    Accessible.role: Accessible.StaticText
                }

                Repeater {
                    model: bubble.editing ? [] : bubble.segments
                    delegate: Loader {
                        required property var modelData
                        Layout.fillWidth: true
                        sourceComponent: modelData.kind === "code" ? codeSegment : proseSegment
                        // The array model is replaced as a whole, so each segment is set once.
                        onLoaded: {
                            item.text = modelData.text;
                            if (modelData.kind === "code")
                                item.language = modelData.lang;
                        }
                    }
                }

                TextArea {
                    id: editor
                    objectName: "messageEditor"
                    Layout.fillWidth: true
                    visible: bubble.editing
                    wrapMode: TextArea.Wrap
                    selectByMouse: true
                    Accessible.name: qsTr("Edit your message")
                    Keys.onPressed: event => {
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && (event.modifiers & Qt.ControlModifier)) {
                            saveEdit.clicked();
                            event.accepted = true;
                        } else if (event.key === Qt.Key_Escape) {
                            bubble.editing = false;
                            event.accepted = true;
                        }
                    }
                }
                RowLayout {
                    visible: bubble.editing
                    Layout.alignment: Qt.AlignRight
                    Button {
                        text: qsTr("Cancel")
                        flat: true
                        onClicked: bubble.editing = false
                        Accessible.name: qsTr("Cancel editing")
                    }
                    Button {
                        id: saveEdit
                        objectName: "saveEditButton"
                        text: qsTr("Save and send")
                        highlighted: true
                        enabled: editor.text.trim().length > 0 && !Chat.generating
                        onClicked: {
                            bubble.editing = false;
                            Chat.editMessage(bubble.index, editor.text);
                        }
                        Accessible.name: qsTr("Save the edit and send it as a new branch")
                    }
                }
            }
        }

        RowLayout {
            Layout.alignment: bubble.isUser ? Qt.AlignRight : Qt.AlignLeft
            // Only the reply's stats line may stretch the row; otherwise the buttons would spread out.
            Layout.fillWidth: statsLine.visible
            spacing: 2
            visible: !bubble.editing
            opacity: hover.hovered || bubble.isLastReply ? 1 : 0.55

            // "‹ 2/3 ›" between the alternatives of this message.
            RowLayout {
                visible: bubble.branchCount > 1
                spacing: 0
                SmallButton {
                    objectName: "previousBranchButton"
                    text: "‹"
                    enabled: bubble.branchIndex > 0 && !Chat.generating
                    onClicked: Chat.switchBranch(bubble.index, -1)
                    Accessible.name: qsTr("Previous version")
                }
                Label {
                    objectName: "branchLabel"
                    text: (bubble.branchIndex + 1) + "/" + bubble.branchCount
                    font.pixelSize: 12
                    color: bubble.Material.hintTextColor
                }
                SmallButton {
                    objectName: "nextBranchButton"
                    text: "›"
                    enabled: bubble.branchIndex < bubble.branchCount - 1 && !Chat.generating
                    onClicked: Chat.switchBranch(bubble.index, 1)
                    Accessible.name: qsTr("Next version")
                }
            }
            SmallButton {
                text: qsTr("Copy")
                enabled: bubble.text.length > 0
                onClicked: Chat.copyMessage(bubble.index)
                Accessible.name: qsTr("Copy the message")
            }
            SmallButton {
                objectName: "editButton"
                visible: bubble.isUser
                text: qsTr("Edit")
                enabled: !Chat.generating
                onClicked: {
                    editor.text = bubble.text;
                    bubble.editing = true;
                    editor.forceActiveFocus();
                }
                Accessible.name: qsTr("Edit the message")
            }
            SmallButton {
                objectName: "regenerateButton"
                visible: bubble.isLastReply
                text: qsTr("Regenerate")
                enabled: !Chat.generating && Models.state === "ready"
                onClicked: Chat.regenerate()
                Accessible.name: qsTr("Regenerate the reply")
            }
            SmallButton {
                text: qsTr("Delete")
                enabled: !Chat.generating
                onClicked: Chat.deleteMessage(bubble.index)
                Accessible.name: qsTr("Delete the message")
            }
            Label {
                id: statsLine
                objectName: bubble.isUser ? "" : "replyStats"
                Layout.leftMargin: 8
                Layout.fillWidth: true
                visible: !bubble.isUser && !bubble.streaming && text.length > 0
                text: Format.stats(bubble.stats)
                elide: Label.ElideRight
                font.pixelSize: 11
                color: bubble.Material.hintTextColor
            }
        }
    }

    component SmallButton: ToolButton {
        font.pixelSize: 12
        font.capitalization: Font.MixedCase
        implicitHeight: 28
        leftPadding: 8
        rightPadding: 8
        ToolTip.visible: hovered && Accessible.name !== text
        ToolTip.delay: 800
        ToolTip.text: Accessible.name
    }

    Component {
        id: proseSegment
        TextEdit {
            objectName: "replyText"
            textFormat: TextEdit.MarkdownText
            wrapMode: TextEdit.Wrap
            readOnly: true
            selectByMouse: true
            color: bubble.Material.foreground
            selectionColor: bubble.Material.accent
            font.pixelSize: 14
            onLinkActivated: link => Qt.openUrlExternally(link)
            Accessible.name: qsTr("Reply text")
            Accessible.role: Accessible.StaticText
        }
    }

    Component {
        id: codeSegment
        CodeBlock {}
    }
}
