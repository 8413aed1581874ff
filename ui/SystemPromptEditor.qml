import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Glassbox 1.0

// The conversation's system prompt, folded to one line until opened; shows its length in tokens.
ColumnLayout {
    id: editor

    property bool expanded: false

    spacing: 4

    RowLayout {
        Layout.fillWidth: true
        spacing: 6

        ToolButton {
            objectName: "systemPromptToggle"
            text: (editor.expanded ? "▾  " : "▸  ") + qsTr("System prompt")
            font.pixelSize: 12
            implicitHeight: 30
            onClicked: editor.expanded = !editor.expanded
            Accessible.name: editor.expanded ? qsTr("Hide the system prompt") : qsTr("Show the system prompt")
        }
        Label {
            Layout.fillWidth: true
            visible: !editor.expanded
            text: Chat.systemPrompt.length > 0 ? Chat.systemPrompt.replace(/\s+/g, " ") : qsTr("none")
            elide: Label.ElideRight
            font.pixelSize: 12
            font.italic: Chat.systemPrompt.length === 0
            color: editor.Material.hintTextColor
        }
        Item {
            Layout.fillWidth: true
            visible: editor.expanded
        }
        Label {
            objectName: "systemPromptTokens"
            text: Chat.systemPromptTokens === 1 ? qsTr("1 token") : qsTr("%1 tokens").arg(Chat.systemPromptTokens)
            font.pixelSize: 11
            color: editor.Material.hintTextColor
        }
    }

    ScrollView {
        Layout.fillWidth: true
        Layout.preferredHeight: Math.min(Math.max(prompt.implicitHeight, 60), 160)
        visible: editor.expanded

        TextArea {
            id: prompt
            objectName: "systemPromptInput"
            text: Chat.systemPrompt
            wrapMode: TextArea.Wrap
            selectByMouse: true
            font.pixelSize: 13
            placeholderText: qsTr("Instructions the model sees before the conversation, e.g. “You are a concise assistant.”")
            Accessible.name: qsTr("System prompt")
            // Written back after a pause in typing, so the token count is not redone on every key.
            onTextChanged: if (activeFocus) commit.restart()
            onEditingFinished: commit.triggered()

            Timer {
                id: commit
                interval: 400
                onTriggered: if (Chat.systemPrompt !== prompt.text) Chat.systemPrompt = prompt.text
            }
        }
    }
}
