#include "scrub/patch.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "decode/base64.hpp"
#include "error.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

namespace cassette::scrub {

namespace {

// ---------------------------------------------------------------------------
// Where a scalar's characters sit inside its span.

struct Layout {
    size_t props_end = 0;      // after the tag / anchor (and the blanks after them)
    size_t content_begin = 0;  // the value's characters: inside quotes; a block scalar's lines
    size_t content_end = 0;
    size_t tail_begin = 0;  // block scalars: the line break ending the last content line
    std::string newline = "\n";
};

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_block(ScalarStyle s) { return s == ScalarStyle::literal || s == ScalarStyle::folded; }

Layout layout_of(std::string_view text, const Node& n, bool json) {
    Layout l;
    size_t b = n.begin, e = std::min(n.end, text.size());
    l.props_end = b;
    l.content_begin = b;
    l.content_end = e;
    l.tail_begin = e;
    if (text.substr(b, e - b).find("\r\n") != std::string_view::npos) l.newline = "\r\n";
    if (json) {
        if (n.json_string && e >= b + 2) {
            l.content_begin = b + 1;
            l.content_end = e - 1;
        }
        return l;
    }
    size_t i = b;
    while (i < e && (text[i] == '!' || text[i] == '&')) {
        while (i < e && !is_ws(text[i])) ++i;
        while (i < e && is_ws(text[i])) ++i;
    }
    l.props_end = i;
    switch (n.style) {
        case ScalarStyle::plain: l.content_begin = i; break;
        case ScalarStyle::single_quoted:
        case ScalarStyle::double_quoted:
            l.content_begin = std::min(i + 1, e);
            l.content_end = e > l.content_begin ? e - 1 : e;
            break;
        case ScalarStyle::literal:
        case ScalarStyle::folded: {
            size_t nl = text.substr(0, e).find('\n', i);
            size_t header_end = nl == std::string_view::npos ? e : nl;
            if (header_end > i && text[header_end - 1] == '\r') --header_end;
            l.content_begin = nl == std::string_view::npos ? e : nl + 1;
            size_t k = e;
            while (k > l.content_begin && (text[k - 1] == ' ' || text[k - 1] == '\n' || text[k - 1] == '\r')) --k;
            if (k == l.content_begin) {
                l.tail_begin = header_end;  // no content line at all
            } else {
                l.tail_begin = k;
                while (l.tail_begin < e && text[l.tail_begin] != '\n' && text[l.tail_begin] != '\r') ++l.tail_begin;
            }
            l.content_end = std::max(l.tail_begin, l.content_begin);
            break;
        }
    }
    return l;
}

// ---------------------------------------------------------------------------
// What may be written raw in each style.

// Characters YAML cannot hold unescaped (or reads as line breaks): C0
// controls but the allowed ones, DEL, C1 (NEL included), U+2028/2029, the
// BOM and the non-characters U+FFFE/FFFF. `v` is valid UTF-8.
bool yaml_printable(std::string_view v, bool allow_tab, bool allow_newline) {
    for (size_t i = 0; i < v.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(v[i]);
        if (c == '\t') {
            if (!allow_tab) return false;
        } else if (c == '\n') {
            if (!allow_newline) return false;
        } else if (c < 0x20 || c == 0x7F) {
            return false;
        } else if (c == 0xC2 && i + 1 < v.size()) {
            unsigned char d = static_cast<unsigned char>(v[i + 1]);
            if (d >= 0x80 && d <= 0x9F) return false;
        } else if (c == 0xE2 && i + 2 < v.size()) {
            if (v[i + 1] == '\x80' && (v[i + 2] == '\xA8' || v[i + 2] == '\xA9')) return false;
        } else if (c == 0xEF && i + 2 < v.size()) {
            if (v[i + 1] == '\xBB' && v[i + 2] == '\xBF') return false;
            if (v[i + 1] == '\xBF' && (v[i + 2] == '\xBE' || v[i + 2] == '\xBF')) return false;
        }
    }
    return true;
}

std::string hex2(unsigned c) {
    const char* digits = "0123456789ABCDEF";
    return {digits[(c >> 4) & 0xF], digits[c & 0xF]};
}

// The inside of a YAML double-quoted scalar on one line.
std::string yaml_double_inner(std::string_view v) {
    std::string out;
    out.reserve(v.size() + 8);
    for (size_t i = 0; i < v.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(v[i]);
        switch (c) {
            case '"': out += "\\\""; continue;
            case '\\': out += "\\\\"; continue;
            case '\n': out += "\\n"; continue;
            case '\t': out += "\\t"; continue;
            case '\r': out += "\\r"; continue;
            case 0: out += "\\0"; continue;
            default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            out += "\\x" + hex2(c);
        } else if (c == 0xC2 && i + 1 < v.size() && static_cast<unsigned char>(v[i + 1]) <= 0x9F) {
            out += "\\x" + hex2(static_cast<unsigned char>(v[i + 1]));  // C1 controls, U+0085 included
            ++i;
        } else if (c == 0xE2 && i + 2 < v.size() && v[i + 1] == '\x80' && (v[i + 2] == '\xA8' || v[i + 2] == '\xA9')) {
            out += v[i + 2] == '\xA8' ? "\\L" : "\\P";
            i += 2;
        } else if (c == 0xEF && i + 2 < v.size() && v[i + 1] == '\xBB' && v[i + 2] == '\xBF') {
            out += "\\uFEFF";
            i += 2;
        } else if (c == 0xEF && i + 2 < v.size() && v[i + 1] == '\xBF' && (v[i + 2] == '\xBE' || v[i + 2] == '\xBF')) {
            out += v[i + 2] == '\xBE' ? "\\uFFFE" : "\\uFFFF";
            i += 2;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string yaml_single_inner(std::string_view v) {
    std::string out;
    for (char c : v) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out;
}

bool is_json_number(std::string_view v) {
    size_t i = 0;
    auto digits = [&] {
        size_t s = i;
        while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
        return i > s;
    };
    if (i < v.size() && v[i] == '-') ++i;
    if (i < v.size() && v[i] == '0') {
        ++i;
    } else if (!digits()) {
        return false;
    }
    if (i < v.size() && v[i] == '.') {
        ++i;
        if (!digits()) return false;
    }
    if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
        ++i;
        if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == v.size();
}

// How a YAML 1.1 or 1.2 reader types a plain scalar. A plain scalar may only
// take a new value of the same kind: a length stays a number, a header value
// that was a string never turns into a boolean or a date.
enum class PlainType { string, null, boolean, integer, floating, timestamp, special };

bool all_of_set(std::string_view s, std::string_view set) {
    return !s.empty() && s.find_first_not_of(set) == std::string_view::npos;
}

PlainType plain_type(std::string_view v) {
    static const char* nulls[] = {"", "~", "null", "Null", "NULL"};
    static const char* bools[] = {"y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
                                  "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
    for (const char* s : nulls)
        if (v == s) return PlainType::null;
    for (const char* s : bools)
        if (v == s) return PlainType::boolean;
    if (v == "<<" || v == "=") return PlainType::special;
    std::string_view u = v;
    if (!u.empty() && (u[0] == '+' || u[0] == '-')) u.remove_prefix(1);
    if (u == ".inf" || u == ".Inf" || u == ".INF" || v == ".nan" || v == ".NaN" || v == ".NAN")
        return PlainType::floating;
    if (u.empty()) return PlainType::string;
    if (u.size() > 2 && u[0] == '0' && (u[1] == 'x' || u[1] == 'o' || u[1] == 'b'))
        return all_of_set(u.substr(2), "0123456789abcdefABCDEF_") ? PlainType::integer : PlainType::string;
    if (u[0] >= '0' && u[0] <= '9' && all_of_set(u, "0123456789_:")) return PlainType::integer;  // 1.1 sexagesimal too
    // Floats: digits with one '.', or an exponent.
    {
        size_t i = 0;
        bool digit = false, dot = false;
        while (i < u.size() && ((u[i] >= '0' && u[i] <= '9') || u[i] == '_' || u[i] == '.' || u[i] == ':')) {
            if (u[i] == '.') {
                if (dot) break;
                dot = true;
            } else if (u[i] != '_' && u[i] != ':') {
                digit = true;
            }
            ++i;
        }
        if (digit && i < u.size() && (u[i] == 'e' || u[i] == 'E')) {
            size_t j = i + 1;
            if (j < u.size() && (u[j] == '+' || u[j] == '-')) ++j;
            if (all_of_set(u.substr(j), "0123456789")) return PlainType::floating;
        }
        if (digit && dot && i == u.size()) return PlainType::floating;
    }
    // Timestamps (PyYAML and Psych read them): yyyy-m-d…
    if (v.size() >= 8 && all_of_set(v.substr(0, 4), "0123456789") && v[4] == '-') return PlainType::timestamp;
    return PlainType::string;
}

// `v` can be written as a plain scalar where `old_content` (the plain
// scalar's bytes) stood, and reads back as `v`, typed as `old_value` was.
bool plain_ok(std::string_view v, std::string_view old_value, std::string_view old_content, bool tagged) {
    if (v.empty() || !yaml_printable(v, false, false)) return false;
    if (v.front() == ' ' || v.back() == ' ' || v.back() == ':') return false;
    if (v.find(": ") != std::string_view::npos || v.find(" #") != std::string_view::npos) return false;
    if (v.substr(0, 3) == "---" || v.substr(0, 3) == "...") return false;
    const std::string_view indicators = "-?:,[]{}#&*!|>'\"%@`";
    if (indicators.find(v.front()) != std::string_view::npos) {
        bool dash_like = v.front() == '-' || v.front() == '?' || v.front() == ':';
        if (!dash_like || v.size() < 2 || v[1] == ' ') return false;
    }
    // Flow indicators inside a plain scalar are fine in block context only;
    // the old bytes holding one prove the scalar sits in block context.
    const std::string_view flow = ",[]{}";
    if (v.find_first_of(flow) != std::string_view::npos && old_content.find_first_of(flow) == std::string_view::npos)
        return false;
    if (!tagged && plain_type(v) != plain_type(old_value)) return false;
    return true;
}

bool single_ok(std::string_view v) { return yaml_printable(v, true, false) && v.find('\r') == std::string_view::npos; }

// ---------------------------------------------------------------------------
// Block scalars.

struct BlockHeader {
    char indicator = '|';
    int indent = 0;    // explicit indentation indicator; 0 when none
    char chomp = 0;    // '-', '+' or 0 (clip)
    std::string rest;  // what follows the indicators on the header line (blanks, a comment)
};

BlockHeader parse_header(std::string_view header) {
    BlockHeader h;
    if (header.empty()) return h;
    h.indicator = header[0];
    size_t i = 1;
    while (i < header.size()) {
        char c = header[i];
        if (c >= '1' && c <= '9') {
            h.indent = c - '0';
        } else if (c == '-' || c == '+') {
            h.chomp = c;
        } else {
            break;
        }
        ++i;
    }
    h.rest = std::string(header.substr(i));
    return h;
}

std::vector<std::string_view> split_lines(std::string_view s) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        size_t nl = s.find('\n', start);
        if (nl == std::string_view::npos) {
            out.push_back(s.substr(start));
            return out;
        }
        out.push_back(s.substr(start, nl - start));
        start = nl + 1;
    }
}

size_t leading_spaces(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && s[i] == ' ') ++i;
    return i;
}

// Folded lines: break `line` at single spaces between two non-blank
// characters so that no piece is longer than `width` (the first:
// `first_width`) when it can be helped. Each such break reads back as the
// space it replaces, in folded blocks and in quoted scalars alike.
std::vector<std::string> wrap(std::string_view line, size_t first_width, size_t other_width) {
    std::vector<std::string> out;
    auto width_now = [&] { return out.empty() ? first_width : other_width; };
    size_t start = 0, last_break = std::string_view::npos;
    for (size_t i = start; i < line.size(); ++i) {
        bool breakable = line[i] == ' ' && i > start && line[i - 1] != ' ' && i + 1 < line.size() && line[i + 1] != ' ';
        if (breakable) {
            if (i - start > width_now() && last_break != std::string_view::npos) {
                out.emplace_back(line.substr(start, last_break - start));
                start = last_break + 1;
            }
            last_break = i;
        }
        if (last_break != std::string_view::npos && last_break < start) last_break = std::string_view::npos;
    }
    if (line.size() - start > width_now() && last_break != std::string_view::npos && last_break >= start) {
        out.emplace_back(line.substr(start, last_break - start));
        start = last_break + 1;
    }
    out.emplace_back(line.substr(start));
    return out;
}

// A literal or folded scalar written anew: header line kept (its chomping
// indicator changed only when the new trailing line breaks need it), the
// first content line's indentation, the trailing blank lines of the span.
// nullopt when the value cannot be written in that style.
std::optional<std::string> emit_block(std::string_view text, const Node& n, const Layout& l, std::string_view value) {
    size_t header_end = text.find('\n', l.props_end);
    if (header_end == std::string_view::npos || header_end >= n.end) return std::nullopt;
    std::string_view header = text.substr(l.props_end, header_end - l.props_end);
    if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
    BlockHeader h = parse_header(header);

    size_t trailing = 0;
    while (trailing < value.size() && value[value.size() - 1 - trailing] == '\n') ++trailing;
    std::string_view core = value.substr(0, value.size() - trailing);
    if (core.empty() || core.front() == '\n') return std::nullopt;
    if (!yaml_printable(core, true, true) || core.find('\r') != std::string_view::npos) return std::nullopt;

    // Indentation: the old first non-blank content line, less what of its
    // leading spaces belonged to the value.
    std::string_view old_content = text.substr(l.content_begin, l.content_end - l.content_begin);
    size_t indent = 0;
    bool found = false;
    for (std::string_view line : split_lines(old_content)) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(' ') == std::string_view::npos) continue;
        indent = leading_spaces(line);
        found = true;
        break;
    }
    if (!found) return std::nullopt;
    for (std::string_view line : split_lines(n.value)) {
        if (line.find_first_not_of(' ') == std::string_view::npos) continue;
        size_t own = leading_spaces(line);
        if (own > indent) return std::nullopt;
        indent -= own;
        break;
    }
    if (indent == 0) return std::nullopt;

    std::vector<std::string_view> lines = split_lines(core);
    std::vector<std::string> out_lines;
    if (h.indicator == '|') {
        // Without an indentation indicator the first content line sets the
        // indentation: it must not start with a space.
        if (h.indent == 0 && !lines.empty() && !lines.front().empty() && lines.front().front() == ' ')
            return std::nullopt;
        for (std::string_view line : lines) out_lines.emplace_back(line);
    } else {
        // Folded: a value line break is an empty line between two lines; a
        // long line is wrapped at single spaces to the old width.
        size_t width = 0;
        for (std::string_view line : split_lines(old_content)) width = std::max(width, line.size());
        width = std::max<size_t>(width > indent ? width - indent : 0, 40);
        for (size_t i = 0; i < lines.size(); ++i) {
            std::string_view line = lines[i];
            if (!line.empty() && (line.front() == ' ' || line.front() == '\t' || line.back() == ' '))
                return std::nullopt;
            if (i > 0) out_lines.emplace_back();
            if (!line.empty())
                for (auto& piece : wrap(line, width, width)) out_lines.push_back(std::move(piece));
        }
    }

    // Chomping: how many line breaks end the value.
    std::string tail(text.substr(l.tail_begin, n.end - l.tail_begin));
    if (tail.empty()) {
        if (trailing != 0) return std::nullopt;
    }
    size_t blank = 0;
    for (char c : tail)
        if (c == '\n') ++blank;
    if (blank > 0) --blank;  // the first ends the last content line
    auto kept_by = [&](char chomp) -> size_t {
        if (chomp == '-') return 0;
        if (chomp == '+') return tail.empty() ? 0 : 1 + blank;
        return tail.empty() ? 0 : 1;
    };
    char chomp = h.chomp;
    if (kept_by(chomp) != trailing) {
        if (trailing == 0) {
            chomp = '-';
        } else if (trailing == 1) {
            chomp = 0;
        } else {
            chomp = '+';
            size_t last_nl = tail.rfind('\n');
            std::string rebuilt;
            for (size_t i = 0; i < trailing; ++i) rebuilt += l.newline;
            tail = rebuilt + tail.substr(last_nl + 1);
        }
    }

    std::string out(text.substr(n.begin, l.props_end - n.begin));
    if (chomp == h.chomp) {
        out += header;
    } else {
        out += h.indicator;
        if (h.indent) out += static_cast<char>('0' + h.indent);
        if (chomp) out += chomp;
        out += h.rest;
    }
    for (const auto& line : out_lines) {
        out += l.newline;
        if (!line.empty()) out += std::string(indent, ' ') + line;
    }
    out += tail;
    return out;
}

constexpr size_t kMaxDistinctPieces = 64;

// Every start of `needle` in `hay`, overlapping ones included.
std::vector<size_t> occurrences(std::string_view hay, std::string_view needle) {
    std::vector<size_t> out;
    for (size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) out.push_back(p);
    return out;
}

// Stretches of a scalar's bytes that do not stand for themselves in the
// value: escapes (JSON and YAML double-quoted), doubled quotes (YAML
// single-quoted), line folds with the blanks around them (flow scalars). An
// occurrence of a piece that touches one is not the piece in the value.
std::vector<std::pair<size_t, size_t>> opaque_regions(std::string_view raw, ScalarStyle style, bool json) {
    std::vector<std::pair<size_t, size_t>> out;
    if (!json && is_block(style)) {
        // The indentation of each line is not in the value.
        size_t indent = std::string_view::npos;
        for (size_t start = 0; start < raw.size();) {
            size_t nl = raw.find('\n', start);
            std::string_view line = raw.substr(start, nl == std::string_view::npos ? raw.size() - start : nl - start);
            if (line.find_first_not_of(" \r") != std::string_view::npos)
                indent = std::min(indent, leading_spaces(line));
            if (nl == std::string_view::npos) break;
            start = nl + 1;
        }
        if (indent == std::string_view::npos) return out;
        for (size_t start = 0; start < raw.size();) {
            size_t spaces = 0;
            while (start + spaces < raw.size() && spaces < indent && raw[start + spaces] == ' ') ++spaces;
            if (spaces > 0) out.emplace_back(start, start + spaces);
            size_t nl = raw.find('\n', start);
            if (nl == std::string_view::npos) break;
            start = nl + 1;
        }
        return out;
    }
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\\' && (json || style == ScalarStyle::double_quoted) && i + 1 < raw.size()) {
            char k = raw[i + 1];
            size_t len = 2;
            if (k == 'u')
                len = 6;
            else if (!json && k == 'x')
                len = 4;
            else if (!json && k == 'U')
                len = 10;
            else if (!json && (k == '\n' || k == '\r')) {
                size_t j = i + 1;
                while (j < raw.size() && is_ws(raw[j])) ++j;
                len = j - i;
            }
            out.emplace_back(i, std::min(i + len, raw.size()));
            i += len - 1;
        } else if (c == '\'' && !json && style == ScalarStyle::single_quoted && i + 1 < raw.size() &&
                   raw[i + 1] == '\'') {
            out.emplace_back(i, i + 2);
            ++i;
        } else if ((c == '\n' || c == '\r') && !json) {
            size_t b = i;
            while (b > 0 && (raw[b - 1] == ' ' || raw[b - 1] == '\t')) --b;
            size_t j = i;
            while (j < raw.size() && is_ws(raw[j])) ++j;
            if (!out.empty() && out.back().second > b) b = out.back().second;
            out.emplace_back(b, j);
            i = j - 1;
        }
    }
    return out;
}

// Where each byte of a quoted scalar's value starts in its bytes (`content`,
// inside the quotes), with one more entry for the end; npos for the second and
// later bytes an escape such as \u00e9 decodes to. Lets a piece whose bytes
// hold an escape (a key written sk\u002dproj…) be spliced over its own bytes
// alone. For JSON strings and one-line YAML double-quoted scalars (line
// continuations allowed); nullopt for anything else or when the decoding
// does not give `value` back.
std::optional<std::vector<size_t>> value_starts(std::string_view content, const std::string& value, bool json) {
    std::vector<size_t> starts;
    std::string decoded;
    auto hex = [&](size_t at, size_t len) -> std::optional<uint32_t> {
        if (at + len > content.size()) return std::nullopt;
        uint32_t v = 0;
        for (size_t k = at; k < at + len; ++k) {
            const char c = content[k];
            const int d = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
            if (d < 0) return std::nullopt;
            v = v * 16 + static_cast<uint32_t>(d);
        }
        return v;
    };
    auto emit = [&](size_t raw_at, uint32_t cp) {
        std::string u;
        if (cp < 0x80) {
            u += static_cast<char>(cp);
        } else if (cp < 0x800) {
            u += static_cast<char>(0xC0 | (cp >> 6));
            u += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            u += static_cast<char>(0xE0 | (cp >> 12));
            u += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            u += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            u += static_cast<char>(0xF0 | (cp >> 18));
            u += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            u += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            u += static_cast<char>(0x80 | (cp & 0x3F));
        }
        for (size_t k = 0; k < u.size(); ++k) starts.push_back(k == 0 ? raw_at : std::string_view::npos);
        decoded += u;
    };
    for (size_t i = 0; i < content.size();) {
        const char c = content[i];
        // A folded line: its break and blanks are not in the value one for one.
        if (c == '\n' || c == '\r') return std::nullopt;
        if (c != '\\') {
            starts.push_back(i);
            decoded += c;
            ++i;
            continue;
        }
        if (i + 1 >= content.size()) return std::nullopt;
        const char k = content[i + 1];
        if (!json && (k == '\n' || k == '\r')) {
            // A line continuation: the break and the next line's indentation are not in the value.
            size_t j = i + 1;
            if (content[j] == '\r' && j + 1 < content.size() && content[j + 1] == '\n') ++j;
            ++j;
            while (j < content.size() && (content[j] == ' ' || content[j] == '\t')) ++j;
            i = j;
            continue;
        }
        size_t len = 2;
        std::optional<uint32_t> cp;
        if (k == 'u') {
            len = 6;
            cp = hex(i + 2, 4);
            if (cp && *cp >= 0xD800 && *cp < 0xDC00 && i + 12 <= content.size() && content[i + 6] == '\\' &&
                content[i + 7] == 'u') {
                std::optional<uint32_t> low = hex(i + 8, 4);
                if (low && *low >= 0xDC00 && *low < 0xE000) {
                    cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
                    len = 12;
                }
            }
        } else if (!json && k == 'x') {
            len = 4;
            cp = hex(i + 2, 2);
        } else if (!json && k == 'U') {
            len = 10;
            cp = hex(i + 2, 8);
        } else {
            static const std::string_view json_from = "\"\\/bfnrt", json_to = "\"\\/\b\f\n\r\t";
            static const std::string_view yaml_from = "0abt\tnvfre \"/\\";
            static const std::string_view yaml_to = std::string_view("\0\a\b\t\t\n\v\f\r\x1b \"/\\", 14);
            if (json) {
                if (size_t at = json_from.find(k); at != std::string_view::npos)
                    cp = static_cast<unsigned char>(json_to[at]);
            } else if (size_t at = yaml_from.find(k); at != std::string_view::npos) {
                cp = static_cast<unsigned char>(yaml_to[at]);
            } else if (k == 'N') {
                cp = 0x85;
            } else if (k == '_') {
                cp = 0xA0;
            } else if (k == 'L') {
                cp = 0x2028;
            } else if (k == 'P') {
                cp = 0x2029;
            }
        }
        if (!cp) return std::nullopt;
        emit(i, *cp);
        i += len;
    }
    if (decoded != value) return std::nullopt;
    starts.push_back(content.size());
    return starts;
}

// `all` without the occurrences (of a piece `length` long) that touch an
// opaque region.
std::vector<size_t> clear_of(const std::vector<size_t>& all, size_t length,
                             const std::vector<std::pair<size_t, size_t>>& regions) {
    if (regions.empty()) return all;
    std::vector<size_t> out;
    for (size_t a : all) {
        auto r = std::upper_bound(regions.begin(), regions.end(), a,
                                  [](size_t v, const std::pair<size_t, size_t>& reg) { return v < reg.second; });
        if (r != regions.end() && r->first < a + length) continue;
        out.push_back(a);
    }
    return out;
}

// The edits apply_edits() would apply, in order: overlapping or
// out-of-range ones are dropped the same way.
std::vector<TextEdit> usable_edits(std::string_view value, std::vector<TextEdit> edits) {
    std::sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.offset < b.offset; });
    std::vector<TextEdit> out;
    size_t at = 0;
    for (auto& e : edits) {
        if (e.offset < at || e.offset > value.size() || e.length > value.size() - e.offset) continue;
        at = e.offset + e.length;
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace

Patcher::Patcher(std::string path, std::string_view text, const Document& doc)
    : path_(std::move(path)), text_(text), doc_(doc) {}

std::string Patcher::emit(const Node& n, const std::string& value) const {
    Layout l = layout_of(text_, n, !doc_.yaml);
    if (!doc_.yaml) {
        if (!n.json_string && (is_json_number(value) || value == n.value)) return value;
        return "\"" + json_escape(value) + "\"";
    }
    std::string props(text_.substr(n.begin, l.props_end - n.begin));
    std::string_view content = text_.substr(l.content_begin, l.content_end - l.content_begin);
    switch (n.style) {
        case ScalarStyle::plain:
            if (plain_ok(value, n.value, content, !n.tag.empty())) return props + value;
            [[fallthrough]];
        case ScalarStyle::single_quoted:
            if (single_ok(value))
                return props + "'" + rewrap(n, l.content_begin, l.newline, yaml_single_inner(value)) + "'";
            break;
        case ScalarStyle::double_quoted:
            return props + "\"" + rewrap(n, l.content_begin, l.newline, yaml_double_inner(value)) + "\"";
        case ScalarStyle::literal:
        case ScalarStyle::folded:
            if (auto block = emit_block(text_, n, l, value)) return *block;
            break;
    }
    return safe_form(n, value);
}

// A quoted scalar that was wrapped over lines (PyYAML wraps long strings
// at spaces) is wrapped again as wide as it was, at single spaces, with the
// continuation lines' old indentation.
std::string Patcher::rewrap(const Node& n, size_t content_begin, std::string_view newline,
                            const std::string& inner) const {
    std::string_view old = text_.substr(n.begin, n.end - n.begin);
    size_t first_nl = old.find('\n');
    if (first_nl == std::string_view::npos || n.style == ScalarStyle::plain) return inner;
    size_t line_start = text_.rfind('\n', n.begin);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    size_t total = n.begin + first_nl - line_start;
    std::string_view rest = old.substr(first_nl + 1);
    size_t indent = leading_spaces(rest);
    if (indent == 0) return inner;
    for (std::string_view line : split_lines(rest)) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        total = std::max(total, line.size());
    }
    size_t opening = content_begin - line_start;
    size_t first_width = total > opening + 1 ? total - opening - 1 : 1;
    size_t other_width = total > indent + 1 ? total - indent - 1 : 1;
    std::string out;
    for (const auto& piece : wrap(inner, first_width, other_width)) {
        if (!out.empty()) {
            out += newline;
            out.append(indent, ' ');
        }
        out += piece;
    }
    return out;
}

std::string Patcher::safe_form(const Node& n, const std::string& value) const {
    if (!doc_.yaml) return "\"" + json_escape(value) + "\"";
    Layout l = layout_of(text_, n, false);
    std::string out(text_.substr(n.begin, l.props_end - n.begin));
    out += "\"" + yaml_double_inner(value) + "\"";
    // A block scalar's span ends past its trailing line breaks: keep them.
    if (is_block(n.style)) out += text_.substr(l.tail_begin, n.end - l.tail_begin);
    return out;
}

std::optional<std::string> Patcher::in_place(const Node& n, const std::vector<TextEdit>& edits,
                                             const std::string& new_value) const {
    const bool json = !doc_.yaml;
    if (json && !n.json_string) return std::nullopt;
    Layout l = layout_of(text_, n, json);
    std::string_view content = text_.substr(l.content_begin, l.content_end - l.content_begin);
    struct RawEdit {
        size_t at, length;
        std::string bytes;
    };
    std::vector<RawEdit> raw;
    std::map<std::string_view, std::pair<std::vector<size_t>, std::vector<size_t>>> seen;
    const auto opaque = opaque_regions(content, n.style, json);
    std::optional<std::vector<size_t>> starts;
    bool starts_done = false;
    for (const auto& e : edits) {
        std::string_view piece = std::string_view(n.value).substr(e.offset, e.length);
        // A line break in a block scalar carries the next line's indentation
        // with it in the bytes: a piece that holds one is never spliced.
        if (piece.empty() || (!json && is_block(n.style) && piece.find('\n') != std::string_view::npos))
            return std::nullopt;
        // One search per distinct piece: a body may carry the same key many times.
        auto found = seen.find(piece);
        // Each new piece is a search through the whole scalar; past a few
        // dozen, writing the scalar anew in its style is the cheaper way.
        if (found == seen.end() && seen.size() >= kMaxDistinctPieces) return std::nullopt;
        if (found == seen.end())
            found = seen.emplace(piece, std::make_pair(occurrences(n.value, piece),
                                                       clear_of(occurrences(content, piece), piece.size(), opaque)))
                        .first;
        const auto& [in_value, in_bytes] = found->second;
        auto k = std::lower_bound(in_value.begin(), in_value.end(), e.offset);
        size_t at = 0, length = piece.size();
        if (in_value.size() == in_bytes.size() && k != in_value.end() && *k == e.offset) {
            at = in_bytes[static_cast<size_t>(k - in_value.begin())];
        } else {
            // The piece's bytes hold an escape or a line continuation: found
            // through the decoding instead, where the scalar is quoted.
            if (!json && n.style != ScalarStyle::double_quoted) return std::nullopt;
            if (!starts_done) {
                starts = value_starts(content, n.value, json);
                starts_done = true;
            }
            if (!starts || e.offset + e.length >= starts->size()) return std::nullopt;
            const size_t from = (*starts)[e.offset], to = (*starts)[e.offset + e.length];
            if (from == std::string_view::npos || to == std::string_view::npos || to < from) return std::nullopt;
            at = from;
            length = to - from;
        }
        const std::string& r = e.replacement;
        bool edge_blank = !r.empty() && (r.front() == ' ' || r.back() == ' ' || r.front() == '\t' || r.back() == '\t');
        std::string bytes;
        if (json) {
            bytes = json_escape(r);
        } else {
            switch (n.style) {
                case ScalarStyle::plain:
                    if (edge_blank || !yaml_printable(r, false, false)) return std::nullopt;
                    bytes = r;
                    break;
                case ScalarStyle::single_quoted:
                    if (edge_blank || !single_ok(r)) return std::nullopt;
                    bytes = yaml_single_inner(r);
                    break;
                case ScalarStyle::double_quoted:
                    if (edge_blank) return std::nullopt;
                    bytes = yaml_double_inner(r);
                    break;
                case ScalarStyle::literal:
                case ScalarStyle::folded:
                    if (edge_blank || !yaml_printable(r, true, false) || r.find('\r') != std::string::npos)
                        return std::nullopt;
                    bytes = r;
                    break;
            }
        }
        raw.push_back({at, length, std::move(bytes)});
    }
    if (!json && n.style == ScalarStyle::plain && !plain_ok(new_value, n.value, content, !n.tag.empty()))
        return std::nullopt;
    std::sort(raw.begin(), raw.end(), [](const RawEdit& a, const RawEdit& b) { return a.at < b.at; });
    std::string out(text_.substr(n.begin, l.content_begin - n.begin));
    size_t at = 0;
    for (const auto& r : raw) {
        if (r.at < at) return std::nullopt;
        out.append(content.substr(at, r.at - at));
        out += r.bytes;
        at = r.at + r.length;
    }
    out.append(content.substr(at));
    out.append(text_.substr(l.content_end, n.end - l.content_end));
    return out;
}

void Patcher::check_patchable(const Node& n, const std::string& value) const {
    if (!n.is_scalar()) throw std::invalid_argument("scrub: only scalars can be patched");
    if (n.end <= n.begin || n.end > text_.size())
        throw std::invalid_argument("scrub: line " + std::to_string(n.pos.line) + ": the scalar has no bytes to patch");
    if (!is_valid_utf8(value))
        throw std::invalid_argument("scrub: line " + std::to_string(n.pos.line) +
                                    ": a new value that is not UTF-8 text cannot go into the document");
}

void Patcher::edit(const Node& n, const std::vector<TextEdit>& edits) {
    if (edits.empty()) return;
    std::vector<TextEdit> all = edits;
    auto it = pending_.find(n.begin);
    if (it != pending_.end()) {
        if (it->second.node != &n || !it->second.from_edits)
            throw std::logic_error("scrub: line " + std::to_string(n.pos.line) + ": scalar patched twice");
        all.insert(all.begin(), it->second.edits.begin(), it->second.edits.end());
    }
    all = usable_edits(n.value, std::move(all));
    std::string value = apply_edits(n.value, all);
    check_patchable(n, value);
    if (value == n.value) return;
    auto raw = in_place(n, all, value);
    Pending p{&n, value, raw ? *raw : emit(n, value), true, all};
    pending_.insert_or_assign(n.begin, std::move(p));
}

void Patcher::set(const Node& n, std::string value) {
    check_patchable(n, value);
    auto it = pending_.find(n.begin);
    if (it != pending_.end() && it->second.node != &n)
        throw std::logic_error("scrub: line " + std::to_string(n.pos.line) + ": two scalars at one place");
    if (value == n.value) {
        if (it != pending_.end()) pending_.erase(it);
        return;
    }
    std::string raw = emit(n, value);
    pending_.insert_or_assign(n.begin, Pending{&n, std::move(value), std::move(raw), false, {}});
}

void Patcher::set_base64(const Node& n, std::string_view bytes) {
    std::string encoded = base64_encode(bytes);
    // The old value's layout: base64 lines of a fixed length, split by line
    // breaks (a literal block, Ruby's encode64) or by spaces (a folded plain
    // scalar), or one line.
    const std::string& old = n.value;
    char sep = 0;
    if (old.find('\n') != std::string::npos) {
        sep = '\n';
    } else if (old.find(' ') != std::string::npos) {
        sep = ' ';
    }
    std::string value;
    if (sep == 0) {
        value = encoded;
    } else {
        size_t first = old.find(sep);
        size_t trailing = 0;
        while (trailing < old.size() && old[old.size() - 1 - trailing] == '\n') ++trailing;
        bool one_line = first + trailing >= old.size();
        size_t width = first;
        // One old line says nothing of the width it was wrapped at: use the
        // recorders' own (PyYAML's base64 76, Ruby's encode64 60).
        if (one_line && encoded.size() > width) width = n.tag.empty() ? 60 : 76;
        if (width == 0) width = encoded.size();
        for (size_t i = 0; i < encoded.size(); i += width) {
            if (i > 0) value += sep;
            value.append(encoded, i, width);
        }
        value.append(trailing, '\n');
    }
    set(n, std::move(value));
}

namespace {

struct Mismatch {
    const Node* old_node;
    std::string what;
};

}  // namespace

std::string Patcher::splice(const std::map<size_t, Pending>& pending) const {
    std::string out;
    out.reserve(text_.size() + 64);
    size_t at = 0;
    for (const auto& [begin, p] : pending) {
        if (begin < at)
            throw std::logic_error("scrub: line " + std::to_string(p.node->pos.line) + ": overlapping patches");
        out.append(text_.substr(at, begin - at));
        out += p.raw;
        at = p.node->end;
    }
    out.append(text_.substr(at));
    return out;
}

// Walks the old and the new tree in step; the first difference below each
// node that differs is reported, not its subtree.
void Patcher::compare(const Node& old_node, const Node& new_node, const std::map<size_t, Pending>& pending,
                      std::vector<std::pair<const Node*, std::string>>& bad) const {
    if (old_node.kind != new_node.kind || old_node.tag != new_node.tag) {
        bad.emplace_back(&old_node, "node changed kind or tag");
        return;
    }
    switch (old_node.kind) {
        case Node::Kind::scalar: {
            auto it = pending.find(old_node.begin);
            bool patched = it != pending.end() && it->second.node == &old_node;
            const std::string& expected = patched ? it->second.value : old_node.value;
            if (new_node.value != expected ||
                (!doc_.yaml && new_node.json_string != (patched ? new_node.json_string : old_node.json_string)))
                bad.emplace_back(&old_node, patched ? "patched value reads back differently" : "value changed");
            return;
        }
        case Node::Kind::alias:
            if (old_node.value != new_node.value) bad.emplace_back(&old_node, "alias changed");
            return;
        case Node::Kind::sequence:
            if (old_node.items.size() != new_node.items.size()) {
                bad.emplace_back(&old_node, "sequence changed length");
                return;
            }
            for (size_t i = 0; i < old_node.items.size(); ++i)
                compare(old_node.items[i], new_node.items[i], pending, bad);
            return;
        case Node::Kind::mapping:
            if (old_node.members.size() != new_node.members.size()) {
                bad.emplace_back(&old_node, "mapping changed size");
                return;
            }
            for (size_t i = 0; i < old_node.members.size(); ++i) {
                compare(old_node.members[i].first, new_node.members[i].first, pending, bad);
                compare(old_node.members[i].second, new_node.members[i].second, pending, bad);
            }
            return;
    }
}

std::vector<std::pair<const Node*, std::string>> Patcher::verify(const std::string& text,
                                                                 const std::map<size_t, Pending>& pending) const {
    std::vector<std::pair<const Node*, std::string>> bad;
    Document again;
    try {
        again = doc_.yaml ? parse_yaml_document(path_, text) : parse_json_document(path_, text);
    } catch (const InputError& e) {
        bad.emplace_back(&doc_.root, std::string("the patched text does not parse: ") + e.what());
        return bad;
    }
    compare(doc_.root, again.root, pending, bad);
    return bad;
}

std::string Patcher::result() const {
    if (pending_.empty()) return std::string(text_);
    std::map<size_t, Pending> pending = pending_;
    std::string out = splice(pending);
    auto bad = verify(out, pending);
    if (bad.empty()) return out;

    // Every patch inside a node that read back wrong is written again in the
    // safest form; a difference with no patch inside it cannot be mended.
    bool mended = false;
    for (const auto& [node, what] : bad) {
        bool any = false;
        for (auto& [begin, p] : pending) {
            if (p.node->begin < node->begin || p.node->end > node->end) continue;
            any = true;
            std::string safe = safe_form(*p.node, p.value);
            if (safe != p.raw) {
                p.raw = std::move(safe);
                mended = true;
            }
        }
        if (!any) continue;
    }
    if (mended) {
        out = splice(pending);
        bad = verify(out, pending);
        if (bad.empty()) return out;
    }
    const Node* at = bad.front().first;
    throw std::logic_error(path_ + ":" + std::to_string(at->pos.line) + ": scrub could not write a value back (" +
                           bad.front().second + ")");
}

}  // namespace cassette::scrub
