// Credentials left in recordings: where they hide (header names, query
// parameters), what they look like (known key prefixes, long random tokens),
// and how to name one without printing it (a masked prefix).
//
// docs/validate-ci.md, rule `secret`: error for a real credential's shape,
// warning for other non-empty values (placeholders), nothing for redaction
// markers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cassette {

enum class SecretLevel {
    none,         // empty or a redaction marker: fine
    placeholder,  // a value where a credential goes, but not shaped like one
    credential,   // a known key shape or a long random token
};

struct SecretVerdict {
    SecretLevel level = SecretLevel::none;
    std::string kind;    // "OpenAI API key", "JWT", "random token", "placeholder"
    std::string masked;  // safe to print: never the whole value
};

// Request header names that carry credentials (case-insensitive):
// Authorization, Proxy-Authorization, X-Api-Key, Api-Key, X-Goog-Api-Key,
// Cookie, X-Amz-Security-Token, and names ending in api-key/apikey/-token/-secret.
bool is_credential_header(std::string_view name);

// URL query / form parameter names that carry credentials: key, api_key,
// apikey, access_token, token, client_secret, password, sig, X-Amz-Signature …
bool is_credential_param(std::string_view name);
// Names that are credentials on some APIs and plain words elsewhere (`key`,
// `token`, `sig` …): only a value shaped like a credential is reported there.
bool is_ambiguous_param(std::string_view name);

// Empty, REDACTED, [FILTERED], ***, <redacted>, xxxx … (after an auth scheme).
bool is_redaction_marker(std::string_view value);

// Classifies a value found where a credential goes (header value, query
// value). An auth scheme ("Bearer ", "Basic ", "Token ") is looked past.
SecretVerdict classify_credential(std::string_view value);

// A known key shape inside free text (a body): OpenAI `sk-`, Anthropic
// `sk-ant-`, Google `AIza`, AWS `AKIA`/`ASIA`, GitHub `ghp_`…, Groq `gsk_`,
// xAI `xai-`, Hugging Face `hf_`, Slack `xox?-`, JWTs. Linear in the text.
struct SecretHit {
    size_t offset = 0;
    size_t length = 0;
    std::string kind;
};
std::vector<SecretHit> find_key_shapes(std::string_view text, size_t max_hits = 16);

// "sk-ant-a…(108 chars)": at most a short prefix and the length, so a
// finding can point at the key without leaking it.
std::string mask_secret(std::string_view value, size_t known_prefix = 0);

}  // namespace cassette
