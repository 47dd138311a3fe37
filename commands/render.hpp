// Text rendering helpers shared by the commands: colours, pretty JSON,
// numbers and durations as people read them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cassette {

// ANSI styles, or nothing when colour is off.
struct Palette {
    bool on = false;
    std::string paint(std::string_view code, std::string_view text) const;
    std::string bold(std::string_view s) const { return paint("1", s); }
    std::string dim(std::string_view s) const { return paint("2", s); }
    std::string red(std::string_view s) const { return paint("31", s); }
    std::string green(std::string_view s) const { return paint("32", s); }
    std::string yellow(std::string_view s) const { return paint("33", s); }
    std::string blue(std::string_view s) const { return paint("34", s); }
    std::string magenta(std::string_view s) const { return paint("35", s); }
    std::string cyan(std::string_view s) const { return paint("36", s); }
};

// Pretty JSON with 2-space indent, each line prefixed by `pad`; keys, strings,
// numbers and literals coloured when the palette is on.
std::string pretty_json(const nlohmann::json& j, const Palette& p, const std::string& pad = "");
// The same for a document that keeps its keys in recorded order.
std::string pretty_json(const nlohmann::ordered_json& j, const Palette& p, const std::string& pad = "");
// Parses JSON keeping key order (for display); nullopt when not JSON.
std::optional<nlohmann::ordered_json> parse_ordered_json(std::string_view text);

// 1234567 -> "1,234,567".
std::string with_thousands(int64_t n);

// 1210.1485 ms -> "1.21s"; 460.6 -> "461ms".
std::string human_duration_ms(double ms);

// Prefixes every line of `text` with `pad` (text keeps its final newline state).
std::string indent(std::string_view text, std::string_view pad);

// Makes control characters visible (\r, \t kept as-is? no: shown as ␍ etc.)
// so raw bodies can't drive the terminal.
std::string printable(std::string_view text);

}  // namespace cassette
