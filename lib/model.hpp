// The one data model every reader fills and every command reads.
//
// A cassette is a list of interactions; each is one HTTP request and the
// response that was recorded for it. Every field that go-vcr format 1 or 2
// can write has a place here, so that `export` loses nothing. Fields that a
// recorder may omit are std::optional: "absent" and "empty" differ on disk.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cassette {

// 1-based line and column in the cassette file; 0 means unknown.
struct Position {
    int line = 0;
    int column = 0;
    bool operator==(const Position&) const = default;
};

// HTTP headers in recorded order. Names keep their recorded spelling; look-ups
// are case-insensitive. A header may carry several values.
struct Header {
    std::string name;
    std::vector<std::string> values;
    Position pos;  // of the header's key
};

class Headers {
public:
    std::vector<Header> items;

    // First value of the named header (case-insensitive), or nullptr.
    const std::string* first(std::string_view name) const;
    // All values of the named header, or nullptr.
    const std::vector<std::string>* all(std::string_view name) const;
    bool has(std::string_view name) const { return all(name) != nullptr; }
    bool empty() const { return items.empty(); }
};

// A string-list map as go-vcr writes `form` and `trailer` (url.Values, http.Header).
using ValuesMap = std::vector<std::pair<std::string, std::vector<std::string>>>;

// An unknown key kept verbatim so nothing the recorder wrote is dropped.
// `json` is the value rendered as JSON text (scalars as strings unless the
// YAML plain scalar resolved to a number/bool/null).
struct ExtraField {
    std::string key;
    std::string json;
    Position pos;
};

enum class ScalarStyle { plain, single_quoted, double_quoted, literal, folded };

struct Body {
    std::string bytes;        // exactly as recorded (after YAML decoding, base64 for !!binary)
    bool binary_tag = false;  // was written as !!binary
    bool present = false;     // the key existed
    ScalarStyle style = ScalarStyle::plain;
    Position pos;      // of the body's value (for block scalars: the `|` indicator)
    Position key_pos;  // of the `body:` key
    // Line in the file of body line `n` (1-based), when lines map one to one
    // (literal block scalars); else the value's own line.
    int file_line_of(size_t n) const {
        if (style == ScalarStyle::literal && !binary_tag) return pos.line + static_cast<int>(n);
        return pos.line;
    }
};

struct Request {
    std::string method;
    std::string url;
    Position url_pos;
    std::optional<std::string> proto;
    std::optional<int64_t> proto_major;
    std::optional<int64_t> proto_minor;
    std::optional<int64_t> content_length;
    Position content_length_pos;
    std::optional<std::vector<std::string>> transfer_encoding;
    std::optional<ValuesMap> trailer;
    std::optional<std::string> host;
    std::optional<std::string> remote_addr;
    std::optional<std::string> request_uri;
    Body body;
    std::optional<ValuesMap> form;
    Headers headers;
    Position headers_pos;
    std::vector<ExtraField> extra;
    Position pos;  // of the `request:` key
};

struct Response {
    std::optional<std::string> proto;
    std::optional<int64_t> proto_major;
    std::optional<int64_t> proto_minor;
    std::optional<std::vector<std::string>> transfer_encoding;
    std::optional<ValuesMap> trailer;
    std::optional<int64_t> content_length;
    Position content_length_pos;
    std::optional<bool> uncompressed;
    Body body;
    Headers headers;
    Position headers_pos;
    std::string status;  // "200 OK"
    Position status_pos;
    std::optional<int64_t> code;
    Position code_pos;
    // Duration as written ("1.2101485s", "", or a bare integer of nanoseconds),
    // and its value in milliseconds when it parses.
    std::optional<std::string> duration;
    std::optional<double> duration_ms;
    Position duration_pos;
    std::vector<ExtraField> extra;
    Position pos;  // of the `response:` key
};

struct Interaction {
    size_t index = 0;           // 0-based position in the file
    std::optional<int64_t> id;  // go-vcr v2 `id`
    Position id_pos;
    Request request;
    Response response;
    std::vector<ExtraField> extra;
    Position pos;  // of the sequence item
};

// The stored body bytes of both sides: what the per-interaction work reads.
inline size_t body_bytes(const Interaction& ix) { return ix.request.body.bytes.size() + ix.response.body.bytes.size(); }

// A field that is there but malformed (mistyped, unknown version, ...).
// Reading goes on; `validate` reports these as `schema` findings and the
// other commands refuse the file (exit 2) naming each one.
struct Problem {
    std::string rule;  // "schema"
    Position pos;
    std::optional<size_t> interaction;
    std::string message;
};

struct Cassette {
    std::string path;     // as given by the user ("-" for stdin)
    std::string format;   // "go-vcr", "vcrpy", "ruby-vcr", "har", "httprr", "nock"
    int64_t version = 0;  // the format's own version (go-vcr 1/2, VCR.py 1), 0 when it has none
    // The library that recorded the file and its version, as the file names
    // it ("VCR 6.2.0", "Polly.JS 6.0.6"); empty when the format does not say.
    std::string recorder;
    Position version_pos;
    // "" for HTTP. A VCR-shaped file that holds no HTTP says what it holds:
    // "websocket" (message logs) or "grpc" (sample logs); its records are
    // interactions with everything in `extra` (lib/formats/message_log.hpp).
    std::string not_http;
    std::vector<Interaction> interactions;
    std::vector<ExtraField> extra;  // unknown top-level keys
    std::vector<Problem> problems;
    size_t interaction_count = 0;  // set by read_cassette even when streaming
};

// Parses a Go time.Duration string ("1.5s", "300ms", "1h2m3.5s", "0s").
std::optional<double> parse_go_duration_ms(std::string_view text);

// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);

}  // namespace cassette
