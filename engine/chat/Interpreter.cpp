#include "Interpreter.h"

#include "Builtins.h"
#include "Operators.h"
#include "util/Error.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace glassbox::chat {

namespace {

// Deep enough for any real template; stops runaway macro recursion before the stack does.
constexpr int kMaxMacroDepth = 64;

enum class Flow { Normal, Break, Continue };

class Interpreter
{
public:
    explicit Interpreter(const Dict &variables)
    {
        m_frames.emplace_back();
        for (const auto &[name, value] : variables)
            m_frames.back()[name] = value;
    }

    void run(const Body &body, std::string &out) { execute(body, out); }

private:
    using Frame = std::unordered_map<std::string, Value>;

    const Value *lookup(const std::string &name) const
    {
        for (std::size_t i = m_frames.size(); i-- > m_barrier;) {
            const auto found = m_frames[i].find(name);
            if (found != m_frames[i].end())
                return &found->second;
        }
        const auto found = m_frames.front().find(name);
        return found == m_frames.front().end() ? nullptr : &found->second;
    }

    Flow execute(const Body &body, std::string &out)
    {
        for (const auto &statement : body) {
            const Flow flow = execute(*statement, out);
            if (flow != Flow::Normal)
                return flow;
        }
        return Flow::Normal;
    }

    Flow execute(const Statement &statement, std::string &out)
    {
        switch (statement.kind) {
        case Statement::Kind::Text:
            out += statement.text;
            return Flow::Normal;
        case Statement::Kind::Output:
            out += evaluate(*statement.expression).str();
            return Flow::Normal;
        case Statement::Kind::If:
            for (std::size_t i = 0; i < statement.conditions.size(); ++i) {
                if (evaluate(*statement.conditions[i]).truthy())
                    return execute(statement.bodies[i], out);
            }
            if (statement.bodies.size() > statement.conditions.size())
                return execute(statement.bodies.back(), out);
            return Flow::Normal;
        case Statement::Kind::For:
            executeFor(statement, out);
            return Flow::Normal;
        case Statement::Kind::Set:
            executeSet(statement);
            return Flow::Normal;
        case Statement::Kind::Macro:
            defineMacro(statement);
            return Flow::Normal;
        case Statement::Kind::Break:
            return Flow::Break;
        case Statement::Kind::Continue:
            return Flow::Continue;
        case Statement::Kind::Scope:
            return execute(statement.bodies[0], out);
        }
        return Flow::Normal;
    }

    [[noreturn]] static void fail(SourcePosition position, const std::string &what)
    {
        throw Error(describeAt(position, what));
    }

    List iterable(const Value &value, SourcePosition position)
    {
        if (auto items = iterationItems(value))
            return std::move(*items);
        fail(position, "'" + value.typeName() + "' object is not iterable");
    }

    void bind(Frame &frame, const Target &target, const Value &value, SourcePosition position)
    {
        if (target.names.size() == 1) {
            frame[target.names[0]] = value;
            return;
        }
        if (!value.isList() || value.list().size() != target.names.size())
            fail(position, "cannot unpack " + value.repr() + " into " + std::to_string(target.names.size()) + " names");
        for (std::size_t i = 0; i < target.names.size(); ++i)
            frame[target.names[i]] = value.list()[i];
    }

    void executeFor(const Statement &statement, std::string &out)
    {
        List items = iterable(evaluate(*statement.expression), statement.expression->position);
        if (!statement.conditions.empty()) {
            List kept;
            for (Value &item : items) {
                m_frames.emplace_back();
                bind(m_frames.back(), statement.target, item, statement.position);
                const bool keep = evaluate(*statement.conditions[0]).truthy();
                m_frames.pop_back();
                if (keep)
                    kept.push_back(std::move(item));
            }
            items = std::move(kept);
        }
        if (items.empty()) {
            if (statement.bodies.size() > 1)
                execute(statement.bodies[1], out);
            return;
        }
        const auto length = static_cast<std::int64_t>(items.size());
        for (std::int64_t i = 0; i < length; ++i) {
            m_frames.emplace_back();
            bind(m_frames.back(), statement.target, items[static_cast<std::size_t>(i)], statement.position);
            Value loop(Dict{
                {"index", Value(i + 1)},
                {"index0", Value(i)},
                {"revindex", Value(length - i)},
                {"revindex0", Value(length - i - 1)},
                {"first", Value(i == 0)},
                {"last", Value(i == length - 1)},
                {"length", Value(length)},
            });
            if (i > 0)
                loop.set("previtem", items[static_cast<std::size_t>(i - 1)]);
            if (i + 1 < length)
                loop.set("nextitem", items[static_cast<std::size_t>(i + 1)]);
            loop.set("cycle", Value::callable([i](const Arguments &arguments) {
                if (arguments.positional.empty())
                    throw EvaluationError("loop.cycle needs at least one value");
                return arguments.positional[static_cast<std::size_t>(i) % arguments.positional.size()];
            }));
            m_frames.back()["loop"] = loop;
            const Flow flow = execute(statement.bodies[0], out);
            m_frames.pop_back();
            if (flow == Flow::Break)
                break;
        }
    }

    void executeSet(const Statement &statement)
    {
        Value value;
        if (statement.expression) {
            value = evaluate(*statement.expression);
        } else {
            std::string captured;
            execute(statement.bodies[0], captured);
            value = Value(std::move(captured));
        }
        const Target &target = statement.target;
        if (target.attribute.empty()) {
            bind(m_frames.back(), target, value, statement.position);
            return;
        }
        const Value *object = lookup(target.names[0]);
        if (!object || !object->isNamespace())
            fail(statement.position, "cannot set attribute '" + target.attribute + "': '" + target.names[0] + "' is not a namespace");
        object->set(target.attribute, std::move(value));
    }

    void defineMacro(const Statement &statement)
    {
        m_frames.back()[statement.text] = Value::callable([this, &statement](const Arguments &arguments) {
            return callMacro(statement, arguments);
        });
    }

    Value callMacro(const Statement &macro, const Arguments &arguments)
    {
        if (arguments.positional.size() > macro.parameters.size())
            throw EvaluationError("macro '" + macro.text + "' takes " + std::to_string(macro.parameters.size()) + " arguments");
        for (const auto &keyword : arguments.keywords) {
            bool known = false;
            for (const Parameter &parameter : macro.parameters)
                known = known || parameter.name == keyword.first;
            if (!known)
                throw EvaluationError("macro '" + macro.text + "' has no parameter '" + keyword.first + "'");
        }
        if (m_macroDepth >= kMaxMacroDepth)
            throw EvaluationError("macro '" + macro.text + "' nests deeper than " + std::to_string(kMaxMacroDepth) + " calls");
        // The macro sees its parameters and the template's top-level names, not the caller's locals.
        const std::size_t savedBarrier = m_barrier;
        m_frames.emplace_back();
        m_barrier = m_frames.size() - 1;
        ++m_macroDepth;
        std::string out;
        try {
            for (std::size_t i = 0; i < macro.parameters.size(); ++i) {
                const Parameter &parameter = macro.parameters[i];
                const Value *given = arguments.find(i, parameter.name);
                m_frames.back()[parameter.name] = given ? *given : parameter.defaultValue ? evaluate(*parameter.defaultValue) : Value();
            }
            execute(macro.bodies[0], out);
        } catch (...) {
            m_frames.resize(m_barrier);
            m_barrier = savedBarrier;
            --m_macroDepth;
            throw;
        }
        m_frames.resize(m_barrier);
        m_barrier = savedBarrier;
        --m_macroDepth;
        return Value(std::move(out));
    }

    Arguments evaluateArguments(const Expression &call)
    {
        Arguments arguments;
        for (std::size_t i = 1; i < call.operands.size(); ++i)
            arguments.positional.push_back(evaluate(*call.operands[i]));
        for (const auto &[name, expression] : call.keywords)
            arguments.keywords.emplace_back(name, evaluate(*expression));
        return arguments;
    }

    Value attribute(const Value &object, const std::string &name, SourcePosition position)
    {
        if (object.isUndefined())
            fail(position, "cannot read attribute '" + name + "' of an undefined value");
        // Jinja tries the Python attribute first, so `message.items` is the method, not a key.
        Value method = boundMethod(object, name);
        if (!method.isUndefined())
            return method;
        if (object.isDict() || object.isNamespace()) {
            const Value *found = object.get(name);
            return found ? *found : Value();
        }
        return {};
    }

    Value index(const Value &object, const Value &key, SourcePosition position)
    {
        if (object.isUndefined())
            fail(position, "cannot index an undefined value with " + key.repr());
        if ((object.isDict() || object.isNamespace()) && key.isString()) {
            const Value *found = object.get(key.asString());
            return found ? *found : Value();
        }
        if ((object.isList() || object.isString()) && (key.isInt() || key.isBool())) {
            const std::vector<std::string> chars = object.isString() ? characters(object.asString()) : std::vector<std::string>();
            const auto size = static_cast<std::int64_t>(object.isList() ? object.list().size() : chars.size());
            std::int64_t at = key.asInt();
            if (at < 0)
                at += size;
            if (at < 0 || at >= size)
                return {};
            return object.isList() ? object.list()[static_cast<std::size_t>(at)] : Value(chars[static_cast<std::size_t>(at)]);
        }
        if (object.isString() && key.isString())
            return attribute(object, key.asString(), position);
        return {};
    }

    Value slice(const Expression &expression)
    {
        const Value object = evaluate(*expression.operands[0]);
        std::optional<std::int64_t> bounds[3];
        for (int i = 0; i < 3; ++i) {
            if (const Expression *bound = expression.operands[static_cast<std::size_t>(i) + 1].get()) {
                const Value value = evaluate(*bound);
                if (value.isNone())
                    continue;
                if (!value.isInt() && !value.isBool())
                    fail(bound->position, "slice indices must be integers, got " + value.typeName());
                bounds[i] = value.asInt();
            }
        }
        if (object.isList()) {
            List out;
            for (const std::size_t i : sliceIndices(object.list().size(), bounds, expression.position))
                out.push_back(object.list()[i]);
            return out;
        }
        if (object.isString()) {
            const std::vector<std::string> chars = characters(object.asString());
            std::string out;
            for (const std::size_t i : sliceIndices(chars.size(), bounds, expression.position))
                out += chars[i];
            return Value(out);
        }
        fail(expression.position, "cannot slice a value of type " + object.typeName());
    }

    static std::vector<std::size_t> sliceIndices(std::size_t size, const std::optional<std::int64_t> (&bounds)[3], SourcePosition position)
    {
        const std::int64_t step = bounds[2].value_or(1);
        if (step == 0)
            fail(position, "slice step cannot be zero");
        const auto length = static_cast<std::int64_t>(size);
        // Python's rules: negative bounds count from the end, then clamp to the valid range.
        auto clamp = [&](std::optional<std::int64_t> bound, std::int64_t fallback) {
            if (!bound)
                return fallback;
            std::int64_t at = *bound < 0 ? *bound + length : *bound;
            const std::int64_t low = step > 0 ? 0 : -1;
            const std::int64_t high = step > 0 ? length : length - 1;
            return std::clamp(at, low, high);
        };
        const std::int64_t start = clamp(bounds[0], step > 0 ? 0 : length - 1);
        const std::int64_t stop = clamp(bounds[1], step > 0 ? length : -1);
        std::vector<std::size_t> indices;
        for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
            indices.push_back(static_cast<std::size_t>(i));
        return indices;
    }

    Value call(const Expression &expression)
    {
        const Expression &callee = *expression.operands[0];
        const Value function = evaluate(callee);
        if (!function.isCallable()) {
            if (callee.kind == Expression::Kind::Name)
                fail(callee.position, "unknown function '" + callee.name + "'");
            if (callee.kind == Expression::Kind::Attribute)
                fail(callee.position, "unsupported method '" + callee.name + "'");
            fail(callee.position, "a value of type " + function.typeName() + " is not callable");
        }
        const Arguments arguments = evaluateArguments(expression);
        try {
            return function.function()(arguments);
        } catch (const EvaluationError &error) {
            fail(expression.position, error.what());
        }
    }

    Value evaluate(const Expression &expression)
    {
        using Kind = Expression::Kind;
        switch (expression.kind) {
        case Kind::Literal:
            return expression.value;
        case Kind::Name: {
            if (const Value *found = lookup(expression.name))
                return *found;
            return globalFunction(expression.name);
        }
        case Kind::Attribute:
            return attribute(evaluate(*expression.operands[0]), expression.name, expression.position);
        case Kind::Index:
            return index(evaluate(*expression.operands[0]), evaluate(*expression.operands[1]), expression.position);
        case Kind::Slice:
            return slice(expression);
        case Kind::Call:
            return call(expression);
        case Kind::Filter:
        case Kind::Test: {
            const Value subject = evaluate(*expression.operands[0]);
            const Arguments arguments = evaluateArguments(expression);
            try {
                if (expression.kind == Kind::Filter)
                    return applyFilter(expression.name, subject, arguments);
                return Value(applyTest(expression.name, subject, arguments) != expression.negated);
            } catch (const EvaluationError &error) {
                fail(expression.position, error.what());
            }
        }
        case Kind::Unary: {
            const Value operand = evaluate(*expression.operands[0]);
            if (expression.name == "not")
                return Value(!operand.truthy());
            try {
                return negate(operand, expression.name == "-");
            } catch (const EvaluationError &error) {
                fail(expression.position, error.what());
            }
        }
        case Kind::Binary:
            return binary(expression);
        case Kind::Conditional:
            if (evaluate(*expression.operands[0]).truthy())
                return evaluate(*expression.operands[1]);
            return expression.operands[2] ? evaluate(*expression.operands[2]) : Value();
        case Kind::List:
        case Kind::Tuple: {
            List items;
            for (const ExpressionPtr &item : expression.operands)
                items.push_back(evaluate(*item));
            try {
                return items;
            } catch (const EvaluationError &error) {
                fail(expression.position, error.what());
            }
        }
        case Kind::Dict: {
            Dict entries;
            for (std::size_t i = 0; i + 1 < expression.operands.size(); i += 2) {
                const Value key = evaluate(*expression.operands[i]);
                if (!key.isString())
                    fail(expression.operands[i]->position, "dict keys must be strings, got " + key.typeName());
                const auto existing = std::find_if(entries.begin(), entries.end(), [&](const auto &entry) { return entry.first == key.asString(); });
                Value value = evaluate(*expression.operands[i + 1]);
                if (existing != entries.end())
                    existing->second = std::move(value);
                else
                    entries.emplace_back(key.asString(), std::move(value));
            }
            try {
                return Value(std::move(entries));
            } catch (const EvaluationError &error) {
                fail(expression.position, error.what());
            }
        }
        }
        return {};
    }

    Value binary(const Expression &expression)
    {
        const std::string &op = expression.name;
        const Value left = evaluate(*expression.operands[0]);
        // `and`/`or` short-circuit and yield an operand, as in Python.
        if (op == "and")
            return left.truthy() ? evaluate(*expression.operands[1]) : left;
        if (op == "or")
            return left.truthy() ? left : evaluate(*expression.operands[1]);
        const Value right = evaluate(*expression.operands[1]);
        try {
            return applyOperator(op, left, right);
        } catch (const EvaluationError &error) {
            fail(expression.position, error.what());
        }
    }

    std::vector<Frame> m_frames;
    std::size_t m_barrier = 0; // frames below this (but frame 0) are hidden from the running macro
    int m_macroDepth = 0;
};

} // namespace

std::string renderTemplate(const Body &body, const Dict &variables)
{
    std::string out;
    Interpreter(variables).run(body, out);
    return out;
}

} // namespace glassbox::chat
