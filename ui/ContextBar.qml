import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts

// How much of the context window the conversation fills: system prompt, history and the reply.
ColumnLayout {
    id: bar

    property int systemTokens: 0
    property int usedTokens: 0
    property int replyTokens: 0
    property int contextSize: 0

    readonly property int historyTokens: Math.max(0, usedTokens - systemTokens - replyTokens)
    readonly property real fraction: contextSize > 0 ? Math.min(1, usedTokens / contextSize) : 0
    readonly property color systemColor: Material.color(Material.DeepPurple, Material.Shade300)
    readonly property color historyColor: Material.color(Material.BlueGrey, Material.Shade400)
    readonly property color replyColor: Material.accent
    readonly property color warningColor: Material.color(fraction > 0.95 ? Material.Red : Material.Orange)

    spacing: 3
    Accessible.role: Accessible.ProgressBar
    Accessible.name: qsTr("Context: %1 of %2 tokens used").arg(usedTokens).arg(contextSize)

    RowLayout {
        Layout.fillWidth: true
        spacing: 12

        component Legend: RowLayout {
            property color swatch
            property alias label: text.text
            spacing: 4
            Rectangle { width: 8; height: 8; radius: 2; color: parent.swatch }
            Label { id: text; font.pixelSize: 11; color: Material.hintTextColor }
        }

        Legend { swatch: bar.systemColor; label: qsTr("system %1").arg(bar.systemTokens) }
        Legend { swatch: bar.historyColor; label: qsTr("history %1").arg(bar.historyTokens) }
        Legend { swatch: bar.replyColor; label: qsTr("reply %1").arg(bar.replyTokens) }
        Item { Layout.fillWidth: true }
        Label {
            font.pixelSize: 11
            color: bar.fraction > 0.8 ? bar.warningColor : bar.Material.hintTextColor
            text: bar.contextSize > 0 ? qsTr("%1 / %2 tokens · %3%").arg(bar.usedTokens.toLocaleString(Qt.locale(), 'f', 0))
                                                                    .arg(bar.contextSize.toLocaleString(Qt.locale(), 'f', 0))
                                                                    .arg(Math.round(bar.fraction * 100))
                                      : qsTr("no context yet")
        }
    }

    Rectangle {
        id: track
        Layout.fillWidth: true
        implicitHeight: 6
        radius: 3
        clip: true
        color: bar.Material.theme === Material.Dark ? Qt.rgba(1, 1, 1, 0.1) : Qt.rgba(0, 0, 0, 0.08)

        // Three fixed segments rather than a Repeater over an array: a new array each token would
        // destroy and re-create the delegates while a reply streams.
        Row {
            height: parent.height
            Segment { tokens: bar.systemTokens; color: bar.systemColor }
            Segment { tokens: bar.historyTokens; color: bar.historyColor }
            Segment { tokens: bar.replyTokens; color: bar.replyColor }
        }
    }

    component Segment: Rectangle {
        property int tokens
        height: track.height
        width: bar.contextSize > 0 ? track.width * Math.min(1, tokens / bar.contextSize) : 0
    }
}
