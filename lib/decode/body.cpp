// Body decoding: undo the compression the bytes actually have, then decide
// what they are. Content-Type is a hint, not the truth: recorders store
// decoded bodies under stale headers and some servers label streams
// application/json, so every kind is also recognised by its bytes.
#include "decode/body.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

#include "decode/base64.hpp"
#include "limits.hpp"
#include "decode/eventstream.hpp"
#include "decode/json_fast.hpp"
#include "decode/sse.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

namespace cassette {

namespace {

// nlohmann's own DOM builder with a nesting limit, so that hostile documents
// never build a deep tree and the text is scanned once (no separate depth
// pass before the parse).
class DepthLimitedDom {
public:
    using json = nlohmann::json;
    DepthLimitedDom(json& result, size_t max_depth) : dom_(result, /*allow_exceptions=*/false), max_(max_depth) {}
    bool null() { return dom_.null(); }
    bool boolean(bool v) { return dom_.boolean(v); }
    bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
    bool number_float(json::number_float_t v, const json::string_t& s) { return dom_.number_float(v, s); }
    bool string(json::string_t& v) { return dom_.string(v); }
    bool binary(json::binary_t& v) { return dom_.binary(v); }
    bool start_object(std::size_t n) { return ++depth_ <= max_ && dom_.start_object(n); }
    bool key(json::string_t& v) { return dom_.key(v); }
    bool end_object() {
        --depth_;
        return dom_.end_object();
    }
    bool start_array(std::size_t n) { return ++depth_ <= max_ && dom_.start_array(n); }
    bool end_array() {
        --depth_;
        return dom_.end_array();
    }
    bool parse_error(std::size_t pos, const std::string& token, const nlohmann::detail::exception& e) {
        return dom_.parse_error(pos, token, e);
    }
    bool ok() const { return !dom_.is_errored() && depth_ <= max_; }

private:
    nlohmann::detail::json_sax_dom_parser<json> dom_;
    size_t depth_ = 0;
    size_t max_;
};

}  // namespace

std::string media_type(const std::string* ct) {
    if (!ct) return {};
    std::string_view v = *ct;
    v = trim(v.substr(0, v.find(';')));
    std::string out(v);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    return out;
}

bool is_json_type(const std::string& mt) {
    return mt == "application/json" || mt == "text/json" ||
           (mt.size() > 5 && mt.compare(mt.size() - 5, 5, "+json") == 0);
}

// Text whose first non-blank line is an SSE field or comment.
bool looks_like_sse(std::string_view s) {
    if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    while (!s.empty() && (s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
    for (std::string_view p : {"data:", "event:", "id:", "retry:", ":"})
        if (s.substr(0, p.size()) == p) return true;
    return false;
}

// Several lines, each a JSON document on its own: NDJSON without a header.
bool looks_like_ndjson(std::string_view text) {
    size_t docs = 0, pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view t = trim(text.substr(pos, nl - pos));
        pos = nl + 1;
        if (t.empty()) continue;
        if (t.front() != '{' && t.front() != '[') return false;  // Ollama & co. stream objects
        ++docs;
    }
    return docs >= 2;
}

namespace {

// Line index of byte offset `at` (1-based), counting LF line ends.
size_t line_of(std::string_view s, size_t at) {
    at = std::min(at, s.size());
    return 1 + static_cast<size_t>(std::count(s.begin(), s.begin() + static_cast<ptrdiff_t>(at), '\n'));
}

// Splits into NDJSON records. `strict`: every non-blank line must be JSON
// (used when sniffing without a header). Returns false if strict fails.
bool split_ndjson(std::string_view text, bool strict, DecodedBody& out) {
    std::vector<BodyEvent> events;
    std::vector<BodyProblem> problems;
    size_t line_no = 0, pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++line_no;
        std::string_view t = trim(line);
        if (t.empty()) continue;
        if (!parse_json(t)) {
            if (strict) return false;
            problems.push_back({"json-body", line_no, "NDJSON line is not valid JSON"});
        }
        BodyEvent ev;
        ev.event = "message";
        ev.data = std::string(t);
        ev.line = line_no;
        events.push_back(std::move(ev));
    }
    out.events = std::move(events);
    for (auto& p : problems) out.problems.push_back(std::move(p));
    return true;
}

void decode_eventstream(DecodedBody& out) {
    EventStreamResult es = parse_eventstream(out.text);
    out.kind = BodyKind::eventstream;
    for (auto& m : es.messages) {
        BodyEvent ev;
        ev.offset = m.offset;
        if (const std::string* t = m.header(":event-type"))
            ev.event = *t;
        else if (const std::string* x = m.header(":exception-type"))
            ev.event = *x;
        else if (const std::string* e = m.header(":error-code"))
            ev.event = *e;  // unmodeled error
        ev.data = std::move(m.payload);
        // Bedrock invoke-with-response-stream wraps each model event as
        // {"bytes": "<base64 JSON>", "p": "<padding>"}.
        if (ev.event == "chunk") {
            if (auto j = parse_json(ev.data); j && j->is_object()) {
                auto it = j->find("bytes");
                if (it != j->end() && it->is_string())
                    if (auto inner = base64_decode(it->get_ref<const std::string&>())) ev.data = std::move(*inner);
            }
        }
        if (!m.prelude_crc_ok)
            out.problems.push_back(
                {"eventstream-crc", 0, "prelude CRC mismatch in message at byte " + std::to_string(m.offset)});
        if (!m.message_crc_ok)
            out.problems.push_back(
                {"eventstream-crc", 0, "message CRC mismatch in message at byte " + std::to_string(m.offset)});
        out.events.push_back(std::move(ev));
    }
    if (es.error)
        out.problems.push_back({"eventstream-crc", 0,
                                "event stream framing: " + *es.error + " at byte " + std::to_string(es.error_offset)});
}

void decode_sse(DecodedBody& out) {
    SseResult r = parse_sse(out.text);
    out.kind = BodyKind::sse;
    out.stream_terminated = r.terminated;
    out.events.reserve(r.events.size());
    for (auto& e : r.events) {
        BodyEvent ev;
        ev.event = std::move(e.event);
        ev.data = std::move(e.data);
        ev.id = std::move(e.id);
        ev.line = e.line;
        out.events.push_back(std::move(ev));
    }
    for (auto& i : r.issues) out.problems.push_back({"sse-syntax", i.line, std::move(i.message)});
}

// Where a JSON parse fails, for the json-body finding: a SAX pass that
// builds nothing and only remembers the error position.
struct ErrorPosition : nlohmann::json_sax<nlohmann::json> {
    size_t byte = 0;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
        byte = position;
        return false;
    }
};

// The text as nlohmann's lexer reads it, with every run of whitespace
// outside strings cut to its first character. The lexer keeps every byte it
// skipped since the last string or number for its error message (escaping
// each control character as "<U+000A>"), so a body of 200 MB of newlines cost
// gigabytes and tens of seconds before the parse error came back; cut runs
// leave the error at the same token. Strings are passed whole (the lexer
// resets at each one, and a raw control character in one is the error).
// Records the original offset of the last characters handed out, so that a
// position the parser reports maps back to the text.
class CollapsedWhitespace {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    struct Trace {
        size_t handed = 0;      // characters handed to the lexer
        size_t recent[4] = {};  // original offsets of the last four, by handed % 4
    };

    CollapsedWhitespace(std::string_view text, size_t at, Trace* trace) : text_(text), at_(at), trace_(trace) {}
    const char& operator*() const {
        trace_->recent[trace_->handed++ % 4] = at_;
        return text_[at_];
    }
    CollapsedWhitespace& operator++() {
        const char c = text_[at_++];
        if (in_string_) {
            if (escaped_)
                escaped_ = false;
            else if (c == '\\')
                escaped_ = true;
            else if (c == '"')
                in_string_ = false;
        } else if (c == '"') {
            in_string_ = true;
        } else if (is_blank(c)) {
            while (at_ < text_.size() && is_blank(text_[at_])) ++at_;
        }
        return *this;
    }
    bool operator==(const CollapsedWhitespace& o) const { return at_ == o.at_; }
    bool operator!=(const CollapsedWhitespace& o) const { return at_ != o.at_; }

private:
    std::string_view text_;
    size_t at_;
    Trace* trace_;
    bool in_string_ = false;
    bool escaped_ = false;
};

// The line (1-based) where `text` stops being JSON, or nothing when it is JSON
// (a body refused only for its nesting depth). One pass, linear in the text.
std::optional<size_t> json_error_line(std::string_view text) {
    ErrorPosition sax;
    CollapsedWhitespace::Trace trace;
    nlohmann::json::sax_parse(CollapsedWhitespace(text, 0, &trace), CollapsedWhitespace(text, text.size(), &trace),
                              &sax, nlohmann::json::input_format_t::json, /*strict=*/true);
    if (sax.byte == 0) return std::nullopt;
    // sax.byte counts characters read (1-based), the end of input included:
    // past what was handed out, the error is at the end of the text.
    size_t at = text.size();
    if (sax.byte <= trace.handed && trace.handed - sax.byte < 4) at = trace.recent[(sax.byte - 1) % 4];
    return line_of(text, at);
}

}  // namespace

const char* body_kind_name(BodyKind k) {
    switch (k) {
        case BodyKind::empty: return "empty";
        case BodyKind::json: return "json";
        case BodyKind::sse: return "sse";
        case BodyKind::eventstream: return "eventstream";
        case BodyKind::ndjson: return "ndjson";
        case BodyKind::json_stream: return "json_stream";
        case BodyKind::text: return "text";
        case BodyKind::binary: return "binary";
    }
    return "binary";
}

std::optional<nlohmann::json> parse_json(std::string_view text) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    // Cheap rejection before parsing, so a large SSE body costs nothing here.
    if (std::string_view("{[\"-0123456789tfn").find(text.front()) == std::string_view::npos) return std::nullopt;
    nlohmann::json j;
    if (fast_parse(text, j, limits().json_depth)) return j;
    j = nullptr;
    DepthLimitedDom sax(j, limits().json_depth);
    // Whitespace runs cut (see CollapsedWhitespace) in large texts: a failed
    // parse of a body with a long blank stretch would otherwise cost
    // gigabytes. Small ones (every stream event: the hot path) go to the
    // lexer as they are, where the cost is bounded by their size.
    constexpr size_t kCollapseFrom = size_t{1} << 20;
    bool parsed = false;
    if (text.size() < kCollapseFrom) {
        parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &sax, nlohmann::json::input_format_t::json,
                                           /*strict=*/true);
    } else {
        CollapsedWhitespace::Trace trace;
        parsed = nlohmann::json::sax_parse(CollapsedWhitespace(text, 0, &trace),
                                           CollapsedWhitespace(text, text.size(), &trace), &sax,
                                           nlohmann::json::input_format_t::json, /*strict=*/true);
    }
    if (!parsed || !sax.ok()) return std::nullopt;
    return j;
}

DecodedBody decode_body(const Headers& headers, std::string_view bytes) {
    DecodedBody out;
    if (bytes.empty()) return out;  // kind empty

    const std::string* ce = headers.first("Content-Encoding");
    Compression c = sniff_compression(bytes, ce);
    if (c != Compression::none) {
        Decompressed d = decompress(bytes, c);
        if (d.ok) {
            out.compression = c;
            out.text = std::move(d.bytes);
        } else {
            // Keep the bytes as recorded; say why they could not be decoded.
            out.problems.push_back(
                {"content-encoding", 0, std::string("cannot decode ") + compression_name(c) + " body: " + d.error});
            out.text.assign(bytes);
        }
    } else {
        out.text.assign(bytes);
    }
    if (out.text.empty()) return out;  // e.g. gzip of nothing

    const std::string mt = media_type(headers.first("Content-Type"));
    const std::string_view text = out.text;

    // A CRC-valid prelude is proof enough whatever the header says; a header
    // claiming an event stream over a JSON body (an error reply) is not.
    const bool es_header = mt == "application/vnd.amazon.eventstream";
    if (looks_like_eventstream(text)) {
        decode_eventstream(out);
        return out;
    }
    if (mt == "application/x-ndjson" || mt == "application/ndjson" || mt == "application/jsonl") {
        split_ndjson(text, false, out);
        out.kind = BodyKind::ndjson;
        return out;
    }
    if (auto j = parse_json(text)) {
        out.kind = BodyKind::json;
        out.json = std::move(j);
        return out;
    }
    if (es_header) {
        decode_eventstream(out);
        return out;
    }
    if (mt == "text/event-stream" || looks_like_sse(text)) {
        decode_sse(out);
        return out;
    }
    if (looks_like_ndjson(text)) {
        DecodedBody trial;
        if (split_ndjson(text, true, trial)) {
            out.kind = BodyKind::ndjson;
            out.events = std::move(trial.events);
            return out;
        }
    }
    if (is_json_type(mt)) {
        if (auto line = json_error_line(text))
            out.problems.push_back({"json-body", *line, "declared JSON body does not parse"});
        else
            out.problems.push_back({"json-body", 0,
                                    "declared JSON body nests deeper than " + std::to_string(limits().json_depth) +
                                        " levels; " + limit_hint(&Limits::json_depth)});
    }
    // As git decides: a NUL byte makes it binary even when it is valid UTF-8.
    out.kind = is_valid_utf8(text) && text.find('\0') == std::string_view::npos ? BodyKind::text : BodyKind::binary;
    return out;
}

}  // namespace cassette
