// `cassette diff`: the semantic difference of two cassettes, also usable as a
// git diff driver (7-argument form) and textconv filter (--textconv FILE).
#pragma once

#include <string>
#include <vector>

#include "command.hpp"
#include "reader.hpp"

namespace cassette {

struct DiffCommandOptions {
    std::vector<std::string> files;   // A B, or git's 7 (or 9) driver arguments, or the --textconv file
    std::vector<std::string> ignore;  // --ignore PATH
    bool no_ignore = false;
    bool list_ignored = false;
    bool stat = false;
    bool textconv = false;
    OutputFormat format = OutputFormat::text;
    ColorMode color = ColorMode::auto_;
    std::string prices;  // --prices FILE: price data for the cost change (docs/cost.md)
    ReadOptions read;    // --input-format; thread count (lib/reader.hpp)
};

const CommandInfo& diff_command();
int run_diff(const DiffCommandOptions& opts, Terminal& t);

}  // namespace cassette
