// The simdjson fast path (lib/decode/json_fast.hpp) against nlohmann, the judge:
// whatever the fast path accepts, nlohmann accepts as the same value, with
// the same number kinds, key order (ordered_json) and dump; what it refuses
// goes to nlohmann. Checked on hand-picked edge cases and on every body and
// stream event of both shared corpora.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "decode/body.hpp"
#include "decode/json_fast.hpp"
#include "formats/json_export.hpp"
#include "formats/json_export_writer.hpp"
#include "reader.hpp"
#include "test_support.hpp"

using namespace cassette;

namespace {

// Fast and slow agree on `text`; returns whether the fast path took it.
template <class J>
bool agree(std::string_view text, size_t depth = 64) {
    J fast;
    if (!fast_parse(text, fast, depth)) return false;
    J slow = J::parse(text.begin(), text.end(), nullptr, false);
    INFO(std::string(text.substr(0, 200)));
    REQUIRE(!slow.is_discarded());
    CHECK(slow == fast);
    CHECK(slow.dump() == fast.dump());
    // Same number kinds (nlohmann reads a non-negative integer as unsigned).
    if (slow.is_number()) {
        CHECK(slow.is_number_unsigned() == fast.is_number_unsigned());
        CHECK(slow.is_number_integer() == fast.is_number_integer());
        CHECK(slow.is_number_float() == fast.is_number_float());
    }
    return true;
}

bool agree_both(std::string_view text) {
    bool a = agree<nlohmann::json>(text);
    bool b = agree<nlohmann::ordered_json>(text);
    CHECK(a == b);
    return a;
}

}  // namespace

TEST_CASE("json fast path: edge cases agree with nlohmann or fall back", "[json_fast]") {
    // Taken, same value.
    for (const char* ok : {"0",
                           "-0.0",
                           "-0.5",
                           "\"2024-05-01\"",
                           "1E2",
                           "1.5",
                           "-7",
                           "9223372036854775807",
                           "9223372036854775808",
                           "18446744073709551615",
                           "\"\\u0000\"",
                           "\"\\ud83d\\ude00\"",
                           "\"é\"",
                           "true",
                           "null",
                           "[]",
                           "{}",
                           " [1, {\"a\": [null]}] ",
                           "{\"z\":1,\"a\":2}",
                           "{\"a\":1,\"a\":2}",
                           "{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}"}) {
        CHECK(agree_both(ok));
    }
    // Refused by the fast path; nlohmann decides (some it takes, some not).
    for (const char* no : {"-0", "[1,-0]", "18446744073709551616", "1e999", "\"\\ud800\"", "\"a\x01\"", "\"\xff\"",
                           "[1,]", "1 2", "tru", "0123", "", "{\"a\" 1}"}) {
        nlohmann::json j;
        CHECK_FALSE(fast_parse(no, j, 64));
    }
    // `-0` is a signed zero to nlohmann, and stays one.
    auto zero = parse_json("[-0]");
    REQUIRE(zero);
    CHECK(zero->at(0).is_number_integer());
    CHECK_FALSE(zero->at(0).is_number_unsigned());
    // The big integer nlohmann takes as a double still parses, through nlohmann.
    auto big = parse_json("18446744073709551616");
    REQUIRE(big);
    CHECK(big->is_number_float());
}

TEST_CASE("json fast path: a repeated key keeps its last value where nlohmann keeps it", "[json_fast]") {
    nlohmann::ordered_json j;
    REQUIRE(fast_parse(R"({"a":1,"b":2,"a":3})", j, 64));
    CHECK(j.dump() == R"({"a":3,"b":2})");
}

TEST_CASE("json fast path: nesting past the limit goes to nlohmann, which refuses it", "[json_fast]") {
    nlohmann::json j;
    CHECK(fast_parse("[[[1]]]", j, 3));
    CHECK_FALSE(fast_parse("[[[[1]]]]", j, 3));
    CHECK_FALSE(fast_parse("{\"a\":{\"b\":{\"c\":{}}}}", j, 3));
    std::string deep = std::string(5000, '[') + std::string(5000, ']');
    CHECK_FALSE(fast_parse(deep, j, limits().json_depth));
    CHECK_FALSE(parse_json(deep).has_value());  // over CASSETTE_MAX_JSON_DEPTH's default
}

TEST_CASE("json fast path: texts over the size cut go to nlohmann", "[json_fast]") {
    std::string big = "[" + std::string(kFastParseMax, ' ') + "1]";
    nlohmann::json j;
    CHECK_FALSE(fast_parse(big, j, 64));
    auto slow = parse_json(big);
    REQUIRE(slow);
    CHECK(*slow == nlohmann::json::array({1}));
}

TEST_CASE("json fast path: every body and stream event of the shared corpora agrees", "[json_fast][corpus]") {
    namespace fs = std::filesystem;
    const fs::path shared = fs::path(testsupport::corpus_dir()).parent_path();
    std::vector<std::string> roots;
    for (const char* dir : {"corpus", "corpus-next"})
        if (fs::exists(shared / dir)) roots.push_back((shared / dir).string());
    REQUIRE(!roots.empty());
    size_t taken = 0, texts = 0;
    for (const std::string& path : expand_paths(roots)) {
        Cassette c;
        try {
            c = load_cassette(path);
        } catch (const std::exception&) {
            continue;  // the corpus tests cover unreadable files
        }
        for (const Interaction& ix : c.interactions) {
            for (const auto* side : {&ix.request.headers, &ix.response.headers}) {
                const std::string& bytes = side == &ix.request.headers ? ix.request.body.bytes : ix.response.body.bytes;
                DecodedBody d = decode_body(*side, bytes);
                ++texts;
                taken += agree_both(d.text);
                for (const BodyEvent& ev : d.events) {
                    ++texts;
                    taken += agree_both(ev.data);
                }
            }
        }
    }
    INFO(taken << " of " << texts << " texts taken by the fast path");
    CHECK(taken > 10000);
}

namespace {

std::string nlohmann_dump(const nlohmann::json& j, int indent) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("dump_json writes byte for byte what nlohmann's dump writes", "[json_fast]") {
    nlohmann::json j = nlohmann::json::parse(R"({"a":[1,-2,3.5,1e300,-0.0,true,false,null,{},[],{"x":[]}],
        "s":"quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f del  é ☃ 😀 \u0001 \u001f",
        "u":18446744073709551615,"i":-9223372036854775808,"":{"nested":{"deep":[[[]]]}}})");
    j["bad utf8"] = std::string("a\xC3\x28z \xED\xA0\x80 \xF0\x9F\x98 end\xFF");
    j["nul"] = std::string("a\0b", 3);
    for (int indent : {-1, 0, 2, 4}) {
        INFO(indent);
        CHECK(dump_json(j, indent) == nlohmann_dump(j, indent));
    }
    std::string nested = "    ";
    append_json(nested, j, 2, 4);
    std::string expected = nlohmann_dump(j, 2);
    CHECK(nested == indent_lines(expected, "    "));
}

TEST_CASE("dump_json agrees with nlohmann on every export of the shared corpora", "[json_fast][corpus]") {
    namespace fs = std::filesystem;
    const fs::path shared = fs::path(testsupport::corpus_dir()).parent_path();
    size_t files = 0;
    for (const char* dir : {"corpus", "corpus-next"}) {
        if (!fs::exists(shared / dir)) continue;
        for (const std::string& path : expand_paths({(shared / dir).string()})) {
            Cassette c;
            try {
                c = load_cassette(path);
            } catch (const std::exception&) {
                continue;
            }
            ++files;
            nlohmann::json j = cassette_to_json(c);
            INFO(path);
            CHECK(dump_json(j, 2) == nlohmann_dump(j, 2));
            CHECK(dump_json(j) == nlohmann_dump(j, -1));
        }
    }
    CHECK(files > 500);
}
