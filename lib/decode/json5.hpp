// JSON5 (https://spec.json5.org/, version 1.0.0): JSON plus comments,
// unquoted (ECMAScript identifier) keys, single-quoted strings, trailing
// commas, hexadecimal numbers, leading/trailing decimal points, `+`, Infinity
// and NaN, escaped line breaks in strings. talkback writes its tapes in it.
//
// Parsed into nlohmann::ordered_json (object keys keep their written order; a
// repeated key keeps its last value, as JSON5.parse does). Never throws
// anything but Json5Error, which names the 1-based line and column (counted in
// characters) of the offending character.
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model.hpp"

namespace cassette {

struct Json5Error : std::runtime_error {
    Json5Error(Position p, const std::string& message) : std::runtime_error(message), pos(p) {}
    Position pos;
};

// Parses the whole of `text` (one value, optionally surrounded by blank
// space and comments). Nesting deeper than `max_depth` is an error. When
// `where` is given, it receives the position of every value by path:
// "$" the top, "$.key" / "$.key.sub" object members, "$.list[2]" array items
// (the spelling lib/formats JsonPositions uses, with its "$" prefix).
nlohmann::ordered_json parse_json5(std::string_view text, size_t max_depth,
                                   std::map<std::string, Position>* where = nullptr);

}  // namespace cassette
