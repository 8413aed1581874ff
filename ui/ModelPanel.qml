import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Glassbox 1.0
import "Format.js" as Format

// The model: what is loaded (its card and whether it fits in memory), loading progress, errors,
// recent models and the catalog of downloadable ones.
ScrollView {
    id: panel

    signal openModelRequested()

    readonly property var card: Models.card
    readonly property bool fits: card.fits === true
    // The context the loaded session really has; Models.contextSize is the request (0: as trained).
    readonly property int sessionContext: Models.sessionContextSize !== undefined ? Models.sessionContextSize : Models.contextSize

    contentWidth: availableWidth
    clip: true

    component SectionTitle: Label {
        Layout.fillWidth: true
        Layout.topMargin: 8
        font.pixelSize: 12
        font.weight: Font.DemiBold
        font.capitalization: Font.AllUppercase
        color: Material.hintTextColor
    }

    component Field: Label {
        Layout.alignment: Qt.AlignTop
        color: Material.hintTextColor
        font.pixelSize: 13
    }

    component Value: Label {
        Layout.fillWidth: true
        wrapMode: Label.WrapAnywhere
        font.pixelSize: 13
    }

    ColumnLayout {
        width: panel.availableWidth
        spacing: 10

        ColumnLayout {
            Layout.fillWidth: true
            Layout.margins: 14
            spacing: 10

            // Nothing loaded.
            ColumnLayout {
                objectName: "emptyState"
                Layout.fillWidth: true
                visible: Models.state === "empty"
                spacing: 8
                Label {
                    Layout.fillWidth: true
                    text: qsTr("No model loaded")
                    font.pixelSize: 18
                    font.weight: Font.Medium
                }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Label.Wrap
                    color: panel.Material.hintTextColor
                    text: qsTr("Open a GGUF file (Ctrl+O), drop one onto the window, pick a recent one or download one from the catalog below.")
                }
                Button {
                    text: qsTr("Open model…")
                    highlighted: true
                    onClicked: panel.openModelRequested()
                    Accessible.name: qsTr("Open a model file")
                }
            }

            // Loading, with its progress and a way out.
            ColumnLayout {
                objectName: "loadingState"
                Layout.fillWidth: true
                visible: Models.state === "loading"
                spacing: 6
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Loading %1…").arg(Format.fileName(Models.modelPath))
                    elide: Label.ElideMiddle
                    font.pixelSize: 15
                }
                ProgressBar {
                    Layout.fillWidth: true
                    value: Models.progress
                    Accessible.name: qsTr("Loading progress")
                }
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        Layout.fillWidth: true
                        text: Math.round(Models.progress * 100) + "%"
                        color: panel.Material.hintTextColor
                    }
                    Button {
                        text: qsTr("Cancel")
                        flat: true
                        onClicked: Models.cancelLoad()
                        Accessible.name: qsTr("Cancel loading the model")
                    }
                }
            }

            // A failed load, in plain words.
            Pane {
                objectName: "errorState"
                Layout.fillWidth: true
                visible: Models.state === "error"
                padding: 10
                background: Rectangle {
                    radius: 6
                    color: Qt.rgba(0.9, 0.2, 0.2, 0.12)
                    border.color: panel.Material.color(Material.Red)
                }
                ColumnLayout {
                    width: parent.width
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("The model could not be loaded")
                        font.weight: Font.Medium
                    }
                    Label {
                        objectName: "errorText"
                        Layout.fillWidth: true
                        text: Models.errorText
                        wrapMode: Label.Wrap
                    }
                    Button {
                        text: qsTr("Open another model…")
                        onClicked: panel.openModelRequested()
                        Accessible.name: qsTr("Open another model file")
                    }
                }
            }

            // The model card.
            ColumnLayout {
                objectName: "modelCard"
                Layout.fillWidth: true
                visible: Models.state === "ready"
                spacing: 6

                Label {
                    objectName: "modelName"
                    Layout.fillWidth: true
                    text: panel.card.name || Models.modelName
                    font.pixelSize: 18
                    font.weight: Font.Medium
                    wrapMode: Label.WrapAnywhere
                }
                Label {
                    Layout.fillWidth: true
                    text: Models.modelPath
                    elide: Label.ElideMiddle
                    font.pixelSize: 11
                    color: panel.Material.hintTextColor
                }

                Label {
                    objectName: "modelNotice"
                    Layout.fillWidth: true
                    visible: text.length > 0
                    text: Models.notice || ""
                    wrapMode: Label.Wrap
                    font.pixelSize: 12
                    color: panel.Material.color(Material.Orange)
                }

                // The verdict first: whether weights and KV cache fit in the device's memory.
                Pane {
                    id: verdict
                    objectName: "memoryVerdict"
                    Layout.fillWidth: true
                    Layout.topMargin: 4
                    padding: 10
                    readonly property color tone: panel.Material.color(panel.fits ? Material.Green : Material.Red)
                    background: Rectangle {
                        radius: 6
                        color: Qt.rgba(verdict.tone.r, verdict.tone.g, verdict.tone.b, 0.12)
                        border.color: verdict.tone
                    }
                    ColumnLayout {
                        width: parent.width
                        spacing: 6
                        Label {
                            objectName: "verdictText"
                            Layout.fillWidth: true
                            text: panel.fits ? qsTr("✓ Fits in memory") : qsTr("✗ Does not fit in memory")
                            font.weight: Font.DemiBold
                            color: verdict.tone
                        }
                        ProgressBar {
                            Layout.fillWidth: true
                            from: 0
                            to: Math.max(1, panel.card.memoryAvailableBytes || 1)
                            value: Math.min(to, panel.card.memoryNeededBytes || 0)
                            Material.accent: verdict.tone
                            Accessible.name: qsTr("Memory needed compared to memory available")
                        }
                        Label {
                            Layout.fillWidth: true
                            wrapMode: Label.Wrap
                            font.pixelSize: 12
                            text: qsTr("Needs %1 (weights + KV cache at %2 tokens) of %3 available on %4")
                                  .arg(Format.bytes(panel.card.memoryNeededBytes))
                                  .arg(panel.sessionContext)
                                  .arg(Format.bytes(panel.card.memoryAvailableBytes))
                                  .arg(Models.backend === "vulkan" ? qsTr("the GPU") : qsTr("the CPU"))
                        }
                    }
                }

                GridLayout {
                    Layout.fillWidth: true
                    Layout.topMargin: 4
                    columns: 2
                    columnSpacing: 14
                    rowSpacing: 4

                    Field { text: qsTr("Architecture") }
                    Value { objectName: "architecture"; text: panel.card.architecture || "—" }
                    Field { text: qsTr("Parameters") }
                    Value { text: Format.count(panel.card.parameters) }
                    Field { text: qsTr("Quantization") }
                    Value { text: panel.card.quantMix || "—" }
                    Field { text: qsTr("Context") }
                    Value { text: qsTr("%1 trained, %2 in use").arg(panel.card.contextTrained || "—").arg(panel.sessionContext) }
                    Field { text: qsTr("Shape") }
                    Value {
                        text: qsTr("%1 layers, %2 heads (%3 KV), %4 wide")
                              .arg(panel.card.layers || "—").arg(panel.card.heads || "—")
                              .arg(panel.card.kvHeads || "—").arg(panel.card.embedding || "—")
                    }
                    Field { text: qsTr("Vocabulary") }
                    Value { text: panel.card.vocab ? panel.card.vocab.toLocaleString(Qt.locale(), 'f', 0) + qsTr(" tokens") : "—" }
                    Field { text: qsTr("Tokenizer") }
                    Value { text: panel.card.tokenizer || "—" }
                    Field { text: qsTr("Chat template") }
                    Value { text: panel.card.chatTemplate || "—" }
                    Field { text: qsTr("Backend") }
                    Value { text: Models.backend === "vulkan" ? qsTr("Vulkan (GPU)") : qsTr("CPU") }
                }

                RowLayout {
                    Layout.fillWidth: true
                    Layout.topMargin: 4
                    Label {
                        text: qsTr("Context size")
                        color: panel.Material.hintTextColor
                    }
                    SpinBox {
                        id: contextSpin
                        Layout.fillWidth: true
                        from: 0
                        to: Math.max(512, panel.card.contextTrained || 131072)
                        stepSize: 512
                        editable: true
                        value: Models.contextSize
                        textFromValue: (value, locale) => value === 0 ? qsTr("as trained") : Number(value).toLocaleString(locale, 'f', 0)
                        valueFromText: (text, locale) => text === qsTr("as trained") ? 0 : Number.fromLocaleString(locale, text)
                        onValueModified: Models.contextSize = value
                        Accessible.name: qsTr("Context size in tokens")
                        ToolTip.visible: hovered
                        ToolTip.delay: 600
                        ToolTip.text: qsTr("Tokens the model can see at once; more needs more memory for the KV cache.")
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    Button {
                        text: qsTr("Open another…")
                        onClicked: panel.openModelRequested()
                        Accessible.name: qsTr("Open another model file")
                    }
                    Item { Layout.fillWidth: true }
                    Button {
                        text: qsTr("Unload")
                        flat: true
                        onClicked: Models.unload()
                        Accessible.name: qsTr("Unload the model")
                    }
                }
            }

            SectionTitle {
                text: qsTr("Recent models")
                visible: Models.recentModels.length > 0
            }
            Repeater {
                model: Models.recentModels
                ItemDelegate {
                    required property string modelData
                    Layout.fillWidth: true
                    Layout.leftMargin: -8
                    Layout.rightMargin: -8
                    enabled: Models.state !== "loading"
                    highlighted: modelData === Models.modelPath
                    onClicked: Models.openPath(modelData)
                    Accessible.name: qsTr("Open %1").arg(Format.fileName(modelData))
                    contentItem: ColumnLayout {
                        spacing: 0
                        Label {
                            Layout.fillWidth: true
                            text: Format.fileName(modelData)
                            elide: Label.ElideMiddle
                        }
                        Label {
                            Layout.fillWidth: true
                            text: modelData
                            elide: Label.ElideMiddle
                            font.pixelSize: 11
                            color: panel.Material.hintTextColor
                        }
                    }
                }
            }

            SectionTitle {
                text: qsTr("Catalog")
                visible: Models.catalog.length > 0
            }
            RowLayout {
                Layout.fillWidth: true
                visible: Models.downloading
                ProgressBar {
                    Layout.fillWidth: true
                    value: Models.downloadProgress
                    Accessible.name: qsTr("Download progress")
                }
                Label {
                    text: Math.round(Models.downloadProgress * 100) + "%"
                    font.pixelSize: 12
                }
                Button {
                    text: qsTr("Cancel")
                    flat: true
                    onClicked: Models.cancelDownload()
                    Accessible.name: qsTr("Cancel the download")
                }
            }
            Repeater {
                model: Models.catalog
                RowLayout {
                    required property var modelData
                    required property int index
                    Layout.fillWidth: true
                    spacing: 8
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 0
                        Label {
                            Layout.fillWidth: true
                            text: modelData.name
                            elide: Label.ElideRight
                        }
                        Label {
                            Layout.fillWidth: true
                            text: [Format.bytes(modelData.sizeBytes), modelData.license].filter(part => part && part.length > 0).join("  ·  ")
                            elide: Label.ElideRight
                            font.pixelSize: 11
                            color: panel.Material.hintTextColor
                        }
                    }
                    Button {
                        visible: !modelData.downloaded
                        text: qsTr("Download")
                        enabled: !Models.downloading
                        onClicked: Models.download(index)
                        Accessible.name: qsTr("Download %1").arg(modelData.name)
                    }
                    Button {
                        visible: modelData.downloaded === true
                        text: modelData.path ? qsTr("Open") : qsTr("Downloaded")
                        enabled: modelData.path !== undefined && Models.state !== "loading"
                        onClicked: Models.openPath(modelData.path)
                        Accessible.name: qsTr("Open %1").arg(modelData.name)
                    }
                }
            }
        }
    }
}
