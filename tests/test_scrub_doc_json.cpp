#include <catch2/catch.hpp>

#include <string>

#include "error.hpp"
#include "limits.hpp"
#include "scrub/doc_tree.hpp"

using namespace cassette;
using namespace cassette::scrub;

namespace {

std::string_view span(std::string_view text, const Node& n) { return text.substr(n.begin, n.end - n.begin); }

// The InputError a text raises (its position and message), or a failed check.
InputError error_of(std::string_view text) {
    try {
        parse_json_document("f.json", text);
    } catch (const InputError& e) {
        return e;
    }
    FAIL("no error for: " << text);
    return InputError("", {}, "");
}

}  // namespace

TEST_CASE("json doc: spans and positions of nested values", "[scrub][doc-json]") {
    const std::string text = "{\n  \"a\": [1, -2.5e3, true, null],\n  \"b\": {\"c\": \"x\\ty\"},\n  \"a\": {}\n}\n";
    Document doc = parse_json_document("f.json", text);
    CHECK_FALSE(doc.yaml);
    const Node& root = doc.root;
    REQUIRE(root.is_mapping());
    CHECK(root.begin == 0);
    CHECK(root.end == text.size() - 1);  // the trailing newline is outside
    REQUIRE(root.members.size() == 3);   // duplicates kept, in order
    CHECK(root.members[0].first.value == "a");
    CHECK(root.members[2].first.value == "a");
    CHECK(span(text, root.members[0].first) == "\"a\"");
    CHECK(root.members[0].first.pos.line == 2);
    CHECK(root.members[0].first.pos.column == 3);

    const Node& arr = root.members[0].second;
    REQUIRE(arr.is_sequence());
    CHECK(span(text, arr) == "[1, -2.5e3, true, null]");
    REQUIRE(arr.items.size() == 4);
    CHECK(arr.items[1].value == "-2.5e3");
    CHECK_FALSE(arr.items[1].json_string);
    CHECK(arr.items[1].style == ScalarStyle::plain);
    CHECK(span(text, arr.items[1]) == "-2.5e3");
    CHECK(arr.items[1].pos.column == 12);
    CHECK(arr.items[2].value == "true");
    CHECK(arr.items[3].value == "null");

    const Node* c = root.get("b")->get("c");
    REQUIRE(c);
    CHECK(c->json_string);
    CHECK(c->style == ScalarStyle::double_quoted);
    CHECK(c->value == "x\ty");
    CHECK(span(text, *c) == "\"x\\ty\"");
    CHECK(c->pos.line == 3);
    CHECK(c->pos.column == 14);

    const Node& empty = root.members[2].second;
    CHECK(empty.is_mapping());
    CHECK(empty.members.empty());
    CHECK(span(text, empty) == "{}");
}

TEST_CASE("json doc: escapes and unicode are decoded", "[scrub][doc-json]") {
    const std::string text = R"(["a\/b\\c\"d", "\u00e1\u20AC", "\ud83d\ude00", "\b\f\n\r\t", "\ud800x", "é"])";
    Document doc = parse_json_document("f.json", text);
    const auto& items = doc.root.items;
    REQUIRE(items.size() == 6);
    CHECK(items[0].value == "a/b\\c\"d");
    CHECK(items[1].value == "\xC3\xA1\xE2\x82\xAC");
    CHECK(items[2].value == "\xF0\x9F\x98\x80");
    CHECK(items[3].value == "\b\f\n\r\t");
    CHECK(items[4].value == "\xED\xA0\x80x");  // a lone surrogate is kept, not refused
    CHECK(items[5].value == "é");
    CHECK(span(text, items[2]) == R"("\ud83d\ude00")");
}

TEST_CASE("json doc: a BOM, blank space and scalars at the top", "[scrub][doc-json]") {
    const std::string text = "\xEF\xBB\xBF  \"k\"  \n";
    Document doc = parse_json_document("f.json", text);
    CHECK(doc.root.value == "k");
    CHECK(doc.root.begin == 5);
    CHECK(doc.root.end == 8);
    CHECK(doc.root.pos.column == 3);
    CHECK(parse_json_document("f.json", "0").root.value == "0");
}

TEST_CASE("json doc: errors name line and column", "[scrub][doc-json]") {
    InputError e = error_of("{\n  \"a\": 1,\n  \"b\" 2\n}");
    CHECK(e.pos().line == 3);
    CHECK(e.pos().column == 7);
    CHECK(e.source_line() == "  \"b\" 2");
    CHECK(e.rule() == "schema");
    CHECK(e.file() == "f.json");
    CHECK(std::string(e.what()).find("':'") != std::string::npos);

    CHECK(error_of("[1, 2").pos().column == 6);
    CHECK(error_of("[1,]").pos().column == 4);
    CHECK(error_of("{\"a\":1,}").pos().column == 8);
    CHECK(error_of("[01]").pos().column == 3);
    CHECK(error_of("[1.]").pos().column == 4);
    CHECK(error_of("\"abc").pos().column == 1);
    CHECK(error_of("\"a\nb\"").pos().column == 3);
    CHECK(error_of("\"\\x\"").pos().column == 3);
    CHECK(error_of("\"\\u12g4\"").pos().column == 6);
    CHECK(error_of("[tru]").pos().column == 2);
    CHECK(error_of("{} {}").pos().column == 4);
    CHECK(error_of("").pos().line == 1);
    CHECK(error_of("  \n ").pos().line == 2);
}

TEST_CASE("json doc: deep nesting is refused cleanly", "[scrub][doc-json]") {
    const size_t limit = limits().json_depth;
    std::string ok(limit, '[');
    ok += std::string(limit, ']');
    CHECK_NOTHROW(parse_json_document("f.json", ok));

    std::string deep(limit + 1, '[');
    deep += std::string(limit + 1, ']');
    InputError e = error_of(deep);
    CHECK(e.pos().column == static_cast<int>(limit) + 1);
    CHECK(std::string(e.what()).find("CASSETTE_MAX_JSON_DEPTH") != std::string::npos);

    // Far past any call stack: still an error, not a crash.
    std::string huge(1'000'000, '[');
    CHECK_THROWS_AS(parse_json_document("f.json", huge), InputError);
    std::string objs;
    for (int i = 0; i < 100'000; ++i) objs += "{\"a\":";
    CHECK_THROWS_AS(parse_json_document("f.json", objs), InputError);
}
