import QtQuick
import QtTest
import QtQuick.Controls
import Glassbox 1.0
import "qrc:/ui"

// The sampling panel writes what the user moves into Sampling, and its presets set the values.
Item {
    id: root
    width: 400
    height: 900

    Component {
        id: panelComponent
        SamplingPanel {
            anchors.fill: parent
        }
    }

    TestCase {
        name: "SamplingPanel"
        when: windowShown

        function init() {
            Sampling.reset();
        }

        function test_sliderChangesTemperature() {
            const panel = createTemporaryObject(panelComponent, root);
            const slider = findChild(panel, "temperatureSlider");
            verify(slider, "the temperature slider");
            const before = Sampling.temperature;
            // A click at three quarters of the groove (0..2) moves the handle there.
            mouseClick(slider, slider.leftPadding + slider.availableWidth * 0.75, slider.height / 2);
            verify(Math.abs(Sampling.temperature - 1.5) < 0.06, "temperature " + Sampling.temperature);
            verify(Sampling.temperature !== before);
            compare(slider.value, Sampling.temperature);
            compare(Sampling.preset, "");
        }

        function test_presetSetsValues() {
            const panel = createTemporaryObject(panelComponent, root);
            const precise = findChild(panel, "presetPrecise");
            verify(precise, "the Precise preset button");
            mouseClick(precise);
            compare(Sampling.preset, "Precise");
            fuzzyCompare(Sampling.temperature, 0.1, 1e-9);
            fuzzyCompare(Sampling.topP, 0.9, 1e-9);
            verify(precise.highlighted);
            // The controls follow.
            fuzzyCompare(findChild(panel, "temperatureSlider").value, 0.1, 1e-9);
        }

        function test_everyPropertyHasAnExplainedControl() {
            const panel = createTemporaryObject(panelComponent, root);
            const sliders = ["temperature", "topK", "topP", "minP", "typicalP", "repeatPenalty", "repeatLastN",
                             "frequencyPenalty", "presencePenalty", "mirostatTau", "mirostatEta", "dryMultiplier",
                             "dryBase", "dryAllowedLength", "xtcProbability", "xtcThreshold"];
            for (const name of sliders) {
                const slider = findChild(panel, name + "Slider");
                verify(slider, name);
                verify(slider.Accessible.name.length > 0, name + " has an accessible name");
                compare(slider.ToolTip.text, Sampling.explanation(name));
                verify(slider.ToolTip.text.length > 0, name + " is explained");
            }
            for (const name of ["seedSpin", "fixedSeedSwitch", "mirostatSwitch", "maxTokensSpin", "unlimitedSwitch", "stopStringInput"])
                verify(findChild(panel, name), name);
        }

        function test_stopStringIsAdded() {
            const panel = createTemporaryObject(panelComponent, root);
            const input = findChild(panel, "stopStringInput");
            input.forceActiveFocus();
            keyClick("E");
            keyClick("N");
            keyClick("D");
            keyClick(Qt.Key_Return);
            verify(Sampling.stopStrings.indexOf("END") >= 0, JSON.stringify(Sampling.stopStrings));
            compare(input.text, "");
        }
    }
}
