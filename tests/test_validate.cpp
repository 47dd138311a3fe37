#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "validate.hpp"
#include "reader.hpp"
#include "validation.hpp"
#include "test_support.hpp"

using namespace cassette;
namespace fs = std::filesystem;

namespace {

struct Spec {
    std::string request_headers = "      Content-Type:\n      - application/json\n";
    std::string request_extra;  // more request fields (content_length …)
    std::string url = "https://api.example.com/v1/things";
    std::string method = "POST";
    std::string request_body = "'{\"a\":1}'";
    std::string response_extra;
    std::string response_headers = "      Content-Type:\n      - application/json\n";
    std::string response_body = "'{\"ok\":true}'";
    std::string status = "200 OK";
    std::string code = "200";
    std::string duration = "1.5s";
};

std::string cassette_text(const Spec& s) {
    return "---\nversion: 2\ninteractions:\n- id: 0\n  request:\n" + s.request_extra + "    body: " + s.request_body +
           "\n    headers:\n" + s.request_headers + "    url: " + s.url + "\n    method: " + s.method +
           "\n  response:\n" + s.response_extra + "    body: " + s.response_body + "\n    headers:\n" +
           s.response_headers + "    status: " + s.status + "\n    code: " + s.code + "\n    duration: " + s.duration +
           "\n";
}

std::vector<Finding> check(const Spec& s) {
    Cassette c = load_cassette_from_string(cassette_text(s), "test.yaml");
    REQUIRE(c.problems.empty());
    REQUIRE(c.interactions.size() == 1);
    return validate_interaction(c.interactions[0]);
}

std::vector<Finding> of_rule(const std::vector<Finding>& fs, const std::string& rule) {
    std::vector<Finding> out;
    for (const auto& f : fs)
        if (f.rule == rule) out.push_back(f);
    return out;
}

std::string describe(const std::vector<Finding>& fs) {
    std::string s;
    for (const auto& f : fs)
        s += std::to_string(f.pos.line) + ":" + std::to_string(f.pos.column) + " " + f.rule + " " +
             severity_name(f.severity) + " " + f.message + "\n";
    return s;
}

std::string fixture(const std::string& name) { return testsupport::source_dir() + "/testdata/validate/" + name; }

}  // namespace

TEST_CASE("a clean interaction has no findings", "[validate]") {
    auto fs = check(Spec{});
    INFO(describe(fs));
    CHECK(fs.empty());
}

TEST_CASE("status rule", "[validate]") {
    Spec s;
    s.status = "404 OK";
    auto fs = of_rule(check(s), "status");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::error);
    CHECK(fs[0].pos.line == 17);
    CHECK(fs[0].message.find("200 OK") != std::string::npos);

    s.status = "200 Not Found";  // another code's phrase
    fs = of_rule(check(s), "status");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::error);

    s.status = "200 Fine";  // not standard, but not wrong either
    fs = of_rule(check(s), "status");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::warning);

    s.status = "\"\"";  // empty status with a code: accepted
    CHECK(of_rule(check(s), "status").empty());
    s.status = "200";
    CHECK(of_rule(check(s), "status").empty());
    s.status = "422 Unprocessable Content";  // RFC 9110 spelling
    s.code = "422";
    CHECK(of_rule(check(s), "status").empty());
    s.status = "\"\"";
    s.code = "999";
    fs = of_rule(check(s), "status");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].pos.line == 18);
}

TEST_CASE("content-length rule", "[validate]") {
    Spec s;
    s.response_extra = "    content_length: 5\n";
    auto fs = of_rule(check(s), "content-length");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::error);
    CHECK(fs[0].pos.line == 13);
    CHECK(fs[0].message.find("11 bytes") != std::string::npos);

    s.response_extra = "    content_length: 11\n";  // right
    CHECK(of_rule(check(s), "content-length").empty());
    s.response_extra = "    content_length: -1\n";  // unknown
    CHECK(of_rule(check(s), "content-length").empty());
    s.response_extra = "    content_length: 5\n    uncompressed: true\n";  // body stored decoded
    CHECK(of_rule(check(s), "content-length").empty());

    // The header is checked too; a stale one under Content-Encoding over a decoded body is not.
    s.response_extra = "";
    s.response_headers = "      Content-Length:\n      - \"7\"\n";
    fs = of_rule(check(s), "content-length");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].pos.line == 15);
    s.response_headers = "      Content-Encoding:\n      - gzip\n      Content-Length:\n      - \"7\"\n";
    CHECK(of_rule(check(s), "content-length").empty());
    s.response_headers = "      Content-Length:\n      - \"7\"\n";
    s.method = "HEAD";
    CHECK(of_rule(check(s), "content-length").empty());

    // Request: a warning (recorders rewrite request bodies).
    Spec r;
    r.request_extra = "    content_length: 3\n";
    fs = of_rule(check(r), "content-length");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::warning);
    CHECK(fs[0].pos.line == 6);
}

TEST_CASE("json-body rule points at the body line", "[validate]") {
    Spec s;
    s.response_body = "|\n      {\n        \"a\": 1,\n        \"b\": }\n";
    auto fs = of_rule(check(s), "json-body");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::error);
    CHECK(fs[0].pos.line == 16);  // `"b": }` is body line 3
    // The request body too.
    Spec r;
    r.request_body = "'{\"a\":'";
    fs = of_rule(check(r), "json-body");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].pos.line == 6);
    // Not declared JSON: not this rule's business.
    r.request_headers = "      Content-Type:\n      - text/plain\n";
    CHECK(of_rule(check(r), "json-body").empty());
}

TEST_CASE("duration rule", "[validate]") {
    Spec s;
    for (const char* ok : {"\"\"", "0s", "1.2101485s", "460.6ms", "1m2s"}) {
        s.duration = ok;
        INFO(ok);
        CHECK(of_rule(check(s), "duration").empty());
    }
    for (const char* bad : {"-1s", "soon", "2h", "5000000000000"}) {
        s.duration = bad;
        INFO(bad);
        auto fs = of_rule(check(s), "duration");
        REQUIRE(fs.size() == 1);
        CHECK(fs[0].severity == Severity::warning);
        CHECK(fs[0].pos.line == 19);
    }
}

TEST_CASE("secret rule: headers, query, bodies", "[validate]") {
    const std::string key = std::string("sk-") + "ant-api03-" + "Zq3F9xT2mK8pL1vB7nR4cW6yH0jD5sG";
    Spec s;
    s.request_headers = "      X-Api-Key:\n      - " + key + "\n";
    auto fs = of_rule(check(s), "secret");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::error);
    CHECK(fs[0].pos.line == 8);
    CHECK(fs[0].message.find(key) == std::string::npos);  // never printed whole
    CHECK(fs[0].message.find("Anthropic API key") != std::string::npos);

    s.request_headers = "      X-Api-Key:\n      - fake-api-key-for-testing-only\n";
    fs = of_rule(check(s), "secret");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::warning);
    CHECK(fs[0].message.find("fake-api-key-for-testing-only") == std::string::npos);

    for (const char* marker : {"REDACTED", "\"[FILTERED]\"", "\"***\"", "\"\"", "Bearer REDACTED"}) {
        s.request_headers = std::string("      Authorization:\n      - ") + marker + "\n";
        INFO(marker);
        CHECK(of_rule(check(s), "secret").empty());
    }

    Spec q;
    q.url = "https://generativelanguage.googleapis.com/v1beta/models/x:generateContent?key=" + std::string("AI") +
            "zaSyD4kP9mQ2rT7vX1bN6cF3hJ8lW0sZ5yE-q";
    fs = of_rule(check(q), "secret");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].pos.line == 10);
    CHECK(fs[0].message.find("URL query parameter key") != std::string::npos);
    q.url = "https://example.com/v1?key=value&api_key=REDACTED";  // `key` with a plain word: fine
    CHECK(of_rule(check(q), "secret").empty());
    q.url = "https://example.com/v1?api_key=changeme";
    fs = of_rule(check(q), "secret");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::warning);

    Spec b;
    b.response_body = "|\n      {\n        \"echo\": \"Bearer " + key + "\"\n      }\n";
    fs = of_rule(check(b), "secret");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::error);
    CHECK(fs[0].pos.line == 15);
}

TEST_CASE("usage-mismatch rule", "[validate]") {
    Spec s;
    s.url = "https://api.openai.com/v1/chat/completions";
    const std::string head =
        "'{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{"
        "\"role\":"
        "\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":";
    s.response_body = head + "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}'";
    CHECK(of_rule(check(s), "usage-mismatch").empty());
    s.response_body = head + "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":16}}'";
    auto fs = of_rule(check(s), "usage-mismatch");
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == Severity::warning);
    CHECK(fs[0].message.find("16") != std::string::npos);
    // xAI counts reasoning outside the completion count: accepted.
    s.response_body = head +
                      "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":45,"
                      "\"completion_tokens_details\":{\"reasoning_tokens\":30}}}'";
    CHECK(of_rule(check(s), "usage-mismatch").empty());

    Spec g;
    g.url = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent";
    const std::string ghead =
        "'{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}],\"role\":\"model\"},\"finishReason\":\"STOP\"}],"
        "\"usageMetadata\":";
    g.response_body =
        ghead +
        "{\"promptTokenCount\":8,\"candidatesTokenCount\":2,\"thoughtsTokenCount\":20,\"totalTokenCount\":30}}'";
    CHECK(of_rule(check(g), "usage-mismatch").empty());
    g.response_body =
        ghead +
        "{\"promptTokenCount\":8,\"candidatesTokenCount\":2,\"thoughtsTokenCount\":20,\"totalTokenCount\":10}}'";
    CHECK(of_rule(check(g), "usage-mismatch").size() == 1);
}

TEST_CASE("interaction-id rule needs the whole file", "[validate]") {
    auto ids = [](const std::string& version, const std::vector<std::string>& list) {
        std::string text = "version: " + version + "\ninteractions:\n";
        for (const auto& id : list)
            text +=
                "- id: " + id +
                "\n  request:\n    url: http://x/\n    method: GET\n  response:\n    code: 200\n    status: 200 OK\n";
        Cassette c = load_cassette_from_string(text, "ids.yaml");
        CassetteValidator v;
        for (const auto& ix : c.interactions) v.check(ix);
        v.finish(c);
        return of_rule(v.take(), "interaction-id");
    };
    CHECK(ids("2", {"0", "1", "2"}).empty());
    CHECK(ids("2", {"0", "2", "5"}).empty());  // gaps: interactions deleted by hand
    auto fs = ids("2", {"0", "1", "1"});
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].interaction == 2u);
    CHECK(fs[0].pos.line == 17);
    fs = ids("2", {"0", "2", "1"});
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].message.find("comes after") != std::string::npos);
    CHECK(ids("1", {"0", "0"}).empty());  // format 1 has no ids to speak of
}

TEST_CASE("one mutated fixture per rule is caught at its line", "[validate]") {
    struct Case {
        const char* file;
        const char* rule;
        Severity severity;
        int line;
    };
    const Case cases[] = {
        {"yaml_syntax.yaml", "yaml-syntax", Severity::error, 11},
        {"schema.yaml", "schema", Severity::error, 68},
        {"interaction_id.yaml", "interaction-id", Severity::error, 80},
        {"status.yaml", "status", Severity::error, 67},
        {"content_length.yaml", "content-length", Severity::error, 25},
        {"json_body.yaml", "json-body", Severity::error, 31},
        {"sse_syntax.yaml", "sse-syntax", Severity::error, 31},
        {"stream_truncated.yaml", "stream-truncated", Severity::error, 29},
        {"eventstream_crc.yaml", "eventstream-crc", Severity::error, 26},
        {"usage_mismatch.yaml", "usage-mismatch", Severity::warning, 49},
        {"secret.yaml", "secret", Severity::error, 15},
        {"duration.yaml", "duration", Severity::warning, 69},
    };
    std::set<std::string> covered;
    for (const Case& c : cases) {
        FileReport r = validate_file(fixture(c.file));
        INFO(c.file << "\n" << describe(r.findings));
        REQUIRE_FALSE(r.trouble);
        // Exactly the one finding the mutation causes: nothing else in the file is wrong.
        REQUIRE(r.findings.size() == 1);
        CHECK(r.findings[0].rule == c.rule);
        CHECK(r.findings[0].severity == c.severity);
        CHECK(r.findings[0].pos.line == c.line);
        covered.insert(c.rule);
    }
    CHECK(covered.size() == validation_rules().size());
}

TEST_CASE("bodies that do not decompress: reported under the declared type's rule", "[validate][malformed]") {
    // testdata/validate/content_encoding_*.yaml: the response body gzipped and
    // cut in half, under Content-Encoding: gzip (docs/validate-ci.md).
    struct Case {
        const char* file;
        const char* rule;
        int line;
    };
    const Case cases[] = {
        {"content_encoding_json.yaml", "json-body", 27},
        {"content_encoding_sse.yaml", "sse-syntax", 26},
        {"content_encoding_other.yaml", "schema", 27},
    };
    for (const Case& c : cases) {
        FileReport r = validate_file(fixture(c.file));
        INFO(c.file << "\n" << describe(r.findings));
        REQUIRE_FALSE(r.trouble);
        // One finding: not also json-body / stream-truncated about the compressed bytes.
        REQUIRE(r.findings.size() == 1);
        CHECK(r.findings[0].rule == c.rule);
        CHECK(r.findings[0].severity == Severity::error);
        CHECK(r.findings[0].pos.line == c.line);
        CHECK_THAT(r.findings[0].message,
                   Catch::Contains("response body: cannot decode gzip body: truncated gzip stream"));
    }
    SECTION("an event stream that does not decompress is eventstream-crc") {
        Interaction ix =
            testsupport::make_ix("https://bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke-with-response-stream");
        ix.response.headers.items.push_back({"Content-Type", {"application/vnd.amazon.eventstream"}, {}});
        ix.response.headers.items.push_back({"Content-Encoding", {"gzip"}, {}});
        ix.response.body.bytes =
            std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);  // a gzip header, nothing after
        auto fs = validate_interaction(ix);
        INFO(describe(fs));
        REQUIRE(fs.size() == 1);
        CHECK(fs[0].rule == "eventstream-crc");
    }
    SECTION("a decoded body stored under a gzip header is not a finding") {
        Interaction ix = testsupport::make_ix("https://api.openai.com/v1/chat/completions");
        ix.response.headers.items.push_back({"Content-Type", {"application/json"}, {}});
        ix.response.headers.items.push_back({"Content-Encoding", {"gzip"}, {}});
        ix.response.body.bytes = "{\"ok\": true}";
        CHECK(validate_interaction(ix).empty());
    }
}

TEST_CASE("the corpus passes except its genuine findings", "[validate][corpus]") {
    // Every finding in ../shared/corpus, exactly: a new false positive fails here.
    const std::multiset<std::string> expected{
        // anthropic-sdk-go records its test placeholder key: a secret warning per request.
        "anthropic-sdk-go/tool_runner_basic.yaml:18 secret warning",
        "anthropic-sdk-go/tool_runner_basic.yaml:107 secret warning",
        "anthropic-sdk-go/tool_runner_context_cancel.yaml:18 secret warning",
        "anthropic-sdk-go/tool_runner_max_iterations.yaml:18 secret warning",
        "anthropic-sdk-go/tool_runner_max_iterations.yaml:109 secret warning",
        "anthropic-sdk-go/tool_runner_next_streaming.yaml:17 secret warning",
        "anthropic-sdk-go/tool_runner_streaming_all.yaml:17 secret warning",
        "anthropic-sdk-go/tool_runner_streaming_all.yaml:175 secret warning",
        "anthropic-sdk-go/tool_runner_tool_call_error.yaml:17 secret warning",
        "anthropic-sdk-go/tool_runner_tool_call_error.yaml:105 secret warning",
        "anthropic-sdk-go/tool_runner_tool_call_error.yaml:196 secret warning",
        // The fantasy recorder rewrites Vertex Gemini request bodies after
        // measuring them (thought signatures): request content_length is stale.
        "fantasy/TestGoogleCommon/vertex-gemini-2-5-flash/multi_tool.yaml:93 content-length warning",
        "fantasy/TestGoogleCommon/vertex-gemini-2-5-flash/multi_tool_streaming.yaml:41 content-length warning",
        "fantasy/TestGoogleCommon/vertex-gemini-2-5-flash/tool.yaml:83 content-length warning",
        "fantasy/TestGoogleCommon/vertex-gemini-2-5-flash/tool_streaming.yaml:41 content-length warning",
        "fantasy/TestGoogleCommon/vertex-gemini-2-5-pro/multi_tool.yaml:93 content-length warning",
        "fantasy/TestGoogleCommon/vertex-gemini-2-5-pro/multi_tool_streaming.yaml:41 content-length warning",
        "fantasy/TestGoogleCommon/vertex-gemini-2-5-pro/tool.yaml:83 content-length warning",
        "fantasy/TestGoogleCommon/vertex-gemini-2-5-pro/tool_streaming.yaml:41 content-length warning",
        // go-vcr's own test sends `Authorization: Bearer foo`.
        "go-vcr/json-content-type.yaml:18 secret warning",
    };
    const std::string root = testsupport::corpus_dir();
    std::multiset<std::string> actual;
    std::string details;
    size_t files = 0;
    for (const auto& path : testsupport::corpus_files(root)) {
        FileReport r = validate_file(path);
        ++files;
        REQUIRE_FALSE(r.trouble);
        std::string rel = fs::relative(path, root).generic_string();
        for (const auto& f : r.findings) {
            actual.insert(rel + ":" + std::to_string(f.pos.line) + " " + f.rule + " " + severity_name(f.severity));
            details += rel + ":" + std::to_string(f.pos.line) + " " + f.rule + ": " + f.message + "\n";
        }
    }
    INFO(details);
    CHECK(files > 250);
    CHECK(actual == expected);
}

TEST_CASE("validate command: exit status and options", "[validate]") {
    using testsupport::run_cassette;
    auto clean = run_cassette({"validate", "testdata/validate/usage_mismatch.yaml"});
    CHECK(clean.exit_code == 0);  // warnings alone pass
    CHECK(clean.out.find("1 warning") != std::string::npos);
    CHECK(run_cassette({"validate", "--strict", "testdata/validate/usage_mismatch.yaml"}).exit_code == 1);
    CHECK(run_cassette({"validate", "testdata/validate/status.yaml"}).exit_code == 1);

    auto ignored = run_cassette({"validate", "--ignore", "status", "--ignore", "secret",
                                 "testdata/validate/status.yaml", "testdata/validate/secret.yaml"});
    CHECK(ignored.exit_code == 0);
    CHECK(ignored.out == "checked 2 files: 0 errors, 0 warnings\n");

    auto unknown_rule = run_cassette({"validate", "--ignore", "nope", "testdata/validate/status.yaml"});
    CHECK(unknown_rule.exit_code == 2);
    CHECK(unknown_rule.err.find("cassette: error:") != std::string::npos);

    // A missing path is trouble (2), but the other files are still checked.
    auto missing = run_cassette({"validate", "testdata/validate/no-such.yaml", "testdata/validate/status.yaml"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("no-such.yaml") != std::string::npos);
    CHECK(missing.out.find("[status]") != std::string::npos);

    // A parse failure is a finding (1), not trouble.
    auto broken = run_cassette({"validate", "testdata/validate/yaml_syntax.yaml"});
    CHECK(broken.exit_code == 1);
    CHECK(broken.err.empty());

    // Standard input.
    std::string text = testsupport::read_file(fixture("duration.yaml"));
    auto in = run_cassette({"validate", "--format", "github", "-"}, &text);
    CHECK(in.exit_code == 0);
    CHECK(in.out.rfind("::warning file=-,line=69,col=15,title=duration::interaction 0: ", 0) == 0);

    // Quiet: only what fails.
    auto quiet = run_cassette({"validate", "-q", "testdata/validate/duration.yaml", "testdata/validate/status.yaml"});
    CHECK(quiet.exit_code == 1);
    CHECK(quiet.out.find("[duration]") == std::string::npos);
    CHECK(quiet.out.find("[status]") != std::string::npos);
    CHECK(quiet.out.find("checked") == std::string::npos);
}

TEST_CASE("validate command: parallel output is stable", "[validate][corpus]") {
    using testsupport::run_cassette;
    auto one = run_cassette({"validate", "-j", "1", "--format", "json", "../shared/corpus"});
    auto many = run_cassette({"validate", "-j", "8", "--format", "json", "../shared/corpus"});
    CHECK(one.exit_code == 0);
    CHECK(one.out == many.out);
    CHECK(one.out.find("\"warnings\": 20") != std::string::npos);
}

TEST_CASE("validate command: golden output per format", "[validate]") {
    using testsupport::run_cassette;
    for (const char* format : {"text", "json", "github"}) {
        auto r = run_cassette({"validate", "--format", format, "testdata/validate"});
        INFO(format << "\n" << r.err);
        CHECK(r.exit_code == 1);
        testsupport::check_golden(std::string("validate/fixtures.") + format, r.out);
    }
}

TEST_CASE("validate command: golden output for the corpus", "[validate][corpus]") {
    using testsupport::run_cassette;
    auto corpus = run_cassette({"validate", "../shared/corpus"});
    CHECK(corpus.exit_code == 0);
    testsupport::check_golden("validate/corpus.text", corpus.out);
}
