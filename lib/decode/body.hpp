// One decoded view of a body: decompressed, classified, and split into events
// when it is a stream. Readers give bytes; commands ask for this.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "decode/encoding.hpp"
#include "model.hpp"

namespace cassette {

enum class BodyKind {
    empty,        // no bytes
    json,         // one JSON document (leading whitespace allowed)
    sse,          // text/event-stream
    eventstream,  // application/vnd.amazon.eventstream
    ndjson,       // newline-delimited JSON documents (Ollama), application/x-ndjson
    json_stream,  // one JSON array streamed (Gemini streamGenerateContent without alt=sse)
    text,         // other UTF-8 text
    binary,       // other bytes
};

const char* body_kind_name(BodyKind k);

// One event of a stream body, whatever the framing.
// SSE: event/data/id as parsed. Event stream: `event` is the `:event-type`
// header (or `:exception-type`), `data` the payload; Bedrock `chunk` payloads
// {"bytes": base64} are unwrapped so `data` is the inner JSON.
// NDJSON / JSON array: event "message", data one JSON document.
struct BodyEvent {
    std::string event;
    std::string data;
    std::optional<std::string> id;
    size_t line = 0;    // SSE/NDJSON: 1-based line in the decoded body
    size_t offset = 0;  // event stream: byte offset of the message
};

struct BodyProblem {
    std::string rule;  // validation rule id this maps to: "sse-syntax", "eventstream-crc", "json-body", ...
    size_t line = 0;   // 1-based line in the decoded body, 0 if n/a
    std::string message;
};

struct DecodedBody {
    BodyKind kind = BodyKind::empty;
    Compression compression = Compression::none;  // what was undone to get `text`
    std::string text;                             // the bytes after decompression
    std::optional<nlohmann::json> json;           // kind == json: the document
    std::vector<BodyEvent> events;                // stream kinds
    bool stream_terminated = true;                // SSE: ended with a blank line
    std::vector<BodyProblem> problems;
};

// Decodes a response or request body given its headers.
DecodedBody decode_body(const Headers& headers, std::string_view bytes);

// How decode_body tells the kinds apart, for callers that walk a body's
// bytes themselves (scrub edits them in place).
// The media type of a Content-Type value, lower-cased, without parameters ("" when null).
std::string media_type(const std::string* content_type);
// application/json, text/json, anything +json.
bool is_json_type(const std::string& media_type);
// Text whose first non-blank line is an SSE field or comment.
bool looks_like_sse(std::string_view text);
// Several lines, each starting a JSON object or array: NDJSON without a header
// (decode_body then also needs every line to parse).
bool looks_like_ndjson(std::string_view text);

// Parses JSON text (leading/trailing whitespace allowed); nullopt if not JSON.
std::optional<nlohmann::json> parse_json(std::string_view text);

}  // namespace cassette
