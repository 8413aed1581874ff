#include "Commands.h"

#include "util/Error.h"

#include <cstring>
#include <iostream>
#include <string_view>

namespace {

struct Command {
    std::string_view name;
    std::string_view usage;
    int (*run)(glassbox::cli::Args &);
};

constexpr Command kCommands[] = {
    {"attention", "attention --model FILE --prompt TEXT --layer L [--head H] [--lens] [--kv-type f16|f32|q8_0] [--backend cpu|vulkan] [--device N] [--threads N] [--json]", glassbox::cli::attentionCommand},
    {"bench", "bench --model FILE [--profile] [-p 512] [-n 128] [--reps R] [--kv-type f16|f32|q8_0] [--backend cpu|vulkan] [--device N] [--threads N] [--json]", glassbox::cli::benchCommand},
    {"chat-template", "chat-template --model FILE --messages FILE.json [--add-generation-prompt] [--format NAME]", glassbox::cli::chatTemplateCommand},
    {"devices", "devices [--json]", glassbox::cli::devicesCommand},
    {"generate", "generate --model FILE --prompt TEXT [--n N] [--backend cpu|vulkan] [--device N] [--threads N] [--kv-type f16|f32|q8_0] [--ctx N] [--top K] [--special] [--chat [--system TEXT]] [--show-prompt] [--temp T] [--top-k K] [--top-p P] [--min-p P] [--seed S] [--record-stages N] [--json]", glassbox::cli::generateCommand},
    {"inspect", "inspect FILE [--ctx N] [--json]", glassbox::cli::inspectCommand},
    {"logits", "logits --model FILE (--prompt TEXT | --tokens ID,ID,...) [--top N] [--kv-type f32|f16|q8_0] [--backend cpu|vulkan] [--device N] [--threads N] [--json]", glassbox::cli::logitsCommand},
    {"perplexity", "perplexity --model FILE --file TEXT [--ctx N] [--stride S] [--kv-type f16|f32|q8_0] [--backend cpu|vulkan] [--device N] [--threads N] [--json]", glassbox::cli::perplexityCommand},
    {"quantize", "quantize IN OUT TYPE (F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q3_K Q4_K Q5_K Q6_K)", glassbox::cli::quantizeCommand},
    {"tokenize", "tokenize --model FILE [--no-bos] [--special] (TEXT | --file F) [--json]", glassbox::cli::tokenizeCommand},
};

void printUsage(std::ostream &out)
{
    out << "usage: glassbox-cli COMMAND [options]\n\ncommands:\n";
    for (const Command &command : kCommands)
        out << "  " << command.usage << '\n';
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        printUsage(argc < 2 ? std::cerr : std::cout);
        return argc < 2 ? 2 : 0;
    }
    const std::string_view name = argv[1];
    for (const Command &command : kCommands) {
        if (command.name != name)
            continue;
        glassbox::cli::Args args(std::vector<std::string>(argv + 2, argv + argc));
        try {
            return command.run(args);
        } catch (const glassbox::Error &error) {
            std::cerr << "glassbox-cli " << name << ": error: " << error.what() << '\n';
            return 1;
        }
    }
    std::cerr << "glassbox-cli: unknown command '" << name << "'\n";
    printUsage(std::cerr);
    return 2;
}
