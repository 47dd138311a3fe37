// The fast path of JSON parsing: simdjson's DOM parser, its result copied
// into an nlohmann value. Every stream event of every response is parsed, so
// this is the hot loop of `usage`, `validate` and `show`; simdjson reads the
// text several times faster than nlohmann's lexer (bench/run, docs/benchmark.md).
//
// nlohmann stays the judge: fast_parse answers false whenever simdjson does
// not take the text (invalid JSON, integers past 64 bits, nesting past
// `max_depth`, texts over kFastParseMax), and the caller then parses with
// nlohmann, whose verdict and error position the user sees. Where both
// accept, the values are the same: integers keep nlohmann's signed/unsigned
// split, a repeated key keeps its last value, as nlohmann's parser does.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cassette {

// Larger texts go to nlohmann directly (body.cpp cuts their whitespace runs
// first); simdjson would hold a tape as large as the text per thread.
constexpr size_t kFastParseMax = size_t{1} << 20;

bool fast_parse(std::string_view text, nlohmann::json& out, size_t max_depth);
bool fast_parse(std::string_view text, nlohmann::ordered_json& out, size_t max_depth);

}  // namespace cassette
