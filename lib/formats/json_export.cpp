#include "formats/json_export.hpp"

#include <simdjson.h>

#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "decode/base64.hpp"
#include "decode/body.hpp"
#include "prompt.hpp"
#include "providers/reassemble.hpp"
#include "util/utf8.hpp"

namespace cassette {

namespace {

using nlohmann::json;

json headers_to_json(const Headers& h) {
    json o = json::object();
    for (const auto& item : h.items) {
        json& slot = o[item.name];
        if (slot.is_null()) slot = json::array();
        for (const auto& v : item.values) slot.push_back(v);
    }
    return o;
}

json values_to_json(const ValuesMap& m) {
    json o = json::object();
    for (const auto& [k, vs] : m) o[k] = vs;
    return o;
}

void put_extra(json& o, const std::vector<ExtraField>& extra) {
    for (const auto& e : extra) {
        json v = json::parse(e.json, nullptr, false);
        o[e.key] = v.is_discarded() ? json(e.json) : v;
    }
}

// Bodies as recorded: text when the bytes are UTF-8, else base64 under
// `body_base64` (JSON strings cannot hold arbitrary bytes).
void put_body(json& o, const Body& b) {
    if (is_valid_utf8(b.bytes)) {
        o["body"] = b.bytes;
    } else {
        o["body"] = nullptr;
        o["body_base64"] = base64_encode(b.bytes);
    }
    if (b.binary_tag) o["body_yaml_binary"] = true;
}

template <typename T>
void put_opt(json& o, const char* key, const std::optional<T>& v) {
    if (v) o[key] = *v;
}

void put_opt_values(json& o, const char* key, const std::optional<ValuesMap>& v) {
    if (v) o[key] = values_to_json(*v);
}

// The fields go-vcr's Request and Response share (net/http's message
// fields), headers and body. Keys come out sorted, so the order put is free.
template <typename HttpMessage>
json http_message_to_json(const HttpMessage& m) {
    json o = json::object();
    put_opt(o, "proto", m.proto);
    put_opt(o, "proto_major", m.proto_major);
    put_opt(o, "proto_minor", m.proto_minor);
    put_opt(o, "content_length", m.content_length);
    put_opt(o, "transfer_encoding", m.transfer_encoding);
    put_opt_values(o, "trailer", m.trailer);
    o["headers"] = headers_to_json(m.headers);
    put_body(o, m.body);
    return o;
}

json events_to_json(DecodedBody&& d) {
    json a = json::array();
    for (auto& e : d.events) {
        json ev = json::object();
        ev["data"] = std::move(e.data);
        ev["event"] = std::move(e.event);
        ev["id"] = e.id ? json(std::move(*e.id)) : json(nullptr);
        a.push_back(std::move(ev));
    }
    return a;
}

bool is_stream(BodyKind k) {
    return k == BodyKind::sse || k == BodyKind::eventstream || k == BodyKind::ndjson || k == BodyKind::json_stream;
}

}  // namespace

namespace {

// The bytes a JSON string holds as they are (UTF-8 already checked); the rest
// are escaped as nlohmann escapes them.
constexpr std::array<bool, 256> kVerbatim = [] {
    std::array<bool, 256> t{};
    for (int b = 0x20; b < 256; ++b) t[b] = b != '"' && b != '\\';
    return t;
}();

// The end of the run of verbatim bytes from `i`: 16 at a time where SSE2
// is there (every x86-64), a byte at a time elsewhere and for the tail.
size_t verbatim_run(const char* d, size_t i, size_t n) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i control = _mm_set1_epi8(0x1F);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
        __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                       _mm_cmpeq_epi8(_mm_min_epu8(v, control), v));  // v <= 0x1F
        if (int mask = _mm_movemask_epi8(special))
            return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
#endif
    while (i < n && kVerbatim[static_cast<unsigned char>(d[i])]) ++i;
    return i;
}

void append_string(std::string& out, const std::string& s) {
    if (!simdjson::validate_utf8(s.data(), s.size())) {
        out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);  // U+FFFD as nlohmann places it
        return;
    }
    out += '"';
    const char* d = s.data();
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        size_t run = verbatim_run(d, i, n);
        out.append(d + i, run - i);
        if (run == n) break;
        auto c = static_cast<unsigned char>(d[run]);
        i = run + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\f': out += "\\f"; break;
            case '\r': out += "\\r"; break;
            default: {
                static const char hex[] = "0123456789abcdef";
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                out.append(u, 6);
            }
        }
    }
    out += '"';
}

template <class J>
void append_value(std::string& out, const J& j, int step, int indent) {
    switch (j.type()) {
        case J::value_t::object:
        case J::value_t::array: {
            const bool object = j.is_object();
            if (j.empty()) {
                out += object ? "{}" : "[]";
                return;
            }
            out += object ? '{' : '[';
            bool first = true;
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (!first) out += ',';
                first = false;
                if (step >= 0) {
                    out += '\n';
                    out.append(static_cast<size_t>(indent + step), ' ');
                }
                if (object) {
                    append_string(out, it.key());
                    out += step >= 0 ? ": " : ":";
                }
                append_value(out, *it, step, indent + step);
            }
            if (step >= 0) {
                out += '\n';
                out.append(static_cast<size_t>(indent), ' ');
            }
            out += object ? '}' : ']';
            return;
        }
        case J::value_t::string: append_string(out, j.template get_ref<const std::string&>()); return;
        case J::value_t::boolean: out += j.template get<bool>() ? "true" : "false"; return;
        case J::value_t::null: out += "null"; return;
        case J::value_t::number_integer: out += std::to_string(j.template get<int64_t>()); return;
        case J::value_t::number_unsigned: out += std::to_string(j.template get<uint64_t>()); return;
        default: out += j.dump(-1, ' ', false, J::error_handler_t::replace); return;  // floats, binary
    }
}

}  // namespace

void append_json(std::string& out, const json& j, int indent, int at) { append_value(out, j, indent, at); }
void append_json(std::string& out, const nlohmann::ordered_json& j, int indent, int at) {
    append_value(out, j, indent, at);
}

std::string dump_json(const json& j, int indent) {
    std::string out;
    append_value(out, j, indent, 0);
    return out;
}

json cassette_header_to_json(const Cassette& c) {
    json o = {{"path", c.path}, {"format", c.format}, {"version", c.version}};
    // Only when the file names its recorder (go-vcr and VCR.py files never do).
    if (!c.recorder.empty()) o["recorder"] = c.recorder;
    put_extra(o, c.extra);
    return o;
}

json interaction_to_json(const Interaction& ix, const JsonExportOptions& opts) {
    const Request& rq = ix.request;
    const Response& rs = ix.response;

    json req = http_message_to_json(rq);
    req["method"] = rq.method;
    req["url"] = rq.url;
    put_opt(req, "host", rq.host);
    put_opt(req, "remote_addr", rq.remote_addr);
    put_opt(req, "request_uri", rq.request_uri);
    put_opt_values(req, "form", rq.form);
    put_extra(req, rq.extra);

    json res = http_message_to_json(rs);
    put_opt(res, "code", rs.code);
    res["status"] = rs.status;
    put_opt(res, "uncompressed", rs.uncompressed);
    put_opt(res, "duration", rs.duration);
    res["duration_ms"] = rs.duration_ms ? json(*rs.duration_ms) : json(nullptr);
    put_extra(res, rs.extra);

    json o = json::object();
    o["index"] = ix.index;
    o["id"] = ix.id ? json(*ix.id) : json(nullptr);

    std::optional<Message> message;
    std::optional<Prompt> prompt;
    if (opts.decoded) {
        DecodedBody rq_body = decode_body(rq.headers, rq.body.bytes);
        DecodedBody rs_body = decode_body(rs.headers, rs.body.bytes);
        message = reassemble(ix, rs_body);
        prompt = read_prompt(ix, rs_body, &rq_body);
        // Read by both above; no longer needed as they are: moved, not copied.
        if (rq_body.json) req["json"] = std::move(*rq_body.json);
        if (rs_body.compression != Compression::none) {
            res["content_encoding_decoded"] = compression_name(rs_body.compression);
        }
        if (rs_body.json) res["json"] = std::move(*rs_body.json);
        if (is_stream(rs_body.kind)) res["events"] = events_to_json(std::move(rs_body));
    }
    o["request"] = std::move(req);
    o["response"] = std::move(res);
    if (message) o["message"] = to_json(*message);
    if (prompt) o["prompt"] = to_json(*prompt);
    put_extra(o, ix.extra);
    return o;
}

json cassette_to_json(const Cassette& c, const JsonExportOptions& opts) {
    json o = cassette_header_to_json(c);
    json list = json::array();
    for (const auto& ix : c.interactions) list.push_back(interaction_to_json(ix, opts));
    o["interactions"] = std::move(list);
    return o;
}

}  // namespace cassette
