#include "Builtins.h"
#include "StringMethods.h"

#include <algorithm>
#include <iterator>
#include <cmath>

namespace glassbox::chat {

namespace {

constexpr std::string_view kFilters[] = {
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "indent", "int", "items",
    "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round",
    "safe", "select", "selectattr", "sort", "string", "sum", "title", "tojson", "trim", "unique", "upper",
};

// The items a filter iterates: a list's elements, a dict's keys or a string's characters.
List iterate(const Value &value, std::string_view filter)
{
    if (auto items = iterationItems(value))
        return std::move(*items);
    throw EvaluationError("filter '" + std::string(filter) + "' needs a sequence, got " + value.typeName());
}

// Jinja's attribute lookup for filters: dict keys, "a.b" paths and integer indexes.
Value attributeOf(const Value &item, const std::string &path)
{
    Value current = item;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t dot = std::min(path.find('.', start), path.size());
        const std::string part = path.substr(start, dot - start);
        if (current.isDict() || current.isNamespace()) {
            const Value *found = current.get(part);
            current = found ? *found : Value();
        } else if (current.isList() && !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit)) {
            const std::size_t index = std::stoul(part);
            current = index < current.list().size() ? current.list()[index] : Value();
        } else {
            return {};
        }
        start = dot + 1;
    }
    return current;
}

Value lowerForSort(const Value &value, bool caseSensitive)
{
    return !caseSensitive && value.isString() ? Value(stringMethod("lower", value.asString(), {}).asString()) : value;
}

Value selectItems(std::string_view filter, const Value &value, const Arguments &arguments)
{
    const bool byAttribute = filter.ends_with("attr");
    const bool keep = filter.starts_with("select");
    const std::size_t testIndex = byAttribute ? 1 : 0;
    const std::string attribute = byAttribute ? argument(arguments, 0, "").str() : std::string();
    const std::string test = arguments.positional.size() > testIndex ? arguments.positional[testIndex].str() : std::string();
    if (!test.empty() && !isTest(test))
        throw EvaluationError("unsupported test '" + test + "'");
    Arguments testArguments;
    for (std::size_t i = testIndex + 1; i < arguments.positional.size(); ++i)
        testArguments.positional.push_back(arguments.positional[i]);
    List kept;
    for (const Value &item : iterate(value, filter)) {
        const Value subject = byAttribute ? attributeOf(item, attribute) : item;
        const bool passes = test.empty() ? subject.truthy() : applyTest(test, subject, testArguments);
        if (passes == keep)
            kept.push_back(item);
    }
    return kept;
}

Value mapItems(const Value &value, const Arguments &arguments)
{
    List mapped;
    if (const Value *attribute = arguments.keyword("attribute")) {
        const Value *fallbackArgument = arguments.keyword("default");
        const Value fallback = fallbackArgument ? *fallbackArgument : Value();
        for (const Value &item : iterate(value, "map")) {
            Value found = attributeOf(item, attribute->str());
            mapped.push_back(found.isUndefined() ? fallback : found);
        }
        return mapped;
    }
    if (arguments.positional.empty())
        throw EvaluationError("filter 'map' needs a filter name or attribute=");
    const std::string filter = arguments.positional[0].str();
    if (!isFilter(filter) || filter == "map")
        throw EvaluationError("unsupported filter '" + filter + "'");
    Arguments rest{{arguments.positional.begin() + 1, arguments.positional.end()}, arguments.keywords};
    for (const Value &item : iterate(value, "map"))
        mapped.push_back(applyFilter(filter, item, rest));
    return mapped;
}

Value sortItems(const Value &value, const Arguments &arguments)
{
    const bool reverse = argument(arguments, 0, "reverse", false).truthy();
    const bool caseSensitive = argument(arguments, 1, "case_sensitive", false).truthy();
    const Value attribute = argument(arguments, 2, "attribute");
    List items = iterate(value, "sort");
    auto key = [&](const Value &item) {
        return lowerForSort(attribute.isUndefined() ? item : attributeOf(item, attribute.str()), caseSensitive);
    };
    std::stable_sort(items.begin(), items.end(), [&](const Value &a, const Value &b) {
        const int order = compareValues(key(a), key(b));
        return reverse ? order > 0 : order < 0;
    });
    return items;
}

Value uniqueItems(const Value &value, const Arguments &arguments)
{
    const bool caseSensitive = argument(arguments, 0, "case_sensitive", false).truthy();
    const Value attribute = argument(arguments, 1, "attribute");
    List kept;
    List seen;
    for (const Value &item : iterate(value, "unique")) {
        const Value key = lowerForSort(attribute.isUndefined() ? item : attributeOf(item, attribute.str()), caseSensitive);
        if (std::find(seen.begin(), seen.end(), key) == seen.end()) {
            seen.push_back(key);
            kept.push_back(item);
        }
    }
    return kept;
}

Value extreme(const Value &value, const Arguments &arguments, bool wantMax)
{
    const bool caseSensitive = argument(arguments, 0, "case_sensitive", false).truthy();
    const Value attribute = argument(arguments, 1, "attribute");
    Value best;
    Value bestKey;
    for (const Value &item : iterate(value, wantMax ? "max" : "min")) {
        const Value key = lowerForSort(attribute.isUndefined() ? item : attributeOf(item, attribute.str()), caseSensitive);
        // Python keeps the first of equal extremes.
        if (best.isUndefined() || (wantMax ? compareValues(key, bestKey) > 0 : compareValues(key, bestKey) < 0)) {
            best = item;
            bestKey = key;
        }
    }
    return best;
}

// Jinja 3's indent: every line but the first (unless first=True) gets the prefix; blank lines
// only with blank=True.
std::string indentText(const std::string &text, const Arguments &arguments)
{
    const Value width = argument(arguments, 0, "width", 4);
    const std::string prefix = width.isString() ? width.asString() : std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, width.asInt())), ' ');
    const bool first = argument(arguments, 1, "first", false).truthy();
    const bool blank = argument(arguments, 2, "blank", false).truthy();
    std::string out = first ? prefix : std::string();
    std::size_t start = 0;
    while (true) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view line = std::string_view(text).substr(start, end - start);
        if (start > 0 && (blank || !line.empty()))
            out += prefix;
        out += line;
        if (end == text.size())
            return out;
        out += '\n';
        start = end + 1;
    }
}

std::string escapeHtml(const std::string &text)
{
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&#34;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

Value roundNumber(const Value &value, const Arguments &arguments)
{
    const std::int64_t precision = argument(arguments, 0, "precision", 0).asInt();
    const std::string method = argument(arguments, 1, "method", "common").str();
    const double scale = std::pow(10.0, static_cast<double>(precision));
    const double scaled = value.asFloat() * scale;
    double rounded;
    if (method == "common" && !value.isFloat())
        return Value(value.asInt()); // Python's round() keeps integers integral
    if (method == "common")
        rounded = std::nearbyint(scaled); // Python's round(): ties go to even
    else if (method == "ceil")
        rounded = std::ceil(scaled);
    else if (method == "floor")
        rounded = std::floor(scaled);
    else
        throw EvaluationError("round method must be 'common', 'ceil' or 'floor'");
    return Value(rounded / scale);
}

Value toInteger(const Value &value, const Arguments &arguments)
{
    const Value fallback = argument(arguments, 0, "default", 0);
    if (value.isNumber())
        return Value(value.asInt());
    if (value.isString()) {
        const std::string text = stringMethod("strip", value.asString(), {}).asString();
        try {
            std::size_t used = 0;
            const long long number = std::stoll(text, &used, static_cast<int>(argument(arguments, 1, "base", 10).asInt()));
            if (used == text.size())
                return Value(static_cast<std::int64_t>(number));
            const double real = std::stod(text, &used);
            if (used == text.size())
                return Value(static_cast<std::int64_t>(real));
        } catch (const std::exception &) {
        }
    }
    return fallback;
}

Value toFloat(const Value &value, const Arguments &arguments)
{
    if (value.isNumber())
        return Value(value.asFloat());
    if (value.isString()) {
        const std::string text = stringMethod("strip", value.asString(), {}).asString();
        try {
            std::size_t used = 0;
            const double number = std::stod(text, &used);
            if (used == text.size() && !text.empty())
                return Value(number);
        } catch (const std::exception &) {
        }
    }
    return argument(arguments, 0, "default", 0.0);
}

Value sumItems(const Value &value, const Arguments &arguments)
{
    const Value attribute = argument(arguments, 0, "attribute");
    Value total = argument(arguments, 1, "start", 0);
    for (const Value &item : iterate(value, "sum")) {
        const Value term = attribute.isUndefined() ? item : attributeOf(item, attribute.str());
        if (!term.isNumber() || !total.isNumber())
            throw EvaluationError("filter 'sum' needs numbers, got " + term.typeName());
        total = total.isFloat() || term.isFloat() ? Value(total.asFloat() + term.asFloat()) : Value(total.asInt() + term.asInt());
    }
    return total;
}

} // namespace

bool isFilter(std::string_view name)
{
    return std::find(std::begin(kFilters), std::end(kFilters), name) != std::end(kFilters);
}

Value argument(const Arguments &arguments, std::size_t index, std::string_view name, Value fallback)
{
    const Value *found = arguments.find(index, name);
    return found ? *found : std::move(fallback);
}

Value applyFilter(std::string_view name, const Value &value, const Arguments &arguments)
{
    if (name == "default" || name == "d") {
        const bool boolean = argument(arguments, 1, "boolean", false).truthy();
        const bool missing = boolean ? !value.truthy() : value.isUndefined();
        return missing ? argument(arguments, 0, "default_value", "") : value;
    }
    if (name == "length" || name == "count") {
        if (value.isString())
            return Value(static_cast<std::int64_t>(characters(value.asString()).size()));
        if (value.isDict() || value.isNamespace())
            return Value(static_cast<std::int64_t>(value.dict().size()));
        return Value(static_cast<std::int64_t>(iterate(value, name).size()));
    }
    if (name == "string")
        return Value(value.str());
    if (name == "safe")
        return value;
    if (name == "escape" || name == "e")
        return Value(escapeHtml(value.str()));
    if (name == "tojson") {
        const Value indent = argument(arguments, 0, "indent");
        return Value(toJson(value, indent.isNumber() ? static_cast<int>(indent.asInt()) : -1));
    }
    if (name == "trim")
        return stringMethod("strip", value.str(), arguments);
    if (name == "upper" || name == "lower" || name == "title" || name == "capitalize" || name == "replace")
        return stringMethod(name, value.str(), arguments);
    if (name == "indent")
        return Value(indentText(value.str(), arguments));
    if (name == "int")
        return toInteger(value, arguments);
    if (name == "float")
        return toFloat(value, arguments);
    if (name == "abs") {
        if (!value.isNumber())
            throw EvaluationError("filter 'abs' needs a number, got " + value.typeName());
        return value.isFloat() ? Value(std::fabs(value.asFloat())) : Value(value.asInt() < 0 ? -value.asInt() : value.asInt());
    }
    if (name == "round")
        return roundNumber(value, arguments);
    if (name == "first" || name == "last") {
        const List items = iterate(value, name);
        if (items.empty())
            return {};
        return name == "first" ? items.front() : items.back();
    }
    if (name == "list")
        return iterate(value, name);
    if (name == "reverse") {
        List items = iterate(value, name);
        std::reverse(items.begin(), items.end());
        if (!value.isString())
            return items;
        std::string reversed;
        for (const Value &character : items)
            reversed += character.asString();
        return Value(reversed);
    }
    if (name == "join") {
        const std::string separator = argument(arguments, 0, "d", "").str();
        const Value attribute = argument(arguments, 1, "attribute");
        std::string joined;
        bool firstItem = true;
        for (const Value &item : iterate(value, name)) {
            joined += (firstItem ? "" : separator) + (attribute.isUndefined() ? item : attributeOf(item, attribute.str())).str();
            firstItem = false;
        }
        return Value(joined);
    }
    if (name == "items") {
        if (value.isUndefined())
            return List{};
        if (!value.isDict())
            throw EvaluationError("filter 'items' needs a mapping, got " + value.typeName());
        List pairs;
        for (const auto &[key, item] : value.dict())
            pairs.emplace_back(List{Value(key), item});
        return pairs;
    }
    if (name == "select" || name == "reject" || name == "selectattr" || name == "rejectattr")
        return selectItems(name, value, arguments);
    if (name == "map")
        return mapItems(value, arguments);
    if (name == "sort")
        return sortItems(value, arguments);
    if (name == "unique")
        return uniqueItems(value, arguments);
    if (name == "min" || name == "max")
        return extreme(value, arguments, name == "max");
    if (name == "sum")
        return sumItems(value, arguments);
    throw EvaluationError("unsupported filter '" + std::string(name) + "'");
}

} // namespace glassbox::chat
