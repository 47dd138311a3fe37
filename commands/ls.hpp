// `cassette ls`: one line per interaction (or per file), like `git log
// --oneline` for fixtures.
#pragma once

#include <string>
#include <vector>

#include "command.hpp"
#include "listing.hpp"
#include "reader.hpp"

namespace cassette {

struct LsOptions {
    std::vector<std::string> paths;
    OutputFormat format = OutputFormat::table;  // table | json | csv
    std::string sort = "file";                  // file | size | tokens | time
    bool files = false;                         // one line per file
    InteractionFilter filter;
    unsigned jobs = 0;  // 0 = one per core
    ColorMode color = ColorMode::auto_;
    ReadOptions read;  // --input-format; thread count (lib/reader.hpp)
};

const CommandInfo& ls_command();
int run_ls(const LsOptions& opts, Terminal& t);

// --model, --api, --host, --status, --tool: the interaction filters `ls` and
// `grep` share.
void add_filter_options(CLI::App& command, InteractionFilter& filter);

}  // namespace cassette
