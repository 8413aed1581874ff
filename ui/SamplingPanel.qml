import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Glassbox 1.0

// Every Sampling setting, grouped by what it does; each control's tooltip explains it. Changes apply
// from the next reply on.
ScrollView {
    id: panel

    contentWidth: availableWidth
    clip: true

    component SectionTitle: Label {
        Layout.fillWidth: true
        Layout.topMargin: 12
        font.pixelSize: 12
        font.weight: Font.DemiBold
        font.capitalization: Font.AllUppercase
        color: Material.hintTextColor
    }

    ColumnLayout {
        width: panel.availableWidth
        spacing: 0

        ColumnLayout {
            Layout.fillWidth: true
            Layout.margins: 14
            spacing: 6

            RowLayout {
                Layout.fillWidth: true
                SectionTitle {
                    Layout.topMargin: 0
                    text: qsTr("Presets")
                }
                Button {
                    text: qsTr("Reset")
                    flat: true
                    font.capitalization: Font.MixedCase
                    implicitHeight: 32
                    onClicked: Sampling.reset()
                    Accessible.name: qsTr("Reset sampling to the defaults")
                }
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 4
                Repeater {
                    model: Sampling.presets
                    Button {
                        required property string modelData
                        objectName: "preset" + modelData
                        Layout.fillWidth: true
                        text: modelData
                        highlighted: Sampling.preset === modelData
                        font.capitalization: Font.MixedCase
                        leftPadding: 4
                        rightPadding: 4
                        onClicked: Sampling.applyPreset(modelData)
                        Accessible.name: qsTr("%1 preset").arg(modelData)
                    }
                }
            }
            Label {
                Layout.fillWidth: true
                text: Sampling.preset.length > 0 ? qsTr("Using the %1 preset. Changes apply from the next reply.").arg(Sampling.preset)
                                                 : qsTr("Custom settings. Changes apply from the next reply.")
                wrapMode: Label.Wrap
                font.pixelSize: 11
                color: panel.Material.hintTextColor
            }

            SectionTitle { text: qsTr("Randomness") }
            ParameterSlider {
                Layout.fillWidth: true
                name: "temperature"
                label: qsTr("Temperature")
                to: 2
                stepSize: 0.05
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                Label {
                    text: qsTr("Seed")
                    font.pixelSize: 13
                }
                SpinBox {
                    objectName: "seedSpin"
                    Layout.fillWidth: true
                    from: 0
                    to: 2147483647
                    editable: true
                    enabled: Sampling.fixedSeed
                    value: Sampling.seed
                    onValueModified: Sampling.seed = value
                    Accessible.name: qsTr("Seed")
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: Sampling.explanation("seed")
                }
                Switch {
                    objectName: "fixedSeedSwitch"
                    text: qsTr("Fixed")
                    checked: Sampling.fixedSeed
                    onToggled: Sampling.fixedSeed = checked
                    Accessible.name: qsTr("Fixed seed")
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: Sampling.explanation("fixedSeed")
                }
            }

            SectionTitle { text: qsTr("Truncation") }
            ParameterSlider {
                Layout.fillWidth: true
                name: "topK"
                label: qsTr("Top-k")
                to: 200
                stepSize: 1
                integer: true
                offValue: 0
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "topP"
                label: qsTr("Top-p")
                offValue: 1
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "minP"
                label: qsTr("Min-p")
                offValue: 0
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "typicalP"
                label: qsTr("Typical-p")
                offValue: 1
            }

            SectionTitle { text: qsTr("Repetition") }
            ParameterSlider {
                Layout.fillWidth: true
                name: "repeatPenalty"
                label: qsTr("Repeat penalty")
                from: 1
                to: 2
                offValue: 1
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "repeatLastN"
                label: qsTr("Penalize last N tokens")
                from: -1
                to: 1024
                stepSize: 1
                integer: true
                offValue: -1
                offText: qsTr("whole context")
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "frequencyPenalty"
                label: qsTr("Frequency penalty")
                to: 2
                offValue: 0
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "presencePenalty"
                label: qsTr("Presence penalty")
                to: 2
                offValue: 0
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "dryMultiplier"
                label: qsTr("DRY multiplier")
                to: 2
                offValue: 0
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "dryBase"
                label: qsTr("DRY base")
                from: 1
                to: 4
                enabled: Sampling.dryMultiplier > 0
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "dryAllowedLength"
                label: qsTr("DRY allowed length")
                to: 20
                stepSize: 1
                integer: true
                enabled: Sampling.dryMultiplier > 0
            }

            SectionTitle { text: qsTr("XTC (exclude top choices)") }
            ParameterSlider {
                Layout.fillWidth: true
                name: "xtcProbability"
                label: qsTr("XTC probability")
                offValue: 0
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "xtcThreshold"
                label: qsTr("XTC threshold")
                to: 0.5
                enabled: Sampling.xtcProbability > 0
            }

            SectionTitle { text: qsTr("Mirostat") }
            Switch {
                objectName: "mirostatSwitch"
                Layout.fillWidth: true
                text: qsTr("Mirostat (target a steady surprise)")
                checked: Sampling.mirostat
                onToggled: Sampling.mirostat = checked
                Accessible.name: qsTr("Mirostat")
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: Sampling.explanation("mirostat")
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "mirostatTau"
                label: qsTr("Mirostat τ (target surprise)")
                to: 10
                stepSize: 0.1
                enabled: Sampling.mirostat
            }
            ParameterSlider {
                Layout.fillWidth: true
                name: "mirostatEta"
                label: qsTr("Mirostat η (learning rate)")
                enabled: Sampling.mirostat
            }

            SectionTitle { text: qsTr("Length") }
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                Label {
                    text: qsTr("Max tokens")
                    font.pixelSize: 13
                }
                SpinBox {
                    objectName: "maxTokensSpin"
                    Layout.fillWidth: true
                    from: 1
                    to: 131072
                    stepSize: 64
                    editable: true
                    enabled: Sampling.maxTokens !== -1
                    value: Sampling.maxTokens === -1 ? 512 : Sampling.maxTokens
                    onValueModified: Sampling.maxTokens = value
                    Accessible.name: qsTr("Maximum tokens per reply")
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: Sampling.explanation("maxTokens")
                }
                Switch {
                    objectName: "unlimitedSwitch"
                    text: qsTr("Unlimited")
                    checked: Sampling.maxTokens === -1
                    onToggled: Sampling.maxTokens = checked ? -1 : 512
                    Accessible.name: qsTr("No limit on reply length")
                }
            }

            Label {
                Layout.topMargin: 4
                text: qsTr("Stop strings")
                font.pixelSize: 13
            }
            Flow {
                Layout.fillWidth: true
                spacing: 6
                visible: Sampling.stopStrings.length > 0
                Repeater {
                    model: Sampling.stopStrings
                    Rectangle {
                        required property string modelData
                        required property int index
                        width: chip.implicitWidth + 8
                        height: 28
                        radius: 14
                        color: panel.Material.theme === Material.Dark ? Qt.rgba(1, 1, 1, 0.1) : Qt.rgba(0, 0, 0, 0.07)
                        RowLayout {
                            id: chip
                            anchors.verticalCenter: parent.verticalCenter
                            x: 10
                            spacing: 0
                            Label {
                                // Quoted, with escapes, so whitespace and newlines are visible.
                                text: JSON.stringify(modelData)
                                font.family: "monospace"
                                font.pixelSize: 12
                            }
                            ToolButton {
                                text: "✕"
                                implicitWidth: 26
                                implicitHeight: 26
                                font.pixelSize: 11
                                onClicked: {
                                    const strings = Sampling.stopStrings.slice();
                                    strings.splice(index, 1);
                                    Sampling.stopStrings = strings;
                                }
                                Accessible.name: qsTr("Remove the stop string %1").arg(modelData)
                            }
                        }
                    }
                }
            }
            TextField {
                objectName: "stopStringInput"
                Layout.fillWidth: true
                placeholderText: qsTr("Add a stop string and press Enter (\\n for a newline)")
                selectByMouse: true
                Accessible.name: qsTr("New stop string")
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: Sampling.explanation("stopStrings")
                onAccepted: {
                    const value = text.replace(/\\n/g, "\n").replace(/\\t/g, "\t");
                    if (value.length > 0 && Sampling.stopStrings.indexOf(value) < 0)
                        Sampling.stopStrings = Sampling.stopStrings.concat([value]);
                    clear();
                }
            }
        }
    }
}
