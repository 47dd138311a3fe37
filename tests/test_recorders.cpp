// Readers of ExVCR, Betamax, php-vcr, DVR, talkback and dd-trace-py JSON
// (lib/formats/*_reader.cpp over formats/doc_reader), the JSON5 parser they
// need, and detection among them and the older formats. Real files come from
// testdata/formats/<format>/ (each with its license) and, in the tests tagged
// [corpus], from ../shared/corpus-3.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>

#include "decode/body.hpp"
#include "decode/json5.hpp"
#include "error.hpp"
#include "formats/sniff.hpp"
#include "message.hpp"
#include "providers/reassemble.hpp"
#include "reader.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace cassette;

namespace {

std::string td(const std::string& rel) { return testsupport::source_dir() + "/testdata/formats/" + rel; }

std::string corpus3() {
    return (fs::path(testsupport::corpus_dir()).parent_path() / "corpus-3").lexically_normal().string();
}

Cassette load_text(const std::string& text, const std::string& format = "") {
    ReadOptions o;
    o.input_format = format;
    return load_cassette_from_string(text, "mem", o);
}

std::string error_of(const std::string& text, const std::string& format = "") {
    try {
        load_text(text, format);
    } catch (const InputError& e) {
        return std::to_string(e.pos().line) + ":" + std::to_string(e.pos().column) + ": " + e.what();
    }
    return "<no error>";
}

const std::string* extra(const std::vector<ExtraField>& ex, const std::string& key) {
    for (const auto& e : ex)
        if (e.key == key) return &e.json;
    return nullptr;
}

// The one-line summary of every interaction the golden files hold.
std::string summary(const Cassette& c) {
    std::string out;
    for (const auto& ix : c.interactions) {
        auto d = decode_body(ix.response.headers, ix.response.body.bytes);
        auto m = reassemble(ix, d);
        out += std::to_string(ix.index) + " " + ix.request.method + " " + ix.request.url + " " +
               std::to_string(ix.response.code.value_or(0)) + " " + std::to_string(ix.response.body.bytes.size()) +
               "B " + body_kind_name(d.kind) + " " + compression_name(d.compression);
        if (m) out += " " + to_json(*m).dump();
        out += "\n";
    }
    return out;
}

const std::vector<std::string> kFolders{"exvcr", "betamax", "php-vcr", "dvr", "talkback", "dd-trace-json"};

std::string folder_format(const std::string& folder) { return folder == "dd-trace-json" ? "dd-trace" : folder; }

// Every file of a corpus-3 folder but the license texts, sorted.
std::vector<std::string> corpus3_files(const std::string& folder) {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(corpus3() + "/" + folder)) {
        if (!e.is_regular_file()) continue;
        std::string n = e.path().filename().string();
        if (n.rfind("LICENSE", 0) == 0 || n.rfind("LICENCE", 0) == 0 || n == "NOTICE") continue;
        out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("JSON5: what the specification allows", "[formats][json5]") {
    auto j = parse_json5(
        "// comment\n{unquoted: 'single \\' quote', \"dq\": \"a\\\nb\", hex: 0xFF, lead: .5, trail: 5., plus: +1,\n"
        "  inf: -Infinity, arr: [1, 2,], nested: {a: null, b: true, c: false,}, /* block */ $id_1: '\\x41\\u00e9',\n"
        "  e: 1e3, big: 12345678901234567890, esc: '\\0\\v\\t',}\n",
        64);
    CHECK(j["unquoted"] == "single ' quote");
    CHECK(j["dq"] == "ab");
    CHECK(j["hex"] == 255);
    CHECK(j["lead"] == 0.5);
    CHECK(j["trail"] == 5.0);
    CHECK(j["plus"] == 1);
    CHECK(j["inf"].get<double>() < -1e308);
    CHECK(j["arr"].size() == 2);
    CHECK(j["nested"]["b"] == true);
    CHECK(j["$id_1"] == "A\xC3\xA9");
    CHECK(j["e"] == 1000.0);
    CHECK(j["big"].is_number_float());
    CHECK(j["esc"] == std::string("\0\v\t", 3));
    // Keys keep their written order.
    CHECK(j.begin().key() == "unquoted");
    // Surrogate pairs join; NaN parses.
    CHECK(parse_json5("'\\uD83D\\uDE00'", 8) == "\xF0\x9F\x98\x80");
    CHECK(std::isnan(parse_json5("NaN", 8).get<double>()));
}

TEST_CASE("JSON5: errors name the line and column", "[formats][json5]") {
    auto err = [](const std::string& text) {
        try {
            parse_json5(text, 8);
        } catch (const Json5Error& e) {
            return std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) + ": " + e.what();
        }
        return std::string("<no error>");
    };
    CHECK(err("{\n  a: 1,\n  b: \n}") == "4:1: unexpected `}`: expected a value");
    CHECK(err("{a: 1") == "1:6: unexpected end of file: the object opened at line 1, column 1 has no `}`");
    CHECK(err("[1,\n") == "2:1: unexpected end of file: the array opened at line 1, column 1 has no `]`");
    CHECK(err("{a: 'x\ny'}") == "1:5: unterminated string: a line break inside quotes must be escaped");
    CHECK(err("[1 2]") == "1:4: expected `,` or `]` in an array, found `2`");
    CHECK(err("{é: 1, 2: 3}") == "1:8: expected a key (a name or a quoted string), found `2`");
    CHECK(err("01") == "1:1: bad number: leading zero");
    CHECK(err("/* open") == "1:1: unterminated /* comment");
    CHECK(err("[[[[[[[[[[]]]]]]]]]]").find("nesting deeper than 8") != std::string::npos);
    CHECK(err("{} x") == "1:4: unexpected `x` after the value");
    CHECK(err("") == "1:1: empty document: expected a JSON5 value");
}

TEST_CASE("Erlang external terms: the bytes a binary wraps", "[formats][exvcr]") {
    std::string why;
    CHECK(erlang_term_bytes(std::string("\x83\x6D\0\0\0\3abc", 9), why) == std::optional<std::string>("abc"));
    CHECK(erlang_term_bytes(std::string("\x83\x6B\0\2hi", 6), why) == std::optional<std::string>("hi"));
    CHECK(erlang_term_bytes("\x83\x6A", why) == std::optional<std::string>(""));
    CHECK(!erlang_term_bytes(std::string("\x83\x6D\0\0\0\4abc", 9), why));
    CHECK(why == "the Erlang binary says 4 bytes but holds 3");
    CHECK(!erlang_term_bytes("\x83\x61\x01", why));  // SMALL_INTEGER_EXT
    CHECK(why == "the Erlang term is not a binary (tag 97)");
    CHECK(!erlang_term_bytes("abc", why));
}

TEST_CASE("ExVCR: binary Erlang-term gzip bodies, httpc status lists, errors, custom and empty cassettes",
          "[formats][exvcr]") {
    Cassette llm = load_cassette(td("exvcr/elixir_llm_openai_chat_simple.json"));
    CHECK(llm.format == "exvcr");
    REQUIRE(llm.interactions.size() == 1);
    const auto& ix = llm.interactions[0];
    CHECK(ix.request.method == "POST");
    CHECK(ix.response.code == 200);
    CHECK(ix.response.body.binary_tag);
    CHECK(ix.response.body.bytes.substr(0, 2) == "\x1f\x8b");  // the wrapped gzip stream
    auto d = decode_body(ix.response.headers, ix.response.body.bytes);
    CHECK(d.compression == Compression::gzip);
    auto m = reassemble(ix, d);
    REQUIRE(m);
    CHECK(m->api == "openai-chat");
    CHECK(extra(ix.request.extra, "options") != nullptr);

    Cassette httpc = load_cassette(td("exvcr/example_httpc_request_1.json"));
    REQUIRE(httpc.interactions.size() == 1);
    CHECK(httpc.interactions[0].response.status == "200 OK");
    CHECK(httpc.interactions[0].response.proto == "HTTP/1.1");
    CHECK(httpc.interactions[0].request.method == "GET");

    Cassette err = load_cassette(td("exvcr/error_ibrowse.json"));
    REQUIRE(err.interactions.size() == 1);
    CHECK(err.problems.empty());
    CHECK(!err.interactions[0].response.code);
    CHECK(err.interactions[0].response.body.bytes == "[\"conn_failed\",[\"error\",\"nxdomain\"]]");
    CHECK(*extra(err.interactions[0].response.extra, "type") == "\"error\"");

    Cassette custom = load_cassette(td("exvcr/response_mocking_regex.json"));
    REQUIRE(custom.interactions.size() == 1);
    CHECK(custom.problems.empty());
    CHECK(custom.interactions[0].request.url == "~r/http://example.com/.+/abc/");
    CHECK(extra(custom.interactions[0].request.extra, "url_pattern") != nullptr);
    CHECK(custom.interactions[0].response.body.bytes == "<h1>Custom Response</h1>");

    Cassette empty = load_cassette(td("exvcr/ignore_localhost_on.json"));
    CHECK(empty.format == "exvcr");
    CHECK(empty.interactions.empty());

    // A binary body that is not a term is a finding, the text kept.
    Cassette bad = load_text(
        "[{\"request\": {\"url\": \"http://a.test/\", \"method\": \"get\"},\n"
        " \"response\": {\"status_code\": 200, \"binary\": true, \"body\": \"YWJj\"}}]");
    REQUIRE(bad.problems.size() == 1);
    CHECK(bad.problems[0].message ==
          "`binary: true` body cannot be read: not an Erlang external term (it does not start with byte 131)");
    CHECK(bad.problems[0].pos.line == 2);
}

TEST_CASE("Betamax: status and status_code, base64 bodies, list and string headers, YAML", "[formats][betamax]") {
    Cassette zen = load_cassette(td("betamax/github3_GitHub_zen.json"));
    CHECK(zen.format == "betamax");
    CHECK(zen.recorder == "betamax");
    REQUIRE(zen.interactions.size() == 1);
    CHECK(zen.problems.empty());
    const auto& r = zen.interactions[0].response;
    CHECK(r.code == 200);  // pre-0.4 `status_code`
    CHECK(r.body.bytes.substr(0, 2) == "\x1f\x8b");
    auto d = decode_body(r.headers, r.body.bytes);
    CHECK(d.compression == Compression::gzip);
    CHECK(d.text.rfind("Non-blocking is better than blocking.", 0) == 0);

    Cassette digest = load_cassette(td("betamax/handles_digest_auth.json"));
    CHECK(digest.recorder == "betamax/{version}");
    REQUIRE(digest.interactions.size() == 2);
    CHECK(digest.interactions[0].response.status == "401 UNAUTHORIZED");
    CHECK(digest.interactions[1].response.code == 200);
    CHECK(*digest.interactions[0].request.headers.first("Accept") == "*/*");
    CHECK(extra(digest.interactions[0].extra, "recorded_at") != nullptr);
    CHECK(*extra(digest.interactions[0].response.extra, "url") ==
          "\"https://httpbin.org/digest-auth/auth/user/passwd\"");

    Cassette yaml = load_cassette(td("betamax/ksa_betamax_test_cassette.yaml"));
    CHECK(yaml.format == "betamax");
    CHECK(yaml.recorder == "betamax/0.5.1");
    REQUIRE(yaml.interactions.size() == 1);
    CHECK(yaml.problems.empty());
    CHECK(yaml.interactions[0].request.body.bytes.rfind("{\n  \"auth\"", 0) == 0);
    CHECK(*yaml.interactions[0].response.headers.first("Content-Length") == "780");
    CHECK(*extra(yaml.interactions[0].response.extra, "body.encoding") == "null");

    // A request body: `string` when it is not empty, else base64_string.
    Cassette rq = load_text(
        "{\"http_interactions\": [{\"request\": {\"body\": {\"string\": \"\", \"base64_string\": \"aGk=\","
        " \"encoding\": \"utf-8\"}, \"headers\": {}, \"method\": \"POST\", \"uri\": \"https://a.test/\"},"
        " \"response\": {\"body\": {\"string\": \"ok\", \"encoding\": null}, \"headers\": {\"A\": [\"1\", \"2\"]},"
        " \"status\": {\"code\": 201, \"message\": \"\"}, \"url\": \"https://a.test/\"}}], \"recorded_with\": "
        "\"betamax/0.9.0\"}");
    REQUIRE(rq.interactions.size() == 1);
    CHECK(rq.interactions[0].request.body.bytes == "hi");
    CHECK(rq.interactions[0].response.status == "201 Created");
    CHECK(rq.interactions[0].response.headers.all("A")->size() == 2);
}

TEST_CASE("php-vcr: three shapes of status, curl_info, no extension, empty files", "[formats][php-vcr]") {
    Cassette curl = load_cassette(td("php-vcr/unittest_curl_test"));
    CHECK(curl.format == "php-vcr");
    CHECK(curl.problems.empty());
    REQUIRE(curl.interactions.size() >= 2);
    CHECK(curl.interactions[0].response.status == "301 Moved Permanently");  // `status: 301`
    CHECK(curl.interactions[1].response.status == "301 Moved Permanently");  // {code: '301', message}
    CHECK(curl.interactions[1].response.proto == "HTTP/1.1");
    const std::string* info = extra(curl.interactions[0].response.extra, "curl_info");
    REQUIRE(info);
    CHECK(info->find("\"size_download\":268.0") != std::string::npos);  // `!!float 268`
    CHECK(*curl.interactions[0].request.headers.first("Content-Length") == "0");

    Cassette post = load_cassette(td("php-vcr/curl_post.yml"));
    REQUIRE(post.interactions.size() == 1);
    CHECK(post.interactions[0].response.status == "201 Created");  // {code: 201, message: ''}
    CHECK(post.interactions[0].request.method == "POST");

    // An empty file is php-vcr's empty cassette when the format is named; detected, it is refused.
    CHECK(load_text("", "php-vcr").interactions.empty());
    CHECK(error_of("") == "1:1: empty file: not a cassette");
    // Absent status is 200, as Response::fromArray defaults it; a gzip body is base64.
    Cassette gz = load_text(
        "-\n    request:\n        method: GET\n        url: 'http://a.test/'\n    response:\n"
        "        headers:\n            Content-Type: application/x-gzip\n        body: aGVsbG8=\n");
    CHECK(gz.format == "php-vcr");
    REQUIRE(gz.interactions.size() == 1);
    CHECK(gz.interactions[0].response.code == 200);
    CHECK(gz.interactions[0].response.body.bytes == "hello");
    // The json storage reads the same.
    Cassette js = load_text(
        "[{\"request\":{\"method\":\"GET\",\"url\":\"http://a.test/\"},\"response\":{\"status\":"
        "{\"code\":404,\"message\":\"Not Found\"},\"body\":\"x\"}}]");
    CHECK(js.format == "php-vcr");
    REQUIRE(js.interactions.size() == 1);
    CHECK(js.interactions[0].response.status == "404 Not Found");
}

TEST_CASE("DVR: Unix recorded_at, text, JSON and base64 bodies by Content-Type", "[formats][dvr]") {
    Cassette ex = load_cassette(td("dvr/example.json"));
    CHECK(ex.format == "dvr");
    REQUIRE(ex.interactions.size() == 1);
    CHECK(ex.problems.empty());
    CHECK(ex.interactions[0].response.body.bytes == "hello");
    CHECK(*extra(ex.interactions[0].extra, "recorded_at_utc") == "\"2015-06-19T04:38:41.440751Z\"");
    CHECK(*extra(ex.extra, "name") == "\"example\"");

    Cassette up = load_cassette(td("dvr/upload-data.json"));
    REQUIRE(up.interactions.size() == 1);
    CHECK(up.problems.empty());
    CHECK(up.interactions[0].request.body.bytes.rfind("--65 bytes\r\n", 0) == 0);  // base64 upload
    CHECK(up.interactions[0].response.body.bytes.front() == '{');                  // JSON value, compact
    CHECK(up.interactions[0].response.body.bytes.find("\"url\":\"https://httpbin.org/post\"") != std::string::npos);

    Cassette fail = load_cassette(td("dvr/failed-request-example.json"));
    REQUIRE(fail.interactions.size() == 1);
    CHECK(fail.problems.empty());
    CHECK(fail.interactions[0].response.code == 401);
    // application/vnd.contentful.delivery.v1+json is not application/json*: base64, decoded to its JSON.
    CHECK(fail.interactions[0].response.body.bytes.find("\"sys\"") != std::string::npos);
}

TEST_CASE("talkback: JSON5 tapes, human-readable and base64 bodies, a broken tape", "[formats][talkback]") {
    Cassette saved = load_cassette(td("talkback/saved-request.json5"));
    CHECK(saved.format == "talkback");
    REQUIRE(saved.interactions.size() == 1);
    CHECK(saved.problems.empty());
    const auto& ix = saved.interactions[0];
    CHECK(ix.request.url == "http://localhost:8898/test/3");
    CHECK(ix.response.body.bytes == "{\"ok\":true}");
    CHECK(*ix.response.headers.first("content-type") == "application/json");

    Cassette gz = load_cassette(td("talkback/user-profile-compression-base64.json5"));
    REQUIRE(gz.interactions.size() == 1);
    CHECK(gz.problems.empty());
    const auto& g = gz.interactions[0];
    CHECK(g.request.url == "https://api.github.com/users/ijpiantanida");
    CHECK(g.response.body.bytes.substr(0, 2) == "\x1f\x8b");
    auto d = decode_body(g.response.headers, g.response.body.bytes);
    CHECK(d.compression == Compression::gzip);
    CHECK(d.kind == BodyKind::json);

    // A JSON value body of a human-readable side is JSON.stringify(value, null, 2).
    Cassette obj = load_text(
        "{meta: {host: 'https://a.test', resHumanReadable: true}, req: {url: '/x', method: 'GET',"
        " headers: {}, body: ''}, res: {status: 200, headers: {'content-type': ['application/json']},"
        " body: {a: [1, {}], b: 'c'}}}");
    REQUIRE(obj.interactions.size() == 1);
    CHECK(obj.interactions[0].response.body.bytes == "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": \"c\"\n}");

    // The deliberately truncated tape: refused with the line and column where it breaks.
    std::string broken = testsupport::source_dir() + "/testdata/formats-malformed/talkback-malformed-tape.json";
    CHECK(detect_format(broken) == "talkback");
    try {
        load_cassette(broken);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.pos().line == 5);
        CHECK(e.pos().column == 2);
        CHECK(std::string(e.what()) ==
              "invalid JSON5: unexpected end of file: the object opened at line 1, column 1 has no `}`");
    }
}

TEST_CASE("dd-trace JSON: one exchange per file, decoded text under a gzip header", "[formats][dd-trace]") {
    Cassette a = load_cassette(td("dd-trace/anthropic_v1_messages_post_28bbec95.json"));
    CHECK(a.format == "dd-trace");
    REQUIRE(a.interactions.size() == 1);
    CHECK(a.problems.empty());
    const auto& ix = a.interactions[0];
    CHECK(*ix.response.headers.first("Content-Encoding") == "gzip");
    auto d = decode_body(ix.response.headers, ix.response.body.bytes);
    CHECK(d.kind == BodyKind::json);
    CHECK(d.problems.empty());
    auto m = reassemble(ix, d);
    REQUIRE(m);
    CHECK(m->api == "anthropic");

    // `base64:` bodies are bytes.
    Cassette b = load_text(
        "{\"request\": {\"method\": \"POST\", \"url\": \"https://a.test/\", \"headers\": {}, \"body\": \"\"},"
        " \"response\": {\"status\": {\"code\": 200, \"message\": \"OK\"}, \"headers\": {}, \"body\": "
        "\"base64:AAEC\"}}");
    CHECK(b.format == "dd-trace");
    CHECK(b.interactions[0].response.body.bytes == std::string("\0\1\2", 3));
}

TEST_CASE("detection: each new format is told from the formats that look like it", "[formats]") {
    // Ruby VCR JSON vs Betamax: recorded_with decides, else Python's json.dumps layout.
    CHECK(betamax_sniff("{\"http_interactions\": [], \"recorded_with\": \"betamax/0.8.2\"}"));
    CHECK(!betamax_sniff("{\"http_interactions\":[],\"recorded_with\":\"VCR 6.0.0\"}"));
    CHECK(!betamax_sniff("---\nhttp_interactions:\n- request:\n    method: get\n    uri: https://a.test/\n"));
    CHECK(betamax_sniff("http_interactions:\n- request:\n    method: GET\n  response:\n    url: https://a.test/\n"));
    CHECK(load_text("http_interactions: []\nrecorded_with: VCR 6.0.0\n").format == "ruby-vcr");
    CHECK(load_text("http_interactions: []\nrecorded_with: betamax/0.8.1\n").format == "betamax");
    // VCR.py JSON vs DVR; nock and VCR.py lists vs ExVCR and php-vcr.
    CHECK(load_text("{\"interactions\": [], \"version\": 1}").format != "dvr");
    CHECK(load_text("{\"name\" : \"x\", \"interactions\" : []}").format == "dvr");
    CHECK(
        !exvcr_sniff("[{\"scope\": \"http://a.test:80\", \"method\": \"GET\", \"path\": \"/\", \"status_code\": 1}]"));
    CHECK(!phpvcr_sniff("- request: !!python/object:vcr.request.Request\n    host: a.test\n    method: GET\n"));
    CHECK(phpvcr_sniff("\n-\n    request:\n        method: GET\n        url: 'http://a.test/'\n"));
    CHECK(!phpvcr_sniff("interactions:\n- request:\n    url: http://a.test/\n"));
    // dd-trace: a JSON object whose first key is "request"; talkback: JSON5 whose first key is meta.
    CHECK(ddtrace_sniff("{\n  \"request\": {\"method\": \"GET\"}, \"response\": {}}"));
    CHECK(!ddtrace_sniff("{\"log\": {\"entries\": [{\"request\": {}, \"response\": {}}]}}"));
    CHECK(!ddtrace_sniff("{\"requests\": [], \"responses\": []}"));
    CHECK(talkback_sniff("// tape\n{\n  meta: {}, req: {}, res: {}}"));
    CHECK(talkback_sniff("{\"meta\": {}}"));
    CHECK(!talkback_sniff("{\"metadata\": {}}"));
}

TEST_CASE("CLI: the new formats in show, validate, usage, diff, export and convert", "[formats][cli]") {
    for (const char* f : {"exvcr/elixir_llm_openai_chat_simple.json", "betamax/ksa_betamax_test_cassette.yaml",
                          "php-vcr/unittest_curl_test", "dvr/upload-data.json", "talkback/saved-request.json5",
                          "dd-trace/mistral_v1_chat_completions_post_1798d156.json"}) {
        INFO(f);
        std::string path = td(f);
        std::string format = load_cassette(path).format;
        auto show = testsupport::run_cassette({"show", path});
        CHECK(show.exit_code == 0);
        CHECK(show.out.find(format) != std::string::npos);
        CHECK(testsupport::run_cassette({"usage", path}).exit_code == 0);
        CHECK(testsupport::run_cassette({"diff", path, path}).exit_code == 0);
        auto exp = testsupport::run_cassette({"export", path, "--format", "json"});
        CHECK(exp.exit_code == 0);
        CHECK(exp.out.find("\"format\": \"" + format + "\"") != std::string::npos);
        for (const char* to : {"go-vcr", "vcrpy", "har"}) {
            auto conv = testsupport::run_cassette({"convert", path, "--to", to});
            CHECK(conv.exit_code == 0);
            // What was written reads back with the same requests and statuses.
            Cassette back = load_text(conv.out);
            Cassette orig = load_cassette(path);
            REQUIRE(back.interactions.size() == orig.interactions.size());
            for (size_t i = 0; i < orig.interactions.size(); ++i) {
                CHECK(back.interactions[i].request.url == orig.interactions[i].request.url);
                CHECK(back.interactions[i].response.code == orig.interactions[i].response.code);
                CHECK(back.interactions[i].response.body.bytes == orig.interactions[i].response.body.bytes);
            }
        }
    }
    // scrub has no roles for these layouts: it refuses them rather than call them clean.
    auto scrub = testsupport::run_cassette({"scrub", "--check", td("talkback/saved-request.json5")});
    CHECK(scrub.exit_code == 2);
    CHECK(scrub.err.find("scrub cannot rewrite talkback files yet") != std::string::npos);
    auto forced = testsupport::run_cassette({"show", td("php-vcr/unittest_curl_test"), "--input-format", "dvr"});
    CHECK(forced.exit_code == 2);
    auto broken = testsupport::run_cassette(
        {"validate", testsupport::source_dir() + "/testdata/formats-malformed/talkback-malformed-tape.json"});
    CHECK(broken.exit_code != 0);
    CHECK((broken.out + broken.err).find("talkback-malformed-tape.json:5:2:") != std::string::npos);
}

TEST_CASE("testdata of the new formats: messages and bodies", "[formats][testdata]") {
    std::string out;
    for (const char* dir : {"exvcr", "betamax", "php-vcr", "dvr", "talkback", "dd-trace"}) {
        std::vector<std::string> files;
        for (auto& e : fs::directory_iterator(td(dir)))
            if (e.path().filename().string().rfind("LICENSE", 0) != 0) files.push_back(e.path().string());
        std::sort(files.begin(), files.end());
        for (const auto& path : files) {
            INFO(path);
            Cassette c = load_cassette(path);
            CHECK(c.problems.empty());
            CHECK(detect_format(path) == c.format);
            out += "# " + std::string(dir) + "/" + fs::path(path).filename().string() + " (" + c.format + ", " +
                   std::to_string(c.interactions.size()) + (c.recorder.empty() ? "" : ", " + c.recorder) + ")\n";
            out += summary(c);
        }
    }
    testsupport::check_golden("formats/recorders-testdata.txt", out);
}

TEST_CASE("every corpus-3 file of ExVCR, Betamax, php-vcr, DVR, talkback and dd-trace reads", "[formats][corpus]") {
    REQUIRE(fs::is_directory(corpus3()));
    std::map<std::string, size_t> files, interactions;
    std::string out;
    for (const auto& folder : kFolders) {
        for (const auto& path : corpus3_files(folder)) {
            std::string rel = fs::path(path).lexically_relative(corpus3()).string();
            INFO(rel);
            std::string name = fs::path(path).filename().string();
            if (name == "malformed-tape.json") {  // deliberately truncated
                CHECK(detect_format(path) == "talkback");
                CHECK_THROWS_WITH(
                    load_cassette(path),
                    "invalid JSON5: unexpected end of file: the object opened at line 1, column 1 has no `}`");
                continue;
            }
            if (fs::file_size(path) == 0) {  // php-vcr's empty cassette
                ReadOptions o;
                o.input_format = "php-vcr";
                CHECK(load_cassette(path, o).interactions.empty());
                ++files[folder];
                continue;
            }
            Cassette c;
            REQUIRE_NOTHROW(c = load_cassette(path));
            CHECK(c.problems.empty());
            for (const auto& p : c.problems) UNSCOPED_INFO(p.message);
            CHECK(c.format == folder_format(folder));
            CHECK(detect_format(path) == c.format);
            ++files[folder];
            interactions[folder] += c.interactions.size();
            out += "# " + rel + " (" + c.format + ", " + std::to_string(c.interactions.size()) +
                   (c.recorder.empty() ? "" : ", " + c.recorder) + ")\n" + summary(c);
        }
    }
    // The counts of corpus-3/README.md (talkback: 10 tapes beside the broken one; php-vcr: 6 files beside the empty
    // one).
    CHECK(files["exvcr"] == 24);
    CHECK(interactions["exvcr"] == 28);
    CHECK(files["betamax"] == 20);
    CHECK(interactions["betamax"] == 35);
    CHECK(files["php-vcr"] == 7);
    CHECK(interactions["php-vcr"] == 12);
    CHECK(files["dvr"] == 5);
    CHECK(interactions["dvr"] == 6);
    CHECK(files["talkback"] == 10);
    CHECK(interactions["talkback"] == 10);
    CHECK(files["dd-trace-json"] == 6);
    CHECK(interactions["dd-trace-json"] == 6);
    testsupport::check_golden("formats/recorders-corpus3.txt", out);
}
