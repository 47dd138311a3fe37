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

    const std::string bom = "\xEF\xBB\xBF" "k: v\xC3\xA9\nz: end\n";
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

