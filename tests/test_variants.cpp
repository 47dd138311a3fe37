// Variants of known formats that their own recorders read (Polly array
// header values, HAR as YAML, VCR.py's Python-tagged header keys and 0.x
// layout, httprr with bare-LF lines, go-vcr streams without headers), files
// that are not HTTP (WebSocket and gRPC logs), and a file of many broken
// interactions. The files are in testdata/variants (its README says how
// each was made).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "convert.hpp"
#include "decode/body.hpp"
#include "error.hpp"
#include "reader.hpp"
#include "providers/reassemble.hpp"
#include "test_support.hpp"
#include "validation.hpp"

namespace fs = std::filesystem;
using namespace cassette;
using testsupport::run_cassette;

namespace {

std::string variant(const std::string& name) { return testsupport::source_dir() + "/testdata/variants/" + name; }

std::optional<Message> message_of(const Interaction& ix) {
    return reassemble(ix, decode_body(ix.response.headers, ix.response.body.bytes));
}

std::vector<std::string> values(const Headers& h, const char* name) {
    const auto* v = h.all(name);
    return v ? *v : std::vector<std::string>{};
}

}  // namespace

TEST_CASE("Polly HAR: a header value given as a list is one header per value", "[variants][har]") {
    Cassette c = load_cassette(variant("polly-array-header.har"));
    CHECK(c.problems.empty());
    REQUIRE(c.interactions.size() == 1);
    const Interaction& ix = c.interactions[0];
    CHECK(values(ix.request.headers, "x-stainless-helper") == std::vector<std::string>{"stream", "retry"});
    CHECK(values(ix.response.headers, "set-cookie") ==
          std::vector<std::string>{"__cf_bm=abc; path=/", "_cfuvid=def; path=/"});
    CHECK(values(ix.response.headers, "x-request-id") == std::vector<std::string>{"req_123"});
    auto m = message_of(ix);
    REQUIRE(m);
    CHECK(m->text == "Hello!");
    // A list holding something that is not a string is still reported.
    std::string text = testsupport::read_file(variant("polly-array-header.har"));
    text.replace(text.find("\"retry\""), 7, "42");
    Cassette bad = load_cassette_from_string(text, "bad.har");
    REQUIRE(!bad.problems.empty());
    CHECK(bad.problems[0].message.find("headers[1].value") != std::string::npos);
}

TEST_CASE("HAR as YAML: Polly's model with textJSON, textDecoded and chunk lists", "[variants][har]") {
    const std::string path = variant("recording.har.yaml");
    CHECK(detect_format(path) == "har");
    Cassette c = load_cassette(path);
    CHECK(c.problems.empty());
    CHECK(c.format == "har");
    CHECK(c.recorder == "Polly.JS 6.0.6");
    REQUIRE(c.interactions.size() == 2);
    const Interaction& ix = c.interactions[0];
    CHECK(ix.request.method == "POST");
    CHECK(ix.request.url == "https://api.anthropic.com/v1/messages");
    // textJSON stands for the request text, written as JSON.stringify would.
    auto body = nlohmann::json::parse(ix.request.body.bytes);
    CHECK(body["model"] == "claude-3-5-haiku-20241022");
    CHECK(body["messages"][0]["content"] == "Say hello in French");
    CHECK(values(ix.request.headers, "x-stainless-arch") == std::vector<std::string>{"x64", "arm64"});
    // The base64 chunk list is one gzip stream: the raw body, not textDecoded.
    CHECK(ix.response.body.bytes.substr(0, 2) == "\x1f\x8b");
    DecodedBody d = decode_body(ix.response.headers, ix.response.body.bytes);
    CHECK(d.kind == BodyKind::sse);
    auto m = message_of(ix);
    REQUIRE(m);
    CHECK(m->api == "anthropic");
    CHECK(m->text == "Bonjour");
    REQUIRE(m->usage);
    CHECK(m->usage->output_tokens == 4);
    // textDecoded alone is the body.
    CHECK(nlohmann::json::parse(c.interactions[1].response.body.bytes) ==
          nlohmann::json::parse(R"({"data":[],"has_more":false})"));
    // A directory walk takes it, and every command reads it.
    auto r = run_cassette({"show", path});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Bonjour") != std::string::npos);
    CHECK(run_cassette({"validate", path}).exit_code == 0);
}

TEST_CASE("HAR as YAML: broken YAML and mistyped fields are reported with line and column",
          "[variants][har][malformed]") {
    std::string text = testsupport::read_file(variant("recording.har.yaml"));
    std::string bad = text;
    bad.replace(bad.find("status: 200"), 11, "status: two");
    Cassette c = load_cassette_from_string(bad, "bad.har.yaml");
    REQUIRE(c.problems.size() == 1);
    CHECK(c.problems[0].message.find("response.status") != std::string::npos);
    CHECK(c.problems[0].pos.line > 1);
    std::string broken = text.substr(0, text.find("  entries:")) + "  entries:\n    - [unclosed\n";
    CHECK_THROWS_AS(load_cassette_from_string(broken, "broken.har.yaml"), InputError);
}

TEST_CASE("VCR.py: header names as Python-tagged complex keys are read, not refused", "[variants][vcrpy]") {
    Cassette c = load_cassette(variant("vcrpy-istr-keys.yaml"));
    CHECK(c.format == "vcrpy");
    CHECK(c.problems.empty());
    REQUIRE(c.interactions.size() == 1);
    const Interaction& ix = c.interactions[0];
    CHECK(values(ix.request.headers, "Content-Type") == std::vector<std::string>{"application/json"});
    CHECK(values(ix.request.headers, "User-Agent") == std::vector<std::string>{"Python/3.12 aiohttp/3.9.5"});
    CHECK(values(ix.response.headers, "Set-Cookie") == std::vector<std::string>{"a=1; path=/", "b=2; path=/"});
    auto m = message_of(ix);
    REQUIRE(m);
    CHECK(m->text == "Hi there");
}

TEST_CASE("VCR.py 0.x: pickled Request, frozenset headers, header lines", "[variants][vcrpy]") {
    Cassette c = load_cassette(variant("vcrpy-0x-request-object.yaml"));
    CHECK(c.format == "vcrpy");
    CHECK(c.problems.empty());
    REQUIRE(c.interactions.size() == 2);
    const Interaction& a = c.interactions[0];
    CHECK(a.request.url == "https://api.example.com/v1/completions");
    CHECK(a.request.method == "POST");
    CHECK(values(a.request.headers, "user-agent") == std::vector<std::string>{"python-requests/2.2.1 CPython/2.7.5"});
    CHECK(a.request.headers.items.size() == 3);
    CHECK(values(a.response.headers, "content-length") == std::vector<std::string>{"49"});
    CHECK(a.response.code == 200);
    const Interaction& b = c.interactions[1];
    CHECK(b.request.url == "https://api.example.com:8443/v1/models");
    CHECK(values(b.request.headers, "accept") == std::vector<std::string>{"*/*"});
}

TEST_CASE("httprr: bare-LF header lines, the response right after the request body", "[variants][httprr]") {
    Cassette c = load_cassette(variant("httprr-bare-lf.httprr"));
    CHECK(c.problems.empty());
    REQUIRE(c.interactions.size() == 2);
    const Interaction& ix = c.interactions[0];
    CHECK(ix.request.body.bytes == R"({"model":"gpt-4o-mini","stream":true,"n":1})");
    CHECK(values(ix.request.headers, "Content-Length") == std::vector<std::string>{"43"});
    CHECK(ix.response.code == 200);
    // The CRLF blank lines inside the SSE body are the body's, not the header's end.
    CHECK(values(ix.response.headers, "Content-Type") == std::vector<std::string>{"text/event-stream"});
    CHECK(ix.response.body.bytes.substr(0, 6) == "data: ");
    auto m = message_of(ix);
    REQUIRE(m);
    CHECK(m->text == "Hello");
    CHECK(c.interactions[1].response.body.bytes == R"({"object":"list","data":[]})");
    CHECK(run_cassette({"validate", variant("httprr-bare-lf.httprr")}).exit_code == 0);
}

TEST_CASE("go-vcr: no request headers, empty response headers, a stream found from its bytes", "[variants][govcr]") {
    const std::string path = variant("govcr-headerless-stream.yaml");
    Cassette c = load_cassette(path);
    CHECK(c.problems.empty());
    REQUIRE(c.interactions.size() == 1);
    auto m = message_of(c.interactions[0]);
    REQUIRE(m);
    CHECK(m->streamed);
    CHECK(m->text == "Hello!");
    // content_length -1 on a stream is what go-vcr records: no finding.
    FileReport r = validate_file(path);
    for (const auto& f : r.findings) INFO(f.rule << ": " << f.message);
    CHECK(r.findings.empty());
    auto u = run_cassette({"usage", path, "--format", "json"});
    CHECK(u.exit_code == 0);
    CHECK(nlohmann::json::parse(u.out)["total"]["output_tokens"] == 5);
}

TEST_CASE("WebSocket and gRPC logs are read as what they are, never as HTTP", "[variants][nothttp]") {
    const std::string ws = variant("websocket-log.yaml");
    const std::string grpc = variant("grpc-samples.yaml");
    Cassette c = load_cassette(ws);
    CHECK(c.not_http == "websocket");
    CHECK(c.problems.empty());
    CHECK(load_cassette(grpc).not_http == "grpc");

    auto shown = run_cassette({"show", ws});
    CHECK(shown.exit_code == 0);
    CHECK(shown.out.find("WebSocket message log, not HTTP · 4 messages") != std::string::npos);
    CHECK(shown.out.find("#1  sent  conversation.item.create") != std::string::npos);
    // A text frame holding JSON is decoded and shown pretty.
    CHECK(shown.out.find("\"delta\": \"Four.\"") != std::string::npos);
    CHECK(shown.out.find("#3  close") != std::string::npos);
    CHECK(shown.out.find("\nrequest") == std::string::npos);  // the HTTP renderer's request and response lines
    CHECK(shown.out.find("\nresponse") == std::string::npos);

    auto g = run_cassette({"show", grpc});
    CHECK(g.exit_code == 0);
    CHECK(g.out.find("gRPC sample log, not HTTP · 2 messages") != std::string::npos);
    CHECK(g.out.find("#0  gRPC  request_sample + response_sample") != std::string::npos);
    CHECK(g.out.find("raw: protobuf, 35 bytes") != std::string::npos);
    CHECK(g.out.find("chunks_json (2 chunks)") != std::string::npos);

    auto e = run_cassette({"export", "--format", "json", ws});
    REQUIRE(e.exit_code == 0);
    auto doc = nlohmann::json::parse(e.out);
    CHECK(!doc.contains("interactions"));
    REQUIRE(doc["websocket"].size() == 4);
    CHECK(doc["websocket"][1]["direction"] == "sent");
    CHECK(doc["websocket"][2]["data_json"]["delta"] == "Four.");
    auto eg = nlohmann::json::parse(run_cassette({"export", "--format", "json", grpc}).out);
    CHECK(!eg.contains("interactions"));
    CHECK(eg["grpc"][1]["response_stream"]["chunks_json"].size() == 2);

    auto v = run_cassette({"validate", ws, grpc});
    CHECK(v.exit_code == 0);
    CHECK(v.out.find("skipped: a WebSocket message log, not HTTP") != std::string::npos);
    CHECK(v.out.find("skipped: a gRPC sample log, not HTTP") != std::string::npos);
    auto u = run_cassette({"usage", ws});
    CHECK(u.exit_code == 0);
    CHECK(u.err.find("a WebSocket message log, not HTTP: skipped") != std::string::npos);

    auto conv = run_cassette({"convert", ws, "--to", "vcrpy"});
    CHECK(conv.exit_code == 2);
    CHECK(conv.err.find("WebSocket message log, not HTTP") != std::string::npos);
    CHECK(conv.out.empty());
    auto diff = run_cassette({"diff", ws, grpc});
    CHECK(diff.exit_code == 2);
    CHECK(diff.err.find("WebSocket message log, not HTTP") != std::string::npos);
    auto har = run_cassette({"export", "--format", "har", grpc});
    CHECK(har.exit_code == 2);
    CHECK(har.err.find("gRPC sample log, not HTTP") != std::string::npos);
}

TEST_CASE("a file of 20,000 broken interactions: the first 20 errors, then a count", "[variants][scale]") {
    const fs::path dir = fs::temp_directory_path() / ("cassette-scale-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "broken.yaml").string();
    {
        std::ofstream out(path);
        out << "interactions:\n";
        for (int i = 0; i < 20000; ++i) out << "- request:\n    uri: https://x.test/" << i << "\n  response: {}\n";
        out << "version: 1\n";
    }
    for (const char* cmd : {"show", "usage"}) {
        INFO(cmd);
        auto r = run_cassette({cmd, path});
        CHECK(r.exit_code == 2);
        // Two problems per interaction (no method, no status): 40,000 in all.
        size_t errors = 0;
        for (size_t p = 0; (p = r.err.find("cassette: error: ", p)) != std::string::npos; ++p) ++errors;
        CHECK(errors == 21);
        CHECK(r.err.find("… and 39,980 more (cassette validate " + path + " lists all)") != std::string::npos);
    }
    auto d = run_cassette({"diff", path, path});
    CHECK(d.exit_code == 2);
    CHECK(d.err.find("… and 39,980 more") != std::string::npos);
    fs::remove_all(dir);
}
