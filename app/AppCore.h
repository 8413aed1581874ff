#pragma once

#include "AppSettings.h"
#include "ChatController.h"
#include "ConversationStore.h"
#include "EngineThread.h"
#include "ModelController.h"
#include "SamplingSettings.h"

namespace glassbox::app
{

// Everything behind the QML singletons, wired together: the app and the tests build the same thing.
// Members are destroyed in reverse order, so the controllers stop their work before the engine
// thread is joined and the store closed.
class AppCore
{
public:
    // An empty dataFolder uses the stored or default data folder (see AppSettings).
    explicit AppCore(const QString &dataFolder = {});

    static QString databaseFile(const QString &dataFolder);
    // Makes the four objects the QML singletons Chat, Models, Sampling and Settings of `import Glassbox 1.0`.
    void registerQmlSingletons();

    AppSettings settings;
    EngineThread engine;
    ConversationStore store;
    SamplingSettings sampling;
    ModelController models;
    ChatController chat;
};

} // namespace glassbox::app
