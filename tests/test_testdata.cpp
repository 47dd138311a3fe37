// Real recordings kept in testdata/ (each folder's README names the original
// and its license): what every reader, body decoder and provider is tested
// against when the shared corpus is not beside the source tree.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "decode/body.hpp"
#include "decode/encoding.hpp"
#include "message.hpp"
#include "providers/reassemble.hpp"
#include "reader.hpp"
#include "test_support.hpp"

using namespace cassette;

namespace {

struct Recording {
    const char* path;  // below the source tree
    const char* format;
    size_t interactions;
};

// One file or more per reader; between them every body decoder (SSE, AWS event
// stream, NDJSON, gzip) and every provider family.
const std::vector<Recording> kRecordings{
    {"testdata/fantasy/openai_streaming.yaml", "go-vcr", 1},
    {"testdata/fantasy/anthropic_thinking_streaming.yaml", "go-vcr", 2},
    {"testdata/fantasy/bedrock_simple_streaming.yaml", "go-vcr", 1},
    {"testdata/fantasy/gemini_streaming.yaml", "go-vcr", 1},
    {"testdata/diff/three.yaml", "go-vcr", 3},
    {"testdata/formats/vcrpy-mirascope/openai_gpt_4o_completions.yaml", "vcrpy", 1},
    {"testdata/formats/vcrpy-openllmetry/ollama_streaming_chat.yaml", "vcrpy", 1},
    {"testdata/formats/vcrpy-openllmetry/bedrock_converse_stream_tool_use.yaml", "vcrpy", 1},
    {"testdata/formats/ruby_llm/cohere_streaming.yml", "ruby-vcr", 2},
    {"testdata/formats/openllmetry-js/together_tool_calling.har", "har", 1},
    {"testdata/formats/langchaingo/anthropic_create_message.httprr", "httprr", 1},
    {"testdata/formats/nock/good_request.json", "nock", 1},
    {"testdata/go-vcr/json-content-type.yaml", "go-vcr", 1},
    {"testdata/providers/openllmetry_openai_completions.yaml", "vcrpy", 2},
    {"testdata/providers/openllmetry_vllm_completions_stream.yaml", "vcrpy", 1},
    {"testdata/providers/langchaingo_cohere_generate.httprr", "httprr", 1},
    {"testdata/providers/openllmetry_js_cohere_generate_stream.har", "har", 1},
    {"testdata/providers/langchain_aws_converse_citations.yaml.gz", "vcrpy", 2},
};

}  // namespace

TEST_CASE("testdata recordings: every reader, decoder and provider on a real file", "[formats][testdata]") {
    std::set<std::string> formats, kinds, compressions, apis;
    std::string out;
    for (const auto& rec : kRecordings) {
        INFO(rec.path);
        Cassette c = load_cassette(testsupport::source_dir() + "/" + rec.path);
        CHECK(c.problems.empty());
        CHECK(c.format == rec.format);
        REQUIRE(c.interactions.size() == rec.interactions);
        formats.insert(c.format);
        out += std::string("# ") + rec.path + " (" + c.format + ", " + std::to_string(c.interactions.size()) + ")\n";
        for (const auto& ix : c.interactions) {
            DecodedBody d = decode_body(ix.response.headers, ix.response.body.bytes);
            CHECK(d.problems.empty());
            kinds.insert(body_kind_name(d.kind));
            compressions.insert(compression_name(d.compression));
            auto m = reassemble(ix, d);
            if (m) apis.insert(m->api);
            out += std::to_string(ix.index) + " " + ix.request.method + " " +
                   std::to_string(ix.response.code.value_or(0)) + " " + body_kind_name(d.kind) + " " +
                   compression_name(d.compression);
            if (m) out += " " + to_json(*m).dump();
            out += "\n";
        }
    }
    CHECK(formats == std::set<std::string>{"go-vcr", "vcrpy", "ruby-vcr", "har", "httprr", "nock"});
    for (const char* kind : {"json", "sse", "eventstream", "ndjson"}) CHECK(kinds.count(kind) == 1);
    CHECK(compressions.count("gzip") == 1);
    CHECK(apis == std::set<std::string>{"openai-chat", "openai-completions", "anthropic", "gemini", "bedrock-converse",
                                        "ollama", "cohere"});
    testsupport::check_golden("formats/testdata.txt", out);
}

TEST_CASE("golden mismatches read as a unified diff", "[testdata][golden]") {
    using testsupport::unified_diff;
    CHECK(unified_diff("a\nb\n", "a\nb\n", "x", "y").empty());
    CHECK(unified_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", "old", "new") ==
          "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
    // Two changes far apart: two hunks; an added line at the end.
    std::string a, b;
    for (int i = 1; i <= 20; ++i) a += std::to_string(i) + "\n";
    b = a;
    b.replace(0, 2, "one\n");
    b += "21\n";
    CHECK(unified_diff(a, b, "a", "b") ==
          "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n"
          "@@ -18,3 +18,4 @@\n 18\n 19\n 20\n+21\n");
    // A missing final newline is a difference, and shown as one.
    CHECK(unified_diff("x\n", "x", "a", "b") ==
          "--- a\n+++ b\n@@ -1,1 +1,1 @@\n-x\n+x\n\\ No newline at end of file\n");
    CHECK(unified_diff("", "new\n", "a", "b") == "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+new\n");
}
