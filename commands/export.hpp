// `cassette export`: the cassette in a machine form (JSON; HAR).
#pragma once

#include <string>
#include <vector>

#include "command.hpp"
#include "reader.hpp"

namespace cassette {

struct ExportOptions {
    std::vector<std::string> paths;
    OutputFormat format = OutputFormat::json;  // json | har
    std::string output;                        // empty: standard output
    bool compact = false;
    ReadOptions read;  // --input-format; thread count (lib/reader.hpp)
};

const CommandInfo& export_command();

// Runs the export, writing through `write` (standard output or an atomic file).
int run_export(const ExportOptions& opts, Terminal& t);

}  // namespace cassette
