// `cassette validate`: checks cassettes the way a CI job needs — every
// finding of every file, then one report (text, JSON or GitHub annotations).
#pragma once

#include <string>
#include <vector>

#include "command.hpp"
#include "validation.hpp"  // the rules (same file name as this header)
#include "reader.hpp"

namespace cassette {

struct ValidateOptions {
    std::vector<std::string> paths;
    OutputFormat format = OutputFormat::text;  // text | json | github
    bool strict = false;                       // warnings fail too
    std::vector<std::string> ignore;           // rule ids left out
    bool quiet = false;                        // text: errors only (warnings too with --strict), no summary
    unsigned jobs = 0;                         // 0 = all cores
    ColorMode color = ColorMode::auto_;
    ReadOptions read;  // --input-format; thread count (lib/reader.hpp)
};

const CommandInfo& validate_command();
int run_validate(const ValidateOptions& opts, Terminal& t);

// The report in each format, from per-file results (exposed for tests).
struct ValidateTotals {
    size_t files = 0;
    size_t errors = 0;
    size_t warnings = 0;
};
std::string format_validate_json(const std::vector<FileReport>& reports, bool strict);
std::string format_validate_github(const std::vector<FileReport>& reports);
std::string format_validate_text(const std::vector<FileReport>& reports, bool strict, bool quiet, bool color);

}  // namespace cassette
