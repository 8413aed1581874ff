.pragma library

// Human-readable numbers for the model card and the stats lines.

function bytes(n) {
    if (n === undefined || n === null || n < 0)
        return "—";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let value = n;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        ++unit;
    }
    return (unit === 0 ? value.toFixed(0) : value.toFixed(value < 10 ? 2 : 1)) + " " + units[unit];
}

// 260000 → "260 K", 1100048384 → "1.10 B" (parameter counts).
function count(n) {
    if (n === undefined || n === null || n < 0)
        return "—";
    const steps = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
    for (const [size, suffix] of steps) {
        if (n >= size) {
            const value = n / size;
            return value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0) + " " + suffix;
        }
    }
    return String(n);
}

function rate(tokensPerSecond) {
    return tokensPerSecond >= 100 ? tokensPerSecond.toFixed(0) : tokensPerSecond.toFixed(1);
}

// The one line under a finished reply: tokens, speeds, time to first token, why it stopped.
function stats(s) {
    if (!s)
        return "";
    if (s.generatedTokens === undefined)
        return s.finishReason ? finishReason(s.finishReason) + (s.error ? ": " + s.error : "") : "";
    const parts = [s.generatedTokens + (s.generatedTokens === 1 ? " token" : " tokens")];
    if (s.decodeTokensPerSecond > 0)
        parts.push(rate(s.decodeTokensPerSecond) + " tok/s");
    if (s.promptTokens > 0)
        parts.push("prompt " + s.promptTokens + (s.prefillTokensPerSecond > 0 ? " @ " + rate(s.prefillTokensPerSecond) + " tok/s" : ""));
    if (s.timeToFirstTokenMs > 0)
        parts.push("first token " + Math.round(s.timeToFirstTokenMs) + " ms");
    if (s.finishReason)
        parts.push(finishReason(s.finishReason));
    return parts.join("  ·  ");
}

function finishReason(reason) {
    switch (reason) {
    case "eos": return "end of text";
    case "stop": return "stop string";
    case "length": return "max tokens reached";
    case "cancelled": return "stopped";
    case "context full": return "context full";
    case "error": return "error";
    }
    return reason;
}

// A local path as the file URL that Models.open expects.
function fileUrl(path) {
    return path.startsWith("file:") ? path : "file://" + encodeURI(path);
}

function fileName(path) {
    const slash = path.lastIndexOf("/");
    return slash < 0 ? path : path.substring(slash + 1);
}

function date(when) {
    if (!when)
        return "";
    const d = new Date(when);
    if (isNaN(d.getTime()))
        return "";
    const now = new Date();
    if (d.toDateString() === now.toDateString())
        return d.toLocaleTimeString(Qt.locale(), "HH:mm");
    return d.toLocaleDateString(Qt.locale(), "d MMM yyyy");
}
