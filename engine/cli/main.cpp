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
    {"inspect", "inspect FILE [--ctx N] [--json]", glassbox::cli::inspectCommand},
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
