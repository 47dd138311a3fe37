// `cassette convert IN -o OUT --to go-vcr|vcrpy|har`: a cassette of any
// readable format written in another. Lossless where the target can hold a
// field; each field it cannot hold is named in a warning on standard error.
#pragma once

#include <string>
#include <vector>

#include "command.hpp"
#include "model.hpp"
#include "reader.hpp"

namespace cassette {

struct ConvertOptions {
    std::string input;   // a cassette, or "-"
    std::string output;  // empty or "-": standard output
    std::string to;      // go-vcr | vcrpy | har
    ReadOptions read;    // --input-format; thread count (lib/reader.hpp)
};

// The converted text and, per field the target cannot hold, a warning line
// ("vcrpy cannot hold `recorded_at` (3 interactions): dropped").
struct Converted {
    std::string text;
    std::vector<std::string> warnings;
};

// Throws std::invalid_argument for an unknown target.
Converted convert_cassette(const Cassette& c, const std::string& to);

const CommandInfo& convert_command();
int run_convert(const ConvertOptions& opts, Terminal& t);

}  // namespace cassette
