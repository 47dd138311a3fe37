// `cassette scrub`: take secrets out of a recorded cassette and keep it
// replayable. The whole pipeline, file bytes in, file bytes out:
//
//   file bytes ─▶ doc_tree (YAML/JSON with byte spans) ─▶ per-format roles
//   (header value, URL, body, length field …) ─▶ rules (what is a secret,
//   edits on the decoded value) ─▶ patch (edits spliced into the file bytes,
//   same quoting, indentation and wrapping; re-encoded only where the bytes
//   must change: gzip, base64, event-stream frames) ─▶ file bytes.
//
// Every byte outside the secrets and the lengths that describe them is kept.
// docs/scrub.md describes the rules for users.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reader.hpp"

namespace cassette::scrub {

// Rule ids: stable, used by --keep and in reports.
//   header       credential headers (Authorization, X-Api-Key, Cookie, Set-Cookie …, --header)
//   query        credential query parameters and form fields (key, api_key, X-Amz-Signature …, --query)
//   json-key     values of credential keys in JSON bodies (password, access_token …, --json-key)
//   key-shape    anything validate's `secret` rule calls a real credential by its shape (sk-…, AIza…, JWT …)
//   pem          PEM private key blocks
//   url-password the password in a URL's user:password@
//   pattern      matches of a user's --pattern
inline constexpr const char* kRules[] = {"header", "query", "json-key", "key-shape", "pem", "url-password", "pattern"};

struct Policy {
    std::string replacement = "REDACTED";
    std::vector<std::string> keep;       // rule ids switched off
    std::vector<std::string> headers;    // more credential header names (case-insensitive)
    std::vector<std::string> query;      // more credential query / form parameter names
    std::vector<std::string> json_keys;  // more credential JSON keys (case-insensitive)
    std::vector<std::string> patterns;   // RE2 regular expressions; group 1, when present, is what is replaced

    bool enabled(std::string_view rule) const;
};

// One value taken out (or that would be, with --check).
struct Scrubbed {
    int line = 0;  // 1-based, in the cassette file (0: unknown)
    int column = 0;
    std::optional<size_t> interaction;  // 0-based
    std::string
        where;         // "request header Authorization", "response body (gzip, SSE event 4)", "URL query parameter key"
    std::string rule;  // one of kRules
    std::string masked;  // mask_secret(): at most a short prefix and the length, never the value
};

// Something that looks secret but could not be taken out (a corrupt gzip
// body, an alias node, a broken event-stream frame …). --check fails on it.
struct Unscrubbable {
    int line = 0;
    int column = 0;
    std::optional<size_t> interaction;
    std::string where;
    std::string reason;
};

struct FileResult {
    std::string format;  // "go-vcr", "vcrpy", "ruby-vcr", "har", "httprr", "nock"
    bool changed = false;
    std::string output;  // the scrubbed file, when changed
    std::vector<Scrubbed> scrubbed;
    std::vector<Unscrubbable> unscrubbable;
};

// Scrubs one cassette given as its bytes (whole-file gzip as in `.yaml.gz`
// is undone and redone). `path` names the file in errors. Throws InputError
// (lib/error.hpp) with line:column when the file cannot be read as a cassette.
FileResult scrub_cassette(const std::string& path, std::string_view bytes, const Policy& policy,
                          const ReadOptions& ropts = {});

}  // namespace cassette::scrub
