#include "formats/govcr_writer.hpp"

#include <cmath>

#include "formats/har_writer.hpp"
#include "util/utf8.hpp"
#include "formats/yaml_emit.hpp"

namespace cassette {

namespace {

// Would YAML read this plain scalar as something other than a string (null,
// bool, number, timestamp)? Then it must be quoted, as Go's yaml quotes it.
// Conservative: anything number-like is quoted.
bool resolves_to_non_string(std::string_view s) {
    static const char* kWords[] = {"~",     "null",  "Null",  "NULL",  "y",    "Y",    "yes",  "Yes",  "YES",
                                   "n",     "N",     "no",    "No",    "NO",   "true", "True", "TRUE", "false",
                                   "False", "FALSE", "on",    "On",    "ON",   "off",  "Off",  "OFF",  ".inf",
                                   ".Inf",  ".INF",  "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "<<",   "="};
    for (const char* w : kWords)
        if (s == w) return true;
    if (s.empty()) return true;
    char c0 = s[0];
    if (!(c0 == '-' || c0 == '+' || c0 == '.' || (c0 >= '0' && c0 <= '9'))) return false;
    for (char c : s) {
        bool ok = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == '_' || c == ':' || c == ' ' ||
                  c == ',' || c == 'e' || c == 'E' || c == 'x' || c == 'X' || c == 'o' || c == 'O' || c == 'b' ||
                  c == 'B' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == 'T' || c == 't' || c == 'Z' ||
                  c == 'z';
        if (!ok) return false;
    }
    return true;
}

// go-vcr's quoting on top of the shared emitter: what Go's yaml package writes.
class Emitter : public YamlEmitter {
public:
    void integer(int64_t v) { plain(std::to_string(v)); }
    void boolean(bool v) { plain(v ? "true" : "false"); }

    // Any string: !!binary when not UTF-8; quoted when plain would change its
    // type; block literal for multi-line text (libyaml falls back to double
    // quotes whenever a literal could not hold the bytes exactly, e.g. CR).
    void string(std::string_view s, bool block = false) {
        if (!is_valid_utf8(s)) {
            binary(s, 70);
            return;
        }
        if (resolves_to_non_string(s)) {
            double_quoted(s);
            return;
        }
        bool multiline = s.find('\n') != std::string_view::npos;
        scalar(s, block && multiline ? YAML_LITERAL_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE, true, true);
    }

    void key(std::string_view k) { string(k); }
};

void values_map(Emitter& em, const ValuesMap& m) {
    em.map_start();
    for (const auto& [k, vs] : m) {
        em.key(k);
        em.seq_start();
        for (const auto& v : vs) em.string(v);
        em.seq_end();
    }
    em.map_end();
}

void headers(Emitter& em, const Headers& h) {
    if (h.empty()) {
        em.map_start(true);  // `{}`, as Go writes an empty non-omitempty map
        em.map_end();
        return;
    }
    em.map_start();
    for (const auto& item : h.items) {
        em.key(item.name);
        em.seq_start();
        for (const auto& v : item.values) em.string(v);
        em.seq_end();
    }
    em.map_end();
}

void strings(Emitter& em, const std::vector<std::string>& list) {
    em.seq_start();
    for (const auto& v : list) em.string(v);
    em.seq_end();
}

std::string duration_text(const Response& rs) {
    if (rs.duration && parse_go_duration_ms(*rs.duration) &&
        (rs.duration->find_first_not_of("+-0123456789.") != std::string::npos || *rs.duration == "0"))
        return *rs.duration;
    if (rs.duration_ms && std::isfinite(*rs.duration_ms) && std::fabs(*rs.duration_ms) < 9e12)
        return format_go_duration(std::llround(*rs.duration_ms * 1e6));
    return "0s";
}

void request(Emitter& em, const Request& rq) {
    em.map_start();
    em.key("proto");
    em.string(rq.proto.value_or(""));
    em.key("proto_major");
    em.integer(rq.proto_major.value_or(0));
    em.key("proto_minor");
    em.integer(rq.proto_minor.value_or(0));
    em.key("content_length");
    em.integer(rq.content_length.value_or(0));
    if (rq.transfer_encoding && !rq.transfer_encoding->empty()) {
        em.key("transfer_encoding");
        strings(em, *rq.transfer_encoding);
    }
    if (rq.trailer && !rq.trailer->empty()) {
        em.key("trailer");
        values_map(em, *rq.trailer);
    }
    em.key("host");
    em.string(rq.host.value_or(""));
    if (rq.remote_addr && !rq.remote_addr->empty()) {
        em.key("remote_addr");
        em.string(*rq.remote_addr);
    }
    if (rq.request_uri && !rq.request_uri->empty()) {
        em.key("request_uri");
        em.string(*rq.request_uri);
    }
    if (!rq.body.bytes.empty()) {
        em.key("body");
        em.string(rq.body.bytes, true);
    }
    if (rq.form && !rq.form->empty()) {
        em.key("form");
        values_map(em, *rq.form);
    }
    if (!rq.headers.empty()) {
        em.key("headers");
        headers(em, rq.headers);
    }
    em.key("url");
    em.string(rq.url);
    em.key("method");
    em.string(rq.method);
    em.map_end();
}

void response(Emitter& em, const Response& rs) {
    em.map_start();
    em.key("proto");
    em.string(rs.proto.value_or(""));
    em.key("proto_major");
    em.integer(rs.proto_major.value_or(0));
    em.key("proto_minor");
    em.integer(rs.proto_minor.value_or(0));
    if (rs.transfer_encoding && !rs.transfer_encoding->empty()) {
        em.key("transfer_encoding");
        strings(em, *rs.transfer_encoding);
    }
    if (rs.trailer && !rs.trailer->empty()) {
        em.key("trailer");
        values_map(em, *rs.trailer);
    }
    em.key("content_length");
    em.integer(rs.content_length.value_or(0));
    if (rs.uncompressed.value_or(false)) {
        em.key("uncompressed");
        em.boolean(true);
    }
    em.key("body");
    em.string(rs.body.bytes, true);
    em.key("headers");
    headers(em, rs.headers);
    em.key("status");
    em.string(rs.status);
    em.key("code");
    em.integer(rs.code.value_or(har_status_code(rs)));
    em.key("duration");
    em.string(duration_text(rs));
    em.map_end();
}

}  // namespace

std::string write_govcr_v2(const Cassette& c) {
    Emitter em;
    em.stream_start();
    em.document_start(true);  // explicit "---", as go-vcr writes
    em.map_start();
    em.key("version");
    em.integer(2);
    em.key("interactions");
    em.seq_start();  // libyaml writes an empty one as `[]`, as Go does
    for (size_t i = 0; i < c.interactions.size(); ++i) {
        const Interaction& ix = c.interactions[i];
        em.map_start();
        em.key("id");
        em.integer(ix.id.value_or(static_cast<int64_t>(i)));
        em.key("request");
        request(em, ix.request);
        em.key("response");
        response(em, ix.response);
        em.map_end();
    }
    em.seq_end();
    em.map_end();
    em.document_end();
    em.stream_end();
    return em.take();
}

}  // namespace cassette
