// The one copy of each small string helper. ASCII only: header names, URL
// parts and JSON keys are ASCII; nothing here is locale-dependent.
#pragma once

#include <string>
#include <string_view>

#include "model.hpp"

namespace cassette {

inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// `s` without leading and trailing blanks (space, tab, CR, LF).
inline std::string_view trim(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

// `s` without leading and trailing HTTP optional whitespace (space, tab):
// header values, status lines, cookie parts.
inline std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

inline bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
inline bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// ASCII case-insensitive prefix test.
inline bool istarts_with(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (ascii_lower(s[i]) != ascii_lower(prefix[i])) return false;
    return true;
}

// The inside of a JSON string holding `s`: what JSON requires escaped
// (quote, backslash, control characters, as \u00xx in lower-case hex like
// nlohmann's dump), everything else, UTF-8 included, as it is.
inline std::string json_escape(std::string_view s) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += "\\u00";
                    out += hex[(c >> 4) & 0xF];
                    out += hex[c & 0xF];
                } else {
                    out += c;
                }
        }
    }
    return out;
}

// Line and column of byte offsets, counted incrementally: asked in
// increasing order, a whole text costs one pass (asked backwards, it counts
// again from the start).
struct LineCursor {
    std::string_view text;
    size_t pos = 0;  // free for the caller's own reading position
    size_t counted = 0;
    int line = 1;
    size_t line_start = 0;
    Position where(size_t at) {
        if (at < counted) {
            counted = 0;
            line = 1;
            line_start = 0;
        }
        for (; counted < at && counted < text.size(); ++counted)
            if (text[counted] == '\n') {
                ++line;
                line_start = counted + 1;
            }
        return Position{line, static_cast<int>(at - line_start) + 1};
    }
};

}  // namespace cassette
