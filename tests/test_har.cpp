// HAR export / import and the go-vcr writer: goldens, byte-exact round
// trips over the whole corpus, har-validator when node is installed.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "decode/base64.hpp"
#include "error.hpp"
#include "formats/govcr_writer.hpp"
#include "formats/har_writer.hpp"
#include "formats/har_reader.hpp"
#include "reader.hpp"
#include "test_support.hpp"
#include "util/utf8.hpp"
#include "version.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace cassette;

namespace {

std::string rel(const std::string& path) { return fs::relative(path, testsupport::source_dir()).string(); }

// Real recordings copied into testdata/ (their READMEs name the originals).
std::string testdata(const std::string& sub) { return testsupport::source_dir() + "/" + sub; }

json export_har(const Cassette& c) { return cassettes_to_har({&c}, CASSETTE_VERSION); }

// The response body a HAR entry carries, decoded the way a HAR reader must.
std::string har_body(const json& content) {
    if (content.contains("_raw_base64")) return *base64_decode(content["_raw_base64"].get<std::string>());
    std::string text = content.value("text", "");
    if (content.value("encoding", "") == "base64") return *base64_decode(text);
    return text;
}

void require_same_http(const Cassette& a, const Cassette& b) {
    REQUIRE(a.interactions.size() == b.interactions.size());
    for (size_t i = 0; i < a.interactions.size(); ++i) {
        INFO("interaction " << i);
        const auto& x = a.interactions[i];
        const auto& y = b.interactions[i];
        CHECK(x.request.method == y.request.method);
        CHECK(x.request.url == y.request.url);
        CHECK(x.request.body.bytes == y.request.body.bytes);
        REQUIRE(x.request.headers.items.size() == y.request.headers.items.size());
        for (size_t h = 0; h < x.request.headers.items.size(); ++h) {
            CHECK(x.request.headers.items[h].name == y.request.headers.items[h].name);
            CHECK(x.request.headers.items[h].values == y.request.headers.items[h].values);
        }
        CHECK(x.response.status == y.response.status);
        CHECK(x.response.code.value_or(-1) == y.response.code.value_or(-1));
        CHECK(x.response.body.bytes == y.response.body.bytes);
        REQUIRE(x.response.headers.items.size() == y.response.headers.items.size());
        for (size_t h = 0; h < x.response.headers.items.size(); ++h) {
            CHECK(x.response.headers.items[h].name == y.response.headers.items[h].name);
            CHECK(x.response.headers.items[h].values == y.response.headers.items[h].values);
        }
        if (x.response.duration_ms && y.response.duration_ms)
            CHECK(std::llround(*x.response.duration_ms * 1e6) == std::llround(*y.response.duration_ms * 1e6));
    }
}

// Keys a go-vcr format 1 file lacks and the format 2 cassette the import
// writes always has (documented in cassette-import(1)).
void drop_format2_defaults(json& entries) {
    for (auto& e : entries) {
        e.erase("_id");
        e.erase("_duration");
    }
}

bool have_har_validator() {
    std::string dir = testsupport::source_dir() + "/tests/har_validator";
    return std::system("command -v node >/dev/null 2>&1") == 0 &&
           fs::exists(dir + "/node_modules/har-validator/package.json");
}

// Runs har-validator over `files`; returns its output, `ok` set from the exit status.
std::string run_har_validator(const std::vector<std::string>& files, bool& ok) {
    std::string cmd = "node '" + testsupport::source_dir() + "/tests/har_validator/validate.js'";
    for (const auto& f : files) cmd += " '" + f + "'";
    std::string out_path = (fs::temp_directory_path() / "cassette-har-validator.out").string();
    int status = std::system((cmd + " >'" + out_path + "' 2>&1").c_str());
    ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    std::string out = testsupport::read_file(out_path);
    fs::remove(out_path);
    return out;
}

}  // namespace

TEST_CASE("Go duration text as time.Duration.String writes it", "[har]") {
    CHECK(format_go_duration(0) == "0s");
    CHECK(format_go_duration(1) == "1ns");
    CHECK(format_go_duration(1500) == "1.5\xC2\xB5s");
    CHECK(format_go_duration(507584375) == "507.584375ms");
    CHECK(format_go_duration(1210148500) == "1.2101485s");
    CHECK(format_go_duration(int64_t(120) * 1000000000) == "2m0s");
    CHECK(format_go_duration(int64_t(3723) * 1000000000 + 500000000) == "1h2m3.5s");
    CHECK(format_go_duration(-1000000) == "-1ms");
    // What we write, the cassette reader parses back to the same value.
    for (int64_t ns : {int64_t(1), int64_t(999), int64_t(1234567), int64_t(86400) * 1000000000 + 7}) {
        auto ms = parse_go_duration_ms(format_go_duration(ns));
        REQUIRE(ms);
        CHECK(std::llround(*ms * 1e6) == ns);
    }
}

TEST_CASE("HTTP dates become ISO 8601, other text does not", "[har]") {
    CHECK(http_date_to_iso("Sun, 18 Aug 2024 13:13:40 GMT") == "2024-08-18T13:13:40.000Z");
    CHECK(http_date_to_iso("Wed, 21-Oct-15 07:28:00 GMT") == "2015-10-21T07:28:00.000Z");
    CHECK_FALSE(http_date_to_iso("yesterday"));
    CHECK_FALSE(http_date_to_iso("Sun, 18 Foo 2024 13:13:40 GMT"));
    CHECK_FALSE(http_date_to_iso("Sun, 18 Aug 2024 25:13:40 GMT"));
    CHECK_FALSE(http_date_to_iso("Sun, 18 Aug 2024 13:13"));
    CHECK(har_time_after_epoch(0) == kHarEpoch);
    CHECK(har_time_after_epoch(int64_t(1500) * 1000000 + 999) == "2000-01-01T00:00:01.500Z");
}

TEST_CASE("golden HAR for streamed OpenAI, Anthropic, Bedrock, Gemini and plain HTTP cassettes", "[har]") {
    const std::pair<const char*, const char*> cases[] = {
        {"testdata/fantasy/openai_gpt4o_streaming.yaml", "openai_streaming.har"},
        {"testdata/fantasy/anthropic_streaming.yaml", "anthropic_streaming.har"},
        {"testdata/fantasy/bedrock_simple_streaming.yaml", "bedrock_streaming.har"},
        {"testdata/fantasy/gemini_streaming.yaml", "gemini_streaming.har"},
        {"testdata/go-vcr/json-content-type.yaml", "plain_http.har"},
    };
    for (const auto& [file, golden] : cases) {
        INFO(file);
        auto r = testsupport::run_cassette({"export", "--format", "har", rel(testdata(file))});
        REQUIRE(r.exit_code == 0);
        CHECK(r.err.empty());
        testsupport::check_golden(std::string("har/") + golden, r.out);
        // Same bytes through the in-memory builder: streaming changes nothing.
        Cassette c = load_cassette(rel(testdata(file)));
        c.path = rel(testdata(file));
        CHECK(json::parse(r.out) == export_har(c));
    }
}

TEST_CASE("HAR export fields: one entry per interaction, _message for LLM streams", "[har]") {
    Cassette c = load_cassette(testdata("testdata/fantasy/openai_gpt4o_streaming.yaml"));
    json har = export_har(c);
    const json& log = har["log"];
    CHECK(log["version"] == "1.2");
    CHECK(log["creator"]["name"] == "cassette");
    REQUIRE(log["entries"].size() == c.interactions.size());
    const json& e = log["entries"][0];
    CHECK(e["request"]["httpVersion"] == "HTTP/1.1");
    CHECK(e["response"]["httpVersion"] == "HTTP/2.0");
    CHECK(e["response"]["status"] == 200);
    CHECK(e["response"]["statusText"] == "OK");
    CHECK(e["request"]["postData"]["mimeType"] == "application/json");
    CHECK(e["request"]["postData"]["text"] == c.interactions[0].request.body.bytes);
    CHECK(e["response"]["content"]["mimeType"] == "text/event-stream; charset=utf-8");
    CHECK(e["response"]["content"]["size"] == c.interactions[0].response.body.bytes.size());
    CHECK(e["_duration"] == "507.584375ms");
    CHECK(e["time"] == Approx(507.584375));
    CHECK(e["timings"]["wait"] == e["time"]);
    CHECK(e["timings"]["send"] == 0);
    CHECK(e["startedDateTime"] == kHarEpoch);  // no Date header
    CHECK(e["_id"] == 0);
    CHECK(e["_message"]["text"] == "Olá!");
    CHECK(e["_message"]["usage"]["total_tokens"] == 22);
    CHECK_FALSE(e["request"].contains("_host"));  // "" is what the import infers

    // Bedrock: the event stream is not UTF-8, so base64 with encoding.
    Cassette b = load_cassette(testdata("testdata/fantasy/bedrock_simple_streaming.yaml"));
    json bh = export_har(b);
    const json& content = bh["log"]["entries"][0]["response"]["content"];
    CHECK(content["encoding"] == "base64");
    CHECK(har_body(content) == b.interactions[0].response.body.bytes);
    CHECK(bh["log"]["entries"][0]["_message"]["api"] == "anthropic");
}

TEST_CASE("HAR export: cookies, query string, redirect, Date header, running clock", "[har]") {
    Cassette c;
    c.path = "mem.yaml";
    c.format = "go-vcr";
    c.version = 2;
    for (int i = 0; i < 3; ++i) {
        Interaction ix;
        ix.index = static_cast<size_t>(i);
        ix.id = i;
        ix.request.method = "GET";
        ix.request.url = "https://h.example/p?a=1&b=x%20y+z&flag#frag";
        ix.request.headers.items.push_back({"Cookie", {"s=1; t=two"}, {}});
        ix.response.code = 302;
        ix.response.status = "302 Found";
        ix.response.headers.items.push_back({"Location", {"/next"}, {}});
        ix.response.headers.items.push_back(
            {"Set-Cookie",
             {"id=7; Path=/; Domain=h.example; Expires=Wed, 21 Oct 2025 07:28:00 GMT; HttpOnly; Secure"},
             {}});
        if (i == 1) ix.response.headers.items.push_back({"Date", {"Sun, 18 Aug 2024 13:13:40 GMT"}, {}});
        ix.response.duration = "1.5s";
        ix.response.duration_ms = 1500;
        c.interactions.push_back(ix);
    }
    json entries = export_har(c)["log"]["entries"];
    const json& rq = entries[0]["request"];
    CHECK(rq["queryString"] ==
          json::parse(R"([{"name":"a","value":"1"},{"name":"b","value":"x y z"},{"name":"flag","value":""}])"));
    CHECK(rq["cookies"] == json::parse(R"([{"name":"s","value":"1"},{"name":"t","value":"two"}])"));
    CHECK_FALSE(rq.contains("postData"));
    CHECK(rq["bodySize"] == 0);
    const json& rs = entries[0]["response"];
    CHECK(rs["redirectURL"] == "/next");
    CHECK(rs["statusText"] == "Found");
    CHECK(rs["cookies"][0] == json::parse(R"({"name":"id","value":"7","path":"/","domain":"h.example",
        "expires":"2025-10-21T07:28:00.000Z","httpOnly":true,"secure":true})"));
    CHECK(entries[0]["startedDateTime"] == "2000-01-01T00:00:00.000Z");
    CHECK(entries[1]["startedDateTime"] == "2024-08-18T13:13:40.000Z");
    CHECK(entries[2]["startedDateTime"] == "2000-01-01T00:00:03.000Z");  // epoch + 1.5s + 1.5s
    // Absurd durations saturate the clock instead of overflowing it.
    for (auto& ix : c.interactions) {
        ix.response.headers.items.pop_back();
        ix.response.duration = "2562047h47m16.854775807s";
        ix.response.duration_ms = 9.2e15;
    }
    json huge = export_har(c)["log"]["entries"];
    CHECK(huge[2]["startedDateTime"].get<std::string>().rfind("2199-", 0) == 0);
    CHECK(huge[0]["time"].get<double>() > 0);
    // Deterministic: the same input gives the same bytes.
    CHECK(export_har(c).dump() == export_har(c).dump());
}

TEST_CASE("every corpus file: cassette -> HAR -> cassette -> HAR keeps every byte", "[har][corpus]") {
    auto files = testsupport::corpus_files(testsupport::corpus_dir());
    REQUIRE(files.size() > 50);
    for (const auto& f : files) {
        INFO(f);
        Cassette c0 = load_cassette(f);
        json h0 = export_har(c0);
        const json& entries0 = h0["log"]["entries"];
        REQUIRE(entries0.size() == c0.interactions.size());
        for (size_t i = 0; i < entries0.size(); ++i) {
            // Every response body round-trips byte-exact from the HAR alone.
            CHECK(har_body(entries0[i]["response"]["content"]) == c0.interactions[i].response.body.bytes);
        }
        Cassette c1 = har_to_cassette(h0.dump(), "h0.har");
        require_same_http(c0, c1);
        // Through the YAML writer and this project's reader.
        std::string yaml = write_govcr_v2(c1);
        Cassette c2 = load_cassette_from_string(yaml, "c1.yaml");
        CHECK(c2.problems.empty());
        CHECK(c2.version == 2);
        require_same_http(c0, c2);
        // HAR -> import -> export gives the same entries.
        json h1 = export_har(c2);
        json e0 = entries0, e1 = h1["log"]["entries"];
        if (c0.version == 1) {
            drop_format2_defaults(e0);
            drop_format2_defaults(e1);
        }
        CHECK(e0 == e1);
        // And it is a fixed point from then on.
        Cassette c3 = load_cassette_from_string(write_govcr_v2(har_to_cassette(h1.dump(), "h1.har")), "c3.yaml");
        CHECK(export_har(c3)["log"]["entries"] == h1["log"]["entries"]);
        CHECK(write_govcr_v2(c3) == yaml);
    }
}

TEST_CASE("go-vcr writer: field order and omitempty as go-vcr v4's cassette.go", "[har]") {
    Cassette c =
        har_to_cassette(testsupport::read_file(testsupport::source_dir() + "/testdata/har/browser.har"), "b.har");
    std::string yaml = write_govcr_v2(c);
    REQUIRE(yaml.rfind("---\n", 0) == 0);
    YAML::Node doc = YAML::Load(yaml);  // an independent YAML parser reads it too
    CHECK(doc["version"].as<int>() == 2);
    std::vector<std::string> keys;
    for (const auto& kv : doc["interactions"][0]["request"]) keys.push_back(kv.first.as<std::string>());
    CHECK(keys == std::vector<std::string>{"proto", "proto_major", "proto_minor", "content_length", "host", "body",
                                           "headers", "url", "method"});
    keys.clear();
    for (const auto& kv : doc["interactions"][0]["response"]) keys.push_back(kv.first.as<std::string>());
    CHECK(keys == std::vector<std::string>{"proto", "proto_major", "proto_minor", "content_length", "body", "headers",
                                           "status", "code", "duration"});
    keys.clear();
    for (const auto& kv : doc["interactions"][0]) keys.push_back(kv.first.as<std::string>());
    CHECK(keys == std::vector<std::string>{"id", "request", "response"});
    // GET without body or headers: body and headers are omitempty on requests.
    CHECK_FALSE(doc["interactions"][1]["request"]["body"]);
    CHECK_FALSE(doc["interactions"][1]["request"]["headers"]);
    CHECK(doc["interactions"][1]["id"].as<int>() == 1);
    // Values that would read as numbers/bools stay strings.
    CHECK(doc["interactions"][0]["response"]["headers"]["x-count"][0].Tag() == "!");
    testsupport::check_golden("har/browser.yaml", yaml);
}

TEST_CASE("go-vcr writer: awkward strings survive exactly", "[har]") {
    const std::string samples[] = {"",
                                   "true",
                                   "123",
                                   "1.5e3",
                                   "null",
                                   "~",
                                   "a\r\nb",
                                   "tab\there",
                                   "  leading",
                                   "trailing  ",
                                   "x\n",
                                   "x\n\n\n",
                                   "no end\ny",
                                   "\n\nstarts",
                                   "- dash",
                                   "# hash",
                                   "key: v",
                                   "'q' \"d\"",
                                   "Olá ✓",
                                   "nel\xC2\x85x",
                                   "ls\xE2\x80\xA8x",
                                   "bom\xEF\xBB\xBFx",
                                   "\x01\x02ctl",
                                   std::string("nul\0byte", 8),
                                   "bad\xFF\xFEutf8",
                                   "{\"json\": [1, 2]}\n"};
    Cassette c;
    c.format = "go-vcr";
    c.version = 2;
    for (const auto& s : samples) {
        Interaction ix;
        ix.id = static_cast<int64_t>(c.interactions.size());
        ix.request.method = "POST";
        ix.request.url = "https://x.example/" + std::to_string(c.interactions.size());
        ix.request.body.bytes = s;
        ix.request.headers.items.push_back({"X-Value", {s.empty() ? "v" : s}, {}});
        ix.response.code = 200;
        ix.response.status = "200 OK";
        ix.response.body.bytes = s;
        c.interactions.push_back(ix);
    }
    Cassette back = load_cassette_from_string(write_govcr_v2(c), "awkward.yaml");
    REQUIRE(back.interactions.size() == c.interactions.size());
    for (size_t i = 0; i < c.interactions.size(); ++i) {
        INFO("sample " << i);
        CHECK(back.interactions[i].request.body.bytes == c.interactions[i].request.body.bytes);
        CHECK(back.interactions[i].response.body.bytes == c.interactions[i].response.body.bytes);
        // (Header values that are not UTF-8 are written as !!binary, as Go
        // does; this project's reader decodes !!binary for bodies only.)
        if (is_valid_utf8(*c.interactions[i].request.headers.first("X-Value")))
            CHECK(*back.interactions[i].request.headers.first("X-Value") ==
                  *c.interactions[i].request.headers.first("X-Value"));
    }
}

TEST_CASE("HAR import of a browser HAR", "[har]") {
    Cassette c =
        har_to_cassette(testsupport::read_file(testsupport::source_dir() + "/testdata/har/browser.har"), "b.har");
    REQUIRE(c.interactions.size() == 2);
    const auto& a = c.interactions[0];
    CHECK(a.request.proto == "HTTP/2.0");
    CHECK(a.request.proto_major == 2);
    CHECK_FALSE(a.request.headers.has(":authority"));
    REQUIRE(a.request.headers.all("accept"));
    CHECK(*a.request.headers.all("accept") == std::vector<std::string>{"text/plain", "application/json"});
    CHECK(a.request.content_length == 23);
    CHECK(a.request.host == "");
    CHECK(a.response.status == "200");
    CHECK(a.response.body.bytes == "line one\r\n  line two\n\n");
    CHECK(a.response.content_length == -1);
    CHECK(a.response.duration == "152.25ms");
    const auto& b = c.interactions[1];
    CHECK(b.response.status == "302 Found");
    CHECK(b.response.body.bytes == std::string("\x00\xff\xfe\x80\x01\x02", 6));
    CHECK(b.response.duration == "1.5s");
    CHECK(b.id == 1);
}

TEST_CASE("HAR import refuses what is not a HAR log", "[har]") {
    const char* bad[] = {
        "",
        "{",
        "[]",
        "{\"log\": 1}",
        "{\"log\": {}}",
        "{\"log\": {\"entries\": [1]}}",
        "{\"log\": {\"entries\": [{\"request\": {}}]}}",
        "{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"u\",\"headers\":[]},"
        "\"response\":{\"status\":\"200\",\"headers\":[]}}]}}",
        "{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"u\",\"headers\":[]},"
        "\"response\":{\"status\":200,\"headers\":[],\"content\":{\"text\":\"!!\",\"encoding\":\"base64\"}}}]}}"};
    for (const char* text : bad) {
        INFO(text);
        CHECK_THROWS_AS(har_to_cassette(text, "bad.har"), InputError);
    }
    // Deep nesting is refused without blowing the stack.
    std::string deep(100000, '[');
    CHECK_THROWS_AS(har_to_cassette(deep, "deep.har"), InputError);
}

TEST_CASE("cassette export --format har merges files into one log, -o is atomic", "[har]") {
    std::string a = rel(testdata("testdata/go-vcr/json-content-type.yaml"));
    std::string b = rel(testdata("testdata/fantasy/openai_gpt4o_streaming.yaml"));
    auto r = testsupport::run_cassette({"export", "--format", "har", a, b});
    REQUIRE(r.exit_code == 0);
    json har = json::parse(r.out);
    const json& log = har["log"];
    REQUIRE(log["pages"].size() == 2);
    CHECK(log["pages"][0]["title"] == a);
    CHECK(log["pages"][1]["title"] == b);
    size_t na = load_cassette(a).interactions.size(), nb = load_cassette(b).interactions.size();
    REQUIRE(log["entries"].size() == na + nb);
    CHECK(log["entries"][0]["pageref"] == "page_1");
    CHECK(log["entries"][na]["pageref"] == "page_2");
    CHECK(log["pages"][1]["startedDateTime"] == log["entries"][na]["startedDateTime"]);

    auto compact = testsupport::run_cassette({"export", "--format", "har", "--compact", a, b});
    REQUIRE(compact.exit_code == 0);
    CHECK(std::count(compact.out.begin(), compact.out.end(), '\n') == 1);
    CHECK(json::parse(compact.out) == har);

    fs::path dir = fs::temp_directory_path() / "cassette-har-test";
    fs::create_directories(dir);
    std::string out = (dir / "out.har").string();
    auto w = testsupport::run_cassette({"export", "--format", "har", a, "-o", out});
    REQUIRE(w.exit_code == 0);
    CHECK(w.out.empty());
    CHECK(json::parse(testsupport::read_file(out))["log"]["entries"].size() == na);
    auto wj = testsupport::run_cassette({"export", "--format", "json", a, "-o", out});
    REQUIRE(wj.exit_code == 0);
    CHECK(json::parse(testsupport::read_file(out))["interactions"].size() == na);
    // No temporary files left behind.
    size_t n_files = 0;
    for (const auto& e : fs::directory_iterator(dir)) n_files += e.is_regular_file();
    CHECK(n_files == 1);

    // import: -o, stdout, and never over its input.
    std::string yaml_out = (dir / "back.yaml").string();
    auto imp = testsupport::run_cassette({"import", out, "-o", yaml_out});
    CHECK(imp.exit_code == 2);  // `out` now holds JSON export, not a HAR log
    CHECK(imp.err.find("cassette: error:") == 0);
    CHECK_FALSE(fs::exists(yaml_out));
    REQUIRE(testsupport::run_cassette({"export", "--format", "har", a, "-o", out}).exit_code == 0);
    imp = testsupport::run_cassette({"import", out, "-o", yaml_out});
    REQUIRE(imp.exit_code == 0);
    auto to_stdout = testsupport::run_cassette({"import", out});
    REQUIRE(to_stdout.exit_code == 0);
    CHECK(to_stdout.out == testsupport::read_file(yaml_out));
    auto again = testsupport::run_cassette({"export", "--format", "har", yaml_out});
    REQUIRE(again.exit_code == 0);
    CHECK(json::parse(again.out)["log"]["entries"] == json::parse(testsupport::read_file(out))["log"]["entries"]);
    auto self = testsupport::run_cassette({"import", out, "-o", out});
    CHECK(self.exit_code == 2);
    CHECK(self.err.find("refusing") != std::string::npos);
    CHECK(json::parse(testsupport::read_file(out))["log"]["entries"].size() == na);  // untouched
    fs::remove_all(dir);
}

TEST_CASE("har-validator accepts the HAR export of every corpus file", "[har][corpus]") {
    if (!have_har_validator()) {
        WARN("node or tests/har_validator/node_modules missing: run tests/har_validator/run.sh");
        return;
    }
    fs::path dir = fs::temp_directory_path() / "cassette-har-validate";
    fs::create_directories(dir);
    std::vector<std::string> hars;
    auto files = testsupport::corpus_files(testsupport::corpus_dir());
    std::vector<const Cassette*> all;
    std::vector<Cassette> loaded;
    loaded.reserve(files.size());
    for (const auto& f : files) {
        loaded.push_back(load_cassette(f));
        all.push_back(&loaded.back());
        std::string out = (dir / (std::to_string(hars.size()) + ".har")).string();
        std::ofstream(out, std::ios::binary)
            << export_har(loaded.back()).dump(-1, ' ', false, json::error_handler_t::replace);
        hars.push_back(out);
    }
    std::string merged = (dir / "merged.har").string();
    std::ofstream(merged, std::ios::binary) << cassettes_to_har(all, CASSETTE_VERSION).dump();
    hars.push_back(merged);
    std::string browser_back = (dir / "browser-back.har").string();
    Cassette b = har_to_cassette(testsupport::read_file(testsupport::source_dir() + "/testdata/har/browser.har"), "b");
    std::ofstream(browser_back, std::ios::binary) << export_har(b).dump();
    hars.push_back(browser_back);
    bool ok = false;
    std::string out = run_har_validator(hars, ok);
    INFO(out);
    CHECK(ok);
    CHECK(std::count(out.begin(), out.end(), '\n') == static_cast<long>(hars.size()));

    // The validator is real: a HAR without entries' timings fails.
    std::string broken = (dir / "broken.har").string();
    json h = export_har(loaded.front());
    h["log"]["entries"][0].erase("timings");
    std::ofstream(broken, std::ios::binary) << h.dump();
    bool broken_ok = true;
    run_har_validator({broken}, broken_ok);
    CHECK_FALSE(broken_ok);
    fs::remove_all(dir);
}
