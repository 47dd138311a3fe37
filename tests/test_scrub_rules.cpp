#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "decode/body.hpp"
#include "reader.hpp"
#include "scrub/doc_tree.hpp"
#include "scrub/rules.hpp"
#include "validation.hpp"

using namespace cassette;
using namespace cassette::scrub;

namespace {

// Built from pieces so that this source file itself holds no key-shaped token.
std::string key(const std::string& prefix, const std::string& rest) { return prefix + rest; }
const std::string kRandom40 = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0";
const std::string kOpenAI = key("sk-", "proj-" + kRandom40);
const std::string kAkid = key("AKIA", "Z7QW3RTY5UIO2PLK");  // 16 after the prefix
const std::string kJwt = key("eyJ", "hbGciOiJIUzI1NiJ9") + "." + key("eyJ", "zdWIiOiIxMjM0NTY3ODkwIn0") +
                         ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

std::string scrubbed(std::string_view value, const std::vector<TextEdit>& edits) { return apply_edits(value, edits); }

// Rules on their own result find nothing more.
template <typename F>
void check_idempotent(const F& rule, const std::string& value) {
    const std::string once = apply_edits(value, rule(value));
    CHECK(rule(once).empty());
}

}  // namespace

TEST_CASE("scrub rules: apply_edits in any order", "[scrub][rules]") {
    std::vector<TextEdit> edits(2);
    edits[0].offset = 6;
    edits[0].length = 1;
    edits[0].replacement = "XY";
    edits[1].offset = 0;
    edits[1].length = 2;
    edits[1].replacement = "";
    CHECK(apply_edits("abcdefgh", edits) == "cdefXYh");
}

TEST_CASE("scrub rules: Authorization keeps its scheme", "[scrub][rules]") {
    Policy p;
    Rules r(p);
    const std::string v = "Bearer " + kOpenAI;
    auto edits = r.header_value("Authorization", v);
    REQUIRE(edits.size() == 1);
    CHECK(scrubbed(v, edits) == "Bearer REDACTED");
    CHECK(edits[0].rule == "header");
    CHECK(edits[0].what == "Authorization");
    CHECK(edits[0].masked.find("…") != std::string::npos);
    CHECK(edits[0].masked.find(kOpenAI) == std::string::npos);
    CHECK(edits[0].line == 0);
    CHECK(scrubbed("Basic dXNlcjpwYXNz", r.header_value("proxy-authorization", "Basic dXNlcjpwYXNz")) ==
          "Basic REDACTED");
    // A placeholder where a credential goes is scrubbed too; markers are not.
    CHECK(scrubbed("my-test-key", r.header_value("X-Api-Key", "my-test-key")) == "REDACTED");
    CHECK(r.header_value("X-Api-Key", "REDACTED").empty());
    CHECK(r.header_value("Authorization", "Bearer [FILTERED]").empty());
    CHECK(r.header_value("Authorization", "<API_KEY>").empty());
    CHECK(r.header_value("x-goog-api-key", "***").empty());
    // Other headers: only key shapes.
    CHECK(r.header_value("Content-Type", "application/json").empty());
    auto shaped = r.header_value("X-Debug", "key=" + kOpenAI);
    REQUIRE(shaped.size() == 1);
    CHECK(shaped[0].rule == "key-shape");
    CHECK(shaped[0].what == "OpenAI API key");
    check_idempotent([&](const std::string& s) { return r.header_value("Authorization", s); }, v);
    check_idempotent([&](const std::string& s) { return r.header_value("X-Api-Key", s); }, std::string("abc"));
}

TEST_CASE("scrub rules: SigV4 keeps algorithm, scope and SignedHeaders", "[scrub][rules]") {
    Rules r{Policy{}};
    const std::string sig(64, 'a');
    const std::string v =
        "AWS4-HMAC-SHA256 Credential=" + kAkid +
        "/20240101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0123456789abcdef" +
        sig.substr(16);
    auto edits = r.header_value("Authorization", v);
    REQUIRE(edits.size() == 2);
    CHECK(scrubbed(v, edits) ==
          "AWS4-HMAC-SHA256 Credential=REDACTED/20240101/us-east-1/bedrock/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=REDACTED");
    CHECK(edits[0].what == "Authorization access key id");
    CHECK(edits[1].what == "Authorization signature");
    check_idempotent([&](const std::string& s) { return r.header_value("Authorization", s); }, v);
    // A replacement with a '/' in it is still recognised on a second run.
    Policy p;
    p.replacement = "x/y";
    Rules slash(p);
    check_idempotent([&](const std::string& s) { return slash.header_value("Authorization", s); }, v);
    const std::string q = "/o?X-Amz-Credential=" + kAkid + "%2F20240101%2Fus-east-1%2Fs3%2Faws4_request";
    CHECK(scrubbed(q, slash.url(q)) == "/o?X-Amz-Credential=x%2Fy%2F20240101%2Fus-east-1%2Fs3%2Faws4_request");
    check_idempotent([&](const std::string& s) { return slash.url(s); }, q);
}

TEST_CASE("scrub rules: cookies keep names and attributes", "[scrub][rules]") {
    Rules r{Policy{}};
    const std::string c = "session=abc123def; theme=dark; csrf=\"q1w2e3\"";
    auto edits = r.header_value("Cookie", c);
    CHECK(scrubbed(c, edits) == "session=REDACTED; theme=REDACTED; csrf=\"REDACTED\"");
    REQUIRE(edits.size() == 3);
    CHECK(edits[0].what == "Cookie session");
    const std::string sc = "session=abc123def; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly";
    CHECK(scrubbed(sc, r.header_value("set-cookie", sc)) ==
          "session=REDACTED; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly");
    check_idempotent([&](const std::string& s) { return r.header_value("Cookie", s); }, c);
    CHECK(scrubbed("abc; b=1;", r.header_value("Cookie", "abc; b=1;")) == "REDACTED; b=REDACTED;");
    check_idempotent([&](const std::string& s) { return r.header_value("Set-Cookie", s); }, sc);
}

TEST_CASE("scrub rules: --keep and added names", "[scrub][rules]") {
    Policy p;
    p.keep = {"header"};
    Rules keep(p);
    CHECK(keep.header_value("Authorization", "Bearer abc").empty());
    // Key shapes are a rule of their own.
    CHECK(keep.header_value("Authorization", "Bearer " + kOpenAI).size() == 1);

    Policy q;
    q.headers = {"X-Session"};
    q.query = {"code"};
    q.json_keys = {"session_id"};
    Rules more(q);
    CHECK(scrubbed("abc", more.header_value("x-session", "abc")) == "REDACTED");
    CHECK(scrubbed("/a?code=xyz&x=1", more.url("/a?code=xyz&x=1")) == "/a?code=REDACTED&x=1");
    CHECK(scrubbed("s1", more.json_member("sessionId", "s1")) == "REDACTED");
}

TEST_CASE("scrub rules: query parameters", "[scrub][rules]") {
    Rules r{Policy{}};
    const std::string u = "https://api.example.com/v1/x?alt=sse&key=" + kRandom40 + "&api_key=abc#frag";
    auto edits = r.url(u);
    CHECK(scrubbed(u, edits) == "https://api.example.com/v1/x?alt=sse&key=REDACTED&api_key=REDACTED#frag");
    REQUIRE(edits.size() == 2);
    CHECK(edits[0].rule == "query");
    CHECK(edits[0].what == "query parameter key");
    // Ambiguous names: only a credential-shaped value.
    CHECK(r.url("https://cdn.example.com/img?key=photos/1.jpg&token=abc&sig=x").empty());
    // Not ambiguous: placeholders too.
    CHECK(scrubbed("/x?access_token=test", r.url("/x?access_token=test")) == "/x?access_token=REDACTED");
    CHECK(r.url("/x?access_token=REDACTED&client_secret=%5BFILTERED%5D").empty());
    // X-Amz-Credential keeps the scope, encoded or not.
    const std::string presigned =
        "https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + kAkid +
        "%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=" +
        "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0";
    CHECK(scrubbed(presigned, r.url(presigned)) ==
          "https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED"
          "%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=REDACTED");
    // The URL's password.
    auto pw = r.url("https://user:hunter2@db.example.com/x");
    REQUIRE(pw.size() == 1);
    CHECK(pw[0].rule == "url-password");
    CHECK(scrubbed("https://user:hunter2@db.example.com/x", pw) == "https://user:REDACTED@db.example.com/x");
    // A replacement that needs it is percent-encoded.
    Policy p;
    p.replacement = "[gone now]";
    Rules enc(p);
    const std::string v = "/x?api_key=abc";
    const std::string once = scrubbed(v, enc.url(v));
    CHECK(once == "/x?api_key=%5Bgone%20now%5D");
    CHECK(enc.url(once).empty());
    check_idempotent([&](const std::string& s) { return r.url(s); }, u);
    check_idempotent([&](const std::string& s) { return r.url(s); }, presigned);
}

TEST_CASE("scrub rules: form bodies", "[scrub][rules]") {
    Rules r{Policy{}};
    const std::string f = "grant_type=refresh_token&refresh_token=abc+def&client_secret=" + kRandom40;
    auto edits = r.form(f);
    CHECK(scrubbed(f, edits) == "grant_type=refresh_token&refresh_token=REDACTED&client_secret=REDACTED");
    REQUIRE(edits.size() == 2);
    CHECK(edits[0].what == "form field refresh_token");
}

TEST_CASE("scrub rules: key shapes and PEM in free text", "[scrub][rules]") {
    Rules r{Policy{}};
    const std::string t = "first " + kOpenAI + "\nsecond " + kJwt + " and " + kOpenAI + "\n";
    auto edits = r.text(t);
    REQUIRE(edits.size() == 3);  // every hit, not the first few
    CHECK(edits[0].line == 1);
    CHECK(edits[1].line == 2);
    CHECK(edits[1].what == "JWT");
    CHECK(edits[1].masked.rfind("\"eyJ", 0) == 0);
    CHECK(scrubbed(t, edits) == "first REDACTED\nsecond REDACTED and REDACTED\n");

    const std::string pem =
        "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabcdefgh==\n"
        "-----END RSA PRIVATE KEY-----\ntail";
    auto pe = r.text(pem);
    REQUIRE(pe.size() == 1);
    CHECK(pe[0].rule == "pem");
    CHECK(pe[0].line == 3);
    CHECK(pe[0].replacement.find('\n') == std::string::npos);
    CHECK(scrubbed(pem, pe) == "key:\n-----BEGIN RSA PRIVATE KEY-----\nREDACTED\n-----END RSA PRIVATE KEY-----\ntail");
    check_idempotent([&](const std::string& s) { return r.text(s); }, pem);
    check_idempotent([&](const std::string& s) { return r.text(s); }, t);
    // A public key, a certificate, a BEGIN without END: left alone.
    CHECK(r.text("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----").empty());
    CHECK(r.text("-----BEGIN PRIVATE KEY-----\nMIIB").empty());
}

TEST_CASE("scrub rules: patterns with and without a group", "[scrub][rules]") {
    Policy p;
    p.patterns = {"acct-[0-9]{6}", "user=(\\w+)"};
    Rules r(p);
    const std::string t = "acct-123456 user=alice acct-654321 user=REDACTED";
    auto edits = r.text(t);
    CHECK(scrubbed(t, edits) == "REDACTED user=REDACTED REDACTED user=REDACTED");
    REQUIRE(edits.size() == 3);
    CHECK(edits[0].rule == "pattern");
    check_idempotent([&](const std::string& s) { return r.text(s); }, t);
    // A pattern that can match the empty string ends.
    Policy e;
    e.patterns = {"x*"};
    CHECK(scrubbed("axxb", Rules(e).text("axxb")) == "aREDACTEDb");

    Policy bad;
    bad.patterns = {"ok", "(unclosed"};
    try {
        Rules broken(bad);
        FAIL("no exception");
    } catch (const std::invalid_argument& ex) {
        const std::string what = ex.what();
        CHECK(what.find("(unclosed") != std::string::npos);
        CHECK(what.find("missing )") != std::string::npos);
    }
}

TEST_CASE("scrub rules: JSON keys at any depth, escapes mapped to the raw text", "[scrub][rules]") {
    Rules r{Policy{}};
    const std::string j = R"({"user":{"password":"p\u00e1ss","apiKey":"x","refresh-token":"REDACTED",)"
                          R"("list":[{"Access_Token":"t"}],"n":{"password":12}},"note":"a\/b )" +
                          kOpenAI + R"( \u00e1"})";
    auto edits = r.json_text(j);
    REQUIRE(edits);
    const std::string out = apply_edits(j, *edits);
    CHECK(out == R"({"user":{"password":"REDACTED","apiKey":"REDACTED","refresh-token":"REDACTED",)"
                 R"("list":[{"Access_Token":"REDACTED"}],"n":{"password":12}},"note":"a\/b REDACTED \u00e1"})");
    REQUIRE(edits->size() == 4);
    CHECK((*edits)[0].rule == "json-key");
    CHECK((*edits)[0].what == "JSON key password");
    CHECK((*edits)[3].rule == "key-shape");
    CHECK(r.json_text(out)->empty());

    // A secret written with escapes is replaced in place; the other
    // escapes of the string stay as they were.
    const std::string esc = "{\"k\":\"\\u00e1 " + key("sk\\u002d", "proj-" + kRandom40) + " \\ud83d\\ude00 " +
                            key("\\u0041", "IzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q") + "\\n\"}";
    auto e2 = r.json_text(esc);
    REQUIRE(e2);
    REQUIRE(e2->size() == 2);
    CHECK(apply_edits(esc, *e2) == "{\"k\":\"\\u00e1 REDACTED \\ud83d\\ude00 REDACTED\\n\"}");
    CHECK((*e2)[1].what == "Google API key");

    // Multi-line text inside a string; a PEM in a JSON string.
    const std::string pem = "{\"pem\":\"-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\nAbCd\\n-----END PRIVATE KEY-----\\n\"}";
    auto e3 = r.json_text(pem);
    REQUIRE(e3);
    CHECK(apply_edits(pem, *e3) ==
          "{\"pem\":\"-----BEGIN PRIVATE KEY-----\\nREDACTED\\n-----END PRIVATE KEY-----\\n\"}");
    // Line numbers are of the raw text.
    auto e4 = r.json_text("{\n \"a\": 1,\n \"password\": \"x\"\n}");
    REQUIRE(e4);
    REQUIRE(e4->size() == 1);
    CHECK((*e4)[0].line == 3);

    CHECK_FALSE(r.json_text("not json"));
    CHECK_FALSE(r.json_text("{\"a\":"));
}

TEST_CASE("scrub rules: json_member", "[scrub][rules]") {
    Rules r{Policy{}};
    CHECK(scrubbed("hunter2", r.json_member("Password", "hunter2")) == "REDACTED");
    CHECK(r.json_member("password", "***").empty());
    CHECK(r.json_member("password", "").empty());
    CHECK(r.json_member("content", "hello").empty());
    CHECK(r.json_member("content", "use " + kOpenAI).size() == 1);
    Policy p;
    p.keep = {"json-key"};
    CHECK(Rules(p).json_member("password", "hunter2").empty());
}

namespace {

// Scrubs the model's values with the rules, as the per-format roles will do
// on the file: header values, the URL, and bodies (JSON or text).
void scrub_model(const Rules& r, Interaction& ix) {
    auto headers = [&](Headers& hs) {
        for (Header& h : hs.items)
            for (std::string& v : h.values) v = apply_edits(v, r.header_value(h.name, v));
    };
    auto body = [&](Body& b, const Headers& hs) {
        const DecodedBody d = decode_body(hs, b.bytes);
        REQUIRE(d.compression == Compression::none);
        auto json = r.json_text(b.bytes);
        b.bytes = apply_edits(b.bytes, json ? *json : r.text(b.bytes));
    };
    headers(ix.request.headers);
    headers(ix.response.headers);
    ix.request.url = apply_edits(ix.request.url, r.url(ix.request.url));
    body(ix.request.body, ix.request.headers);
    body(ix.response.body, ix.response.headers);
}

size_t secret_findings(const Cassette& c) {
    size_t n = 0;
    for (const Interaction& ix : c.interactions)
        for (const Finding& f : validate_interaction(ix)) n += f.rule == "secret";
    return n;
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("scrub rules: every secret validate reports in a real cassette is found", "[scrub][rules][corpus]") {
    std::ifstream in("../shared/corpus/fantasy/TestOpenAICommon/openai-gpt-4o/multi_tool.yaml", std::ios::binary);
    REQUIRE(in);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Plant secrets in a header, the URL query, the JSON request body and
    // the response body (placeholders too: validate warns about them).
    replace_once(text, "      User-Agent:\n",
                 "      Authorization:\n      - Bearer " + kOpenAI +
                     "\n      X-Api-Key:\n      - test-key\n      Cookie:\n      - sid=" + kRandom40 +
                     "; lang=en\n      User-Agent:\n");
    replace_once(text, "url: https://api.openai.com/v1/chat/completions",
                 "url: https://user:hunter2@api.openai.com/v1/chat/completions?key=" +
                     key("AIza", "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q") + "&access_token=test");
    replace_once(text, R"("model":"gpt-4o",)", R"("model":"gpt-4o","password":"p","note":")" + kJwt + R"(",)");
    replace_once(text, "\"created\": 1782321897,", "\"created\": 1782321897, \"k\": \"" + kAkid + "\",");

    Cassette c = load_cassette_from_string(text, "planted.yaml");
    REQUIRE(c.interactions.size() >= 1);
    CHECK(secret_findings(c) >= 7);

    Rules r{Policy{}};
    for (Interaction& ix : c.interactions) scrub_model(r, ix);
    CHECK(secret_findings(c) == 0);
    // Scrubbing again changes nothing.
    const std::string url = c.interactions[0].request.url;
    CHECK(url == "https://user:REDACTED@api.openai.com/v1/chat/completions?key=REDACTED&access_token=REDACTED");
    CHECK(r.url(url).empty());
    CHECK(r.json_text(c.interactions[0].request.body.bytes)->empty());
    CHECK(c.interactions[0].request.body.bytes.find(R"("password":"REDACTED","note":"REDACTED")") != std::string::npos);
}

// Hidden: a rough timing of the rules on a large JSON text ([.] keeps it out of ctest).
TEST_CASE("scrub rules: linear on a large JSON body", "[.][scrub][rules-perf]") {
    std::string j = "[";
    for (int i = 0; i < 200'000; ++i)
        j += R"({"role":"user","content":"caf\u00e9 \"quoted\" text with some words in it ok","password":"x"},)";
    j += "{\"k\":\"" + std::string(5'000'000, 'a') + "\\n" + kOpenAI + "\"}]";
    Rules r{Policy{}};
    auto tp = std::chrono::steady_clock::now();
    CHECK(parse_json_document("<body>", j).root.items.size() == 200'001);
    WARN("parse_json_document: "
         << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - tp).count()
         << " ms");
    auto t0 = std::chrono::steady_clock::now();
    auto edits = r.json_text(j);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE(edits);
    CHECK(edits->size() == 200'001);
    WARN("json_text on " << j.size() / 1'000'000 << " MB: " << ms << " ms");
}

TEST_CASE("scrub rules: a response header counts by its name only when the name plainly says credential",
          "[scrub][rules]") {
    cassette::scrub::Policy policy;
    cassette::scrub::Rules rules(policy);
    // Request side: a name ending like a credential is one (validate warns on placeholders there).
    CHECK(rules.header_value("X-Time-Per-Token", "12").size() == 1);
    // Response side: a timing header is not a credential; a real-shaped value still is.
    CHECK(rules.header_value("x-time-per-token", "12", true).empty());
    CHECK(rules.header_value("x-session-token", "sk-proj-u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAj", true)
              .size() == 1);
    CHECK(rules.header_value("Set-Cookie", "sid=abc123; Path=/; HttpOnly", true).size() == 1);
    CHECK(rules.header_value("Authorization", "Bearer test-key", true).size() == 1);
}
