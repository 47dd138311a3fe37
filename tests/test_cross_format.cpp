// `diff` across formats (issue #10): a recording converted to another
// format holds the same traffic, so `diff` finds nothing; a change in the
// traffic shows as that change and nothing else.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using testsupport::run_cassette;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "cassette-xformat-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// One streamed cassette per provider family, each reassembled into a message.
const std::vector<std::string> kFiles = {
    "testdata/fantasy/openai_streaming.yaml",
    "testdata/fantasy/anthropic_thinking_streaming.yaml",
    "testdata/fantasy/gemini_tool_streaming.yaml",
    "testdata/fantasy/bedrock_tool_streaming.yaml",
};

}  // namespace

TEST_CASE("diff across formats: a converted recording differs in nothing", "[formats][diff]") {
    TempDir tmp;
    for (const std::string& file : kFiles) {
        for (const char* to : {"vcrpy", "har", "go-vcr"}) {
            INFO(file << " -> " << to);
            const std::string out = (tmp.path / (fs::path(file).stem().string() + "." + to + ".out")).string();
            auto conv = run_cassette({"convert", file, "--to", to, "-o", out});
            REQUIRE(conv.exit_code == 0);
            auto d = run_cassette({"diff", file, out});
            CHECK(d.exit_code == 0);
            CHECK(d.out.empty());
            CHECK(d.err.empty());
        }
    }
}

TEST_CASE("diff across formats: changed traffic shows as exactly that change", "[formats][diff]") {
    TempDir tmp;
    const std::string file = "testdata/fantasy/openai_streaming.yaml";
    const std::string out = (tmp.path / "openai.vcrpy.yaml").string();
    REQUIRE(run_cassette({"convert", file, "--to", "vcrpy", "-o", out}).exit_code == 0);

    // The recorded answer is "Olá!"; say the re-recording answered "Oi!".
    std::string text = testsupport::read_file(out);
    const std::string before = R"(\"content\":\"Olá\")";
    size_t at = text.find(before);
    REQUIRE(at != std::string::npos);
    text.replace(at, before.size(), R"(\"content\":\"Oi\")");
    std::ofstream(out, std::ios::binary) << text;

    auto d = run_cassette({"diff", file, out, "--format", "json"});
    CHECK(d.exit_code == 1);
    const auto doc = nlohmann::json::parse(d.out);
    const auto expected = nlohmann::json::parse(R"({"equal":false,"interactions":[{"index":0,"change":"changed",
        "changes":[{"path":"message.text","old":"Olá!","new":"Oi!"}]}]})");
    CHECK(doc == expected);
}
