// `cassette show`: each interaction as a person wants to read it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "command.hpp"

namespace cassette {

struct ShowOptions {
    std::vector<std::string> paths;
    std::vector<long long> indexes;  // -i, empty = all
    bool raw = false;                // bodies exactly as recorded
    bool events = false;             // list decoded stream events instead of the message
    bool no_headers = false;
    std::string format = "text";
    ColorMode color = ColorMode::auto_;
};

const CommandInfo& show_command();
int run_show(const ShowOptions& opts, Terminal& t);

}  // namespace cassette
