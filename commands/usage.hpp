// `cassette usage`: token usage per interaction, file, model and in total.
#pragma once

#include <string>
#include <vector>

#include "command.hpp"
#include "reader.hpp"

namespace cassette {

// The rows of the report (--by).
enum class UsageBy { interaction, file, model };

struct UsageOptions {
    std::vector<std::string> paths;
    UsageBy by = UsageBy::file;
    OutputFormat format = OutputFormat::table;  // table | json | csv
    unsigned jobs = 0;                          // 0 = one per core
    ColorMode color = ColorMode::auto_;
    bool cost = false;   // --cost: price each call (docs/cost.md)
    std::string prices;  // --prices FILE (else $CASSETTE_PRICES, else the installed data)
    ReadOptions read;    // --input-format; thread count (lib/reader.hpp)
};

const CommandInfo& usage_command();
int run_usage(const UsageOptions& opts, Terminal& t);

}  // namespace cassette
