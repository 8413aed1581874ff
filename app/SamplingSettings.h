#pragma once

#include "sampling/SamplerSettings.h"

#include <QObject>
#include <QStringList>

namespace glassbox::app
{

// The `Sampling` singleton: every sampler parameter the UI can set, stored per conversation as
// JSON. Plain MEMBER properties sharing one `changed` signal keep the list short; JSON and
// presets walk the meta-object, so a new parameter needs one line here and one in toEngine().
class SamplingSettings : public QObject
{
    Q_OBJECT
    Q_PROPERTY(double temperature MEMBER m_temperature NOTIFY changed)
    Q_PROPERTY(int topK MEMBER m_topK NOTIFY changed)
    Q_PROPERTY(double topP MEMBER m_topP NOTIFY changed)
    Q_PROPERTY(double minP MEMBER m_minP NOTIFY changed)
    Q_PROPERTY(double typicalP MEMBER m_typicalP NOTIFY changed)
    Q_PROPERTY(double repeatPenalty MEMBER m_repeatPenalty NOTIFY changed)
    Q_PROPERTY(int repeatLastN MEMBER m_repeatLastN NOTIFY changed)
    Q_PROPERTY(double frequencyPenalty MEMBER m_frequencyPenalty NOTIFY changed)
    Q_PROPERTY(double presencePenalty MEMBER m_presencePenalty NOTIFY changed)
    Q_PROPERTY(bool mirostat MEMBER m_mirostat NOTIFY changed)
    Q_PROPERTY(double mirostatTau MEMBER m_mirostatTau NOTIFY changed)
    Q_PROPERTY(double mirostatEta MEMBER m_mirostatEta NOTIFY changed)
    Q_PROPERTY(double dryMultiplier MEMBER m_dryMultiplier NOTIFY changed)
    Q_PROPERTY(double dryBase MEMBER m_dryBase NOTIFY changed)
    Q_PROPERTY(int dryAllowedLength MEMBER m_dryAllowedLength NOTIFY changed)
    Q_PROPERTY(double xtcProbability MEMBER m_xtcProbability NOTIFY changed)
    Q_PROPERTY(double xtcThreshold MEMBER m_xtcThreshold NOTIFY changed)
    Q_PROPERTY(int seed MEMBER m_seed NOTIFY changed)
    Q_PROPERTY(bool fixedSeed MEMBER m_fixedSeed NOTIFY changed)
    Q_PROPERTY(QStringList stopStrings MEMBER m_stopStrings NOTIFY changed)
    Q_PROPERTY(int maxTokens MEMBER m_maxTokens NOTIFY changed)
    Q_PROPERTY(QStringList presets READ presets CONSTANT STORED false)
    Q_PROPERTY(QString preset READ preset NOTIFY changed STORED false)

public:
    explicit SamplingSettings(QObject *parent = nullptr);

    QStringList presets() const;
    // The preset the distribution parameters match exactly, or "" when they were edited by hand.
    QString preset() const;

    Q_INVOKABLE void applyPreset(const QString &name);
    Q_INVOKABLE QString explanation(const QString &property) const;
    Q_INVOKABLE void reset();

    QString toJson() const;
    // Missing or unknown keys keep their defaults, so JSON from older versions still loads.
    void loadJson(const QString &json);

    sampling::SamplerSettings toEngine() const;
    int maxTokens() const
    {
        return m_maxTokens;
    }
    const QStringList &stopStrings() const
    {
        return m_stopStrings;
    }

Q_SIGNALS:
    void changed();

private:
    // The parameters a preset sets; seed, stop strings and the token limit are left alone.
    QVariantMap distribution() const;
    void setValues(const QVariantMap &values);

    double m_temperature = 0;
    int m_topK = 0;
    double m_topP = 0;
    double m_minP = 0;
    double m_typicalP = 0;
    double m_repeatPenalty = 0;
    int m_repeatLastN = 0;
    double m_frequencyPenalty = 0;
    double m_presencePenalty = 0;
    bool m_mirostat = false;
    double m_mirostatTau = 0;
    double m_mirostatEta = 0;
    double m_dryMultiplier = 0;
    double m_dryBase = 0;
    int m_dryAllowedLength = 0;
    double m_xtcProbability = 0;
    double m_xtcThreshold = 0;
    int m_seed = 0;
    bool m_fixedSeed = false;
    QStringList m_stopStrings;
    int m_maxTokens = -1;
};

} // namespace glassbox::app
