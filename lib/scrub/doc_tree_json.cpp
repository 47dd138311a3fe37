// A JSON document with the byte span of every node, for splicing new values
// into exactly the bytes of one string. The structural scan is a loop over an
// explicit stack of open containers (never recursion), so nesting depth costs
// heap, not call stack, and is refused past the JSON depth limit; every byte
// is looked at a bounded number of times, so time is linear in the text.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "error.hpp"
#include "limits.hpp"
#include "scrub/doc_tree.hpp"
#include "util/utf8.hpp"

namespace cassette::scrub {

namespace {

class JsonScanner {
public:
    JsonScanner(const std::string& path, std::string_view text) : path_(path), text_(text) {}

    Document parse() {
        // A UTF-8 byte order mark is not part of the document; columns count
        // from after it, as an editor shows the line.
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") i_ = line_start_ = 3;
        skip_ws();
        if (i_ >= text_.size()) fail("the JSON document is empty");

        struct Open {
            Node node;
            Node key;  // mapping: the key of the member whose value comes next
        };
        std::vector<Open> stack;
        Document doc;
        doc.yaml = false;

        for (;;) {
            // Here a value starts.
            skip_ws();
            Node value;
            const char c = peek();
            if (c == '{' || c == '[') {
                if (stack.size() >= limits().json_depth)
                    fail("JSON nests deeper than " + std::to_string(limits().json_depth) + " levels; " +
                         limit_hint(&Limits::json_depth));
                Open open;
                open.node.kind = c == '{' ? Node::Kind::mapping : Node::Kind::sequence;
                open.node.begin = i_;
                open.node.pos = here();
                ++i_;
                skip_ws();
                const char close = c == '{' ? '}' : ']';
                if (peek() != close) {
                    if (c == '{') {
                        open.key = parse_key();
                    }
                    stack.push_back(std::move(open));
                    continue;  // the first value of the container
                }
                ++i_;
                open.node.end = i_;
                value = std::move(open.node);
            } else {
                value = parse_scalar();
            }

            // A value is complete: hand it to its container, and close every
            // container it completes.
            for (;;) {
                if (stack.empty()) {
                    skip_ws();
                    if (i_ < text_.size()) fail("unexpected text after the JSON value");
                    doc.root = std::move(value);
                    return doc;
                }
                Open& top = stack.back();
                if (top.node.is_mapping())
                    top.node.members.push_back(Member{std::move(top.key), std::move(value)});
                else
                    top.node.items.push_back(std::move(value));
                skip_ws();
                const char close = top.node.is_mapping() ? '}' : ']';
                if (peek() == ',') {
                    ++i_;
                    if (top.node.is_mapping()) {
                        skip_ws();
                        top.key = parse_key();
                    }
                    break;  // the next value of the container
                }
                if (peek() != close) {
                    if (i_ >= text_.size())
                        fail(std::string("the JSON text ends inside ") +
                             (close == '}' ? "an object (missing '}')" : "an array (missing ']')"));
                    fail(std::string("expected ',' or '") + close + "'");
                }
                ++i_;
                value = std::move(top.node);
                value.end = i_;
                stack.pop_back();
            }
        }
    }

private:
    const std::string& path_;
    std::string_view text_;
    size_t i_ = 0;
    int line_ = 1;
    size_t line_start_ = 0;

    char peek() const { return i_ < text_.size() ? text_[i_] : '\0'; }

    Position here() const { return Position{line_, static_cast<int>(i_ - line_start_) + 1}; }

    [[noreturn]] void fail(const std::string& message) const { fail_at(here(), line_start_, message); }

    [[noreturn]] void fail_at(Position pos, size_t line_start, const std::string& message) const {
        size_t eol = text_.find('\n', line_start);
        std::string_view line =
            text_.substr(line_start, eol == std::string_view::npos ? std::string_view::npos : eol - line_start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        throw InputError(path_, pos, message, std::string(line), "schema");
    }

    void skip_ws() {
        while (i_ < text_.size()) {
            const char c = text_[i_];
            if (c == '\n') {
                ++line_;
                line_start_ = ++i_;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                ++i_;
            } else {
                break;
            }
        }
    }

    Node parse_key() {
        if (peek() != '"') {
            if (peek() == '}') fail("expected a member name after ','");
            fail(i_ >= text_.size() ? "the JSON text ends where a member name should be"
                                    : "expected a member name (a string in double quotes)");
        }
        Node key = parse_string();
        skip_ws();
        if (peek() != ':') fail("expected ':' after the member name");
        ++i_;
        return key;
    }

    Node parse_scalar() {
        const char c = peek();
        if (c == '"') return parse_string();
        Node n;
        n.begin = i_;
        n.pos = here();
        if (c == '-' || (c >= '0' && c <= '9')) {
            scan_number();
        } else if (!scan_literal("true") && !scan_literal("false") && !scan_literal("null")) {
            if (i_ >= text_.size()) fail("the JSON text ends where a value should be");
            fail("expected a JSON value");
        }
        n.end = i_;
        n.value = std::string(text_.substr(n.begin, n.end - n.begin));
        return n;
    }

    bool scan_literal(std::string_view word) {
        if (text_.substr(i_, word.size()) != word) return false;
        i_ += word.size();
        return true;
    }

    static bool is_digit(char c) { return c >= '0' && c <= '9'; }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    void scan_number() {
        if (peek() == '-') ++i_;
        if (peek() == '0') {
            ++i_;
        } else if (is_digit(peek())) {
            while (is_digit(peek())) ++i_;
        } else {
            fail("expected a digit in the number");
        }
        if (peek() == '.') {
            ++i_;
            if (!is_digit(peek())) fail("expected a digit after the decimal point");
            while (is_digit(peek())) ++i_;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++i_;
            if (peek() == '+' || peek() == '-') ++i_;
            if (!is_digit(peek())) fail("expected a digit in the exponent");
            while (is_digit(peek())) ++i_;
        }
    }

    static int hex_value(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // Four hex digits at i_ (after "\u"); i_ moves past them.
    uint32_t read_hex4() {
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            const int h = hex_value(peek());
            if (h < 0) fail("expected four hex digits after \\u");
            v = v * 16 + static_cast<uint32_t>(h);
            ++i_;
        }
        return v;
    }

    Node parse_string() {
        Node n;
        n.json_string = true;
        n.style = ScalarStyle::double_quoted;
        n.begin = i_;
        n.pos = here();
        ++i_;  // the opening quote
        std::string& out = n.value;
        for (;;) {
            // Copy the run of plain bytes at once.
            size_t run = i_;
            while (run < text_.size() && text_[run] != '"' && text_[run] != '\\' &&
                   static_cast<unsigned char>(text_[run]) >= 0x20)
                ++run;
            out.append(text_.substr(i_, run - i_));
            i_ = run;
            if (i_ >= text_.size()) fail_at(n.pos, line_start_, "the JSON text ends inside a string");
            const char c = text_[i_];
            if (c == '"') {
                ++i_;
                break;
            }
            if (c != '\\') fail("control character in a string (it must be escaped)");
            ++i_;
            const char e = peek();
            ++i_;
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    uint32_t cp = read_hex4();
                    // A high surrogate followed by a low one is one code
                    // point; a lone surrogate is kept as its own three bytes
                    // (as JavaScript wrote it) rather than refusing the file.
                    if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(i_, 2) == "\\u") {
                        const size_t save = i_;
                        i_ += 2;
                        const uint32_t low = read_hex4();
                        if (low >= 0xDC00 && low < 0xE000)
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        else
                            i_ = save;
                    }
                    append_utf8(out, cp);
                    break;
                }
                default:
                    --i_;
                    if (i_ >= text_.size()) fail_at(n.pos, line_start_, "the JSON text ends inside a string");
                    fail("invalid escape in a string");
            }
        }
        n.end = i_;
        return n;
    }
};

}  // namespace

Document parse_json_document(const std::string& path, std::string_view text) { return JsonScanner(path, text).parse(); }

}  // namespace cassette::scrub
