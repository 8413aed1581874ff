#include "Builtins.h"
#include "StringMethods.h"

#include <ctime>

namespace glassbox::chat {

namespace {

Value dictMethod(const Value &object, std::string_view name)
{
    if (name == "items" || name == "keys" || name == "values") {
        const std::string which(name);
        return Value::callable([object, which](const Arguments &) {
            List out;
            for (const auto &[key, value] : object.dict()) {
                if (which == "items")
                    out.emplace_back(List{Value(key), value});
                else
                    out.push_back(which == "keys" ? Value(key) : value);
            }
            return Value(std::move(out));
        });
    }
    if (name == "get") {
        return Value::callable([object](const Arguments &arguments) {
            const Value key = argument(arguments, 0, "key");
            const Value *found = key.isString() ? object.get(key.asString()) : nullptr;
            return found ? *found : argument(arguments, 1, "default", Value::none());
        });
    }
    return {};
}

// Whether `haystack` is `list` or holds it at any depth. Lists only change through append, which
// checks this, so there are no cycles to walk into.
bool contains(const Value &haystack, const Value &list)
{
    if (haystack.isList()) {
        if (&haystack.list() == &list.list())
            return true;
        for (const Value &item : haystack.list()) {
            if (contains(item, list))
                return true;
        }
    } else if (haystack.isDict()) {
        for (const auto &entry : haystack.dict()) {
            if (contains(entry.second, list))
                return true;
        }
    }
    return false;
}

// Hugging Face renders in a sandbox that forbids these; they are kept because templates written
// for other engines (llama.cpp's minja) use them.
Value listMethod(const Value &object, std::string_view name)
{
    if (name == "append") {
        return Value::callable([object](const Arguments &arguments) {
            Value item = argument(arguments, 0, "object");
            // A list holding itself would make printing it recurse forever.
            if (contains(item, object))
                throw EvaluationError("cannot append a list to itself");
            object.list().push_back(std::move(item));
            return Value::none();
        });
    }
    if (name == "pop") {
        return Value::callable([object](const Arguments &arguments) {
            List &items = object.list();
            if (items.empty())
                throw EvaluationError("pop from empty list");
            std::int64_t index = argument(arguments, 0, "index", -1).asInt();
            if (index < 0)
                index += static_cast<std::int64_t>(items.size());
            if (index < 0 || index >= static_cast<std::int64_t>(items.size()))
                throw EvaluationError("pop index out of range");
            Value popped = items[static_cast<std::size_t>(index)];
            items.erase(items.begin() + index);
            return popped;
        });
    }
    return {};
}

Value range(const Arguments &arguments)
{
    std::int64_t start = 0;
    std::int64_t stop = 0;
    std::int64_t step = 1;
    const std::vector<Value> &given = arguments.positional;
    if (given.empty() || given.size() > 3)
        throw EvaluationError("range takes 1 to 3 arguments");
    if (given.size() == 1) {
        stop = given[0].asInt();
    } else {
        start = given[0].asInt();
        stop = given[1].asInt();
        if (given.size() == 3)
            step = given[2].asInt();
    }
    if (step == 0)
        throw EvaluationError("range step must not be zero");
    List out;
    for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (out.size() >= 1'000'000)
            throw EvaluationError("range too long");
        out.emplace_back(i);
    }
    return out;
}

Value keywordsAsDict(const Arguments &arguments, std::string_view function)
{
    Dict entries;
    if (!arguments.positional.empty()) {
        if (!arguments.positional[0].isDict() || arguments.positional.size() > 1)
            throw EvaluationError(std::string(function) + " takes one mapping and keyword arguments");
        entries = arguments.positional[0].dict();
    }
    Value dict(std::move(entries));
    for (const auto &[key, value] : arguments.keywords)
        dict.set(key, value);
    return dict;
}

} // namespace

Value boundMethod(const Value &object, std::string_view name)
{
    if (object.isString() && isStringMethod(name)) {
        const std::string method(name);
        return Value::callable([text = object.asString(), method](const Arguments &arguments) {
            return stringMethod(method, text, arguments);
        });
    }
    if (object.isDict())
        return dictMethod(object, name);
    if (object.isList())
        return listMethod(object, name);
    return {};
}

Value globalFunction(std::string_view name)
{
    if (name == "range")
        return Value::callable(range);
    if (name == "dict")
        return Value::callable([](const Arguments &arguments) { return keywordsAsDict(arguments, "dict"); });
    if (name == "namespace") {
        return Value::callable([](const Arguments &arguments) {
            return Value::namespaceOf(keywordsAsDict(arguments, "namespace").dict());
        });
    }
    if (name == "raise_exception") {
        return Value::callable([](const Arguments &arguments) -> Value {
            throw EvaluationError("raise_exception: " + argument(arguments, 0, "message").str());
        });
    }
    if (name == "strftime_now") {
        return Value::callable([](const Arguments &arguments) {
            const std::time_t now = std::time(nullptr);
            std::tm local{};
            localtime_r(&now, &local);
            char buffer[256];
            const std::size_t length = std::strftime(buffer, sizeof buffer, argument(arguments, 0, "format").str().c_str(), &local);
            return Value(std::string(buffer, length));
        });
    }
    return {};
}

} // namespace glassbox::chat
