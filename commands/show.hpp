// `cassette show`: each interaction as a person wants to read it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "reader.hpp"

namespace cassette {

struct ShowOptions {
    std::vector<std::string> paths;
    std::vector<long long> indexes;  // -i, empty = all
    bool raw = false;                // bodies exactly as recorded
    bool events = false;             // list decoded stream events instead of the message
    bool no_headers = false;
    bool verbose = false;  // request tools with descriptions and parameters
    bool full = false;     // request texts unfolded, nothing collapsed
    OutputFormat format = OutputFormat::text;
    ColorMode color = ColorMode::auto_;
    std::string prices;  // --prices FILE: price data for the usage line's cost (docs/cost.md)
    // Output of a file is held back up to this many bytes (so an unreadable
    // file prints only its error), then streamed.
    size_t hold_bytes = size_t{8} << 20;
    ReadOptions read;  // --input-format; thread count (lib/reader.hpp)
};

const CommandInfo& show_command();
int run_show(const ShowOptions& opts, Terminal& t);

}  // namespace cassette
