// What is a secret, on one decoded value at a time: a header value, a URL, a
// form body, free text, a JSON text, a whole HTTP body (compressed, SSE,
// NDJSON, AWS event stream …). Each returns edits on the value it was given,
// never the value itself, so the caller can splice them into the file bytes
// and leave every other byte alone.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"
#include "scrub/scrub.hpp"

namespace cassette::scrub {

// Replace value[offset, offset+length) with `replacement`.
struct TextEdit {
    size_t offset = 0;
    size_t length = 0;
    std::string replacement;
    std::string rule;    // one of kRules
    std::string what;    // "Authorization", "query parameter key", "JSON key password", "OpenAI API key" …
    std::string masked;  // mask_secret() of the replaced text
    size_t line = 0;     // 1-based line of the edit within the value when it is multi-line text; 0 n/a
};

// Applies non-overlapping edits (any order) to `text`.
std::string apply_edits(std::string_view text, std::vector<TextEdit> edits);

// A body after scrubbing.
struct BodyResult {
    bool changed = false;
    std::string bytes;            // the new stored bytes, when changed (same encoding as given)
    std::vector<TextEdit> found;  // what was replaced (offsets refer to the decoded text; line set when known)
    std::vector<std::string>
        unscrubbable;    // "gzip stream is truncated; 2 secrets in the readable part were not removed"
    std::string layers;  // "gzip, SSE" — how the body was opened, for reports
};

class Rules {
public:
    // Compiles the policy's patterns; throws std::invalid_argument naming a
    // pattern RE2 refuses.
    explicit Rules(const Policy& policy);
    ~Rules();
    Rules(const Rules&) = delete;
    Rules& operator=(const Rules&) = delete;

    const Policy& policy() const { return policy_; }

    // A header value (request or response). Credential headers keep their
    // scheme ("Bearer REDACTED"); SigV4 keeps algorithm, scope and
    // SignedHeaders; Cookie / Set-Cookie keep names and attributes. Any
    // header: key shapes, PEM, patterns.
    // `response`: a response header, where only names that plainly carry
    // credentials count (see rules.cpp).
    std::vector<TextEdit> header_value(std::string_view name, std::string_view value, bool response = false) const;
    // A URL: credential query parameters (name and position kept), the
    // password of user:password@, key shapes, patterns. Percent-encoding of
    // what is kept is untouched.
    std::vector<TextEdit> url(std::string_view url) const;
    // application/x-www-form-urlencoded text.
    std::vector<TextEdit> form(std::string_view body) const;
    // The value of a JSON member (already decoded): the whole value when
    // `key` is a credential key, else text().
    std::vector<TextEdit> json_member(std::string_view key, std::string_view value) const;
    // A JSON text (edits refer to the raw JSON text): credential keys at any
    // depth, and text() inside every string. nullopt when not JSON.
    std::optional<std::vector<TextEdit>> json_text(std::string_view json) const;
    // Free text: key shapes, PEM private key blocks, patterns.
    std::vector<TextEdit> text(std::string_view text) const;
    // A whole body as stored, with the headers of its side: compressed
    // (gzip/deflate/br, by the bytes), JSON, SSE (framing kept), NDJSON, AWS
    // event stream (re-framed, both CRCs), Bedrock {"bytes": base64} chunks,
    // form bodies, text. Binary it cannot open is left alone.
    BodyResult body(std::string_view bytes, const Headers& headers) const;

private:
    Policy policy_;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cassette::scrub
