#pragma once

#include "ConversationStore.h"

#include <QByteArray>
#include <QString>

namespace glassbox::app
{

// A conversation as a Markdown transcript: the branch on screen, one section per message.
QString exportMarkdown(const ConversationStore &store, qint64 conversationId);
// The whole conversation as JSON: settings, every message of the tree (with parent ids, so no
// branch is lost) and the ids of the branch on screen.
QByteArray exportJson(const ConversationStore &store, qint64 conversationId);

} // namespace glassbox::app
