.pragma library

// Splits a markdown reply into prose and fenced code blocks, so that code is shown apart (monospace,
// with its own copy button) while prose goes to a Text in MarkdownText format. Returns
// [{ kind: "text" | "code", text, lang }]. An unclosed fence runs to the end, as in CommonMark.
function split(markdown) {
    const segments = [];
    const lines = markdown.split("\n");
    let prose = [];
    let code = null; // { fence, lines, lang } while inside a fence
    const flushProse = function () {
        const text = prose.join("\n").trim();
        if (text.length > 0)
            segments.push({ kind: "text", text: text, lang: "" });
        prose = [];
    };
    for (const line of lines) {
        if (code === null) {
            const open = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/.exec(line);
            if (open) {
                flushProse();
                code = { fence: open[1], lines: [], lang: open[2] };
            } else {
                prose.push(line);
            }
            continue;
        }
        const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
        if (close && close[1][0] === code.fence[0] && close[1].length >= code.fence.length) {
            segments.push({ kind: "code", text: code.lines.join("\n"), lang: code.lang });
            code = null;
        } else {
            code.lines.push(line);
        }
    }
    if (code !== null)
        segments.push({ kind: "code", text: code.lines.join("\n"), lang: code.lang });
    flushProse();
    return segments;
}
