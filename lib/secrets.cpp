#include "secrets.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>

#include "util/text.hpp"

namespace cassette {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || is_digit(c); }
bool is_url_safe(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool is_alnum_underscore(char c) { return is_alnum(c) || c == '_'; }

// Characters that continue a token: a key shape must not start in the middle
// of one (base64 text, words such as "task-…").
bool is_token_char(char c) { return is_alnum(c) || c == '_' || c == '-' || c == '+' || c == '/'; }

// Looks past an HTTP auth scheme ("Bearer x", "Basic x", "Token x").
std::string_view strip_scheme(std::string_view v) {
    v = trim(v);
    size_t sp = v.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp > 12) return v;
    for (size_t i = 0; i < sp; ++i)
        if (!is_alpha(v[i]) && v[i] != '-') return v;
    return trim(v.substr(sp + 1));
}

struct Shape {
    std::string_view prefix;
    const char* kind;
    bool (*charset)(char);
    size_t min_rest;    // characters after the prefix
    size_t exact_rest;  // 0 = any length >= min_rest
    bool needs_digit;   // random keys always have one; "sk-my-test-key" has none
};

// Longer prefixes first where one extends another (sk-ant- before sk-).
constexpr std::array<Shape, 21> kShapes{{
    {"sk-ant-", "Anthropic API key", is_url_safe, 20, 0, true},
    {"sk-or-", "OpenRouter API key", is_url_safe, 20, 0, true},
    {"sk-", "OpenAI API key", is_url_safe, 20, 0, true},
    {"AIza", "Google API key", is_url_safe, 35, 35, false},
    {"AKIA", "AWS access key id", is_upper_or_digit, 16, 16, false},
    {"ASIA", "AWS temporary access key id", is_upper_or_digit, 16, 16, false},
    {"github_pat_", "GitHub token", is_alnum_underscore, 30, 0, true},
    {"ghp_", "GitHub token", is_alnum, 30, 0, true},
    {"gho_", "GitHub token", is_alnum, 30, 0, true},
    {"ghu_", "GitHub token", is_alnum, 30, 0, true},
    {"ghs_", "GitHub token", is_alnum, 30, 0, true},
    {"ghr_", "GitHub token", is_alnum, 30, 0, true},
    {"glpat-", "GitLab token", is_url_safe, 20, 0, true},
    {"gsk_", "Groq API key", is_alnum, 30, 0, true},
    {"xai-", "xAI API key", is_alnum, 30, 0, true},
    {"hf_", "Hugging Face token", is_alnum, 30, 0, true},
    {"xoxb-", "Slack token", is_url_safe, 10, 0, true},
    {"xoxp-", "Slack token", is_url_safe, 10, 0, true},
    {"xoxa-", "Slack token", is_url_safe, 10, 0, true},
    {"xoxs-", "Slack token", is_url_safe, 10, 0, true},
    {"r8_", "Replicate token", is_alnum, 30, 0, true},
}};

// Documentation examples (AKIAIOSFODNN7EXAMPLE) are not credentials.
bool looks_like_example(std::string_view token) {
    std::string l = lower(token);
    return l.find("example") != std::string::npos;
}

// Length of a JWT (header.payload.signature, both JSON parts "eyJ…") at `s`, or 0.
size_t jwt_length(std::string_view s) {
    size_t i = 0;
    for (int part = 0; part < 3; ++part) {
        if (part < 2 && s.substr(i, 3) != "eyJ") return 0;
        size_t start = i;
        while (i < s.size() && is_url_safe(s[i])) ++i;
        if (i - start < 10) return 0;
        if (part < 2) {
            if (i >= s.size() || s[i] != '.') return 0;
            ++i;
        }
    }
    return i;
}

// The shape matching at s[0], with the token's full length; nullptr if none.
const Shape* match_shape(std::string_view s, size_t& length) {
    for (const Shape& shape : kShapes) {
        if (s.empty() || s.front() != shape.prefix.front() || !starts_with(s, shape.prefix)) continue;
        size_t i = shape.prefix.size();
        bool digit = false;
        while (i < s.size() && shape.charset(s[i])) digit |= is_digit(s[i++]);
        size_t rest = i - shape.prefix.size();
        bool ok = shape.exact_rest ? rest == shape.exact_rest : rest >= shape.min_rest;
        if (ok && shape.needs_digit && !digit) ok = false;
        if (ok && looks_like_example(s.substr(0, i))) ok = false;
        if (ok) {
            length = i;
            return &shape;
        }
        return nullptr;  // the longest matching prefix decides
    }
    return nullptr;
}

double entropy_bits_per_char(std::string_view s) {
    std::array<size_t, 256> counts{};
    for (unsigned char c : s) ++counts[c];
    double h = 0;
    for (size_t n : counts) {
        if (!n) continue;
        double p = static_cast<double>(n) / static_cast<double>(s.size());
        h -= p * std::log2(p);
    }
    return h;
}

// A long random token: at least 20 characters of token alphabet, letters and
// digits mixed, and close to random (entropy). `fake-api-key-for-testing-only`
// has no digit; `1577a8a6-174a-…` (a UUID) passes, as a key in such a place should.
bool looks_random(std::string_view v) {
    if (v.size() < 20) return false;
    bool letter = false, digit = false;
    for (char c : v) {
        if (is_alpha(c))
            letter = true;
        else if (is_digit(c))
            digit = true;
        else if (!(c == '-' || c == '_' || c == '.' || c == '+' || c == '/' || c == '=' || c == '~' || c == ':'))
            return false;
    }
    return letter && digit && entropy_bits_per_char(v) >= 3.0;
}

}  // namespace

bool is_credential_header(std::string_view name) {
    const std::string n = lower(trim(name));
    static constexpr std::array<std::string_view, 8> exact{
        "authorization", "proxy-authorization",       "cookie", "x-amz-security-token", "api-key", "apikey",
        "x-api-key",     "ocp-apim-subscription-key",
    };
    if (std::find(exact.begin(), exact.end(), n) != exact.end()) return true;
    return ends_with(n, "api-key") || ends_with(n, "apikey") || ends_with(n, "api_key") || ends_with(n, "-token") ||
           ends_with(n, "_token") || ends_with(n, "-secret") || ends_with(n, "-auth") || n == "x-functions-key";
}

bool is_ambiguous_param(std::string_view name) {
    const std::string n = lower(trim(name));
    for (std::string_view a : {"key", "token", "auth", "sig", "signature", "secret", "password", "passwd"})
        if (n == a) return true;
    return false;
}

bool is_credential_param(std::string_view name) {
    const std::string n = lower(trim(name));
    static constexpr std::array<std::string_view, 20> names{
        "key",
        "api_key",
        "apikey",
        "api-key",
        "access_token",
        "token",
        "auth",
        "auth_token",
        "client_secret",
        "password",
        "passwd",
        "secret",
        "sig",
        "signature",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "refresh_token",
        "id_token",
        "private_token",
    };
    return std::find(names.begin(), names.end(), n) != names.end() || ends_with(n, "_api_key") ||
           ends_with(n, "_token") || ends_with(n, "_secret");
}

bool is_redaction_marker(std::string_view value) {
    std::string_view v = strip_scheme(value);
    if (v.empty()) return true;
    const std::string l = lower(v);
    for (std::string_view word :
         {"redacted", "filtered", "masked", "removed", "scrubbed", "sanitized", "hidden", "***"})
        if (l.find(word) != std::string::npos) return true;
    // Template markers: <API_KEY>, ${TOKEN}, {{token}}.
    if ((l.front() == '<' && l.back() == '>') || (starts_with(l, "${") && l.back() == '}') ||
        (starts_with(l, "{{") && ends_with(l, "}}")))
        return true;
    // Only mask characters: "xxxx", "XXXX-XXXX", "....", "###".
    if (l.size() >= 3 && std::all_of(l.begin(), l.end(), [](char c) {
            return c == 'x' || c == '*' || c == '#' || c == '.' || c == '-' || c == '_';
        }))
        return true;
    return false;
}

namespace {

// An AWS SigV4 Authorization value (`AWS4-HMAC-SHA256 Credential=KEYID/scope,
// SignedHeaders=…, Signature=…`) whose access key id and signature are both
// redaction markers: the rest (scope, signed header names) is no secret.
bool is_redacted_sigv4(std::string_view value) {
    value = trim(value);
    if (!starts_with(value, "AWS4-")) return false;
    auto field = [&](std::string_view name) -> std::optional<std::string_view> {
        size_t at = value.find(name);
        if (at == std::string_view::npos) return std::nullopt;
        std::string_view rest = value.substr(at + name.size());
        return rest.substr(0, rest.find_first_of(", \t\r\n"));
    };
    auto credential = field("Credential=");
    auto signature = field("Signature=");
    if (!credential || !signature) return false;
    std::string_view key_id = credential->substr(0, credential->find('/'));
    return is_redaction_marker(key_id) && is_redaction_marker(*signature);
}

}  // namespace

SecretVerdict classify_credential(std::string_view value) {
    SecretVerdict out;
    if (is_redaction_marker(value) || is_redacted_sigv4(value)) return out;
    std::string_view v = strip_scheme(value);
    size_t length = 0;
    if (const Shape* shape = match_shape(v, length)) {
        out.level = SecretLevel::credential;
        out.kind = shape->kind;
        out.masked = mask_secret(v, shape->prefix.size());
        return out;
    }
    if (size_t n = jwt_length(v); n > 0) {
        out.level = SecretLevel::credential;
        out.kind = "JWT";
        out.masked = mask_secret(v, 3);
        return out;
    }
    if (!looks_like_example(v) && looks_random(v)) {
        out.level = SecretLevel::credential;
        out.kind = "random token";
        out.masked = mask_secret(v);
        return out;
    }
    out.level = SecretLevel::placeholder;
    out.kind = "placeholder";
    out.masked = mask_secret(v);
    return out;
}

namespace {

// The two bytes a key shape or a JWT can start with (every prefix is longer
// than that): one lookup rejects almost every position of a body before any
// prefix is compared. A bit per byte pair, 8 KiB.
constexpr size_t pair_index(char a, char b) {
    return static_cast<size_t>(static_cast<unsigned char>(a)) << 8 | static_cast<unsigned char>(b);
}
constexpr std::array<uint64_t, 1024> make_first_pairs() {
    std::array<uint64_t, 1024> table{};
    auto add = [&](std::string_view prefix) {
        size_t k = pair_index(prefix[0], prefix[1]);
        table[k / 64] |= uint64_t{1} << (k % 64);
    };
    for (const Shape& shape : kShapes) add(shape.prefix);
    add("eyJ");  // opens a JWT
    return table;
}
constexpr std::array<uint64_t, 1024> kFirstPairs = make_first_pairs();

bool may_start_here(char a, char b) {
    size_t k = pair_index(a, b);
    return (kFirstPairs[k / 64] >> (k % 64)) & 1;
}

}  // namespace

std::vector<SecretHit> find_key_shapes(std::string_view text, size_t max_hits) {
    std::vector<SecretHit> hits;
    size_t i = 0;
    // i + 1 < size: no prefix is shorter than two bytes.
    while (i + 1 < text.size() && hits.size() < max_hits) {
        // Shapes start at a token boundary, with one of a few byte pairs;
        // every other position costs one table lookup.
        if (!may_start_here(text[i], text[i + 1]) || (i > 0 && is_token_char(text[i - 1]))) {
            ++i;
            continue;
        }
        const std::string_view rest = text.substr(i);
        size_t length = 0;
        if (const Shape* shape = match_shape(rest, length)) {
            hits.push_back({i, length, shape->kind});
            i += length;
            continue;
        }
        if (size_t n = jwt_length(rest); n > 0) {
            hits.push_back({i, n, "JWT"});
            i += n;
            continue;
        }
        ++i;
    }
    return hits;
}

std::string mask_secret(std::string_view value, size_t known_prefix) {
    const size_t n = value.size();
    size_t show = std::min(known_prefix + 4, n / 2);
    if (known_prefix == 0) show = std::min<size_t>(4, std::max<size_t>(n / 4, 1));
    if (n < 2) show = 0;
    // Never cut a UTF-8 sequence.
    while (show > 0 && show < n && (static_cast<unsigned char>(value[show]) & 0xC0) == 0x80) --show;
    std::string out = "\"";
    for (size_t i = 0; i < show; ++i) {
        unsigned char c = static_cast<unsigned char>(value[i]);
        out += (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '?' : static_cast<char>(c);
    }
    out += "…\" (" + std::to_string(n) + " chars)";
    return out;
}

}  // namespace cassette
