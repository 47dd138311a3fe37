// Readers for Playwright and browser HAR (sidecar bodies, .har.zip, status 0),
// Aquila's LLM stream logs and cassetter YAML/TOML, on the files in
// testdata/formats/{playwright-har,browser-har,aquila,cassetter}; the tests
// tagged [corpus] read every HAR and Aquila file of ../shared/corpus-3.
#include <catch2/catch.hpp>

#include <filesystem>
#include <algorithm>
#include <fstream>

#include <unistd.h>

#include "convert.hpp"
#include "decode/body.hpp"
#include "error.hpp"
#include "formats/aquila.hpp"
#include "formats/sniff.hpp"
#include "providers/reassemble.hpp"
#include "reader.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace cassette;

namespace {

std::string data(const std::string& rel) { return testsupport::source_dir() + "/testdata/formats/" + rel; }

std::string corpus3() {
    return (fs::path(testsupport::source_dir()) / ".." / "shared" / "corpus-3").lexically_normal().string();
}

std::optional<Message> message_of(const Interaction& ix) {
    return reassemble(ix, decode_body(ix.response.headers, ix.response.body.bytes));
}

std::string tmp_dir(const std::string& name) {
    fs::path p = fs::temp_directory_path() / ("cassette-recorders-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p.string();
}

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

}  // namespace

TEST_CASE("Playwright HAR: content._file bodies are read from the file next to the HAR", "[formats][recorders]") {
    Cassette c = load_cassette(data("playwright-har/har-sha1.har"));
    CHECK(c.format == "har");
    CHECK(c.recorder == "Playwright 1.23.0-next");
    REQUIRE(c.problems.empty());
    REQUIRE(c.interactions.size() == 1);
    CHECK(c.interactions[0].response.body.bytes == "Hello, world");
    CHECK(detect_format(data("playwright-har/har-sha1.har")) == "har");
}

TEST_CASE("Playwright HAR: a missing or unsafe sidecar is a problem at its _file", "[formats][recorders]") {
    const std::string dir = tmp_dir("sidecar");
    std::string har = testsupport::read_file(data("playwright-har/har-sha1.har"));
    write(dir + "/alone.har", har);  // no sidecar beside it
    Cassette c = load_cassette(dir + "/alone.har");
    REQUIRE(c.problems.size() == 1);
    CHECK(c.problems[0].message.find("content._file") != std::string::npos);
    CHECK(c.problems[0].message.find("not found next to the HAR") != std::string::npos);
    CHECK(c.problems[0].pos.line > 1);
    // Older Playwright named the field `_sha1`.
    std::string sha1 = har;
    sha1.replace(sha1.find("\"_file\""), 7, "\"_sha1\"");
    write(dir + "/old.har", sha1);
    write(dir + "/har-sha1-main-response.txt", "Hello, world");
    Cassette old = load_cassette(dir + "/old.har");
    CHECK(old.problems.empty());
    CHECK(old.interactions[0].response.body.bytes == "Hello, world");
    // A name with a directory part is never followed.
    std::string escaped = har;
    escaped.replace(escaped.find("\"har-sha1-main-response.txt\""), 28, "\"../../etc/passwd\"");
    write(dir + "/escaped.har", escaped);
    Cassette e = load_cassette(dir + "/escaped.har");
    REQUIRE(e.problems.size() == 1);
    CHECK(e.problems[0].message.find("not a plain file name") != std::string::npos);
    CHECK(e.interactions[0].response.body.bytes.empty());
    fs::remove_all(dir);
}

TEST_CASE("Playwright .har.zip: the HAR and its sidecars are read from the archive", "[formats][recorders]") {
    const std::string zip = data("playwright-har/har-sha1.har.zip");
    CHECK(detect_format(zip) == "har");
    Cassette c = load_cassette(zip);
    CHECK(c.path == zip);
    CHECK(c.recorder == "Playwright 1.23.0-next");
    REQUIRE(c.problems.empty());
    REQUIRE(c.interactions.size() == 1);
    CHECK(c.interactions[0].response.body.bytes == "Hello, world");
    // Directories list .zip files only when they hold a HAR.
    auto listed = expand_paths({data("playwright-har")});
    CHECK(std::count(listed.begin(), listed.end(), zip) == 1);

    Cassette missing = load_cassette(data("../formats-malformed/playwright-missing-sidecar.har.zip"));
    REQUIRE(missing.problems.size() == 1);
    CHECK(missing.problems[0].message.find("not in the archive") != std::string::npos);
}

TEST_CASE("Playwright .har.zip: archives that are not a recording are refused", "[formats][recorders]") {
    // A zip with no .har inside, and bytes that only start like a zip.
    std::string zip = testsupport::read_file(data("playwright-har/har-sha1.har.zip"));
    std::string renamed = zip;
    for (size_t at = renamed.find("har.har"); at != std::string::npos; at = renamed.find("har.har", at + 1))
        renamed.replace(at, 7, "har.txt");
    CHECK_THROWS_WITH(load_cassette_from_string(renamed, "x.zip"), Catch::Contains("holds no .har file"));
    CHECK_THROWS_WITH(load_cassette_from_string(std::string("PK\x03\x04garbage", 11), "y.zip"),
                      Catch::Contains("not a readable zip archive"));
    CHECK_THROWS_WITH(load_cassette_from_string(zip.substr(0, zip.size() / 2), "z.zip"),
                      Catch::Contains("zip archive"));
}

TEST_CASE("browser HAR: BOM, no version or creator, pseudo-headers, status 0", "[formats][recorders]") {
    Cassette bom = load_cassette(data("browser-har/with-bom.har"));
    CHECK(bom.format == "har");
    CHECK(bom.problems.empty());
    CHECK(bom.interactions.size() == 1);

    Cassette c = load_cassette(data("browser-har/unanswered.har"));
    REQUIRE(c.problems.empty());
    REQUIRE(c.interactions.size() == 2);
    const Interaction& ok = c.interactions[0];
    CHECK(ok.request.headers.has("accept"));
    CHECK_FALSE(ok.request.headers.has(":authority"));
    CHECK(ok.request.proto == std::optional<std::string>("HTTP/2.0"));
    CHECK(ok.response.code == std::optional<int64_t>(200));
    // Status 0 is a request that got no answer, not a status code.
    const Interaction& blocked = c.interactions[1];
    CHECK_FALSE(blocked.response.code.has_value());
    CHECK(blocked.response.status == "no response (net::ERR_BLOCKED_BY_CLIENT)");
    // Exported as HAR and read again, it is still a request with no answer.
    auto exported = testsupport::run_cassette({"export", "-f", "har", data("browser-har/unanswered.har")});
    REQUIRE(exported.exit_code == 0);
    Cassette again = load_cassette_from_string(exported.out, "again.har");
    REQUIRE(again.interactions.size() == 2);
    CHECK_FALSE(again.interactions[1].response.code.has_value());
    CHECK(again.interactions[1].response.status == "no response (net::ERR_BLOCKED_BY_CLIENT)");
}

TEST_CASE("Aquila: requests, parsed streams and -N.json answers become calls with messages", "[formats][recorders]") {
    Cassette pong = load_cassette(data("aquila/pong.meta.jsonl"));
    CHECK(pong.format == "aquila");
    CHECK(pong.recorder == "Aquila");
    REQUIRE(pong.problems.empty());
    REQUIRE(pong.interactions.size() == 1);
    const Interaction& ix = pong.interactions[0];
    CHECK(ix.request.method == "POST");
    CHECK(ix.request.url == "https://api.2342.ai/v1/chat/completions");
    CHECK_FALSE(ix.response.code.has_value());
    auto m = message_of(ix);
    REQUIRE(m);
    CHECK(m->api == "openai-chat");
    CHECK(m->streamed);
    CHECK(m->text == "pong");
    CHECK(m->id == "chatcmpl-CTt9nOjM2EsXmtH8wGYNIzkscRYO9");
    REQUIRE(m->usage);
    CHECK(m->usage->input_tokens == 14);
    CHECK(m->usage->output_tokens == 1);

    // Either file of the pair reads the cassette.
    CHECK(detect_format(data("aquila/pong.sse.jsonl")) == "aquila");
    CHECK(load_cassette(data("aquila/pong.sse.jsonl")).interactions.size() == 1);

    // Tool calls streamed as fragments (the name only on the first).
    Cassette tools = load_cassette(data("aquila/custom_function.meta.jsonl"));
    REQUIRE(tools.interactions.size() == 2);
    auto t0 = message_of(tools.interactions[0]);
    REQUIRE(t0);
    REQUIRE(t0->tool_calls.size() == 1);
    CHECK(t0->tool_calls[0].name == "calculator");
    CHECK(t0->tool_calls[0].id == "toolu_01RqnHdAT1MRB3RHV6u7xNyW");
    CHECK(t0->tool_calls[0].arguments == "{\"expression\": \"2+2\"}");
    CHECK(t0->finish_reason == "tool_calls");
    auto t1 = message_of(tools.interactions[1]);
    REQUIRE(t1);
    CHECK(t1->text == "The result of 2+2 is **4**.");

    // Responses: the finished output items, not the deltas and the repeated
    // whole text Aquila adds after them; then GET and DELETE answered by -N.json.
    Cassette srd = load_cassette(data("aquila/store-retrieve-delete.meta.jsonl"));
    REQUIRE(srd.interactions.size() == 3);
    auto r0 = message_of(srd.interactions[0]);
    REQUIRE(r0);
    CHECK(r0->api == "openai-responses");
    CHECK(r0->text == "Hello! Today is 2023.");
    REQUIRE(r0->usage);
    CHECK(r0->usage->input_tokens == 21);
    CHECK(srd.interactions[1].request.method == "GET");
    CHECK(srd.interactions[1].response.body.bytes ==
          testsupport::read_file(data("aquila/store-retrieve-delete-2.json")));
    auto r1 = message_of(srd.interactions[1]);
    REQUIRE(r1);
    CHECK_FALSE(r1->streamed);
    CHECK(r1->text == "Hello! Today is 2023.");

    Cassette par = load_cassette(data("aquila/parallel_calls.meta.jsonl"));
    REQUIRE(par.interactions.size() == 2);
    auto p0 = message_of(par.interactions[0]);
    REQUIRE(p0);
    REQUIRE(p0->tool_calls.size() == 2);
    CHECK(p0->tool_calls[0].arguments == "{\"expression\":\"2+2\"}");
    CHECK(p0->tool_calls[1].arguments == "{\"expression\":\"3+3\"}");
    REQUIRE(p0->usage);
    CHECK(p0->usage->reasoning_tokens == 192);
    auto p1 = message_of(par.interactions[1]);
    REQUIRE(p1);
    CHECK(p1->text == "- 2+2 = 4\n- 3+3 = 6");
}

TEST_CASE("Aquila: convert and HAR export refuse it with the reason, a broken line is an error at its line",
          "[formats][recorders]") {
    Cassette c = load_cassette(data("aquila/pong.meta.jsonl"));
    CHECK_THROWS_WITH(convert_cassette(c, "go-vcr"), Catch::Contains("no status, no response headers"));
    auto r = testsupport::run_cassette({"export", "-f", "har", data("aquila/pong.meta.jsonl")});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("cannot be exported as HAR") != std::string::npos);

    const std::string dir = tmp_dir("aquila");
    std::string meta = testsupport::read_file(data("aquila/pong.meta.jsonl"));
    write(dir + "/bad.meta.jsonl", meta + "{\"request_id\": 2, \"url\": \n");
    try {
        load_cassette(dir + "/bad.meta.jsonl");
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(e.pos().line == 2);
    }
    // A stream log without its requests file says what is missing.
    write(dir + "/lonely.sse.jsonl", testsupport::read_file(data("aquila/pong.sse.jsonl")));
    CHECK_THROWS_WITH(load_cassette(dir + "/lonely.sse.jsonl"), Catch::Contains("the requests of Aquila cassette"));
    fs::remove_all(dir);
}

TEST_CASE("cassetter YAML: typed bodies, integer status, recorded_at, gRPC and WebSocket kept apart",
          "[formats][recorders]") {
    const std::string path = data("cassetter/all_protocols.yaml");
    CHECK(detect_format(path) == "cassetter");
    Cassette c = load_cassette(path);
    CHECK(c.format == "cassetter");
    CHECK(c.version == 1);
    REQUIRE(c.problems.empty());
    REQUIRE(c.interactions.size() == 3);  // the HTTP ones only
    const Interaction& chat = c.interactions[0];
    CHECK(chat.request.url == "https://api.openai.com/v1/chat/completions");
    // JSON kept as structured YAML comes back as JSON text, in written order.
    CHECK(chat.request.body.bytes ==
          "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say "
          "hi\"}],\"temperature\":0.5,\"stream\":false}");
    CHECK(chat.response.code == std::optional<int64_t>(200));
    CHECK(chat.response.status == "200 OK");
    REQUIRE(chat.request.headers.all("x-multi"));
    CHECK(chat.request.headers.all("x-multi")->size() == 2);
    auto m = message_of(chat);
    REQUIRE(m);
    CHECK(m->text == "Hi there!");
    CHECK(c.interactions[1].request.body.bytes == "caf\xC3\xA9 \xE2\x80\x94 na\xC3\xAFve \xE2\x9C\x93");
    CHECK(c.interactions[1].response.body.bytes == "line one\nline two\n");
    CHECK(c.interactions[2].request.body.bytes == std::string("\xde\xad\xbe\xef\x00\xff", 6));  // hex
    CHECK(c.interactions[2].response.body.bytes.empty());
    bool recorded_at = false;
    for (const auto& x : c.interactions[0].extra) recorded_at |= x.key == "recorded_at";
    CHECK(recorded_at);
    CHECK(non_http_note(c).find("1 gRPC call and 1 WebSocket connection") == 0);

    auto shown = testsupport::run_cassette({"show", path});
    CHECK(shown.exit_code == 0);
    CHECK(shown.out.find("cassetter v1") != std::string::npos);
    CHECK(shown.out.find("also 1 gRPC call and 1 WebSocket connection (not HTTP") != std::string::npos);
    CHECK(shown.out.find("SayHello") == std::string::npos);  // never shown as an HTTP interaction
}

TEST_CASE("cassetter TOML: body_type and body_content, JSON as JSON text, binary as hex", "[formats][recorders]") {
    const std::string path = data("cassetter/http_bodies.toml");
    CHECK(detect_format(path) == "cassetter");
    Cassette c = load_cassette(path);
    REQUIRE(c.problems.empty());
    REQUIRE(c.interactions.size() == 2);
    CHECK(c.interactions[0].request.method == "POST");
    CHECK(c.interactions[0].request.body.bytes ==
          "{\"nested\":{\"active\":true,\"value\":null},\"items\":[1,\"two\"]}");
    CHECK(c.interactions[0].response.body.bytes == "caf\xC3\xA9");
    CHECK(c.interactions[1].request.body.bytes == std::string("\x00\x01\xff", 3));
    CHECK(c.interactions[1].response.code == std::optional<int64_t>(204));
    auto listed = expand_paths({data("cassetter")});
    CHECK(listed.size() == 2);
}

TEST_CASE("cassetter: never a VCR.py cassette, and bad fields are problems at their place", "[formats][recorders]") {
    // VCR.py also writes version 1 + interactions with uri: its bodies are strings.
    const std::string vcrpy =
        "interactions:\n- request:\n    body: '{\"a\": 1}'\n    headers: {}\n    method: POST\n    uri: "
        "https://x.test/\n"
        "  response:\n    body:\n      string: ok\n    headers: {}\n    status:\n      code: 200\n      message: "
        "OK\nversion: 1\n";
    CHECK_FALSE(cassetter_sniff(vcrpy));
    CHECK(load_cassette_from_string(vcrpy, "v.yaml").format == "vcrpy");

    const std::string bad =
        "version: 2\ninteractions:\n- request:\n    method: GET\n    uri: https://x.test/\n    body:\n      type: "
        "binary\n"
        "      content: zz\n  response:\n    status: 200\n    body:\n      type: xml\n      content: <a/>\n";
    CHECK(cassetter_sniff(bad));
    Cassette c = load_cassette_from_string(bad, "bad.yaml");
    REQUIRE(c.problems.size() == 3);
    CHECK(c.problems[0].message.find("unknown cassetter cassette version 2") != std::string::npos);
    CHECK(c.problems[1].message.find("not hex") != std::string::npos);
    CHECK(c.problems[1].pos.line == 8);
    CHECK(c.problems[2].message.find("unknown body type `xml`") != std::string::npos);

    const std::string toml_bad = "version = 1\n\n[[interactions]]\n[interactions.request]\nmethod = \"GET\"\nuri = \n";
    CHECK(cassetter_sniff(toml_bad));
    try {
        load_cassette_from_string(toml_bad, "bad.toml");
        FAIL("expected an error");
    } catch (const InputError& e) {
        CHECK(e.pos().line == 6);
    }
}

TEST_CASE("every corpus-3 HAR and Aquila file reads", "[formats][recorders][corpus]") {
    if (!fs::is_directory(corpus3())) return;
    size_t hars = 0, interactions = 0, aquila = 0, messages = 0;
    for (auto& e : fs::recursive_directory_iterator(corpus3() + "/har")) {
        if (e.path().extension() != ".har") continue;
        INFO(e.path().string());
        Cassette c;
        REQUIRE_NOTHROW(c = load_cassette(e.path().string()));
        CHECK(c.format == "har");
        CHECK(c.problems.empty());
        interactions += c.interactions.size();
        ++hars;
    }
    CHECK(hars == 10);
    CHECK(interactions == 30);  // README: 6 + 4 + 20
    for (auto& e : fs::recursive_directory_iterator(corpus3() + "/aquila")) {
        std::string name = e.path().filename().string();
        if (name.size() < 11 || name.substr(name.size() - 11) != ".meta.jsonl") continue;
        INFO(e.path().string());
        CHECK(detect_format(e.path().string()) == "aquila");
        Cassette c;
        REQUIRE_NOTHROW(c = load_cassette(e.path().string()));
        CHECK(c.problems.empty());
        for (const auto& ix : c.interactions) {
            ++aquila;
            if (message_of(ix)) ++messages;
        }
    }
    CHECK(aquila == 9);  // README: 5 cassettes, 9 requests
    CHECK(messages == 9);
}

TEST_CASE("cassetter forced on a file that is not one: a problem, not an empty cassette", "[formats][recorders]") {
    ReadOptions opts;
    opts.input_format = "cassetter";
    Cassette c = load_cassette(data("aquila/pong.meta.jsonl"), opts);
    REQUIRE_FALSE(c.problems.empty());
    CHECK(c.problems[0].message.find("no `interactions`") != std::string::npos);
    CHECK_THROWS_WITH(load_cassette_from_string("version = 1\n[other]\nx = 1\n", "t.toml", opts),
                      Catch::Contains("not a cassetter cassette"));
    Cassette t = load_cassette_from_string("version = 1\n[[grpc_interactions]]\nx = 1\n", "t.toml", opts);
    CHECK(t.problems.empty());
    CHECK(t.interactions.empty());
}
