import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import QtQuick.Dialogs
import QtCore
import Glassbox 1.0
import "Format.js" as Format

// The conversations: a new-chat button, a search field and the list, each row with a menu to rename,
// export or delete it.
Pane {
    id: sidebar
    padding: 0
    Material.elevation: 0
    // A shade apart from the chat, so the two areas read as separate surfaces.
    background: Rectangle {
        color: sidebar.Material.theme === Material.Dark ? "#262829" : "#f3f4f6"
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 10
        spacing: 8

        Button {
            objectName: "newChatButton"
            text: qsTr("New chat")
            highlighted: true
            Layout.fillWidth: true
            onClicked: Chat.newConversation()
            Accessible.name: qsTr("New chat")
            ToolTip.visible: hovered
            ToolTip.delay: 600
            ToolTip.text: qsTr("Start a new conversation (Ctrl+N)")
        }

        TextField {
            id: searchField
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search conversations")
            text: Chat.search
            selectByMouse: true
            onTextEdited: Chat.search = text
            Accessible.name: qsTr("Search conversations")
        }

        ListView {
            id: list
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Chat.conversations
            spacing: 2
            ScrollBar.vertical: ScrollBar {}
            Accessible.name: qsTr("Conversations")

            delegate: ItemDelegate {
                id: row
                objectName: "conversationRow"
                required property var conversationId
                required property string title
                required property var updatedAt
                required property string modelName

                width: ListView.view.width
                highlighted: conversationId === Chat.currentConversationId
                leftPadding: 10
                rightPadding: 4
                onClicked: Chat.selectConversation(conversationId)
                Accessible.name: title.length > 0 ? title : qsTr("Untitled conversation")

                contentItem: RowLayout {
                    spacing: 4
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 0
                        Label {
                            Layout.fillWidth: true
                            text: row.title.length > 0 ? row.title : qsTr("Untitled conversation")
                            elide: Label.ElideRight
                            font.weight: row.highlighted ? Font.Medium : Font.Normal
                        }
                        Label {
                            Layout.fillWidth: true
                            text: [Format.date(row.updatedAt), row.modelName].filter(part => part.length > 0).join("  ·  ")
                            visible: text.length > 0
                            elide: Label.ElideRight
                            font.pixelSize: 11
                            color: row.Material.hintTextColor
                        }
                    }
                    ToolButton {
                        objectName: "conversationActions"
                        text: "⋯"
                        Layout.preferredWidth: 32
                        opacity: row.hovered || row.highlighted || menu.visible ? 1 : 0
                        onClicked: menu.popup()
                        Accessible.name: qsTr("Actions for %1").arg(row.Accessible.name)

                        Menu {
                            id: menu
                            MenuItem {
                                objectName: "renameAction"
                                text: qsTr("Rename…")
                                Accessible.name: text
                                onTriggered: renameDialog.ask(row.conversationId, row.title)
                            }
                            MenuItem {
                                objectName: "exportMarkdownAction"
                                text: qsTr("Export as Markdown…")
                                Accessible.name: text
                                onTriggered: exportDialog.ask(row.conversationId, row.title, "markdown")
                            }
                            MenuItem {
                                objectName: "exportJsonAction"
                                text: qsTr("Export as JSON…")
                                Accessible.name: text
                                onTriggered: exportDialog.ask(row.conversationId, row.title, "json")
                            }
                            MenuSeparator {}
                            MenuItem {
                                objectName: "deleteAction"
                                text: qsTr("Delete…")
                                Accessible.name: text
                                onTriggered: deleteDialog.ask(row.conversationId, row.title)
                            }
                        }
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                width: parent.width - 24
                visible: list.count === 0
                horizontalAlignment: Label.AlignHCenter
                wrapMode: Label.Wrap
                color: sidebar.Material.hintTextColor
                text: Chat.search.length > 0 ? qsTr("No conversation matches “%1”.").arg(Chat.search)
                                             : qsTr("No conversations yet.")
            }
        }
    }

    Dialog {
        id: renameDialog
        objectName: "renameDialog"
        property var conversationId: -1
        function ask(id, title) {
            conversationId = id;
            nameField.text = title;
            open();
            nameField.selectAll();
            nameField.forceActiveFocus();
        }
        parent: Overlay.overlay
        anchors.centerIn: parent
        width: 380
        modal: true
        title: qsTr("Rename conversation")
        standardButtons: Dialog.Ok | Dialog.Cancel
        onAccepted: Chat.renameConversation(conversationId, nameField.text.trim())

        TextField {
            id: nameField
            objectName: "renameField"
            width: parent.width
            selectByMouse: true
            Accessible.name: qsTr("Conversation title")
            onAccepted: renameDialog.accept()
        }
    }

    Dialog {
        id: deleteDialog
        objectName: "deleteDialog"
        property var conversationId: -1
        property string conversationTitle
        function ask(id, title) {
            conversationId = id;
            conversationTitle = title;
            open();
        }
        parent: Overlay.overlay
        anchors.centerIn: parent
        width: 380
        modal: true
        title: qsTr("Delete conversation")
        standardButtons: Dialog.Yes | Dialog.No
        onAccepted: Chat.deleteConversation(conversationId)

        Label {
            width: parent.width
            wrapMode: Label.Wrap
            text: qsTr("Delete “%1” and all its messages? This cannot be undone.")
                  .arg(deleteDialog.conversationTitle.length > 0 ? deleteDialog.conversationTitle : qsTr("Untitled conversation"))
        }
    }

    FileDialog {
        id: exportDialog
        objectName: "exportDialog"
        property var conversationId: -1
        property string format: "markdown"
        function ask(id, title, exportFormat) {
            conversationId = id;
            format = exportFormat;
            const suffix = exportFormat === "json" ? ".json" : ".md";
            const base = (title.length > 0 ? title : "conversation").replace(/[\/\\:*?"<>|]/g, "_");
            if (currentFolder.toString().length === 0)
                currentFolder = StandardPaths.writableLocation(StandardPaths.DocumentsLocation);
            selectedFile = currentFolder + "/" + encodeURIComponent(base + suffix);
            open();
        }
        title: qsTr("Export conversation")
        fileMode: FileDialog.SaveFile
        nameFilters: format === "json" ? [qsTr("JSON (*.json)")] : [qsTr("Markdown (*.md)")]
        onAccepted: {
            if (!Chat.exportConversation(conversationId, selectedFile, format))
                exportFailed.open();
        }
    }

    Dialog {
        id: exportFailed
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        title: qsTr("Export failed")
        standardButtons: Dialog.Ok
        Label {
            text: Chat.lastError.length > 0 ? Chat.lastError : qsTr("The conversation could not be written to that file.")
            wrapMode: Label.Wrap
        }
    }
}
