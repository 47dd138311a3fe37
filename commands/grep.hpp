// `cassette grep`: searches what the recordings say (decoded bodies, the
// reassembled message, the prompt), not their stored bytes.
#pragma once

#include <string>
#include <vector>

#include "command.hpp"
#include "listing.hpp"
#include "reader.hpp"

namespace cassette {

struct GrepOptions {
    std::string pattern;
    std::vector<std::string> paths;
    std::vector<std::string> in;      // field names; empty = every field
    unsigned context = 0;             // -C
    bool files_with_matches = false;  // -l
    bool count = false;               // -c
    bool ignore_case = false;         // -i
    bool fixed = false;               // -F
    bool word = false;                // -w
    bool json = false;
    InteractionFilter filter;
    unsigned jobs = 0;  // 0 = one per core
    ColorMode color = ColorMode::auto_;
    ReadOptions read;  // --input-format; thread count (lib/reader.hpp)
};

const CommandInfo& grep_command();
// 0 a match found, 1 none, 2 an error (a bad pattern, an unreadable file).
int run_grep(const GrepOptions& opts, Terminal& t);

}  // namespace cassette
