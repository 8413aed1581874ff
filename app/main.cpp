#include "AppCore.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>

#include <cstdio>

using namespace glassbox::app;

int main(int argc, char *argv[])
{
    QGuiApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("glassbox"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GLASSBOX_VERSION));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Glassbox"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Chat with local language models and look inside them."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption modelOption(QStringLiteral("model"), QStringLiteral("Load this GGUF model at start."), QStringLiteral("FILE"));
    const QCommandLineOption backendOption(QStringLiteral("backend"),
                                           QStringLiteral("Compute backend: cpu or vulkan."),
                                           QStringLiteral("NAME"),
                                           QStringLiteral("cpu"));
    const QCommandLineOption dataOption(QStringLiteral("data-dir"), QStringLiteral("Keep conversations and settings in DIR."), QStringLiteral("DIR"));
    const QCommandLineOption sendOption(QStringLiteral("send"),
                                        QStringLiteral("Send TEXT as the first message once the model is ready."),
                                        QStringLiteral("TEXT"));
    parser.addOptions({modelOption, backendOption, dataOption, sendOption});
    parser.process(application);

    const QString backend = parser.value(backendOption);
    if (backend != QLatin1String("cpu") && backend != QLatin1String("vulkan")) {
        std::fprintf(stderr, "glassbox: unknown backend '%s' (cpu or vulkan)\n", qPrintable(backend));
        return 2;
    }
    if (parser.isSet(sendOption) && !parser.isSet(modelOption)) {
        std::fprintf(stderr, "glassbox: --send needs --model\n");
        return 2;
    }
    // A style that follows the platform's light/dark palette; the environment may still choose another.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Material"));

    AppCore core(parser.value(dataOption));
    if (!core.store.isOpen()) {
        std::fprintf(stderr, "glassbox: cannot open the conversation store %s: %s\n", qPrintable(core.store.path()), qPrintable(core.store.errorString()));
        return 1;
    }
    core.models.setRequestedBackend(backend);
    QObject::connect(&core.models, &ModelController::errorTextChanged, [&core] {
        if (!core.models.errorText().isEmpty())
            std::fprintf(stderr, "glassbox: %s\n", qPrintable(core.models.errorText()));
    });

    core.registerQmlSingletons();

    // Declared after `core`, so QML lets go of the singletons before they are destroyed.
    QQmlApplicationEngine engine;
    engine.load(QUrl(QStringLiteral("qrc:/ui/Main.qml")));
    if (engine.rootObjects().isEmpty()) {
        std::fprintf(stderr, "glassbox: the user interface (qrc:/ui/Main.qml) did not load\n");
        return 1;
    }

    if (parser.isSet(modelOption)) {
        const QString message = parser.value(sendOption);
        if (!message.isEmpty()) {
            QObject::connect(&core.models, &ModelController::stateChanged, &core.chat, [&core, message, sent = false]() mutable {
                if (!sent && core.models.isReady()) {
                    sent = true;
                    core.chat.send(message);
                }
            });
        }
        core.models.openPath(parser.value(modelOption));
    }
    return application.exec();
}
