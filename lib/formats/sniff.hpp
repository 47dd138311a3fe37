// The cassette formats other than go-vcr: VCR.py, Ruby VCR, Polly.JS HAR,
// Go httprr, nock, ExVCR, Betamax, php-vcr, DVR, talkback and dd-trace-py's
// single-interaction JSON. Each has a "mine or not" sniff over the first bytes and
// a reader into the format-neutral model; lib/reader.cpp tries them in turn.
//
// YAML formats stream (one interaction subtree at a time, as go-vcr does);
// the JSON and raw formats parse the whole text, which they already hold.
// Malformed fields become Problems (rule "schema"); only text that cannot be
// parsed at all throws InputError. See docs/formats.md for the field mapping.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "reader.hpp"
#include "formats/field_convert.hpp"
#include "formats/yaml_stream.hpp"

namespace cassette {

// ---- sniffs (over the first <= 64 KiB, already decompressed) -------------

// `s` from its first byte that is not JSON/YAML blank space or a UTF-8 byte
// order mark; empty when there is none.
inline std::string_view skip_ws(std::string_view s) {
    for (;;) {
        size_t i = s.find_first_not_of(" \t\r\n");
        if (i == std::string_view::npos) return {};
        s.remove_prefix(i);
        if (s.substr(0, 3) != "\xEF\xBB\xBF") return s;
        s.remove_prefix(3);
    }
}

bool vcrpy_sniff(std::string_view head);  // VCR.py YAML/JSON (uri:, status: {code})
// For YAML with `interactions:`: 1 when the first interaction's own keys are
// VCR.py's (uri, parsed_body, status: {code}), 0 when go-vcr's (url, code,
// proto), -1 when `head` ends before one of them (a long first body).
int vcr_yaml_flavour(std::string_view head);
bool rubyvcr_sniff(std::string_view head);  // http_interactions
bool polly_sniff(std::string_view head);    // HAR JSON ({"log": …})
bool httprr_sniff(std::string_view head);   // "httprr trace v1\n"
bool nock_sniff(std::string_view head);
bool cassetter_sniff(std::string_view head);  // cassetter YAML/TOML: bodies {type: json|text|binary|none, content} //
                                              // JSON array of {scope, method, path …}

// Recorders whose files are read whole (lib/formats/doc_reader.hpp).
bool exvcr_sniff(std::string_view head);     // JSON array with "status_code" / "request_body", or `[]`
bool betamax_sniff(std::string_view head);   // http_interactions + recorded_with "betamax…" (JSON or YAML)
bool phpvcr_sniff(std::string_view head);    // top-level list whose request has `url:` (YAML) or JSON list
bool dvr_sniff(std::string_view head);       // {"interactions", "recorded_at": <number>}
bool talkback_sniff(std::string_view head);  // JSON5 object whose first key is `meta`
bool ddtrace_sniff(std::string_view head);   // JSON object whose first key is "request"

// ---- readers ---------------------------------------------------------------
// YAML (or JSON, which libyaml reads as YAML) streamed from `ys`.
Cassette vcrpy_read(YamlEventStream& ys, const std::string& name, const InteractionSink& sink, const ReadOptions& opts);
Cassette rubyvcr_read(YamlEventStream& ys, const std::string& name, const InteractionSink& sink,
                      const ReadOptions& opts);
// Whole-text formats.
Cassette polly_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                    const ReadOptions& opts);
// A HAR whose `_file` bodies (Playwright) come from `sidecars`: given the
// file name, its bytes, or nullopt with the reason in `why`. polly_read looks
// next to the file it reads.
using HarSidecars = std::function<std::optional<std::string>(const std::string& file, std::string& why)>;
Cassette har_read_with_sidecars(std::string_view text, const std::string& name, const InteractionSink& sink,
                                const ReadOptions& opts, const HarSidecars& sidecars);
// cassetter YAML or TOML (cassetter_reader.cpp).
Cassette cassetter_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                        const ReadOptions& opts);
bool cassetter_is_toml(std::string_view text);  // the TOML form (else YAML)
// What a cassetter file holds beside HTTP ("1 gRPC call and 2 WebSocket
// connections (not HTTP: …)"), read from its `grpc_interactions` /
// `ws_interactions` fields; "" for every other file.
std::string non_http_note(const Cassette& c);
// Playwright's `.har.zip` (har_zip.cpp): the one `.har` in a zip archive, its
// `_file` bodies from the same archive; read in memory, never extracted.
bool is_zip(std::string_view head);           // "PK\3\4"
bool har_zip_claims(std::string_view bytes);  // a zip holding a .har
Cassette har_zip_read(std::string_view bytes, const std::string& name, const InteractionSink& sink,
                      const ReadOptions& opts);
Cassette httprr_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                     const ReadOptions& opts);
Cassette nock_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                   const ReadOptions& opts);
Cassette exvcr_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                    const ReadOptions& opts);
Cassette betamax_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                      const ReadOptions& opts);
Cassette phpvcr_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                     const ReadOptions& opts);
Cassette dvr_read(std::string_view text, const std::string& name, const InteractionSink& sink, const ReadOptions& opts);
Cassette talkback_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                       const ReadOptions& opts);
Cassette ddtrace_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                      const ReadOptions& opts);

// The bytes an Erlang external term (term_to_binary) wraps: a binary,
// bit-binary, byte string or []; nullopt, with `why`, for anything else.
std::optional<std::string> erlang_term_bytes(std::string_view term, std::string& why);

// ---- helpers shared by the readers (vcrpy_reader.cpp) -----------------------

// Python's json.dumps(value) of a YAML node as PyYAML's SafeLoader reads it:
// separators ", " and ": ", ensure_ascii (\uXXXX, surrogate pairs), float
// repr. pydantic-ai stores JSON bodies as `parsed_body` and replays
// json.dumps(parsed_body), so these are the bytes its tests send and receive.
std::string python_json_dumps(const YamlNode& node);

// The node as JSON (for ExtraField): scalars typed as YAML 1.1 plain scalars.
std::string yaml_node_json(const YamlNode& node);

// Parses "HTTP/1.1" into proto fields.
void set_proto(std::string_view text, std::optional<std::string>& proto, std::optional<int64_t>& major,
               std::optional<int64_t>& minor);

}  // namespace cassette
