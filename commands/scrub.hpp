// `cassette scrub`: takes credentials out of cassettes in place (or checks
// that there are none left, for pre-commit and CI), naming each value it
// takes by file:line:col and a masked prefix, never by its text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "scrub/scrub.hpp"
#include "reader.hpp"

namespace cassette {

struct ScrubOptions {
    std::vector<std::string> paths;
    std::string output;                        // -o: the one input's scrubbed copy goes here instead
    bool check = false;                        // write nothing; exit 1 when something would be scrubbed
    bool diff = false;                         // write nothing; print the unified diff; exit 1 when not empty
    OutputFormat format = OutputFormat::text;  // text | json
    scrub::Policy policy;                      // --header, --query, --json-key, --pattern, --replacement, --keep
    std::string config;  // --config; empty: .cassette.toml found upward from the working directory
    unsigned jobs = 0;   // 0 = all cores
    ColorMode color = ColorMode::auto_;
    ReadOptions read;  // --input-format; thread count (lib/reader.hpp)
};

// What happened to one input.
struct ScrubReport {
    std::string path;
    std::optional<std::string> error;  // could not be read or scrubbed (file left alone): the error text
    scrub::FileResult result;          // `output` emptied once written
    std::string diff;                  // --diff: the unified diff, secrets in removed lines masked
    std::string data;                  // `-` without -o: the cassette for standard output
};

const CommandInfo& scrub_command();
int run_scrub(const ScrubOptions& opts, Terminal& t);

// The config file this run uses: `explicit_path` when given, else the
// nearest `.cassette.toml` in `start` or a directory above it; empty when none.
std::string find_scrub_config(const std::string& explicit_path, const std::string& start);
// Adds the `[scrub]` settings of config file `path` to `policy`: lists
// (header, query, json-key, pattern, keep) before those of the command line,
// `replacement` only when `replacement_given` is false. Throws
// std::invalid_argument naming the file and key for anything it cannot take.
void apply_scrub_config(const std::string& path, scrub::Policy& policy, bool replacement_given);

// Empty when `pattern` is a valid RE2 expression, else RE2's complaint.
std::string pattern_error(const std::string& pattern);

// `diff` of `before` and `after` with every removed run of text masked
// (mask_secret), so the old value never reaches a log.
std::string masked_diff(const std::string& path, std::string_view before, std::string_view after);

std::string format_scrub_text(const std::vector<ScrubReport>& reports, bool color);
std::string format_scrub_counts(const std::vector<ScrubReport>& reports, bool would);
std::string format_scrub_json(const std::vector<ScrubReport>& reports, const ScrubOptions& opts);

}  // namespace cassette
