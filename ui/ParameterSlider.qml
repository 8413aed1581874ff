import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Glassbox 1.0

// One numeric Sampling property: its name, its value and a slider; the tooltip explains it.
ColumnLayout {
    id: parameter

    required property string name // the Sampling property
    required property string label
    property real from: 0
    property real to: 1
    property real stepSize: 0.01
    property bool integer: false
    // Shown instead of the number for a value that switches the stage off (e.g. top-k 0).
    property var offValue: undefined
    property string offText: qsTr("off")

    readonly property real value: Sampling[name]
    readonly property int decimals: integer ? 0 : (stepSize < 0.01 ? 3 : 2)

    spacing: 0
    opacity: enabled ? 1 : 0.5

    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: parameter.label
            font.pixelSize: 13
            elide: Label.ElideRight
        }
        Label {
            objectName: parameter.name + "Value"
            text: parameter.offValue !== undefined && parameter.value === parameter.offValue
                  ? parameter.offText : parameter.value.toFixed(parameter.decimals)
            font.pixelSize: 13
            font.family: "monospace"
            color: parameter.Material.accent
        }
    }
    Slider {
        id: slider
        objectName: parameter.name + "Slider"
        Layout.fillWidth: true
        Layout.topMargin: -6
        Layout.bottomMargin: -4
        from: parameter.from
        to: parameter.to
        stepSize: parameter.stepSize
        snapMode: Slider.SnapAlways
        value: parameter.value
        onMoved: Sampling[parameter.name] = parameter.integer ? Math.round(value) : Number(value.toFixed(parameter.decimals))
        Accessible.name: parameter.label
        Accessible.description: Sampling.explanation(parameter.name)
        ToolTip.visible: hovered && !pressed
        ToolTip.delay: 500
        ToolTip.text: Sampling.explanation(parameter.name)
    }
}
