// The reader against yaml-cpp's document loader, on every corpus cassette:
// same bytes for every body and field. Plus the YAML forms real cassettes use
// and malformed input.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

#include "error.hpp"
#include "reader.hpp"
#include "test_support.hpp"

using namespace cassette;

namespace {

std::string scalar_bytes(const YAML::Node& n) {
    if (!n || n.IsNull()) return "";
    if (n.Tag() == "tag:yaml.org,2002:binary") {
        YAML::Binary b = n.as<YAML::Binary>();
        return std::string(reinterpret_cast<const char*>(b.data()), b.size());
    }
    return n.as<std::string>();
}

// By key look-up and index, not iteration: yaml-cpp 0.7's const iterators
// read a dead temporary (ASan: stack-use-after-scope in Node::begin).
void check_headers(const Headers& mine, const YAML::Node& theirs) {
    size_t count = theirs && theirs.IsMap() ? theirs.size() : 0;
    REQUIRE(mine.items.size() == count);
    for (const auto& h : mine.items) {
        INFO("header " << h.name);
        YAML::Node values = theirs[h.name];
        REQUIRE(values.IsSequence());
        std::vector<std::string> expected;
        for (size_t i = 0; i < values.size(); ++i) expected.push_back(values[i].as<std::string>());
        CHECK(h.values == expected);
    }
}

Cassette load_text(const std::string& text) { return load_cassette_from_string(text, "test.yaml"); }

std::string error_of(const std::string& text) {
    try {
        load_text(text);
    } catch (const InputError& e) {
        return format_input_error(e);
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("reader matches yaml-cpp on every corpus cassette", "[reader][corpus]") {
    auto files = testsupport::corpus_files(testsupport::corpus_dir());
    REQUIRE(files.size() > 200);
    for (const auto& path : files) {
        INFO(path);
        Cassette c = load_cassette(path);
        CHECK(c.problems.empty());
        YAML::Node doc = YAML::LoadFile(path);
        CHECK(c.version == doc["version"].as<int64_t>());
        const YAML::Node list = doc["interactions"];
        REQUIRE(c.interactions.size() == list.size());
        for (size_t i = 0; i < list.size(); ++i) {
            INFO("interaction " << i);
            const Interaction& ix = c.interactions[i];
            const YAML::Node& n = list[i];
            CHECK(ix.index == i);
            if (n["id"]) CHECK(ix.id.value() == n["id"].as<int64_t>());
            CHECK(ix.request.method == n["request"]["method"].as<std::string>());
            CHECK(ix.request.url == n["request"]["url"].as<std::string>());
            CHECK(ix.request.body.bytes == scalar_bytes(n["request"]["body"]));
            check_headers(ix.request.headers, n["request"]["headers"]);
            CHECK(ix.response.body.bytes == scalar_bytes(n["response"]["body"]));
            CHECK(ix.response.status == n["response"]["status"].as<std::string>());
            CHECK(ix.response.code.value() == n["response"]["code"].as<int64_t>());
            check_headers(ix.response.headers, n["response"]["headers"]);
            if (n["response"]["content_length"])
                CHECK(ix.response.content_length.value() == n["response"]["content_length"].as<int64_t>());
            if (n["response"]["duration"])
                CHECK(ix.response.duration.value() == scalar_bytes(n["response"]["duration"]));
        }
    }
}

TEST_CASE("streaming read hands over every interaction in order", "[reader]") {
    auto path = testsupport::source_dir() + "/testdata/diff/three.yaml";
    std::vector<size_t> seen;
    Cassette c = read_cassette(path, [&](Interaction&& ix) { seen.push_back(ix.index); });
    CHECK(c.interactions.empty());
    CHECK(c.interaction_count == seen.size());
    REQUIRE(seen.size() >= 2);
    for (size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == i);
    CHECK(c.version == 1);
}

TEST_CASE("every YAML scalar form reads byte-exact", "[reader]") {
    const std::string text =
        "version: 2\n"
        "interactions:\n"
        "    - id: 0\n"
        "      request:\n"
        "        body: \"tab\\there \\xE9 \\U0001F600 \\u00e9 nl\\n\"\n"
        "        url: 'it''s'\n"
        "        method: POST\n"
        "        headers: {A: [x], B: []}\n"
        "      response:\n"
        "        body: |-\n"
        "          line one\n"
        "\n"
        "          line three\n"
        "        status: 200 OK\n"
        "        code: 200\n"
        "        duration: 1m2.5s\n"
        "    - id: 1\n"
        "      request:\n"
        "        url: 'u'\n"
        "        method: GET\n"
        "        body: >\n"
        "          folded\n"
        "          text\n"
        "      response:\n"
        "        body: |+\n"
        "          keep\n"
        "\n"
        "        code: 204\n"
        "        status: ''\n"
        "        duration: 1500000";  // no final newline, bare nanoseconds
    Cassette c = load_text(text);
    REQUIRE(c.problems.empty());
    REQUIRE(c.interactions.size() == 2);
    const auto& a = c.interactions[0];
    // \xE9 is the code point U+00E9 in YAML double quotes, written as UTF-8.
    CHECK(a.request.body.bytes == "tab\there \xC3\xA9 \xF0\x9F\x98\x80 \xC3\xA9 nl\n");
    CHECK(a.request.url == "it's");
    REQUIRE(a.request.headers.items.size() == 2);
    CHECK(a.request.headers.items[1].values.empty());
    CHECK(a.response.body.bytes == "line one\n\nline three");
    CHECK(a.response.body.style == ScalarStyle::literal);
    CHECK(a.response.duration_ms.value() == Approx(62500.0));
    const auto& b = c.interactions[1];
    CHECK(b.request.body.bytes == "folded text\n");
    CHECK(b.response.body.bytes == "keep\n\n");
    CHECK(b.response.duration_ms.value() == Approx(1.5));
}

TEST_CASE("!!binary bodies decode, --- and 4-space indent read", "[reader]") {
    Cassette c = load_text(
        "---\nversion: 1\ninteractions:\n-   request:\n        body: !!binary |\n            AAEC/w==\n"
        "        url: u\n        method: GET\n    response:\n        body: !!binary AAEC\n        code: 200\n");
    REQUIRE(c.problems.empty());
    CHECK(c.interactions[0].request.body.bytes == std::string("\x00\x01\x02\xff", 4));
    CHECK(c.interactions[0].request.body.binary_tag);
    CHECK(c.interactions[0].response.body.bytes == std::string("\x00\x01\x02", 3));
}

TEST_CASE("Go durations parse as time.ParseDuration does", "[reader]") {
    CHECK(parse_go_duration_ms("1.2101485s").value() == Approx(1210.1485));
    CHECK(parse_go_duration_ms("460.639208ms").value() == Approx(460.639208));
    CHECK(parse_go_duration_ms("1h2m3s").value() == Approx(3723000));
    CHECK(parse_go_duration_ms("750us").value() == Approx(0.75));
    CHECK(parse_go_duration_ms("0").value() == 0);
    CHECK_FALSE(parse_go_duration_ms(""));
    CHECK_FALSE(parse_go_duration_ms("12"));
    CHECK_FALSE(parse_go_duration_ms("1.5 seconds"));
    CHECK_FALSE(parse_go_duration_ms("s"));
}

TEST_CASE("malformed YAML is an error naming line and column", "[reader][malformed]") {
    // Wrong indentation.
    CHECK(error_of("version: 2\ninteractions:\n- request:\n    url: a\n   method: GET\n") ==
          "test.yaml:5:4: did not find expected key (while parsing a block mapping)\n       method: GET\n       ^");
    // Bad escape.
    CHECK(error_of("version: 2\ninteractions:\n- request:\n    body: \"a\\qb\"\n") ==
          "test.yaml:4:13: found unknown escape character (while parsing a quoted scalar)\n"
          "        body: \"a\\qb\"\n                ^");
    // Truncated inside a quoted scalar.
    CHECK(error_of("version: 2\ninteractions:\n- request:\n    body: \"abc")
              .rfind("test.yaml:4:15: found unexpected end of stream (while scanning a quoted scalar)", 0) == 0);
    // Empty and not-a-cassette.
    CHECK(error_of("") == "test.yaml:1:1: empty file: not a cassette");
    CHECK(error_of("hello: world\n").find("not a recognised cassette") != std::string::npos);
    CHECK(error_of("version: 2\n---\nversion: 2\n").find("more than one YAML document") != std::string::npos);
    CHECK(error_of("interactions: [\n").find("test.yaml:2:1") == 0);
}

TEST_CASE("mistyped fields are schema problems and reading goes on", "[reader][malformed]") {
    Cassette c = load_text(
        "version: 7\ninteractions:\n- id: x\n  request: {url: u, method: GET, body: !!binary '@@@'}\n"
        "  response: {code: OK, status: 200 OK, headers: [a]}\n- request: 5\n  response: {code: 200}\n");
    REQUIRE(c.interactions.size() == 2);
    std::vector<std::string> messages;
    for (const auto& p : c.problems) {
        CHECK(p.rule == "schema");
        messages.push_back(std::to_string(p.pos.line) + ":" + std::to_string(p.pos.column) + " " + p.message);
    }
    CHECK(messages == std::vector<std::string>{
                          "1:10 unknown go-vcr cassette version 7 (known: 1, 2)",
                          "3:7 `id` must be an integer, found \"x\"",
                          "4:40 `body` is tagged !!binary but is not valid base64",
                          "5:20 `code` must be an integer, found \"OK\"",
                          "5:49 `headers` must be a mapping of names to lists, found a sequence",
                          "6:12 `request` must be a mapping, found a scalar",
                      });
}

TEST_CASE("alias bombs and deep nesting are refused", "[reader][malformed]") {
    std::string bomb = "version: 2\na: &a [x, x, x, x, x, x, x, x, x, x]\n";
    char prev = 'a';
    for (char name = 'b'; name <= 'k'; ++name) {
        bomb += std::string(1, name) + ": &" + name + " [";
        for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + prev;
        bomb += "]\n";
        prev = name;
    }
    bomb += "interactions: []\n";
    CHECK(error_of(bomb).find("billion-laughs guard") != std::string::npos);

    std::string deep = "version: 2\ninteractions: []\nx: " + std::string(1000, '[') + std::string(1000, ']') + "\n";
    CHECK(error_of(deep).find("nesting deeper than 256 levels") != std::string::npos);
}

TEST_CASE("any string field tagged !!binary reads back to its bytes", "[reader]") {
    Cassette c = load_text(
        "version: 2\ninteractions:\n- request:\n    url: u\n    method: GET\n    headers:\n      X-Raw:\n"
        "        - !!binary /w==\n  response: {code: 200, headers: {X-One: !!binary /g==}}\n");
    REQUIRE(c.problems.empty());
    CHECK(c.interactions[0].request.headers.first("x-raw") != nullptr);
    CHECK(*c.interactions[0].request.headers.first("X-RAW") == "\xff");
    CHECK(*c.interactions[0].response.headers.first("X-One") == "\xfe");
}
