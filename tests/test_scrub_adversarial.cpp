// scrub_cassette on inputs shaped the way hand-edited or unusual recordings
// are: each case is one that once went wrong.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "decode/base64.hpp"
#include "test_support.hpp"
#include "scrub/scrub.hpp"

using namespace cassette;
using cassette::scrub::FileResult;
using cassette::scrub::Policy;
using cassette::scrub::scrub_cassette;

namespace {

// A made-up key of a real shape (never a real credential).
const std::string kOpenAI = "sk-proj-u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAj";

}  // namespace

TEST_CASE("scrub VCR.py with a byte order mark: the gzip body is still opened", "[scrub][adversarial]") {
    const std::string gz = testsupport::gzip("{\"access_token\": \"" + kOpenAI + "\"}");
    const std::string in =
        "\xEF\xBB\xBF"
        "interactions:\n"
        "- request:\n"
        "    body: null\n"
        "    headers: {}\n"
        "    method: GET\n"
        "    uri: https://api.example.com/v1\n"
        "  response:\n"
        "    body:\n"
        "      string: !!binary |\n"
        "        " +
        base64_encode(gz) +
        "\n"
        "    headers:\n"
        "      Content-Encoding: [gzip]\n"
        "    status: {code: 200, message: OK}\n"
        "version: 1\n";
    Policy policy;
    FileResult r = scrub_cassette("test", in, policy);
    CHECK(r.format == "vcrpy");
    REQUIRE(r.changed);
    REQUIRE(r.scrubbed.size() == 1);
    CHECK(r.scrubbed[0].rule == "json-key");
    CHECK(r.output.substr(0, 3) == "\xEF\xBB\xBF");
    CHECK(r.output.find(base64_encode(gz)) == std::string::npos);
    CHECK_FALSE(scrub_cassette("test", r.output, policy).changed);
}

TEST_CASE("scrub nock: a form body recorded without headers has its credential fields scrubbed",
          "[scrub][adversarial]") {
    const std::string in =
        "[\n"
        "  {\n"
        "    \"scope\": \"https://auth.example.com:443\",\n"
        "    \"method\": \"POST\",\n"
        "    \"path\": \"/oauth/token\",\n"
        "    \"body\": \"grant_type=client_credentials&client_id=app&client_secret=hunter2hunter2\",\n"
        "    \"status\": 200,\n"
        "    \"response\": {\"ok\": true}\n"
        "  }\n"
        "]\n";
    Policy policy;
    FileResult r = scrub_cassette("test.json", in, policy);
    CHECK(r.format == "nock");
    REQUIRE(r.changed);
    REQUIRE(r.scrubbed.size() == 1);
    CHECK(r.scrubbed[0].rule == "query");
    CHECK(r.output.find("\"grant_type=client_credentials&client_id=app&client_secret=REDACTED\"") != std::string::npos);
    CHECK(r.output.size() == in.size() - std::string("hunter2hunter2").size() + std::string("REDACTED").size());
    CHECK_FALSE(scrub_cassette("test.json", r.output, policy).changed);

    // Text that is not a run of name=value pairs stays text.
    const std::string prose =
        "[{\"scope\": \"https://a.example.com:443\", \"method\": \"POST\", \"path\": \"/\", "
        "\"body\": \"the client_secret=hunter2hunter2 was typed\", \"status\": 200, "
        "\"response\": \"ok\"}]";
    CHECK_FALSE(scrub_cassette("test.json", prose, policy).changed);
}

TEST_CASE("scrub --diff of a gzipped cassette shows the text inside, not compressed bytes", "[scrub][adversarial]") {
    namespace fs = std::filesystem;
    std::string tmpl = (fs::temp_directory_path() / "cassette-scrub-gz-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    const fs::path dir = tmpl;
    const std::string text = testsupport::read_file(testsupport::source_dir() + "/testdata/scrub/openai_key.yaml");
    const std::string gz = (dir / "c.yaml.gz").string();
    std::ofstream(gz, std::ios::binary) << testsupport::gzip(text);
    auto r = testsupport::run_cassette({"scrub", "--diff", gz});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find('\x1f') == std::string::npos);
    CHECK(r.out.find("\n+      - Bearer REDACTED\n") != std::string::npos);
    std::error_code ec;
    fs::remove_all(dir, ec);
}

TEST_CASE("scrub: a key written with an escape inside is spliced over its own bytes, other escapes stay",
          "[scrub][adversarial]") {
    Policy policy;
    const std::string escaped = "sk\\u002dproj" + kOpenAI.substr(7);  // sk\u002dproj-…

    SECTION("YAML double-quoted, with a line continuation") {
        const std::string head =
            "interactions:\n"
            "- request:\n"
            "    body: \"caf\\u00e9 \\\n"
            "      ";
        const std::string tail =
            " \\/ end\"\n"
            "    headers: {}\n"
            "    method: POST\n"
            "    uri: https://api.example.com/v1\n"
            "  response:\n"
            "    body: {string: ok}\n"
            "    headers: {}\n"
            "    status: {code: 200, message: OK}\n"
            "version: 1\n";
        FileResult r = scrub_cassette("test.yaml", head + escaped + tail, policy);
        REQUIRE(r.changed);
        CHECK(r.output == head + "REDACTED" + tail);
        CHECK_FALSE(scrub_cassette("test.yaml", r.output, policy).changed);
    }
    SECTION("JSON string") {
        const std::string head =
            "[{\"scope\": \"https://api.example.com:443\", \"method\": \"GET\", \"path\": \"/\", "
            "\"status\": 200, \"response\": \"caf\\u00e9 \\/ ";
        const std::string tail = " \\ud83d\\ude00\"}]";
        FileResult r = scrub_cassette("test.json", head + escaped + tail, policy);
        REQUIRE(r.changed);
        CHECK(r.output == head + "REDACTED" + tail);
        CHECK_FALSE(scrub_cassette("test.json", r.output, policy).changed);
    }
}
