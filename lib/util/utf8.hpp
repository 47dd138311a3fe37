#pragma once

#include <cstdint>

#include <string>
#include <string_view>

namespace cassette {

// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// The first `max_chars` code points of `s` (never splits a sequence); adds
// "…" when cut. Invalid bytes count as one character each.
std::string truncate_utf8(std::string_view s, size_t max_chars);

// Appends the UTF-8 encoding of code point `cp` to `out`.
void append_utf8(std::string& out, uint32_t cp);

}  // namespace cassette
