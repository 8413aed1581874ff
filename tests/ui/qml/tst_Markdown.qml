import QtQuick
import QtTest
import "qrc:/ui/Markdown.js" as Markdown

// Fenced code blocks are split from the prose around them.
TestCase {
    name: "Markdown"

    function test_proseOnly() {
        compare(Markdown.split("Hello **world**"), [{ kind: "text", text: "Hello **world**", lang: "" }]);
    }

    function test_fenceBetweenProse() {
        const segments = Markdown.split("Before\n\n```python\ndef f():\n    return 1\n```\nAfter");
        compare(segments.length, 3);
        compare(segments[0], { kind: "text", text: "Before", lang: "" });
        compare(segments[1], { kind: "code", text: "def f():\n    return 1", lang: "python" });
        compare(segments[2], { kind: "text", text: "After", lang: "" });
    }

    function test_tildesAndLongerFences() {
        const segments = Markdown.split("~~~\na\n```\nb\n~~~\n````c\n```\n````");
        compare(segments.length, 2);
        compare(segments[0].text, "a\n```\nb");
        compare(segments[1], { kind: "code", text: "```", lang: "c" });
    }

    function test_unclosedFenceRunsToTheEnd() {
        const segments = Markdown.split("Look:\n```js\nlet x = 1;");
        compare(segments.length, 2);
        compare(segments[1], { kind: "code", text: "let x = 1;", lang: "js" });
    }
}
