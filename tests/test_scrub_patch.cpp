#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "decode/base64.hpp"
#include "error.hpp"
#include "scrub/doc_tree.hpp"
#include "scrub/patch.hpp"

using namespace cassette;
using namespace cassette::scrub;

namespace {

std::string_view span(std::string_view text, const Node& n) { return text.substr(n.begin, n.end - n.begin); }

}  // namespace

TEST_CASE("YAML document tree: byte spans on 2-space and 4-space indentation", "[scrub][patch]") {
    const std::string two =
        "interactions:\n"
        "- request:\n"
        "    uri: https://api.example.com/v1?key=abc\n"
        "    headers:\n"
        "      Authorization:\n"
        "      - Bearer tok\n";
    Document d = parse_yaml_document("two.yaml", two);
    REQUIRE(d.yaml);
    const Node* req = d.root.get("interactions")->items.at(0).get("request");
    REQUIRE(req);
    const Node* uri = req->get("uri");
    CHECK(span(two, *uri) == "https://api.example.com/v1?key=abc");
    CHECK(uri->pos.line == 3);
    CHECK(uri->pos.column == 10);
    const Node& auth = req->get("headers")->get("Authorization")->items.at(0);
    CHECK(span(two, auth) == "Bearer tok");
    CHECK(auth.style == ScalarStyle::plain);

    const std::string four =
        "interactions:\n"
        "    -   request:\n"
        "            body:\n"
        "                string: 'it''s'\n";
    Document d4 = parse_yaml_document("four.yaml", four);
    const Node* s = d4.root.get("interactions")->items.at(0).get("request")->get("body")->get("string");
    REQUIRE(s);
    CHECK(span(four, *s) == "'it''s'");
    CHECK(s->value == "it's");
    CHECK(s->style == ScalarStyle::single_quoted);
    CHECK(s->pos.line == 4);
    CHECK(s->pos.column == 25);
}

TEST_CASE("YAML document tree: multi-byte UTF-8 and a byte order mark shift byte spans", "[scrub][patch]") {
    // libyaml counts characters; the spans must count bytes.
    const std::string text = "a: \"h\xC3\xA9llo\"\nb: \xE2\x82\xAC\xF0\x9F\x98\x80 x\nc: tail\n";
    Document d = parse_yaml_document("u.yaml", text);
    const Node* a = d.root.get("a");
    CHECK(a->begin == 3);
    CHECK(a->end == 11);
    CHECK(a->value == "h\xC3\xA9llo");
    CHECK(span(text, *d.root.get("b")) == "\xE2\x82\xAC\xF0\x9F\x98\x80 x");
    CHECK(span(text, *d.root.get("c")) == "tail");

    const std::string bom =
        "\xEF\xBB\xBF"
        "k: v\xC3\xA9\nz: end\n";
    Document db = parse_yaml_document("bom.yaml", bom);
    CHECK(span(bom, db.root.members.at(0).first) == "k");
    CHECK(span(bom, *db.root.get("z")) == "end");
    CHECK(db.root.get("z")->pos.line == 2);
}

TEST_CASE("YAML document tree: every scalar style, tags, anchors and aliases", "[scrub][patch]") {
    const std::string text =
        "plain: a b\n"
        "single: 'x''y'\n"
        "double: \"q\\tr\"\n"
        "literal: |\n"
        "  line 1\n"
        "  line 2\n"
        "\n"
        "folded: >-\n"
        "  one\n"
        "  two\n"
        "bin: &b !!binary |\n"
        "  SGVsbG8=\n"
        "ruby: !binary |-\n"
        "  SGVsbG8=\n"
        "again: *b\n";
    Document d = parse_yaml_document("styles.yaml", text);
    CHECK(d.root.get("plain")->style == ScalarStyle::plain);
    CHECK(d.root.get("single")->style == ScalarStyle::single_quoted);
    CHECK(d.root.get("double")->style == ScalarStyle::double_quoted);
    CHECK(d.root.get("double")->value == "q\tr");
    const Node* lit = d.root.get("literal");
    CHECK(lit->style == ScalarStyle::literal);
    CHECK(lit->value == "line 1\nline 2\n");
    // A block scalar's span runs past its trailing blank lines, as libyaml gives it.
    CHECK(span(text, *lit) == "|\n  line 1\n  line 2\n\n");
    const Node* fo = d.root.get("folded");
    CHECK(fo->style == ScalarStyle::folded);
    CHECK(fo->value == "one two");
    const Node* bin = d.root.get("bin");
    CHECK(bin->tag == "tag:yaml.org,2002:binary");
    CHECK(bin->value == "SGVsbG8=\n");
    CHECK(span(text, *bin) == "&b !!binary |\n  SGVsbG8=\n");  // anchor and tag included
    CHECK(d.root.get("ruby")->tag == "!binary");
    const Node* again = d.root.get("again");
    CHECK(again->kind == Node::Kind::alias);
    CHECK(again->value == "b");
    CHECK(span(text, *again) == "*b");
}

TEST_CASE("YAML document tree: first document only, errors with position", "[scrub][patch]") {
    Document d = parse_yaml_document("m.yaml", "a: 1\n---\nb: [\n");
    CHECK(d.root.get("a")->value == "1");
    CHECK(d.root.get("b") == nullptr);

    try {
        parse_yaml_document("bad.yaml", "a: 1\nb: \"open\nc: [x\n");
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.file() == "bad.yaml");
        CHECK(e.pos().line >= 2);
        CHECK(e.rule() == "yaml-syntax");
        CHECK_FALSE(std::string(e.what()).empty());
    }
    CHECK_THROWS_AS(parse_yaml_document("alias.yaml", "a: *nope\n"), InputError);

    std::string deep;
    for (int i = 0; i < 300; ++i) deep += "[";
    CHECK_THROWS_AS(parse_yaml_document("deep.yaml", deep), InputError);

    Document empty = parse_yaml_document("empty.yaml", "");
    CHECK(empty.root.is_scalar());
    CHECK(empty.root.value.empty());
}

namespace {

TextEdit replace(std::string_view value, std::string_view piece, std::string replacement, size_t nth = 0) {
    size_t at = value.find(piece);
    while (nth-- > 0) at = value.find(piece, at + 1);
    REQUIRE(at != std::string_view::npos);
    TextEdit e;
    e.offset = at;
    e.length = piece.size();
    e.replacement = std::move(replacement);
    e.rule = "pattern";
    return e;
}

// Edits one scalar (found by `find`) and returns the patched text.
template <typename Find>
std::string edit_one(const std::string& text, Find find, std::string_view piece, std::string replacement,
                     size_t nth = 0) {
    Document d = parse_yaml_document("t.yaml", text);
    const Node* n = find(d.root);
    REQUIRE(n);
    Patcher p("t.yaml", text, d);
    p.edit(*n, {replace(n->value, piece, std::move(replacement), nth)});
    return p.result();
}

}  // namespace

TEST_CASE("Patcher: edits in place in every YAML style, every other byte kept", "[scrub][patch]") {
    SECTION("plain") {
        const std::string text =
            "headers:\n"
            "  Authorization:\n"
            "  - Bearer sk-abc123   # trailing comment\n"
            "  Other: keep  me\n";
        auto out = edit_one(
            text, [](const Node& r) { return &r.get("headers")->get("Authorization")->items[0]; }, "sk-abc123",
            "REDACTED");
        CHECK(out ==
              "headers:\n"
              "  Authorization:\n"
              "  - Bearer REDACTED   # trailing comment\n"
              "  Other: keep  me\n");
    }
    SECTION("plain, wrapped over lines") {
        const std::string text = "k: first secret1\n   second line\nz: 1\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("k"); }, "secret1", "REDACTED");
        CHECK(out == "k: first REDACTED\n   second line\nz: 1\n");
    }
    SECTION("single-quoted, the piece repeated") {
        const std::string text = "    body: '{\"a\": \"tok\", \"it''s\": \"tok\"}'\n    next: x\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("body"); }, "tok", "it's", 1);
        CHECK(out == "    body: '{\"a\": \"tok\", \"it''s\": \"it''s\"}'\n    next: x\n");
    }
    SECTION("double-quoted with escapes around the piece") {
        const std::string text = "h: \"tok=secret1\\tend \\\"q\\\"\"\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("h"); }, "secret1", "a\"b");
        CHECK(out == "h: \"tok=a\\\"b\\tend \\\"q\\\"\"\n");
    }
    SECTION("literal block") {
        const std::string text =
            "body:\n"
            "    string: |\n"
            "        line one secret1\n"
            "        line two\n"
            "\n"
            "next: 1\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("body")->get("string"); }, "secret1", "XX");
        CHECK(out ==
              "body:\n"
              "    string: |\n"
              "        line one XX\n"
              "        line two\n"
              "\n"
              "next: 1\n");
    }
    SECTION("folded block") {
        const std::string text = "f: >\n  first secret1\n  second\nz: 2\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("f"); }, "secret1", "REDACTED");
        CHECK(out == "f: >\n  first REDACTED\n  second\nz: 2\n");
    }
    SECTION("anchored and tagged scalars keep their properties") {
        const std::string text = "a: &k !!str secret1\nb: *k\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("a"); }, "secret1", "REDACTED");
        CHECK(out == "a: &k !!str REDACTED\nb: *k\n");
    }
    SECTION("multi-byte text before the scalar") {
        const std::string text = "note: \"h\xC3\xA9llo w\xC3\xB6rld\"\nkey: sk-abc\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("key"); }, "sk-abc", "REDACTED");
        CHECK(out == "note: \"h\xC3\xA9llo w\xC3\xB6rld\"\nkey: REDACTED\n");
    }
}

TEST_CASE("Patcher: a piece that is escaped or unsafe in the bytes re-emits the scalar", "[scrub][patch]") {
    SECTION("escaped in a double-quoted scalar") {
        const std::string text = "h: \"caf\\u00e9 tok\"\nz: 1\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("h"); }, "caf\xC3\xA9", "X");
        CHECK(out == "h: \"X tok\"\nz: 1\n");
    }
    SECTION("a replacement a plain scalar cannot hold becomes single-quoted") {
        const std::string text = "k: token abc\nz: 1\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("k"); }, "abc", "a: #b");
        CHECK(out == "k: 'token a: #b'\nz: 1\n");
        Document d = parse_yaml_document("t.yaml", out);
        CHECK(d.root.get("k")->value == "token a: #b");
    }
    SECTION("a piece folded over lines in a plain scalar") {
        const std::string text = "k: one two\n  three\nz: 1\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("k"); }, "two three", "X");
        CHECK(out == "k: one X\nz: 1\n");
    }
    SECTION("a newline into a literal block re-emits its lines") {
        const std::string text = "b: |-\n  a secret\n  c\nz: 1\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("b"); }, "secret", "x\ny");
        CHECK(out == "b: |-\n  a x\n  y\n  c\nz: 1\n");
    }
    SECTION("a value that would read as a number stays a string") {
        const std::string text = "k: abc\n";
        auto out = edit_one(
            text, [](const Node& r) { return r.get("k"); }, "abc", "123");
        CHECK(out == "k: '123'\n");
    }
}

TEST_CASE("Patcher: set() keeps numbers numbers and block headers", "[scrub][patch]") {
    const std::string text =
        "content_length: 1234\n"
        "headers:\n"
        "  Content-Length:\n"
        "  - '100'\n"
        "body: |+\n"
        "  old line\n"
        "\n"
        "\n"
        "tail: x\n";
    Document d = parse_yaml_document("t.yaml", text);
    Patcher p("t.yaml", text, d);
    p.set(*d.root.get("content_length"), "42");
    p.set(d.root.get("headers")->get("Content-Length")->items[0], "8");
    p.set(*d.root.get("body"), "new\nlines\n\n\n");
    CHECK(p.result() ==
          "content_length: 42\n"
          "headers:\n"
          "  Content-Length:\n"
          "  - '8'\n"
          "body: |+\n"
          "  new\n"
          "  lines\n"
          "\n"
          "\n"
          "tail: x\n");

    // Fewer trailing line breaks: the chomping indicator follows.
    Patcher q("t.yaml", text, d);
    q.set(*d.root.get("body"), "one");
    std::string out = q.result();
    CHECK(out == "content_length: 1234\nheaders:\n  Content-Length:\n  - '100'\nbody: |-\n  one\n\n\ntail: x\n");
    CHECK(parse_yaml_document("t.yaml", out).root.get("body")->value == "one");

    // A folded block wraps a long value at single spaces, as wide as it was.
    const std::string folded = "f: >\n  aaaa bbbb\n  cccc\nz: 1\n";
    Document df = parse_yaml_document("f.yaml", folded);
    Patcher pf("f.yaml", folded, df);
    std::string long_value;
    for (int i = 0; i < 12; ++i) long_value += (i ? " word" : "word") + std::to_string(i);
    pf.set(*df.root.get("f"), long_value + "\n");
    std::string fout = pf.result();
    CHECK(parse_yaml_document("f.yaml", fout).root.get("f")->value == long_value + "\n");
    CHECK(fout.find("\n  word0 word1") != std::string::npos);
    CHECK(fout.substr(fout.size() - 5) == "z: 1\n");
}

namespace {

std::string bytes_of(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += static_cast<char>((i * 37 + 11) & 0xFF);
    return s;
}

std::vector<std::string> lines_of(std::string_view s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < s.size()) {
        size_t nl = s.find('\n', start);
        if (nl == std::string_view::npos) nl = s.size();
        out.emplace_back(s.substr(start, nl - start));
        start = nl + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("Patcher: set_base64 keeps a VCR.py !!binary block's 76-column lines", "[scrub][patch]") {
    // From a VCR.py cassette (logfire, google-genai), shortened.
    const std::string head =
        "  response:\n"
        "    body:\n"
        "      string: !!binary |\n";
    const std::string tail =
        "    headers:\n"
        "      Content-Encoding:\n"
        "      - gzip\n";
    const std::string text = head +
                             "        H4sIAAAAAAAC/61STU+DQBC98yvInkuzQNqqN62mGq2tlhiNMc0IU0pcdsnu4kea/neXrxaq3uRA\n"
                             "        hnlv35vZx8aybRICj5IINCpyYj+bjm1vyneBCa6RawM0LdPMQOo9t3o2rdpQVjkPdSL4GBjrHK5x\n"
                             "        enH6eXs0j8PJ3Ll7ItbW+gZE9moLGgMAAA==\n" +
                             tail;
    Document d = parse_yaml_document("v.yaml", text);
    const Node* body = d.root.get("response")->get("body")->get("string");
    REQUIRE(body);
    const std::string payload = bytes_of(300);
    Patcher p("v.yaml", text, d);
    p.set_base64(*body, payload);
    std::string out = p.result();
    REQUIRE(out.substr(0, head.size()) == head);
    REQUIRE(out.substr(out.size() - tail.size()) == tail);
    auto lines = lines_of(out.substr(head.size(), out.size() - head.size() - tail.size()));
    REQUIRE(lines.size() == 6);  // 400 base64 characters: five lines of 76 and one of 20
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
        CHECK(lines[i].size() == 8 + 76);
        CHECK(lines[i].substr(0, 8) == "        ");
    }
    CHECK(lines.back().size() == 8 + 20);
    Document again = parse_yaml_document("v.yaml", out);
    const Node* nb = again.root.get("response")->get("body")->get("string");
    CHECK(nb->tag == "tag:yaml.org,2002:binary");
    CHECK(base64_decode(nb->value) == payload);
}

TEST_CASE("Patcher: set_base64 keeps Ruby's base64_string with line breaks in the value", "[scrub][patch]") {
    // From a Ruby VCR cassette (ruby-openai, images variations), shortened.
    const std::string text =
        "    body:\n"
        "      encoding: ASCII-8BIT\n"
        "      base64_string: |\n"
        "        ewogICJjcmVhdGVkIjogMTcwNTY2NDQ2OSwKICAiZGF0YSI6IFsKICAgIHsK\n"
        "        ICAgICAgInVybCI6ICJodHRwczovL29haWRhbGxlYXBpcHJvZHNjdXMuYmxv\n"
        "        Yi5jb3JlLndpbmRvd3MubmV0L3ByaXZhdGUvb3JnLXlVZk5pZTM0ajJjQTNJ\n"
        "    http_version:\n";
    Document d = parse_yaml_document("r.yml", text);
    const Node* b64 = d.root.get("body")->get("base64_string");
    REQUIRE(b64);
    const std::string payload =
        "{\n  \"url\": \"https://example.com/img.png?sig=REDACTED\"\n}\n" + std::string(40, 'x');
    Patcher p("r.yml", text, d);
    p.set_base64(*b64, payload);
    std::string out = p.result();
    Document again = parse_yaml_document("r.yml", out);
    const std::string& value = again.root.get("body")->get("base64_string")->value;
    CHECK(base64_decode(value) == payload);
    // Ruby's encode64 layout in the value: 60 characters and a line break.
    auto lines = lines_of(value);
    REQUIRE(lines.size() >= 2);
    for (size_t i = 0; i + 1 < lines.size(); ++i) CHECK(lines[i].size() == 60);
    CHECK(value.back() == '\n');
    CHECK(out.rfind("    http_version:\n") == out.size() - 18);
    CHECK(out.find("      base64_string: |\n        ") != std::string::npos);
}

TEST_CASE("Patcher: set_base64 on a one-line !!binary (yaml.v3) stays one line", "[scrub][patch]") {
    const std::string text = "body: !!binary SGVsbG8gd29ybGQ=\nz: 1\n";
    Document d = parse_yaml_document("g.yaml", text);
    Patcher p("g.yaml", text, d);
    const std::string payload = bytes_of(120);
    p.set_base64(*d.root.get("body"), payload);
    std::string out = p.result();
    CHECK(out == "body: !!binary " + base64_encode(payload) + "\nz: 1\n");
}

TEST_CASE("Patcher: a piece inside an escape is not the piece", "[scrub][patch]") {
    // "\x341" reads "41": the piece "41" occurs once in the value and once in
    // the bytes, but there it straddles an escape; splicing there would break
    // the escape. The scalar is written anew instead.
    const std::string text = "a: \"\\x341\"\nb: keep\n";
    auto out = edit_one(
        text, [](const Node& r) { return r.get("a"); }, "41", "REDACTED");
    CHECK(out == "a: \"REDACTED\"\nb: keep\n");
    // Same in single quotes: the doubled quote is one character of the value.
    const std::string single = "a: 'x''y ''y'\n";
    auto out2 = edit_one(
        single, [](const Node& r) { return r.get("a"); }, "'y", "Z", 1);
    CHECK(out2 == "a: 'x''y Z'\n");

    Document d = parse_yaml_document("t.yaml", text);
    Patcher p("t.yaml", text, d);
    CHECK(p.empty());
    CHECK(p.result() == text);
    CHECK_THROWS_AS(p.set(*d.root.get("b"), std::string("\xFF\xFE")), std::invalid_argument);
    CHECK_THROWS_AS(p.set(d.root, "x"), std::invalid_argument);
}

TEST_CASE("Patcher: CRLF line ends stay CRLF in a re-emitted block", "[scrub][patch]") {
    const std::string text = "a: |\r\n  x secret\r\n  y\r\nb: 1\r\n";
    Document d = parse_yaml_document("crlf.yaml", text);
    REQUIRE(d.root.get("a")->value == "x secret\ny\n");
    Patcher p("crlf.yaml", text, d);
    p.set(*d.root.get("a"), "new\nline\n");
    CHECK(p.result() == "a: |\r\n  new\r\n  line\r\nb: 1\r\n");
}

TEST_CASE("Patcher: JSON documents, in place and re-escaped", "[scrub][patch]") {
    const std::string text =
        "{\n"
        "  \"request\": {\"headers\": [{\"name\": \"Authorization\", \"value\": \"Bearer sk-abc\"}],\n"
        "              \"url\": \"https://x/?key=s\\u00e9cret&b=1\"},\n"
        "  \"response\": {\"bodySize\": 1234, \"content\": {\"text\": \"{\\\"token\\\": \\\"abc\\\"}\"}}\n"
        "}\n";
    Document d = parse_json_document("t.har", text);
    REQUIRE_FALSE(d.yaml);
    const Node& header = d.root.get("request")->get("headers")->items.at(0);
    const Node* value = header.get("value");
    const Node* url = d.root.get("request")->get("url");
    const Node* size = d.root.get("response")->get("bodySize");
    const Node* body = d.root.get("response")->get("content")->get("text");
    REQUIRE(value);
    REQUIRE(url);
    REQUIRE(size);
    REQUIRE(body);
    REQUIRE(url->value ==
            "https://x/?key=s\xC3\xA9"
            "cret&b=1");
    Patcher p("t.har", text, d);
    p.edit(*value, {replace(value->value, "sk-abc", "REDACTED")});
    p.edit(*url, {replace(url->value,
                          "s\xC3\xA9"
                          "cret",
                          "X")});  // escaped in the bytes: string written anew
    p.set(*size, "42");
    p.edit(*body, {replace(body->value, "abc", "a\"b")});
    CHECK(p.result() ==
          "{\n"
          "  \"request\": {\"headers\": [{\"name\": \"Authorization\", \"value\": \"Bearer REDACTED\"}],\n"
          "              \"url\": \"https://x/?key=X&b=1\"},\n"
          "  \"response\": {\"bodySize\": 42, \"content\": {\"text\": \"{\\\"token\\\": \\\"a\\\"b\\\"}\"}}\n"
          "}\n");
}

TEST_CASE("Patcher: result() refuses a patch it cannot make read back right", "[scrub][patch]") {
    // A node of another document: its span lands on the wrong scalar here.
    // The check sees a value change where none was asked for, and no
    // rewriting mends that.
    const std::string text = "a: one\nb: two\n";
    const std::string other = "x: abc\n";
    Document d = parse_yaml_document("t.yaml", text);
    Document o = parse_yaml_document("o.yaml", other);
    Patcher p("t.yaml", text, d);
    p.set(*o.root.get("x"), "zzz");
    try {
        (void)p.result();
        FAIL("no error");
    } catch (const std::logic_error& e) {
        CHECK(std::string(e.what()).find("t.yaml:1") != std::string::npos);
    }
}

TEST_CASE("Patcher: a wrapped quoted scalar written anew is wrapped again", "[scrub][patch]") {
    // A Ruby VCR request body (ruby_llm, azure), wrapped by Psych at spaces.
    const std::string text =
        "      string: '{\"model\":\"gpt-5-nano\",\"messages\":[{\"role\":\"user\",\"content\":\"If a magic\n"
        "        mirror shows your future self, but only if you ask a question it cannot answer\n"
        "        truthfully, what question do you ask?\"}],\"stream\":true}'\n"
        "      next: 1\n";
    Document d = parse_yaml_document("w.yml", text);
    const Node* s = d.root.get("string");
    REQUIRE(s);
    // The piece straddles a line break in the bytes: the scalar is written anew.
    Patcher p("w.yml", text, d);
    p.edit(*s, {replace(s->value, "magic mirror", "glass")});
    std::string out = p.result();
    std::string expected = s->value;
    expected.replace(expected.find("magic mirror"), 12, "glass");
    CHECK(parse_yaml_document("w.yml", out).root.get("string")->value == expected);
    auto lines = lines_of(out);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].substr(0, 15) == "      string: '");
    for (size_t i = 1; i < 3; ++i) {
        CHECK(lines[i].substr(0, 8) == "        ");
        CHECK(lines[i][8] != ' ');
    }
    for (const auto& line : lines) CHECK(line.size() <= 87);
    CHECK(lines[3] == "      next: 1");
}

TEST_CASE("Patcher: a piece ending in a block scalar's line break is not spliced", "[scrub][patch]") {
    // From a go-vcr body (fantasy, OpenAI responses): the piece "e,\n" is in
    // the bytes too, but replacing it there would pull the next line's
    // indentation into the value.
    const std::string text =
        "    body: |-\n"
        "      {\n"
        "        \"parallel_tool_calls\": true,\n"
        "        \"presence_penalty\": 0.0\n"
        "      }\n"
        "    code: 200\n";
    Document d = parse_yaml_document("b.yaml", text);
    const Node* body = d.root.get("body");
    REQUIRE(body);
    Patcher p("b.yaml", text, d);
    p.edit(*body, {replace(body->value, "e,\n", "X")});
    std::string out = p.result();
    CHECK(out ==
          "    body: |-\n"
          "      {\n"
          "        \"parallel_tool_calls\": truX  \"presence_penalty\": 0.0\n"
          "      }\n"
          "    code: 200\n");
}

TEST_CASE("Patcher: many distinct pieces in one block scalar: written anew, layout kept", "[scrub][patch]") {
    std::string value;
    for (int i = 0; i < 100; ++i) value += "line " + std::to_string(i) + " tok" + std::to_string(1000 + i) + "\n";
    std::string text = "body: |\n";
    for (const auto& line : lines_of(value)) text += "  " + line + "\n";
    text += "next: 1\n";
    Document d = parse_yaml_document("m.yaml", text);
    const Node* body = d.root.get("body");
    REQUIRE(body->value == value);
    std::vector<TextEdit> edits;
    std::string expected_value = value;
    for (int i = 99; i >= 0; --i) {
        std::string tok = "tok" + std::to_string(1000 + i);
        edits.push_back(replace(body->value, tok, "REDACTED"));
        expected_value.replace(expected_value.find(tok), tok.size(), "REDACTED");
    }
    Patcher p("m.yaml", text, d);
    p.edit(*body, edits);
    std::string expected = "body: |\n";
    for (const auto& line : lines_of(expected_value)) expected += "  " + line + "\n";
    expected += "next: 1\n";
    CHECK(p.result() == expected);
}
