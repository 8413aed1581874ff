import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import QtQuick.Dialogs
import Qt.labs.settings as Labs
import Glassbox 1.0
import "Format.js" as Format

// The window: conversations on the left, the chat in the centre, a dock of panels on the right.
ApplicationWindow {
    id: window

    width: 1280
    height: 820
    minimumWidth: 880
    minimumHeight: 520
    visible: true
    title: Chat.currentTitle.length > 0 ? Chat.currentTitle + " — Glassbox" : "Glassbox"

    // The dock's panels, in tab order; Tokens, Attention and Documents are added here as they arrive.
    readonly property var panels: [
        { title: qsTr("Model"), source: "ModelPanel.qml" },
        { title: qsTr("Sampling"), source: "SamplingPanel.qml" }
    ]

    function openModelDialog() {
        if (Settings.modelFolder.length > 0)
            modelDialog.currentFolder = Format.fileUrl(Settings.modelFolder);
        modelDialog.open();
    }

    function showPanel(title) {
        const index = panels.findIndex(panel => panel.title === title);
        if (index >= 0) {
            layout.dockVisible = true;
            dockTabs.currentIndex = index;
        }
    }

    // The model's state in the tool bar; a click shows the model panel.
    component ModelStatus: ToolButton {
        id: status
        readonly property color dotColor: Models.state === "ready" ? Material.color(Material.Green)
                                        : Models.state === "loading" ? Material.color(Material.Amber)
                                        : Models.state === "error" ? Material.color(Material.Red)
                                        : Material.hintTextColor
        text: Models.state === "ready" ? Models.modelName + "  ·  " + Models.backend.toUpperCase()
            : Models.state === "loading" ? qsTr("Loading model… %1%").arg(Math.round(Models.progress * 100))
            : Models.state === "error" ? qsTr("Model failed to load")
            : qsTr("No model loaded")
        leftPadding: 26
        Accessible.name: qsTr("Model status: %1").arg(text)
        contentItem: Label {
            text: status.text
            elide: Label.ElideMiddle
            verticalAlignment: Label.AlignVCenter
            color: Models.state === "empty" ? status.Material.hintTextColor : status.Material.foreground
        }
        Rectangle {
            x: 12
            anchors.verticalCenter: parent.verticalCenter
            width: 8
            height: 8
            radius: 4
            color: status.dotColor
        }
    }

    Labs.Settings {
        id: layout
        // Next to the app's own settings, so a forced data folder (tests) keeps the user's layout untouched.
        fileName: Settings.dataFolder.length > 0 ? Settings.dataFolder + "/window.ini" : ""
        category: "window"
        property alias x: window.x
        property alias y: window.y
        property alias width: window.width
        property alias height: window.height
        property real sidebarWidth: 260
        property bool sidebarVisible: true
        property real dockWidth: 380
        property bool dockVisible: true
        property int dockTab: 0
    }

    Shortcut {
        sequence: StandardKey.New
        onActivated: Chat.newConversation()
    }
    Shortcut {
        sequence: StandardKey.Open
        onActivated: window.openModelDialog()
    }
    Shortcut {
        sequence: "Esc"
        enabled: Chat.generating
        onActivated: Chat.stop()
    }

    header: ToolBar {
        Material.primary: window.Material.background
        Material.elevation: 0

        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 6
            anchors.rightMargin: 6
            spacing: 4

            ToolButton {
                text: "☰"
                font.pixelSize: 18
                checkable: true
                checked: layout.sidebarVisible
                onToggled: layout.sidebarVisible = checked
                Accessible.name: qsTr("Show conversations")
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Show or hide the conversations")
            }
            Label {
                text: Chat.currentTitle.length > 0 ? Chat.currentTitle : qsTr("Glassbox")
                font.pixelSize: 16
                font.weight: Font.Medium
                elide: Label.ElideRight
                Layout.fillWidth: true
                Layout.leftMargin: 6
            }
            ModelStatus {
                Layout.maximumWidth: 380
                onClicked: window.showPanel(qsTr("Model"))
            }
            ToolButton {
                text: qsTr("Open model…")
                onClicked: window.openModelDialog()
                Accessible.name: qsTr("Open a model file")
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Open a GGUF model (Ctrl+O)")
            }
            ToolButton {
                text: "⚙"
                font.pixelSize: 18
                onClicked: settingsDialog.open()
                Accessible.name: qsTr("Settings")
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Settings: device, context size, threads, folders")
            }
            ToolButton {
                text: "◧"
                font.pixelSize: 18
                checkable: true
                checked: layout.dockVisible
                onToggled: layout.dockVisible = checked
                Accessible.name: qsTr("Show panels")
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Show or hide the model and sampling panels")
            }
        }
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: window.Material.dividerColor
        }
    }

    SplitView {
        id: split
        anchors.fill: parent
        orientation: Qt.Horizontal

        ConversationSidebar {
            id: sidebar
            visible: layout.sidebarVisible
            SplitView.preferredWidth: layout.sidebarWidth
            SplitView.minimumWidth: 200
            SplitView.maximumWidth: 420
            onWidthChanged: if (visible && width > 0) layout.sidebarWidth = width
        }

        ChatView {
            id: chatView
            SplitView.fillWidth: true
            SplitView.minimumWidth: 360
            onOpenModelRequested: window.openModelDialog()
        }

        Pane {
            id: dock
            visible: layout.dockVisible
            padding: 0
            SplitView.preferredWidth: layout.dockWidth
            SplitView.minimumWidth: 320
            SplitView.maximumWidth: 640
            onWidthChanged: if (visible && width > 0) layout.dockWidth = width

            ColumnLayout {
                anchors.fill: parent
                spacing: 0

                TabBar {
                    id: dockTabs
                    objectName: "dockTabs"
                    Layout.fillWidth: true
                    currentIndex: layout.dockTab
                    onCurrentIndexChanged: layout.dockTab = currentIndex

                    Repeater {
                        model: window.panels
                        TabButton {
                            required property var modelData
                            text: modelData.title
                            Accessible.name: qsTr("%1 panel").arg(modelData.title)
                        }
                    }
                }
                StackLayout {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    currentIndex: dockTabs.currentIndex

                    Repeater {
                        model: window.panels
                        Loader {
                            required property var modelData
                            source: modelData.source
                            onLoaded: if (item.openModelRequested) item.openModelRequested.connect(window.openModelDialog)
                        }
                    }
                }
            }
        }
    }

    DropArea {
        id: drop
        objectName: "modelDropArea"
        anchors.fill: parent
        keys: ["text/uri-list"]

        function modelUrl(urls) {
            for (const url of urls) {
                if (url.toString().toLowerCase().endsWith(".gguf"))
                    return url;
            }
            return "";
        }

        onEntered: drag => drag.accepted = modelUrl(drag.urls) !== ""
        onDropped: drop => {
            const url = modelUrl(drop.urls);
            if (url !== "") {
                Models.open(url);
                window.showPanel(qsTr("Model"));
                drop.accept();
            }
        }

        Rectangle {
            anchors.fill: parent
            anchors.margins: 12
            visible: drop.containsDrag
            radius: 12
            color: Qt.rgba(window.Material.accent.r, window.Material.accent.g, window.Material.accent.b, 0.12)
            border.color: window.Material.accent
            border.width: 2

            Label {
                anchors.centerIn: parent
                text: qsTr("Drop the .gguf file to open the model")
                font.pixelSize: 20
                color: window.Material.accent
            }
        }
    }

    FileDialog {
        id: modelDialog
        objectName: "modelDialog"
        title: qsTr("Open a model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: {
            Models.open(selectedFile);
            window.showPanel(qsTr("Model"));
        }
    }

    SettingsDialog {
        id: settingsDialog
        objectName: "settingsDialog"
        anchors.centerIn: parent
    }
}
