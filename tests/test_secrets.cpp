#include <catch2/catch.hpp>

#include <string>

#include "secrets.hpp"

using namespace cassette;

namespace {
// Built from pieces so that this source file itself holds no key-shaped token.
std::string key(const std::string& prefix, const std::string& rest) { return prefix + rest; }
const std::string kRandom40 = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0";
}  // namespace

TEST_CASE("credential header names", "[validate][secrets]") {
    CHECK(is_credential_header("Authorization"));
    CHECK(is_credential_header("x-api-key"));
    CHECK(is_credential_header("X-Api-Key"));
    CHECK(is_credential_header("Api-Key"));
    CHECK(is_credential_header("X-Goog-Api-Key"));
    CHECK(is_credential_header("Cookie"));
    CHECK(is_credential_header("Proxy-Authorization"));
    CHECK(is_credential_header("X-Amz-Security-Token"));
    CHECK_FALSE(is_credential_header("Content-Type"));
    CHECK_FALSE(is_credential_header("Anthropic-Ratelimit-Input-Tokens-Limit"));
    CHECK_FALSE(is_credential_header("X-Stainless-Arch"));
}

TEST_CASE("credential query parameter names", "[validate][secrets]") {
    CHECK(is_credential_param("key"));
    CHECK(is_credential_param("api_key"));
    CHECK(is_credential_param("access_token"));
    CHECK(is_credential_param("X-Amz-Signature"));
    CHECK_FALSE(is_credential_param("alt"));
    CHECK_FALSE(is_credential_param("beta"));
    CHECK_FALSE(is_credential_param("query"));
}

TEST_CASE("redaction markers pass", "[validate][secrets]") {
    for (const char* v : {"", "REDACTED", "[REDACTED]", "Bearer REDACTED", "[FILTERED]", "***", "********", "<API_KEY>",
                          "xxxxxxxx", "Bearer ***", "sk-...****abcd"}) {
        INFO(v);
        CHECK(is_redaction_marker(v));
        CHECK(classify_credential(v).level == SecretLevel::none);
    }
    CHECK_FALSE(is_redaction_marker("fake-api-key-for-testing-only"));
    CHECK_FALSE(is_redaction_marker("Bearer foo"));
}

TEST_CASE("known key shapes are credentials", "[validate][secrets]") {
    struct Case {
        std::string value;
        const char* kind;
    };
    const Case cases[] = {
        {key("sk-ant-", "api03-" + kRandom40), "Anthropic API key"},
        {key("sk-", "proj-" + kRandom40), "OpenAI API key"},
        {"Bearer " + key("sk-", kRandom40), "OpenAI API key"},
        {key("AI", "zaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"), "Google API key"},
        {key("AK", "IAQ3EGUXYZ7ABCD123"), "AWS access key id"},
        {key("gh", "p_" + kRandom40), "GitHub token"},
        {"Bearer " +
             key("ey", "JhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
         "JWT"},
    };
    for (const Case& c : cases) {
        INFO(c.value);
        SecretVerdict v = classify_credential(c.value);
        CHECK(v.level == SecretLevel::credential);
        CHECK(v.kind == c.kind);
    }
}

TEST_CASE("placeholders are warnings, random tokens errors", "[validate][secrets]") {
    CHECK(classify_credential("fake-api-key-for-testing-only").level == SecretLevel::placeholder);
    CHECK(classify_credential("Bearer foo").level == SecretLevel::placeholder);
    CHECK(classify_credential("test").level == SecretLevel::placeholder);
    CHECK(classify_credential("sk-ant-fake-key").level == SecretLevel::placeholder);  // no digits: not random
    // The AWS documentation example key is not a leak.
    CHECK(classify_credential(key("AKIA", "IOSFODNN7EXAMPLE")).level == SecretLevel::placeholder);
    CHECK(classify_credential(kRandom40).level == SecretLevel::credential);
    CHECK(classify_credential("0123456789abcdef0123456789abcdef").level == SecretLevel::credential);
}

TEST_CASE("masking never shows the whole secret", "[validate][secrets]") {
    const std::string secret = key("sk-ant-", "api03-" + kRandom40);
    SecretVerdict v = classify_credential(secret);
    CHECK(v.masked.find(secret) == std::string::npos);
    CHECK(v.masked.find(kRandom40.substr(0, 8)) == std::string::npos);
    CHECK(v.masked.rfind("\"sk-ant-", 0) == 0);
    CHECK(v.masked.find("(" + std::to_string(secret.size()) + " chars)") != std::string::npos);
    // Short values show at most half.
    CHECK(mask_secret("foo") == "\"f…\" (3 chars)");
    CHECK(mask_secret("abcdefghijklmnop") == "\"abcd…\" (16 chars)");
    CHECK(mask_secret("ab", 3) == "\"a…\" (2 chars)");
}

TEST_CASE("key shapes in free text", "[validate][secrets]") {
    const std::string k = key("sk-", "proj-" + kRandom40);
    const std::string text = "{\"api_key\": \"" + k + "\", \"task-" + kRandom40 + "\": 1}";
    auto hits = find_key_shapes(text);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].kind == "OpenAI API key");
    CHECK(text.substr(hits[0].offset, hits[0].length) == k);
    // Inside base64 (no token boundary) nothing matches.
    CHECK(find_key_shapes("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo" + key("AI", "zaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"))
              .empty());
    // Linear and bounded on hostile input.
    std::string big(1 << 20, 's');
    for (size_t i = 0; i < big.size(); i += 3) big[i] = '-';
    CHECK(find_key_shapes(big).empty());
    std::string many;
    for (int i = 0; i < 100; ++i) many += k + " ";
    CHECK(find_key_shapes(many, 5).size() == 5);
}

TEST_CASE("a SigV4 Authorization whose key id and signature are markers is redacted", "[secrets]") {
    const std::string templ =
        "AWS4-HMAC-SHA256 Credential=<AWS_ACCESS_KEY_ID>/<DATE>/<AWS_REGION>/bedrock/aws4_request,\n"
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=<AWS_SIGV4_SIGNATURE>";
    CHECK(classify_credential(templ).level == SecretLevel::none);
    CHECK(classify_credential("AWS4-HMAC-SHA256 Credential=REDACTED/20240101/us-east-1/bedrock/aws4_request, "
                              "SignedHeaders=host, Signature=REDACTED")
              .level == SecretLevel::none);
    // A real key id or a real signature left in: still reported.
    CHECK(
        classify_credential("AWS4-HMAC-SHA256 Credential=AKIAZ7Q3W5E2R4T6Y8U1/20240101/us-east-1/bedrock/aws4_request, "
                            "SignedHeaders=host, Signature=<SIG>")
            .level != SecretLevel::none);
    CHECK(classify_credential(
              "AWS4-HMAC-SHA256 Credential=<KEY>/20240101/us-east-1/bedrock/aws4_request, "
              "SignedHeaders=host, Signature=3f1a9c0d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f")
              .level != SecretLevel::none);
}
