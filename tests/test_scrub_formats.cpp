// scrub_cassette over each recorder's format: the secrets go, every other
// byte stays, lengths follow the bodies, and a second scrub changes nothing.
// The expected texts are written out whole, so a byte moved anywhere else
// fails the test.
#include <catch2/catch.hpp>

#include "decode/encoding.hpp"
#include "error.hpp"
#include "scrub/scrub.hpp"
#include "test_support.hpp"

using namespace cassette;
using cassette::scrub::FileResult;
using cassette::scrub::Policy;
using cassette::scrub::scrub_cassette;

namespace {

// Made-up keys of real shapes (never real credentials).
const std::string kOpenAI = "sk-proj-u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAj";
const std::string kGoogle = "AIzaIhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7Dxtp";
const std::string kAnthropic = "sk-ant-api03-YlSXpfKtHF4vUCsMehGAkWvj7FAc9QeWJKY40uvS";

std::string subst(std::string text, const std::vector<std::pair<std::string, std::string>>& pairs) {
    for (const auto& [from, to] : pairs) {
        size_t pos = 0;
        while ((pos = text.find(from, pos)) != std::string::npos) {
            text.replace(pos, from.size(), to);
            pos += to.size();
        }
    }
    return text;
}

// Scrubs, checks the result against `expected`, and checks a second scrub
// finds nothing.
FileResult check_scrub(const std::string& input, const std::string& expected) {
    Policy policy;
    FileResult r = scrub_cassette("test", input, policy);
    REQUIRE(r.changed);
    CHECK(r.output == expected);
    FileResult again = scrub_cassette("test", r.output, policy);
    CHECK_FALSE(again.changed);
    CHECK(again.scrubbed.empty());
    return r;
}

}  // namespace

TEST_CASE("scrub go-vcr: header, query, JSON body and content_length", "[scrub][formats]") {
    const std::string body = "{\"model\":\"gpt-4o\",\"api_key\":\"" + kAnthropic + "\"}";
    const std::string in =
        "---\n"
        "version: 2\n"
        "interactions:\n"
        "    - id: 0\n"
        "      request:\n"
        "        proto: HTTP/1.1\n"
        "        content_length: " +
        std::to_string(body.size()) +
        "\n"
        "        body: '" +
        body +
        "'\n"
        "        form: {}\n"
        "        headers:\n"
        "            Authorization:\n"
        "                - Bearer " +
        kOpenAI +
        "\n"
        "            Content-Type:\n"
        "                - application/json\n"
        "        url: https://generativelanguage.googleapis.com/v1beta/models?alt=sse&key=" +
        kGoogle +
        "\n"
        "        method: POST\n"
        "      response:\n"
        "        content_length: -1\n"
        "        body: |\n"
        "            data: {\"text\":\"your key is " +
        kOpenAI +
        "\"}\n"
        "\n"
        "        headers:\n"
        "            Content-Type:\n"
        "                - text/event-stream\n"
        "        status: 200 OK\n"
        "        code: 200\n"
        "        duration: 1.5s\n";
    const std::string new_body = "{\"model\":\"gpt-4o\",\"api_key\":\"REDACTED\"}";
    const std::string expected = subst(
        in, {{kOpenAI, "REDACTED"},
             {kGoogle, "REDACTED"},
             {kAnthropic, "REDACTED"},
             {"content_length: " + std::to_string(body.size()), "content_length: " + std::to_string(new_body.size())}});
    FileResult r = check_scrub(in, expected);
    CHECK(r.format == "go-vcr");
    REQUIRE(r.scrubbed.size() == 4);
    for (const auto& s : r.scrubbed) {
        CHECK(s.interaction == 0u);
        CHECK(s.line > 0);
        CHECK(s.masked.find(kOpenAI.substr(6)) == std::string::npos);
    }
}

TEST_CASE("scrub go-vcr: a file with nothing to scrub is unchanged", "[scrub][formats]") {
    std::string in = testsupport::read_file(testsupport::source_dir() + "/testdata/fantasy/openai_streaming.yaml");
    FileResult r = scrub_cassette("x", in, Policy{});
    CHECK_FALSE(r.changed);
    CHECK(r.output.empty());
}

TEST_CASE("scrub go-vcr: a gzip !!binary body is re-encoded with its line length", "[scrub][formats]") {
    // yaml.v3 writes !!binary as one long line; VCR.py at 76 characters.
    const std::string json = "{\"token\":\"" + kOpenAI + "\",\"pad\":\"" + std::string(200, 'x') + "\"}";
    const std::string gz = testsupport::gzip(json);
    std::string b64;
    {
        static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t i = 0;
        for (; i + 2 < gz.size(); i += 3) {
            uint32_t v = (uint8_t(gz[i]) << 16) | (uint8_t(gz[i + 1]) << 8) | uint8_t(gz[i + 2]);
            b64 += t[v >> 18];
            b64 += t[(v >> 12) & 63];
            b64 += t[(v >> 6) & 63];
            b64 += t[v & 63];
        }
        if (i < gz.size()) {
            uint32_t v = uint8_t(gz[i]) << 16;
            if (i + 1 < gz.size()) v |= uint8_t(gz[i + 1]) << 8;
            b64 += t[v >> 18];
            b64 += t[(v >> 12) & 63];
            b64 += i + 1 < gz.size() ? t[(v >> 6) & 63] : '=';
            b64 += '=';
        }
    }
    std::string block;
    for (size_t i = 0; i < b64.size(); i += 76) block += "        " + b64.substr(i, 76) + "\n";
    const std::string in =
        "interactions:\n"
        "- request:\n"
        "    body: null\n"
        "    headers: {}\n"
        "    method: GET\n"
        "    uri: https://api.example.com/v1/x\n"
        "  response:\n"
        "    body:\n"
        "      string: !!binary |\n" +
        block +
        "    headers:\n"
        "      Content-Encoding:\n"
        "      - gzip\n"
        "    status:\n"
        "      code: 200\n"
        "      message: OK\n"
        "version: 1\n";
    FileResult r = scrub_cassette("t.yaml", in, Policy{});
    REQUIRE(r.changed);
    CHECK(r.format == "vcrpy");
    // Everything before and after the block is as it was; the block keeps its
    // indentation and 76-character lines.
    const size_t start = in.find("!!binary |\n") + 11;
    const size_t end = in.find("    headers:\n      Content-Encoding");
    CHECK(r.output.substr(0, start) == in.substr(0, start));
    const size_t out_end = r.output.find("    headers:\n      Content-Encoding");
    REQUIRE(out_end != std::string::npos);
    CHECK(r.output.substr(out_end) == in.substr(end));
    std::string new_block = r.output.substr(start, out_end - start);
    size_t line_start = 0;
    while (line_start < new_block.size()) {
        size_t nl = new_block.find('\n', line_start);
        std::string line = new_block.substr(line_start, nl - line_start);
        CHECK(line.rfind("        ", 0) == 0);
        if (nl + 1 < new_block.size()) CHECK(line.size() == 8 + 76);
        line_start = nl + 1;
    }
    CHECK_FALSE(scrub_cassette("t.yaml", r.output, Policy{}).changed);
}

TEST_CASE("scrub VCR.py JSON and Ruby VCR YAML", "[scrub][formats]") {
    SECTION("VCR.py JSON") {
        const std::string in = "{\"interactions\": [{\"request\": {\"body\": null, \"headers\": {\"x-api-key\": [\"" +
                               kAnthropic +
                               "\"]}, \"method\": \"POST\", \"uri\": \"https://api.anthropic.com/v1/messages\"}, "
                               "\"response\": {\"body\": {\"string\": \"{\\\"ok\\\":true}\"}, \"headers\": {}, "
                               "\"status\": {\"code\": 200, \"message\": \"OK\"}}}], \"version\": 1}\n";
        check_scrub(in, subst(in, {{kAnthropic, "REDACTED"}}));
    }
    SECTION("Ruby VCR with base64_string and Content-Length") {
        const std::string body = "{\"access_token\":\"abc123secretvalue\",\"n\":1}";
        const std::string in =
            "---\n"
            "http_interactions:\n"
            "- request:\n"
            "    method: post\n"
            "    uri: https://api.openai.com/v1/chat/completions\n"
            "    body:\n"
            "      encoding: UTF-8\n"
            "      string: '{\"model\":\"gpt-4o\"}'\n"
            "    headers:\n"
            "      Authorization:\n"
            "      - Bearer " +
            kOpenAI +
            "\n"
            "  response:\n"
            "    status:\n"
            "      code: 200\n"
            "      message: OK\n"
            "    headers:\n"
            "      Content-Length:\n"
            "      - '" +
            std::to_string(body.size()) +
            "'\n"
            "    body:\n"
            "      encoding: UTF-8\n"
            "      string: '" +
            body +
            "'\n"
            "  recorded_at: Mon, 01 Jan 2024 00:00:00 GMT\n"
            "recorded_with: VCR 6.2.0\n";
        const std::string new_body = "{\"access_token\":\"REDACTED\",\"n\":1}";
        check_scrub(
            in, subst(in, {{kOpenAI, "REDACTED"},
                           {"abc123secretvalue", "REDACTED"},
                           {"'" + std::to_string(body.size()) + "'", "'" + std::to_string(new_body.size()) + "'"}}));
    }
}

TEST_CASE("scrub HAR: header, URL and queryString together, sizes follow", "[scrub][formats]") {
    const std::string text = "{\"key\":\"" + kOpenAI + "\"}";
    const std::string in =
        "{\n"
        "  \"log\": {\n"
        "    \"_recordingName\": \"x\",\n"
        "    \"creator\": {\"name\": \"Polly.JS\", \"version\": \"6.0.6\"},\n"
        "    \"entries\": [\n"
        "      {\n"
        "        \"request\": {\n"
        "          \"method\": \"GET\",\n"
        "          \"url\": \"https://example.com/v1?api_key=" +
        kGoogle +
        "&x=1\",\n"
        "          \"headers\": [{\"name\": \"authorization\", \"value\": \"Bearer " +
        kOpenAI +
        "\"}],\n"
        "          \"queryString\": [{\"name\": \"api_key\", \"value\": \"" +
        kGoogle +
        "\"}, {\"name\": \"x\", \"value\": \"1\"}],\n"
        "          \"bodySize\": 0\n"
        "        },\n"
        "        \"response\": {\n"
        "          \"status\": 200,\n"
        "          \"headers\": [],\n"
        "          \"content\": {\"mimeType\": \"application/json\", \"size\": " +
        std::to_string(text.size()) + ", \"text\": \"" + subst(text, {{"\"", "\\\""}}) +
        "\"},\n"
        "          \"bodySize\": " +
        std::to_string(text.size()) +
        "\n"
        "        }\n"
        "      }\n"
        "    ]\n"
        "  }\n"
        "}\n";
    const std::string new_text = "{\"key\":\"REDACTED\"}";
    check_scrub(in,
                subst(in, {{kOpenAI, "REDACTED"},
                           {kGoogle, "REDACTED"},
                           {"\"size\": " + std::to_string(text.size()), "\"size\": " + std::to_string(new_text.size())},
                           {"\"bodySize\": " + std::to_string(text.size()),
                            "\"bodySize\": " + std::to_string(new_text.size())}}));
}

TEST_CASE("scrub httprr: header and body, record lengths follow", "[scrub][formats]") {
    const std::string req_body = "{\"api_key\":\"" + kAnthropic + "\"}";
    const std::string req =
        "POST https://api.anthropic.com/v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\n"
        "X-Api-Key: " +
        kAnthropic + "\r\nContent-Length: " + std::to_string(req_body.size()) + "\r\n\r\n" + req_body;
    const std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
    const std::string in =
        "httprr trace v1\n" + std::to_string(req.size()) + " " + std::to_string(resp.size()) + "\n" + req + resp;
    const std::string new_body = "{\"api_key\":\"REDACTED\"}";
    const std::string new_req = subst(req, {{kAnthropic, "REDACTED"},
                                            {"Content-Length: " + std::to_string(req_body.size()),
                                             "Content-Length: " + std::to_string(new_body.size())}});
    const std::string expected = "httprr trace v1\n" + std::to_string(new_req.size()) + " " +
                                 std::to_string(resp.size()) + "\n" + new_req + resp;
    FileResult r = check_scrub(in, expected);
    CHECK(r.format == "httprr");
}

TEST_CASE("scrub nock: reqheaders, path and a JSON response tree", "[scrub][formats]") {
    const std::string in =
        "[\n"
        "  {\n"
        "    \"scope\": \"https://api.openai.com:443\",\n"
        "    \"method\": \"POST\",\n"
        "    \"path\": \"/v1/chat/completions?api_key=" +
        kOpenAI +
        "\",\n"
        "    \"body\": {\"model\": \"gpt-4o\", \"password\": \"hunter2hunter2\"},\n"
        "    \"status\": 200,\n"
        "    \"response\": {\"id\": \"x\", \"note\": \"" +
        kGoogle +
        "\"},\n"
        "    \"rawHeaders\": [\"Content-Type\", \"application/json\"],\n"
        "    \"reqheaders\": {\"authorization\": \"Bearer " +
        kOpenAI +
        "\"}\n"
        "  }\n"
        "]\n";
    check_scrub(in, subst(in, {{kOpenAI, "REDACTED"}, {kGoogle, "REDACTED"}, {"hunter2hunter2", "REDACTED"}}));
}

TEST_CASE("scrub: whole-file gzip is undone and redone", "[scrub][formats]") {
    const std::string in =
        "interactions:\n- request:\n    body: null\n    headers:\n      Authorization:\n      - Bearer " + kOpenAI +
        "\n    method: GET\n    uri: https://x.test/\n  response:\n    body:\n      string: ''\n"
        "    headers: {}\n    status:\n      code: 200\n      message: OK\nversion: 1\n";
    FileResult r = scrub_cassette("t.yaml.gz", testsupport::gzip(in), Policy{});
    REQUIRE(r.changed);
    Decompressed d = decompress(r.output, Compression::gzip);
    REQUIRE(d.ok);
    CHECK(d.bytes == subst(in, {{kOpenAI, "REDACTED"}}));
}

TEST_CASE("scrub: a file that is not a cassette is an InputError", "[scrub][formats]") {
    CHECK_THROWS_AS(scrub_cassette("x", "hello: [", Policy{}), InputError);
    CHECK_THROWS_AS(scrub_cassette("x", "", Policy{}), InputError);
}
