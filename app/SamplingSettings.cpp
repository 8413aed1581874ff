#include "SamplingSettings.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaProperty>

#include <cmath>

namespace glassbox::app
{

namespace
{

// The engine's defaults are floats; rounding keeps JSON and the UI at 0.95 rather than 0.949999988.
double clean(float value)
{
    return std::round(static_cast<double>(value) * 1e6) / 1e6;
}

struct Preset {
    const char *name;
    QVariantMap overrides; // on top of the defaults
};

const QList<Preset> &presetTable()
{
    static const QList<Preset> table = {
        {"Precise", {{QStringLiteral("temperature"), 0.1}, {QStringLiteral("topP"), 0.9}}},
        {"Code", {{QStringLiteral("temperature"), 0.2}}},
        {"Balanced", {{QStringLiteral("temperature"), 0.7}, {QStringLiteral("topP"), 0.95}}},
        {"Creative", {{QStringLiteral("temperature"), 1.2}, {QStringLiteral("topP"), 0.98}}},
    };
    return table;
}

bool sameValue(const QVariant &a, const QVariant &b)
{
    if (a.typeId() == QMetaType::Double || b.typeId() == QMetaType::Double)
        return std::abs(a.toDouble() - b.toDouble()) < 1e-6;
    return a == b;
}

// Parameters a preset does not touch: they describe the request, not the distribution.
bool isRequestParameter(const char *name)
{
    return qstrcmp(name, "seed") == 0 || qstrcmp(name, "fixedSeed") == 0 || qstrcmp(name, "stopStrings") == 0 || qstrcmp(name, "maxTokens") == 0;
}

} // namespace

SamplingSettings::SamplingSettings(QObject *parent)
    : QObject(parent)
{
    reset();
}

QStringList SamplingSettings::presets() const
{
    QStringList names;
    for (const Preset &preset : presetTable())
        names.append(QLatin1String(preset.name));
    return names;
}

QString SamplingSettings::preset() const
{
    const QVariantMap current = distribution();
    SamplingSettings defaults;
    const QVariantMap base = defaults.distribution();
    for (const Preset &preset : presetTable()) {
        bool matches = true;
        for (auto it = base.begin(); it != base.end() && matches; ++it)
            matches = sameValue(current.value(it.key()), preset.overrides.value(it.key(), it.value()));
        if (matches)
            return QLatin1String(preset.name);
    }
    return {};
}

void SamplingSettings::applyPreset(const QString &name)
{
    for (const Preset &preset : presetTable()) {
        if (name != QLatin1String(preset.name))
            continue;
        SamplingSettings defaults;
        QVariantMap values = defaults.distribution();
        values.insert(preset.overrides);
        setValues(values);
        return;
    }
}

QString SamplingSettings::explanation(const QString &property) const
{
    static const QHash<QString, QString> texts = {
        {QStringLiteral("temperature"),
         tr("Divides the logits before sampling: low values make replies focused and repeatable, high values varied; 0 always picks the most likely token.")},
        {QStringLiteral("topK"), tr("Keeps only the K most likely tokens (0: off).")},
        {QStringLiteral("topP"), tr("Keeps the most likely tokens until their probabilities add up to P (1: off).")},
        {QStringLiteral("minP"), tr("Drops tokens less likely than P times the most likely one (0: off).")},
        {QStringLiteral("typicalP"), tr("Keeps tokens whose surprise is close to the average surprise (1: off).")},
        {QStringLiteral("repeatPenalty"), tr("Makes tokens seen in the last N tokens less likely (1: off).")},
        {QStringLiteral("repeatLastN"), tr("How many recent tokens the repetition penalties look at (0: off, -1: the whole context).")},
        {QStringLiteral("frequencyPenalty"), tr("Lowers a token's logit by this much for every time it already appeared.")},
        {QStringLiteral("presencePenalty"), tr("Lowers a token's logit by this much once it appeared at all.")},
        {QStringLiteral("mirostat"), tr("Mirostat v2: adapts truncation to keep the surprise of the text near tau; replaces top-k/top-p/min-p.")},
        {QStringLiteral("mirostatTau"), tr("Mirostat's target surprise: lower is more focused.")},
        {QStringLiteral("mirostatEta"), tr("How fast Mirostat adapts.")},
        {QStringLiteral("dryMultiplier"), tr("DRY: penalises tokens that would extend a repeated sequence (0: off).")},
        {QStringLiteral("dryBase"), tr("DRY's penalty grows as base^(length - allowed length).")},
        {QStringLiteral("dryAllowedLength"), tr("Repeated sequences up to this length are not penalised by DRY.")},
        {QStringLiteral("xtcProbability"), tr("XTC: the chance per token of removing the most likely choices, for more creative text (0: off).")},
        {QStringLiteral("xtcThreshold"), tr("XTC removes the tokens above this probability, except the least likely of them.")},
        {QStringLiteral("seed"), tr("The random seed used when the seed is fixed.")},
        {QStringLiteral("fixedSeed"), tr("Use the same seed for every reply, so the same prompt gives the same reply.")},
        {QStringLiteral("stopStrings"), tr("The reply ends when its text reaches one of these strings.")},
        {QStringLiteral("maxTokens"), tr("The most tokens one reply may have (-1: until the context is full).")},
    };
    return texts.value(property);
}

void SamplingSettings::reset()
{
    const sampling::SamplerSettings engine;
    m_temperature = clean(engine.temperature);
    m_topK = engine.topK;
    m_topP = clean(engine.topP);
    m_minP = clean(engine.minP);
    m_typicalP = clean(engine.typicalP);
    m_repeatPenalty = clean(engine.repeatPenalty);
    m_repeatLastN = engine.penaltyLastN;
    m_frequencyPenalty = clean(engine.frequencyPenalty);
    m_presencePenalty = clean(engine.presencePenalty);
    m_mirostat = engine.mirostat;
    m_mirostatTau = clean(engine.mirostatTau);
    m_mirostatEta = clean(engine.mirostatEta);
    m_dryMultiplier = clean(engine.dryMultiplier);
    m_dryBase = clean(engine.dryBase);
    m_dryAllowedLength = engine.dryAllowedLength;
    m_xtcProbability = clean(engine.xtcProbability);
    m_xtcThreshold = clean(engine.xtcThreshold);
    m_seed = 42;
    m_fixedSeed = false;
    m_stopStrings.clear();
    m_maxTokens = -1;
    Q_EMIT changed();
}

QString SamplingSettings::toJson() const
{
    QJsonObject object;
    const QMetaObject *meta = metaObject();
    for (int i = meta->propertyOffset(); i < meta->propertyCount(); ++i) {
        const QMetaProperty property = meta->property(i);
        if (property.isStored())
            object.insert(QLatin1String(property.name()), QJsonValue::fromVariant(property.read(this)));
    }
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

void SamplingSettings::loadJson(const QString &json)
{
    const QJsonObject object = QJsonDocument::fromJson(json.toUtf8()).object();
    {
        const QSignalBlocker blocker(this);
        reset();
    }
    setValues(object.toVariantMap());
}

void SamplingSettings::setValues(const QVariantMap &values)
{
    {
        const QSignalBlocker blocker(this);
        const QMetaObject *meta = metaObject();
        for (auto it = values.begin(); it != values.end(); ++it) {
            const int index = meta->indexOfProperty(it.key().toUtf8().constData());
            if (index >= meta->propertyOffset() && meta->property(index).isStored())
                meta->property(index).write(this, it.value());
        }
    }
    Q_EMIT changed();
}

QVariantMap SamplingSettings::distribution() const
{
    QVariantMap values;
    const QMetaObject *meta = metaObject();
    for (int i = meta->propertyOffset(); i < meta->propertyCount(); ++i) {
        const QMetaProperty property = meta->property(i);
        if (property.isStored() && !isRequestParameter(property.name()))
            values.insert(QLatin1String(property.name()), property.read(this));
    }
    return values;
}

sampling::SamplerSettings SamplingSettings::toEngine() const
{
    sampling::SamplerSettings settings;
    if (m_fixedSeed)
        settings.seed = static_cast<std::uint64_t>(static_cast<std::uint32_t>(m_seed));
    settings.temperature = static_cast<float>(m_temperature);
    settings.topK = m_topK;
    settings.topP = static_cast<float>(m_topP);
    settings.minP = static_cast<float>(m_minP);
    settings.typicalP = static_cast<float>(m_typicalP);
    settings.penaltyLastN = m_repeatLastN;
    settings.repeatPenalty = static_cast<float>(m_repeatPenalty);
    settings.frequencyPenalty = static_cast<float>(m_frequencyPenalty);
    settings.presencePenalty = static_cast<float>(m_presencePenalty);
    settings.dryMultiplier = static_cast<float>(m_dryMultiplier);
    settings.dryBase = static_cast<float>(m_dryBase);
    settings.dryAllowedLength = m_dryAllowedLength;
    settings.xtcProbability = static_cast<float>(m_xtcProbability);
    settings.xtcThreshold = static_cast<float>(m_xtcThreshold);
    settings.mirostat = m_mirostat;
    settings.mirostatTau = static_cast<float>(m_mirostatTau);
    settings.mirostatEta = static_cast<float>(m_mirostatEta);
    return settings;
}

} // namespace glassbox::app
