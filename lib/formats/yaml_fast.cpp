#include "formats/yaml_fast.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace cassette {

namespace {

// What a byte is to the scalar loops: ordinary printable ASCII, copied in
// runs; or something each loop looks at itself.
enum : uint8_t { kOrdinary = 0, kSpecial = 1 };

constexpr std::array<uint8_t, 256> make_table(const char* special) {
    std::array<uint8_t, 256> t{};
    for (int b = 0; b < 256; ++b) t[b] = (b >= 0x20 && b < 0x7F) ? kOrdinary : kSpecial;
    for (const char* c = special; *c; ++c) t[static_cast<unsigned char>(*c)] = kSpecial;
    return t;
}

constexpr auto kLiteralTable = make_table("");
constexpr auto kSingleTable = make_table("' ");
constexpr auto kDoubleTable = make_table("\"\\ ");
constexpr auto kPlainTable = make_table(":#");

inline bool blank(char c) { return c == ' ' || c == '\t'; }

// Columns are ints; deeper indentation than this is left to libyaml.
constexpr size_t kMaxIndent = 100000;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_code_point(std::string& out, uint32_t v) {
    if (v <= 0x7F) {
        out += static_cast<char>(v);
    } else if (v <= 0x7FF) {
        out += static_cast<char>(0xC0 + (v >> 6));
        out += static_cast<char>(0x80 + (v & 0x3F));
    } else if (v <= 0xFFFF) {
        out += static_cast<char>(0xE0 + (v >> 12));
        out += static_cast<char>(0x80 + ((v >> 6) & 0x3F));
        out += static_cast<char>(0x80 + (v & 0x3F));
    } else {
        out += static_cast<char>(0xF0 + (v >> 18));
        out += static_cast<char>(0x80 + ((v >> 12) & 0x3F));
        out += static_cast<char>(0x80 + ((v >> 6) & 0x3F));
        out += static_cast<char>(0x80 + (v & 0x3F));
    }
}

}  // namespace

FastYaml::FastYaml(std::string_view text, size_t max_depth)
    : s_(text.data()), n_(text.size()), max_depth_(static_cast<int>(std::min<size_t>(max_depth, 48))) {}

namespace {

// One level of collection nesting, left when the collection ends.
struct Leave {
    int& depth;
    ~Leave() { --depth; }
};

}  // namespace

void FastYaml::bail(const char* why) const { throw FastYamlUnsupported{p_, why}; }

int FastYaml::column() const {
    int col = 0;
    for (size_t i = line_start_; i < p_; ++i) col += (static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80;
    return col;
}

Position FastYaml::here() const { return Position{line_, column() + 1}; }

void FastYaml::new_line() {
    ++line_;
    line_start_ = p_;
}

// At a line start: the line's indentation. Lines the subset leaves to
// libyaml (blank, comment, tab-indented, a document marker) bail.
int FastYaml::line_indent() {
    size_t i = p_;
    while (i < n_ && s_[i] == ' ') ++i;
    if (i == n_) bail("spaces at the end of the text");
    if (i - p_ > kMaxIndent) bail("an indentation past what the fast reader counts");
    char c = s_[i];
    if (c == '\n' || c == '#' || c == '\t' || c == '\r') bail("a blank, comment or tab-indented line");
    if (i == p_ && i + 3 <= n_ && (std::memcmp(s_ + i, "---", 3) == 0 || std::memcmp(s_ + i, "...", 3) == 0))
        bail("a document marker");
    return static_cast<int>(i - p_);
}

bool FastYaml::at_dash(size_t at) const { return at + 1 < n_ && s_[at] == '-' && s_[at + 1] == ' '; }

void FastYaml::start() {
    if (n_ >= 3 && std::memcmp(s_, "\xEF\xBB\xBF", 3) == 0) bail("a byte order mark");
    if (n_ >= 4 && std::memcmp(s_, "---\n", 4) == 0) {
        p_ = 4;
        new_line();
    }
    if (p_ == n_) bail("no content");
    if (line_indent() != 0) bail("an indented top level");
}

YamlNode FastYaml::document() {
    start();
    YamlNode root;
    root.kind = YamlNode::Kind::mapping;
    root.pos = here();
    while (true) {
        YamlNode k;
        if (!top_key(k)) break;
        root.children.push_back(std::move(k));
        root.children.emplace_back();
        value(0, root.children.back());
    }
    return root;
}

std::optional<YamlNode> fast_yaml_document(std::string_view text) {
    try {
        FastYaml fy(text);
        return fy.document();
    } catch (const FastYamlUnsupported&) {
        return std::nullopt;
    }
}

std::optional<YamlNode> libyaml_document(std::string_view text) {
    try {
        YamlEventStream ys("yaml", text, 1000, 1000000);
        ys.next();  // STREAM_START
        if (ys.next().type != YAML_DOCUMENT_START_EVENT) return std::nullopt;
        ys.next();
        YamlNode root = ys.build_node();
        ys.next();  // DOCUMENT_END
        if (ys.next().type != YAML_STREAM_END_EVENT) return std::nullopt;
        return root;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

bool FastYaml::top_key(YamlNode& key_out) {
    if (p_ == n_) return false;
    if (line_indent() != 0) bail("an indented top-level line");
    if (at_dash(p_)) bail("a top-level sequence");
    key(key_out);
    return true;
}

// Copies one character at p_ (not ASCII) after the checks libyaml's reader
// makes: valid, shortest-form UTF-8 in its printable set. NEL, LS and PS are
// line breaks to libyaml's scanner: left to it.
size_t FastYaml::copy_char(std::string& out) {
    auto b = static_cast<unsigned char>(s_[p_]);
    if (b < 0x80) {
        if (b < 0x20 || b == 0x7F) bail("a control character");
        out += static_cast<char>(b);
        return ++p_;
    }
    size_t len;
    uint32_t cp;
    if ((b & 0xE0) == 0xC0) {
        len = 2;
        cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
        len = 3;
        cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
        len = 4;
        cp = b & 0x07;
    } else {
        bail("invalid UTF-8");
    }
    if (p_ + len > n_) bail("truncated UTF-8");
    for (size_t k = 1; k < len; ++k) {
        auto c = static_cast<unsigned char>(s_[p_ + k]);
        if ((c & 0xC0) != 0x80) bail("invalid UTF-8");
        cp = (cp << 6) | (c & 0x3F);
    }
    bool shortest = (len == 2 && cp >= 0x80) || (len == 3 && cp >= 0x800) || (len == 4 && cp >= 0x10000);
    bool printable = (cp >= 0xA0 && cp <= 0xD7FF && cp != 0x2028 && cp != 0x2029) || (cp >= 0xE000 && cp <= 0xFFFD) ||
                     (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!shortest || !printable) bail("a character libyaml refuses or reads as a line break");
    out.append(s_ + p_, len);
    return p_ += len;
}

void FastYaml::end_of_line() {
    while (p_ < n_ && s_[p_] == ' ') ++p_;
    if (p_ == n_) return;
    if (s_[p_] != '\n') bail("more after a value on its line");
    ++p_;
    new_line();
}

// ---- keys and values --------------------------------------------------------

void FastYaml::key(YamlNode& out) {
    out.kind = YamlNode::Kind::scalar;
    const size_t start = p_;
    char c = s_[p_];
    if (c == '\'' || c == '"') {
        quoted(c == '\'', true, out);
    } else {
        plain(-1, true, out);
    }
    if (p_ >= n_ || s_[p_] != ':') bail("a key without `:` right after it");
    if (p_ - start > 1000) bail("a key longer than a simple key may be");
    ++p_;
}

void FastYaml::value(int indent, YamlNode& out) {
    if (p_ < n_ && s_[p_] == ' ') {
        while (p_ < n_ && s_[p_] == ' ') ++p_;
        if (p_ < n_ && s_[p_] != '\n') {
            inline_value(indent, out);
            return;
        }
    }
    if (p_ == n_) bail("an empty value at the end");
    if (s_[p_] != '\n') bail("a `:` followed by something other than a space");
    ++p_;
    new_line();
    block_value(indent, out);
}

bool FastYaml::sequence_begin(int indent) {
    // Only "key:" + line end, then "- " at the key's column or deeper.
    if (p_ >= n_ || s_[p_] != '\n') return false;
    size_t i = p_ + 1;
    size_t j = i;
    while (j < n_ && s_[j] == ' ') ++j;
    int m = static_cast<int>(j - i);
    if (m < indent || !at_dash(j)) return false;
    ++p_;
    new_line();
    p_ = j;
    seq_indent_ = m;
    seq_indentless_ = m == indent;
    seq_first_ = true;
    return true;
}

bool FastYaml::sequence_item(YamlNode& out) {
    // p_ is at the first '-' (just begun) or at a line start.
    if (seq_first_) {
        seq_first_ = false;
    } else {
        if (p_ == n_) return false;
        int k = line_indent();
        if (k < seq_indent_) return false;
        if (k > seq_indent_) bail("a line deeper than the sequence's items");
        size_t at = p_ + static_cast<size_t>(k);
        // A `-` alone (an empty item) still belongs to the list.
        if (s_[at] == '-' && (at + 1 == n_ || blank(s_[at + 1]) || s_[at + 1] == '\n' || s_[at + 1] == '\r'))
            if (!at_dash(at)) bail("an empty sequence item");
        if (!at_dash(at)) {
            if (seq_indentless_) return false;
            bail("a line in a sequence without `- `");
        }
        p_ += static_cast<size_t>(k);
    }
    out = YamlNode{};
    item_content(seq_indent_, out);
    return true;
}

void FastYaml::inline_value(int parent_indent, YamlNode& out) {
    out.kind = YamlNode::Kind::scalar;
    // go-vcr writes bytes that are not UTF-8 as `!!binary` base64; other
    // tags are left to libyaml. The node starts at its tag.
    if (s_[p_] == '!') {
        if (!(n_ - p_ > 9 && std::memcmp(s_ + p_, "!!binary ", 9) == 0)) bail("a tag");
        Position at = here();
        p_ += 9;
        while (p_ < n_ && s_[p_] == ' ') ++p_;
        if (p_ == n_ || s_[p_] == '\n' || s_[p_] == '!') bail("a tag without its scalar");
        inline_value(parent_indent, out);
        if (!out.is_scalar()) bail("a tagged collection");
        out.tag = "tag:yaml.org,2002:binary";
        out.pos = at;
        return;
    }
    switch (s_[p_]) {
        case '\'':
        case '"':
            quoted(s_[p_] == '\'', false, out);
            end_of_line();
            return;
        case '|': literal(parent_indent, out); return;
        case '{':
        case '[':
            if (p_ + 1 < n_ && s_[p_ + 1] == (s_[p_] == '{' ? '}' : ']')) {
                out.kind = s_[p_] == '{' ? YamlNode::Kind::mapping : YamlNode::Kind::sequence;
                out.pos = here();
                p_ += 2;
                end_of_line();
                return;
            }
            bail("a flow collection");
        default: plain(parent_indent, false, out); return;
    }
}

void FastYaml::block_value(int parent_indent, YamlNode& out) {
    if (p_ == n_) bail("an empty value at the end");
    int m = line_indent();
    size_t at = p_ + static_cast<size_t>(m);
    if (m > parent_indent) {
        p_ = at;
        if (at_dash(at)) {
            sequence(m, false, out);
        } else {
            if (!key_ahead()) bail("a block value that is not a mapping or a sequence");
            mapping(m, out);
        }
    } else if (m == parent_indent && at_dash(at)) {
        p_ = at;
        sequence(m, true, out);
    } else {
        bail("an empty value");
    }
}

void FastYaml::mapping(int indent, YamlNode& out) {
    if (++depth_ > max_depth_) bail("nesting deeper than the fast reader goes");
    Leave leave{depth_};
    out.kind = YamlNode::Kind::mapping;
    out.pos = here();
    while (true) {
        out.children.emplace_back();
        key(out.children.back());
        out.children.emplace_back();
        value(indent, out.children.back());
        if (p_ == n_) return;
        int k = line_indent();
        if (k < indent) return;
        if (k > indent) bail("a line deeper than its mapping's keys");
        if (at_dash(p_ + static_cast<size_t>(k))) bail("a `- ` among a mapping's keys");
        p_ += static_cast<size_t>(k);
    }
}

void FastYaml::sequence(int indent, bool indentless, YamlNode& out) {
    if (++depth_ > max_depth_) bail("nesting deeper than the fast reader goes");
    Leave leave{depth_};
    out.kind = YamlNode::Kind::sequence;
    out.pos = here();
    while (true) {
        out.children.emplace_back();
        item_content(indent, out.children.back());
        if (p_ == n_) return;
        int k = line_indent();
        if (k < indent) return;
        if (k > indent) bail("a line deeper than the sequence's items");
        if (!at_dash(p_ + static_cast<size_t>(k))) {
            if (indentless) return;
            bail("a line in a sequence without `- `");
        }
        p_ += static_cast<size_t>(k);
    }
}

void FastYaml::item_content(int dash_column, YamlNode& out) {
    ++p_;  // the '-'
    while (p_ < n_ && s_[p_] == ' ') ++p_;
    if (p_ == n_ || s_[p_] == '\n' || s_[p_] == '\t') bail("an empty or tab-led sequence item");
    if (at_dash(p_)) bail("a nested sequence on one line");
    if (key_ahead()) {
        mapping(column(), out);
    } else {
        inline_value(dash_column, out);
    }
}

bool FastYaml::key_ahead() const {
    size_t i = p_;
    char q = s_[i];
    if (q == '\'' || q == '"') {
        for (++i; i < n_ && s_[i] != '\n'; ++i) {
            if (q == '\'' && s_[i] == '\'') {
                if (i + 1 < n_ && s_[i + 1] == '\'') {
                    ++i;
                    continue;
                }
                return i + 1 < n_ && s_[i + 1] == ':';
            }
            if (q == '"' && s_[i] == '\\') {
                ++i;
                continue;
            }
            if (q == '"' && s_[i] == '"') return i + 1 < n_ && s_[i + 1] == ':';
        }
        return false;
    }
    for (; i < n_ && s_[i] != '\n'; ++i) {
        if (s_[i] == ':' && (i + 1 == n_ || s_[i + 1] == ' ' || s_[i + 1] == '\n' || s_[i + 1] == '\t')) return true;
        if (s_[i] == '#' && i > p_ && blank(s_[i - 1])) return false;
    }
    return false;
}

// ---- scalars ----------------------------------------------------------------

// A plain scalar on one line (libyaml's scan_plain_scalar). A key ends at
// `: `; a value at the line end, and the next line must not continue it.
void FastYaml::plain(int parent_indent, bool is_key, YamlNode& out) {
    out.kind = YamlNode::Kind::scalar;
    out.style = ScalarStyle::plain;
    out.pos = here();
    const char c = s_[p_];
    const bool next_blankz = p_ + 1 >= n_ || blank(s_[p_ + 1]) || s_[p_ + 1] == '\n';
    if (std::strchr(",[]{}#&*!|>'\"%@`", c) || ((c == '-' || c == '?' || c == ':') && next_blankz) || blank(c) ||
        c == '\n')
        bail("a plain scalar starting with an indicator");
    if (static_cast<unsigned char>(c) == 0xEF && p_ + 2 < n_ && static_cast<unsigned char>(s_[p_ + 1]) == 0xBB &&
        static_cast<unsigned char>(s_[p_ + 2]) == 0xBF)
        bail("a byte order mark inside the text");
    std::string& v = out.value;
    size_t end = p_;  // after the last non-blank
    while (p_ < n_) {
        size_t run = p_;
        while (run < n_ && kPlainTable[static_cast<unsigned char>(s_[run])] == kOrdinary) ++run;
        if (run > p_) {
            v.append(s_ + p_, run - p_);
            size_t last = run;
            while (last > p_ && s_[last - 1] == ' ') --last;
            if (last > p_) end = last;
            p_ = run;
        }
        if (p_ == n_) break;
        char b = s_[p_];
        if (b == '\n') break;
        if (b == ':' && (p_ + 1 == n_ || blank(s_[p_ + 1]) || s_[p_ + 1] == '\n')) {
            if (is_key) break;
            bail("`: ` inside a plain value");
        }
        if (b == '#') {
            if (blank(s_[p_ - 1])) bail("a comment after a plain scalar");
            v += '#';
            end = ++p_;
            continue;
        }
        if (b == ':') {
            v += ':';
            end = ++p_;
            continue;
        }
        if (b == '\t') {
            if (is_key) bail("a tab in a key");
            v += '\t';
            ++p_;
            continue;
        }
        copy_char(v);
        end = p_;
    }
    // Trailing blanks are not part of the scalar.
    v.resize(v.size() - (p_ - end));
    if (is_key) {
        if (p_ == n_ || s_[p_] != ':') bail("a key without `: `");
        if (end != p_) bail("blanks before a key's `:`");
        return;
    }
    if (p_ < n_) {
        ++p_;  // '\n'
        new_line();
    }
    // A deeper next line would continue this scalar (folded into it).
    size_t i = p_;
    while (i < n_ && s_[i] == ' ') ++i;
    if (i<n_&& static_cast<int>(i - p_)> parent_indent && s_[i] != '\n') bail("a multi-line plain scalar");
}

// A quoted scalar, as libyaml's scan_flow_scalar reads it: line breaks
// folded, blanks around them dropped, escapes in double quotes.
void FastYaml::quoted(bool single, bool is_key, YamlNode& out) {
    out.kind = YamlNode::Kind::scalar;
    out.style = single ? ScalarStyle::single_quoted : ScalarStyle::double_quoted;
    out.pos = here();
    const char quote = single ? '\'' : '"';
    const auto& table = single ? kSingleTable : kDoubleTable;
    std::string& v = out.value;
    ++p_;
    bool leading_break = false;  // a line break was folded and not yet joined
    size_t trailing_breaks = 0;
    while (true) {
        if (p_ == line_start_ && p_ + 3 <= n_ &&
            (std::memcmp(s_ + p_, "---", 3) == 0 || std::memcmp(s_ + p_, "...", 3) == 0))
            bail("a document marker inside a quoted scalar");
        if (p_ >= n_) bail("a quoted scalar without its closing quote");
        bool leading_blanks = false;
        // Non-blank characters.
        while (p_ < n_) {
            size_t run = p_;
            while (run < n_ && table[static_cast<unsigned char>(s_[run])] == kOrdinary) ++run;
            if (run > p_) {
                v.append(s_ + p_, run - p_);
                p_ = run;
            }
            if (p_ == n_) break;
            char b = s_[p_];
            if (b == ' ' || b == '\t' || b == '\n') break;
            if (single && b == '\'') {
                if (p_ + 1 < n_ && s_[p_ + 1] == '\'') {
                    v += '\'';
                    p_ += 2;
                    continue;
                }
                break;
            }
            if (!single && b == '"') break;
            if (!single && b == '\\') {
                if (p_ + 1 >= n_) bail("a backslash at the end");
                char e = s_[p_ + 1];
                if (e == '\n') {
                    if (is_key) bail("a multi-line key");
                    p_ += 2;
                    new_line();
                    leading_blanks = true;
                    break;
                }
                size_t code = 0;
                switch (e) {
                    case '0': v += '\0'; break;
                    case 'a': v += '\x07'; break;
                    case 'b': v += '\x08'; break;
                    case 't':
                    case '\t': v += '\x09'; break;
                    case 'n': v += '\x0A'; break;
                    case 'v': v += '\x0B'; break;
                    case 'f': v += '\x0C'; break;
                    case 'r': v += '\x0D'; break;
                    case 'e': v += '\x1B'; break;
                    case ' ': v += ' '; break;
                    case '"': v += '"'; break;
                    case '/': v += '/'; break;
                    case '\\': v += '\\'; break;
                    case 'N': v += "\xC2\x85"; break;
                    case '_': v += "\xC2\xA0"; break;
                    case 'L': v += "\xE2\x80\xA8"; break;
                    case 'P': v += "\xE2\x80\xA9"; break;
                    case 'x': code = 2; break;
                    case 'u': code = 4; break;
                    case 'U': code = 8; break;
                    default: bail("an unknown escape");
                }
                p_ += 2;
                if (code) {
                    if (p_ + code > n_) bail("a short escape");
                    uint32_t value = 0;
                    for (size_t k = 0; k < code; ++k) {
                        int d = hex_digit(s_[p_ + k]);
                        if (d < 0) bail("a bad hex escape");
                        value = (value << 4) + static_cast<uint32_t>(d);
                    }
                    if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) bail("an invalid escaped code point");
                    append_code_point(v, value);
                    p_ += code;
                }
                continue;
            }
            copy_char(v);
        }
        if (p_ < n_ && s_[p_] == quote) break;
        // Blanks and line breaks.
        size_t ws_start = p_, ws_len = 0;
        while (p_ < n_ && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n')) {
            if (s_[p_] != '\n') {
                if (!leading_blanks) {
                    if (ws_len == 0) ws_start = p_;
                    ++ws_len;
                }
                ++p_;
            } else {
                if (is_key) bail("a multi-line key");
                ++p_;
                new_line();
                if (!leading_blanks) {
                    ws_len = 0;
                    leading_break = true;
                    leading_blanks = true;
                } else {
                    ++trailing_breaks;
                }
            }
        }
        if (leading_blanks) {
            if (leading_break) {
                if (trailing_breaks == 0)
                    v += ' ';
                else
                    v.append(trailing_breaks, '\n');
            } else {
                v.append(trailing_breaks, '\n');
            }
            leading_break = false;
            trailing_breaks = 0;
        } else {
            v.append(s_ + ws_start, ws_len);
        }
    }
    ++p_;  // the closing quote
}

// A literal block scalar (`|`, chomping and indentation indicators), as
// libyaml's scan_block_scalar reads it. Leaves p_ at the start of the first
// line after it.
void FastYaml::literal(int parent_indent, YamlNode& out) {
    out.kind = YamlNode::Kind::scalar;
    out.style = ScalarStyle::literal;
    out.pos = here();
    ++p_;  // '|'
    int chomping = 0, increment = 0;
    auto digit = [&] {
        if (p_ < n_ && s_[p_] >= '1' && s_[p_] <= '9') {
            increment = s_[p_] - '0';
            ++p_;
            return true;
        }
        if (p_ < n_ && s_[p_] == '0') bail("an indentation indicator of 0");
        return false;
    };
    auto chomp = [&] {
        if (p_ < n_ && (s_[p_] == '+' || s_[p_] == '-')) {
            chomping = s_[p_] == '+' ? 1 : -1;
            ++p_;
            return true;
        }
        return false;
    };
    if (chomp())
        digit();
    else if (digit())
        chomp();
    end_of_line();
    int indent = increment ? parent_indent + increment : 0;
    std::string& v = out.value;
    bool leading_break = false;
    size_t trailing_breaks = 0;
    // Indentation and empty lines (scan_block_scalar_breaks); sets `indent`
    // from the first non-empty line when no indicator gave it.
    auto breaks = [&] {
        int max_indent = 0;
        while (true) {
            while ((!indent || static_cast<int>(p_ - line_start_) < indent) && p_ < n_ && s_[p_] == ' ') {
                if (p_ - line_start_ > kMaxIndent) bail("an indentation past what the fast reader counts");
                ++p_;
            }
            int col = static_cast<int>(p_ - line_start_);
            if (col > max_indent) max_indent = col;
            if ((!indent || col < indent) && p_ < n_ && s_[p_] == '\t') bail("a tab in a block scalar's indentation");
            if (p_ >= n_ || s_[p_] != '\n') break;
            ++p_;
            new_line();
            ++trailing_breaks;
        }
        if (!indent) {
            indent = max_indent;
            if (indent < parent_indent + 1) indent = parent_indent + 1;
            if (indent < 1) indent = 1;
        }
    };
    breaks();
    while (static_cast<int>(p_ - line_start_) == indent && p_ < n_) {
        if (leading_break) v += '\n';
        leading_break = false;
        v.append(trailing_breaks, '\n');
        trailing_breaks = 0;
        while (p_ < n_) {
            size_t run = p_;
            while (run < n_ && kLiteralTable[static_cast<unsigned char>(s_[run])] == kOrdinary) ++run;
            if (run > p_) {
                v.append(s_ + p_, run - p_);
                p_ = run;
            }
            if (p_ == n_ || s_[p_] == '\n') break;
            if (s_[p_] == '\t') {
                v += '\t';
                ++p_;
                continue;
            }
            copy_char(v);
        }
        if (p_ < n_) {
            ++p_;
            new_line();
            leading_break = true;
        }
        breaks();
    }
    if (chomping != -1 && leading_break) v += '\n';
    if (chomping == 1) v.append(trailing_breaks, '\n');
    if (p_ < n_) {
        p_ = line_start_;  // the less indented line that ended the scalar
    } else if (line_start_ < n_ && p_ != line_start_) {
        bail("spaces at the end of the text");
    }
}

}  // namespace cassette
