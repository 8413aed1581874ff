import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Glassbox 1.0

// A fenced code block of a reply: monospace, scrollable sideways, with its language and a copy button.
Pane {
    id: block

    property string text
    property string language

    padding: 0
    background: Rectangle {
        radius: 6
        color: block.Material.theme === Material.Dark ? "#1b1d1f" : "#f6f8fa"
        border.color: block.Material.dividerColor
    }

    ColumnLayout {
        width: parent.width
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 10
            Layout.rightMargin: 2
            Label {
                Layout.fillWidth: true
                text: block.language.length > 0 ? block.language : qsTr("code")
                font.pixelSize: 11
                color: block.Material.hintTextColor
            }
            ToolButton {
                id: copyButton
                property bool copied: false
                text: copied ? qsTr("Copied") : qsTr("Copy")
                font.pixelSize: 11
                font.capitalization: Font.MixedCase
                implicitHeight: 26
                onClicked: {
                    Chat.copyText(block.text);
                    copied = true;
                    copiedReset.restart();
                }
                Accessible.name: qsTr("Copy the code")
                Timer {
                    id: copiedReset
                    interval: 1500
                    onTriggered: copyButton.copied = false
                }
            }
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 1
            color: block.Material.dividerColor
        }
        Flickable {
            id: scroller
            Layout.fillWidth: true
            implicitHeight: code.implicitHeight + 16
            contentWidth: code.implicitWidth + 20
            contentHeight: implicitHeight
            flickableDirection: Flickable.HorizontalFlick
            boundsBehavior: Flickable.StopAtBounds
            clip: true
            ScrollBar.horizontal: ScrollBar { policy: scroller.contentWidth > scroller.width ? ScrollBar.AsNeeded : ScrollBar.AlwaysOff }

            TextEdit {
                id: code
                x: 10
                y: 8
                text: block.text
                textFormat: TextEdit.PlainText
                readOnly: true
                selectByMouse: true
                font.family: "monospace"
                font.pixelSize: 13
                color: block.Material.foreground
                selectionColor: block.Material.accent
                Accessible.name: qsTr("Code")
                Accessible.role: Accessible.StaticText
            }
        }
    }
}
