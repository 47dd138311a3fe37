// `cassette import FILE.har [-o OUT.yaml]`: a HAR log as a go-vcr format 2
// cassette that go-vcr v4 can replay (the reverse of `export --format har`).
#pragma once

#include <string>

#include "command.hpp"

namespace cassette {

struct ImportOptions {
    std::string input;   // a HAR file, or "-" for standard input
    std::string output;  // empty or "-": standard output
};

const CommandInfo& import_command();
int run_import(const ImportOptions& opts, Terminal& t);

}  // namespace cassette
