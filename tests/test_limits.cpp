// Safety limits (docs/limits.md): each overridable by its environment
// variable, named in the error that hits it, and cheap to hit.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "decode/body.hpp"
#include "limits.hpp"
#include "reader.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace cassette;
using testsupport::run_cassette;

namespace {

// A go-vcr cassette whose one response nests `deep` in an extra field, in a
// scratch file.
std::string deep_cassette_file(const std::string& deep) {
    fs::path dir = fs::temp_directory_path() / ("cassette-limits-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::path p = dir / "deep.yaml";
    std::ofstream(p, std::ios::binary)
        << "version: 2\ninteractions:\n- id: 0\n  request:\n    url: https://api.openai.com/v1/chat/completions\n"
           "    method: POST\n    body: '{\"stream\":true}'\n    headers:\n      Content-Type:\n      - "
           "application/json\n"
           "  response:\n    status: 200 OK\n    code: 200\n    duration: 1.5s\n    body: ''\n    extra: "
        << deep << "\n";
    return p.string();
}

// Sets an environment variable for the cassette processes run_cassette
// starts, and removes it again at scope end.
struct ScopedEnv {
    std::string name;
    ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

// The json-body problem decode_body reports for `text` declared JSON.
std::optional<BodyProblem> json_body_problem(const std::string& text) {
    Headers h;
    h.items.push_back({"Content-Type", {"application/json"}, {}});
    DecodedBody d = decode_body(h, text);
    for (const auto& p : d.problems)
        if (p.rule == "json-body") return p;
    return std::nullopt;
}

}  // namespace

TEST_CASE("limits: set_limit parses sizes and refuses bad values", "[limits]") {
    const Limits saved = limits();
    CHECK_FALSE(set_limit("CASSETTE_MAX_BODY_BYTES", "4G").has_value());
    CHECK(limits().body_bytes == (size_t{4} << 30));
    CHECK_FALSE(set_limit("CASSETTE_MAX_YAML_DEPTH", "1000").has_value());
    CHECK(limits().yaml_depth == 1000);
    CHECK(ReadOptions{}.max_depth == 1000);  // ReadOptions takes the process-wide default
    CHECK_FALSE(set_limit("CASSETTE_MAX_JSON_DEPTH", "2k").has_value());
    CHECK(limits().json_depth == 2048);
    for (const char* bad : {"", "0", "-1", "abc", "12X", "1.5G", "99999999999999999999G"}) {
        INFO(bad);
        auto err = set_limit("CASSETTE_MAX_BODY_BYTES", bad);
        REQUIRE(err.has_value());
        CHECK_THAT(*err, Catch::Contains("expected a positive integer"));
    }
    CHECK(limits().body_bytes == (size_t{4} << 30));  // unchanged by the bad values
    CHECK(set_limit("CASSETTE_MAX_NOTHING", "1").value() == "unknown limit CASSETTE_MAX_NOTHING");
    for (const auto& spec : limit_specs()) {
        INFO(spec.name);
        CHECK(limit_hint(spec.field) == std::string("raise it with ") + spec.name + "=N");
    }
    // Back to the defaults for the other tests in this process.
    for (const auto& spec : limit_specs()) set_limit(spec.name, std::to_string(saved.*(spec.field)));
    CHECK(limits().body_bytes == saved.body_bytes);
    CHECK(limits().yaml_depth == saved.yaml_depth);
}

TEST_CASE("limits: errors name their variable, and the variable raises the limit", "[limits]") {
    const std::string deep = std::string(300, '[') + std::string(300, ']');
    const std::string deep_file = deep_cassette_file(deep);
    SECTION("YAML depth") {
        auto r = run_cassette({"show", deep_file});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("nesting deeper than 256 levels; raise it with CASSETTE_MAX_YAML_DEPTH=N"));
        ScopedEnv env("CASSETTE_MAX_YAML_DEPTH", "400");
        r = run_cassette({"show", deep_file});
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
    }
    SECTION("a bad value is a usage error") {
        ScopedEnv env("CASSETTE_MAX_YAML_DEPTH", "lots");
        auto r = run_cassette({"show", deep_file});
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err,
                   Catch::StartsWith("cassette: error: CASSETTE_MAX_YAML_DEPTH=lots: expected a positive integer"));
    }
    SECTION("decompressed body size: validate reports it under the declared type's rule") {
        const std::string bomb =
            (fs::path(testsupport::source_dir()) / "testdata" / "malformed" / "gzip-bomb.yaml").string();
        ScopedEnv env("CASSETTE_MAX_BODY_BYTES", "1M");
        auto v = run_cassette({"validate", bomb});
        CHECK(v.exit_code == 1);
        CHECK_THAT(v.out, Catch::Contains("[json-body]") &&
                              Catch::Contains("cannot decode gzip body: output exceeds limit (1048576 bytes); raise it "
                                              "with CASSETTE_MAX_BODY_BYTES=N"));
    }
    SECTION("JSON depth: a declared JSON body too deep says which limit") {
        const std::string body = std::string(600, '[') + std::string(600, ']');
        auto p = json_body_problem(body);
        REQUIRE(p.has_value());
        CHECK(p->message == "declared JSON body nests deeper than 512 levels; raise it with CASSETTE_MAX_JSON_DEPTH=N");
    }
}

TEST_CASE("limits: a JSON body with a huge blank stretch gets its error line in linear time", "[limits]") {
    // nlohmann's lexer keeps every blank it skipped for its error message
    // (escaping each newline as "<U+000A>"): this used to take gigabytes.
    const size_t n = size_t{64} << 20;
    SECTION("error after the blank stretch") {
        std::string text = "{\"a\": [1,\n";
        text.append(n, '\n');
        text += "  }\n";
        auto p = json_body_problem(text);
        REQUIRE(p.has_value());
        CHECK(p->line == n + 2);
        CHECK(p->message == "declared JSON body does not parse");
    }
    SECTION("input ends inside the document: the error is at the end") {
        std::string text = "{\"a\": 1";
        for (size_t i = 0; i < n / 2; ++i) text += " \n";
        auto p = json_body_problem(text);
        REQUIRE(p.has_value());
        CHECK(p->line == n / 2 + 1);
    }
    SECTION("blanks are cut only outside strings") {
        CHECK(parse_json("{\"a\":   \"x    y\" ,\n\n \"b\" : [ 1 ,  2 ]}").value() ==
              nlohmann::json({{"a", "x    y"}, {"b", {1, 2}}}));
        // A raw newline inside a string is the error, on its own line.
        auto p = json_body_problem("{\n\"a\": \"x   \n  y\"}");
        REQUIRE(p.has_value());
        CHECK(p->line == 2);
        auto q = json_body_problem("{\n\"a\": \"x \\\"   \n  y\"}");
        REQUIRE(q.has_value());
        CHECK(q->line == 2);
        auto r = json_body_problem("{\"a\":\n\n\n  x}");
        REQUIRE(r.has_value());
        CHECK(r->line == 4);
    }
}
