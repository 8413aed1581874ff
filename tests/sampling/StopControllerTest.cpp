#include "sampling/StopController.h"

#include <QTest>

using namespace glassbox::sampling;

namespace
{

constexpr TokenId Eos = 2;

struct Run {
    std::string shown;
    std::vector<std::string> steps;
    std::optional<FinishReason> finish;
};

// Feeds pieces as tokens 100, 101... and collects what would be shown.
Run feed(StopController &controller, std::initializer_list<const char *> pieces)
{
    Run run;
    TokenId token = 100;
    for (const char *piece : pieces) {
        StopController::Step step = controller.push(token++, piece);
        run.shown += step.text;
        run.steps.push_back(step.text);
        run.finish = step.finish;
        if (step.finish)
            break;
    }
    return run;
}

} // namespace

class StopControllerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stopStringSplitAcrossTokensNeverLeaks()
    {
        StopController controller({{"</s>"}, -1, {Eos}});
        const Run run = feed(controller, {"Hello <", "/", "s", ">", "never"});
        QCOMPARE(run.steps, (std::vector<std::string>{"Hello ", "", "", ""}));
        QCOMPARE(run.shown, std::string("Hello "));
        QCOMPARE(run.finish, std::optional(FinishReason::StopString));
        QCOMPARE(controller.matchedStopString(), std::string("</s>"));
        QCOMPARE(controller.tokenCount(), std::size_t{4});
    }

    void textBeforeTheStopInTheSameTokenIsReleased()
    {
        StopController controller({{"###"}, -1, {}});
        const Run run = feed(controller, {"ab", "c###def"});
        QCOMPARE(run.shown, std::string("abc"));
        QCOMPARE(run.finish, std::optional(FinishReason::StopString));
    }

    void heldTextIsReleasedWhenItCannotMatchAnyMore()
    {
        StopController controller({{"STOP"}, -1, {}});
        const Run run = feed(controller, {"a ST", "AR", "t"});
        QCOMPARE(run.steps, (std::vector<std::string>{"a ", "STAR", "t"}));
        QVERIFY(!run.finish);
        QVERIFY(controller.heldBack().empty());
    }

    void overlappingPrefixKeepsOnlyWhatCanStillMatch()
    {
        // "aaa": only the last "aa" can still begin "aab".
        StopController controller({{"aab"}, -1, {}});
        const Run run = feed(controller, {"aa", "a", "b"});
        QCOMPARE(run.steps, (std::vector<std::string>{"", "a", ""}));
        QCOMPARE(run.shown, std::string("a"));
        QCOMPARE(run.finish, std::optional(FinishReason::StopString));
    }

    void earliestOfSeveralStopStringsWins()
    {
        StopController controller({{"World", "lo"}, -1, {}});
        const Run run = feed(controller, {"Hello World"});
        QCOMPARE(run.shown, std::string("Hel"));
        QCOMPARE(controller.matchedStopString(), std::string("lo"));
    }

    void lengthLimitReleasesHeldText()
    {
        StopController controller({{"</s>"}, 3, {}});
        const Run run = feed(controller, {"one", " two", " <", "/s>"});
        QCOMPARE(run.shown, std::string("one two <"));
        QCOMPARE(run.finish, std::optional(FinishReason::Length));
        QCOMPARE(controller.tokenCount(), std::size_t{3});
    }

    void endTokenIsNotShown()
    {
        StopController controller({{"</s>"}, -1, {Eos}});
        QCOMPARE(controller.push(100, "done <").text, std::string("done "));
        const StopController::Step step = controller.push(Eos, "</s>");
        QCOMPARE(step.text, std::string("<")); // held text is released; the end token's own text is not
        QCOMPARE(step.finish, std::optional(FinishReason::EndOfSequence));
    }

    void cancelAndContextFull()
    {
        StopController cancelled({{"STOP"}, -1, {}});
        QCOMPARE(cancelled.push(100, "go S").text, std::string("go "));
        const StopController::Step step = cancelled.stop(FinishReason::Cancelled);
        QCOMPARE(step.text, std::string("S"));
        QCOMPARE(cancelled.finishReason(), std::optional(FinishReason::Cancelled));
        // Nothing more once finished.
        const StopController::Step after = cancelled.push(101, "more");
        QVERIFY(after.text.empty());
        QCOMPARE(after.finish, std::optional(FinishReason::Cancelled));

        StopController full({{}, -1, {}});
        full.push(100, "x");
        QCOMPARE(full.stop(FinishReason::ContextFull).finish, std::optional(FinishReason::ContextFull));
    }

    void zeroTokenBudgetIsFinishedAtOnce()
    {
        StopController controller({{}, 0, {}});
        QVERIFY(controller.finished());
        QCOMPARE(controller.finishReason(), std::optional(FinishReason::Length));
    }

    void emptyStopStringsAreIgnored()
    {
        StopController controller({{""}, -1, {}});
        const Run run = feed(controller, {"text"});
        QCOMPARE(run.shown, std::string("text"));
        QVERIFY(!run.finish);
    }

    void multiByteStopString()
    {
        // "。" is three bytes; tokens may split it anywhere.
        StopController controller({{"\xe3\x80\x82"}, -1, {}});
        const Run run = feed(controller, {"終わり\xe3", "\x80", "\x82more"});
        QCOMPARE(run.shown, std::string("終わり"));
        QCOMPARE(run.finish, std::optional(FinishReason::StopString));
    }

    void finishReasonNames()
    {
        QCOMPARE(finishReasonName(FinishReason::EndOfSequence), std::string_view("eos"));
        QCOMPARE(finishReasonName(FinishReason::StopString), std::string_view("stop"));
        QCOMPARE(finishReasonName(FinishReason::Length), std::string_view("length"));
        QCOMPARE(finishReasonName(FinishReason::Cancelled), std::string_view("cancelled"));
        QCOMPARE(finishReasonName(FinishReason::ContextFull), std::string_view("context full"));
    }
};

QTEST_GUILESS_MAIN(StopControllerTest)
#include "StopControllerTest.moc"
