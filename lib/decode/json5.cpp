#include "decode/json5.hpp"

#include "util/utf8.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>

namespace cassette {

namespace {

using OJ = nlohmann::ordered_json;

class Parser {
public:
    Parser(std::string_view text, size_t max_depth, std::map<std::string, Position>* where)
        : s_(text), max_depth_(max_depth), where_(where) {}

    OJ document() {
        skip_blank();
        if (at_end()) fail("empty document: expected a JSON5 value");
        OJ v = value("$", 0);
        skip_blank();
        if (!at_end()) fail("unexpected " + describe_here() + " after the value");
        return v;
    }

private:
    std::string_view s_;
    size_t i_ = 0;
    int line_ = 1;
    int col_ = 1;
    size_t max_depth_;
    std::map<std::string, Position>* where_;

    bool at_end() const { return i_ >= s_.size(); }
    unsigned char peek(size_t k = 0) const { return i_ + k < s_.size() ? static_cast<unsigned char>(s_[i_ + k]) : 0; }
    Position here() const { return Position{line_, col_}; }

    [[noreturn]] void fail(const std::string& message) const { throw Json5Error(here(), message); }
    [[noreturn]] void fail_at(Position p, const std::string& message) const { throw Json5Error(p, message); }

    // Length of the UTF-8 sequence at i_ (1 for a stray byte).
    size_t char_len() const {
        unsigned char c = peek();
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        return i_ + n <= s_.size() ? n : 1;
    }
    uint32_t code_point() const {
        size_t n = char_len();
        unsigned char c = peek();
        if (n == 1) return c;
        uint32_t cp = c & (0x7F >> n);
        for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (peek(k) & 0x3F);
        return cp;
    }
    // Moves past one character, counting lines (LF, CR, CRLF, U+2028/9) and columns.
    void advance() {
        uint32_t cp = code_point();
        size_t n = char_len();
        if (cp == '\r' && peek(1) == '\n') {
            i_ += 1;
            col_ += 1;
            return;
        }
        i_ += n;
        if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
            ++line_;
            col_ = 1;
        } else {
            ++col_;
        }
    }

    std::string describe_here() const {
        if (at_end()) return "end of file";
        uint32_t cp = code_point();
        if (cp < 0x20 || cp == 0x7F) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "byte 0x%02X", static_cast<unsigned>(cp));
            return buf;
        }
        return "`" + std::string(s_.substr(i_, char_len())) + "`";
    }

    static bool is_white(uint32_t cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0xA0 ||
               cp == 0xFEFF || cp == 0x2028 || cp == 0x2029 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
               cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    void skip_blank() {
        while (!at_end()) {
            uint32_t cp = code_point();
            if (is_white(cp)) {
                advance();
            } else if (cp == '/' && peek(1) == '/') {
                while (!at_end() && peek() != '\n' && peek() != '\r' && code_point() != 0x2028 &&
                       code_point() != 0x2029)
                    advance();
            } else if (cp == '/' && peek(1) == '*') {
                Position start = here();
                advance();
                advance();
                for (;;) {
                    if (at_end()) fail_at(start, "unterminated /* comment");
                    if (peek() == '*' && peek(1) == '/') {
                        advance();
                        advance();
                        break;
                    }
                    advance();
                }
            } else if (cp == '/') {
                fail("unexpected `/`: a comment starts with // or /*");
            } else {
                return;
            }
        }
    }

    // The file ends inside an object or array: the error is where it ends
    // (a truncated file), naming where the unclosed one opened.
    [[noreturn]] void unclosed(Position open, const char* what, char close) const {
        fail("unexpected end of file: the " + std::string(what) + " opened at line " + std::to_string(open.line) +
             ", column " + std::to_string(open.column) + " has no `" + std::string(1, close) + "`");
    }

    void record(const std::string& path, Position p) {
        if (where_) (*where_)[path] = p;
    }

    OJ value(const std::string& path, size_t depth) {
        if (depth > max_depth_) fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
        Position start = here();
        record(path, start);
        if (at_end()) fail("unexpected end of file: expected a value");
        unsigned char c = peek();
        if (c == '{') return object(path, depth);
        if (c == '[') return array(path, depth);
        if (c == '"' || c == '\'') return string_literal();
        if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') || c == 'I' || c == 'N') return number();
        if (s_.substr(i_, 4) == "true" && !ident_continues(4)) return word(4, true);
        if (s_.substr(i_, 5) == "false" && !ident_continues(5)) return word(5, false);
        if (s_.substr(i_, 4) == "null" && !ident_continues(4)) return word(4, nullptr);
        fail("unexpected " + describe_here() + ": expected a value");
    }

    bool ident_continues(size_t k) const {
        unsigned char c = peek(k);
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
               c >= 0x80;
    }

    OJ word(size_t n, OJ v) {
        for (size_t k = 0; k < n; ++k) advance();
        return v;
    }

    OJ object(const std::string& path, size_t depth) {
        Position open = here();
        advance();  // {
        OJ obj = OJ::object();
        for (;;) {
            skip_blank();
            if (at_end()) unclosed(open, "object", '}');
            if (peek() == '}') {
                advance();
                return obj;
            }
            std::string key = peek() == '"' || peek() == '\'' ? string_literal().get<std::string>() : identifier();
            skip_blank();
            if (peek() != ':') fail("expected `:` after the key \"" + key + "\", found " + describe_here());
            advance();
            skip_blank();
            OJ v = value(path + "." + key, depth + 1);
            obj[key] = std::move(v);
            skip_blank();
            if (peek() == ',') {
                advance();
                continue;
            }
            if (peek() == '}') continue;
            if (at_end()) unclosed(open, "object", '}');
            fail("expected `,` or `}` in an object, found " + describe_here());
        }
    }

    OJ array(const std::string& path, size_t depth) {
        Position open = here();
        advance();  // [
        OJ arr = OJ::array();
        for (;;) {
            skip_blank();
            if (at_end()) unclosed(open, "array", ']');
            if (peek() == ']') {
                advance();
                return arr;
            }
            arr.push_back(value(path + "[" + std::to_string(arr.size()) + "]", depth + 1));
            skip_blank();
            if (peek() == ',') {
                advance();
                continue;
            }
            if (peek() == ']') continue;
            if (at_end()) unclosed(open, "array", ']');
            fail("expected `,` or `]` in an array, found " + describe_here());
        }
    }

    // An ECMAScript IdentifierName: letters, `$`, `_`, digits after the first,
    // \uXXXX escapes; non-ASCII letters are taken as written.
    std::string identifier() {
        std::string out;
        for (;;) {
            if (at_end()) break;
            unsigned char c = peek();
            bool first = out.empty();
            if (c == '\\') {
                Position p = here();
                if (peek(1) != 'u') fail("a key may only hold \\u escapes");
                advance();
                advance();
                append_utf8(out, hex_digits(4, p));
                continue;
            }
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
                      (!first && c >= '0' && c <= '9') ||
                      (c >= 0x80 && !is_white(code_point()) && code_point() != 0x2028 && code_point() != 0x2029);
            if (!ok) break;
            out.append(s_.substr(i_, char_len()));
            advance();
        }
        if (out.empty()) fail("expected a key (a name or a quoted string), found " + describe_here());
        return out;
    }

    uint32_t hex_digits(int n, Position escape) {
        uint32_t v = 0;
        for (int k = 0; k < n; ++k) {
            unsigned char c = peek();
            int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
            if (d < 0) fail_at(escape, "bad escape: expected " + std::to_string(n) + " hexadecimal digits");
            v = v * 16 + static_cast<uint32_t>(d);
            advance();
        }
        return v;
    }

    OJ string_literal() {
        Position open = here();
        unsigned char quote = peek();
        advance();
        std::string out;
        for (;;) {
            if (at_end()) fail_at(open, "unterminated string");
            uint32_t cp = code_point();
            if (cp == quote) {
                advance();
                return out;
            }
            if (cp == '\n' || cp == '\r')
                fail_at(open, "unterminated string: a line break inside quotes must be escaped");
            if (cp != '\\') {
                out.append(s_.substr(i_, char_len()));
                advance();
                continue;
            }
            Position esc = here();
            advance();
            if (at_end()) fail_at(open, "unterminated string");
            unsigned char e = peek();
            switch (e) {
                case 'b':
                    out += '\b';
                    advance();
                    break;
                case 'f':
                    out += '\f';
                    advance();
                    break;
                case 'n':
                    out += '\n';
                    advance();
                    break;
                case 'r':
                    out += '\r';
                    advance();
                    break;
                case 't':
                    out += '\t';
                    advance();
                    break;
                case 'v':
                    out += '\v';
                    advance();
                    break;
                case '0':
                    if (peek(1) >= '0' && peek(1) <= '9') fail_at(esc, "bad escape: \\0 followed by a digit");
                    out += '\0';
                    advance();
                    break;
                case 'x':
                    advance();
                    append_utf8(out, hex_digits(2, esc));
                    break;
                case 'u': {
                    advance();
                    uint32_t u = hex_digits(4, esc);
                    if (u >= 0xD800 && u <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
                        size_t save_i = i_;
                        int save_l = line_, save_c = col_;
                        advance();
                        advance();
                        uint32_t lo = hex_digits(4, esc);
                        if (lo >= 0xDC00 && lo <= 0xDFFF) {
                            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                        } else {
                            i_ = save_i;
                            line_ = save_l;
                            col_ = save_c;
                        }
                    }
                    if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;  // a lone surrogate has no UTF-8 form
                    append_utf8(out, u);
                    break;
                }
                case '\r':
                    advance();
                    if (peek() == '\n') advance();
                    break;
                case '\n': advance(); break;
                default:
                    if (e >= '1' && e <= '9') fail_at(esc, "bad escape: \\" + std::string(1, static_cast<char>(e)));
                    if (code_point() == 0x2028 || code_point() == 0x2029) {
                        advance();  // line continuation
                        break;
                    }
                    out.append(s_.substr(i_, char_len()));  // \' \" \\ \/ and any other character: itself
                    advance();
            }
        }
    }

    OJ number() {
        Position start = here();
        bool negative = false;
        if (peek() == '+' || peek() == '-') {
            negative = peek() == '-';
            advance();
        }
        if (s_.substr(i_, 8) == "Infinity" && !ident_continues(8)) {
            for (int k = 0; k < 8; ++k) advance();
            return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        }
        if (s_.substr(i_, 3) == "NaN" && !ident_continues(3)) {
            for (int k = 0; k < 3; ++k) advance();
            return std::numeric_limits<double>::quiet_NaN();
        }
        if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
            advance();
            advance();
            uint64_t v = 0;
            size_t digits = 0;
            bool overflow = false;
            for (;;) {
                unsigned char c = peek();
                int d = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
                if (d < 0) break;
                if (v > (std::numeric_limits<uint64_t>::max() >> 4)) overflow = true;
                v = v * 16 + static_cast<uint64_t>(d);
                ++digits;
                advance();
            }
            if (!digits) fail_at(start, "bad number: 0x with no hexadecimal digits");
            if (ident_continues(0)) fail("bad number: unexpected " + describe_here());
            if (overflow || v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                return negative ? -static_cast<double>(v) : static_cast<double>(v);
            return negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
        }
        size_t from = i_;
        size_t int_digits = 0, frac_digits = 0;
        bool is_float = false;
        if (peek() == '0' && peek(1) >= '0' && peek(1) <= '9') fail_at(start, "bad number: leading zero");
        while (peek() >= '0' && peek() <= '9') {
            advance();
            ++int_digits;
        }
        if (peek() == '.') {
            is_float = true;
            advance();
            while (peek() >= '0' && peek() <= '9') {
                advance();
                ++frac_digits;
            }
        }
        if (!int_digits && !frac_digits) fail_at(start, "bad number: no digits");
        if (peek() == 'e' || peek() == 'E') {
            is_float = true;
            advance();
            if (peek() == '+' || peek() == '-') advance();
            size_t exp_digits = 0;
            while (peek() >= '0' && peek() <= '9') {
                advance();
                ++exp_digits;
            }
            if (!exp_digits) fail_at(start, "bad number: exponent with no digits");
        }
        if (ident_continues(0)) fail("bad number: unexpected " + describe_here());
        std::string digits(s_.substr(from, i_ - from));
        if (!is_float) {
            errno = 0;
            char* end = nullptr;
            long long v = std::strtoll(digits.c_str(), &end, 10);
            if (errno == 0 && end == digits.c_str() + digits.size())
                return negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
        }
        double d = std::strtod(digits.c_str(), nullptr);
        return negative ? -d : d;
    }
};

}  // namespace

nlohmann::ordered_json parse_json5(std::string_view text, size_t max_depth, std::map<std::string, Position>* where) {
    Parser p(text, max_depth, where);
    return p.document();
}

}  // namespace cassette
