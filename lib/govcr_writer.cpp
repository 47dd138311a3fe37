#include "govcr_writer.hpp"

#include <yaml.h>

#include <climits>
#include <cmath>
#include <stdexcept>

#include "base64.hpp"
#include "har.hpp"
#include "utf8.hpp"

namespace cassette {

namespace {

int append_output(void* data, unsigned char* buffer, size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
    return 1;
}

// Would YAML read this plain scalar as something other than a string (null,
// bool, number, timestamp)? Then it must be quoted, as Go's yaml quotes it.
// Conservative: anything number-like is quoted.
bool resolves_to_non_string(std::string_view s) {
    static const char* kWords[] = {"~",   "null", "Null", "NULL", "y",     "Y",     "yes",   "Yes",  "YES",
                                   "n",   "N",    "no",   "No",   "NO",    "true",  "True",  "TRUE", "false",
                                   "False", "FALSE", "on", "On",  "ON",    "off",   "Off",   "OFF",  ".inf",
                                   ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "<<",  "="};
    for (const char* w : kWords)
        if (s == w) return true;
    if (s.empty()) return true;
    char c0 = s[0];
    if (!(c0 == '-' || c0 == '+' || c0 == '.' || (c0 >= '0' && c0 <= '9'))) return false;
    for (char c : s) {
        bool ok = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == '_' || c == ':' || c == ' ' ||
                  c == ',' || c == 'e' || c == 'E' || c == 'x' || c == 'X' || c == 'o' || c == 'O' || c == 'b' ||
                  c == 'B' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == 'T' || c == 't' ||
                  c == 'Z' || c == 'z';
        if (!ok) return false;
    }
    return true;
}

class Emitter {
public:
    Emitter() {
        if (!yaml_emitter_initialize(&e_)) throw std::runtime_error("libyaml: cannot initialise the emitter");
        yaml_emitter_set_output(&e_, append_output, &out_);
        yaml_emitter_set_unicode(&e_, 1);  // UTF-8 text as is, not \u escapes
        yaml_emitter_set_width(&e_, -1);   // never fold long lines
        yaml_emitter_set_indent(&e_, 2);
    }
    ~Emitter() { yaml_emitter_delete(&e_); }
    Emitter(const Emitter&) = delete;
    Emitter& operator=(const Emitter&) = delete;

    void stream_start() {
        yaml_event_t ev;
        yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
        emit(ev);
    }
    void stream_end() {
        yaml_event_t ev;
        yaml_stream_end_event_initialize(&ev);
        emit(ev);
    }
    void document_start() {
        yaml_event_t ev;
        yaml_document_start_event_initialize(&ev, nullptr, nullptr, nullptr, 0);  // explicit: "---"
        emit(ev);
    }
    void document_end() {
        yaml_event_t ev;
        yaml_document_end_event_initialize(&ev, 1);
        emit(ev);
    }
    void map_start(bool flow = false) {
        yaml_event_t ev;
        yaml_mapping_start_event_initialize(&ev, nullptr, nullptr, 1,
                                            flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
        emit(ev);
    }
    void map_end() {
        yaml_event_t ev;
        yaml_mapping_end_event_initialize(&ev);
        emit(ev);
    }
    void seq_start() {
        yaml_event_t ev;
        yaml_sequence_start_event_initialize(&ev, nullptr, nullptr, 1, YAML_BLOCK_SEQUENCE_STYLE);
        emit(ev);
    }
    void seq_end() {
        yaml_event_t ev;
        yaml_sequence_end_event_initialize(&ev);
        emit(ev);
    }

    // A plain scalar known to read back as intended (numbers, bools, keys we own).
    void plain(std::string_view text) { scalar(nullptr, text, 1, 0, YAML_PLAIN_SCALAR_STYLE); }
    void integer(int64_t v) { plain(std::to_string(v)); }
    void boolean(bool v) { plain(v ? "true" : "false"); }

    // Any string: !!binary when not UTF-8; quoted when plain would change its
    // type; block literal for multi-line text (libyaml falls back to double
    // quotes whenever a literal could not hold the bytes exactly, e.g. CR).
    void string(std::string_view s, bool block = false) {
        if (!is_valid_utf8(s)) {
            binary(s);
            return;
        }
        if (resolves_to_non_string(s)) {
            scalar(nullptr, s, 0, 1, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
            return;
        }
        bool multiline = s.find('\n') != std::string_view::npos;
        scalar(nullptr, s, 1, 1, block && multiline ? YAML_LITERAL_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
    }

    void binary(std::string_view bytes) {
        std::string b64 = base64_encode(bytes);
        std::string folded;
        folded.reserve(b64.size() + b64.size() / 70 + 1);
        for (size_t i = 0; i < b64.size(); i += 70) {
            folded.append(b64, i, 70);
            folded += '\n';
        }
        scalar("tag:yaml.org,2002:binary", folded, 0, 0, YAML_LITERAL_SCALAR_STYLE);
    }

    void key(std::string_view k) { string(k); }

    std::string take() { return std::move(out_); }

private:
    void scalar(const char* tag, std::string_view value, int plain_implicit, int quoted_implicit,
                yaml_scalar_style_t style) {
        if (value.size() > static_cast<size_t>(INT_MAX)) throw std::runtime_error("a value over 2 GiB cannot be written");
        yaml_event_t ev;
        if (!yaml_scalar_event_initialize(&ev, nullptr, reinterpret_cast<yaml_char_t*>(const_cast<char*>(tag)),
                                          reinterpret_cast<yaml_char_t*>(const_cast<char*>(value.data())),
                                          static_cast<int>(value.size()), plain_implicit, quoted_implicit, style))
            throw std::runtime_error("libyaml: cannot create a scalar event");
        emit(ev);
    }
    void emit(yaml_event_t& ev) {
        // yaml_emitter_emit takes ownership of the event, also on failure.
        if (!yaml_emitter_emit(&e_, &ev))
            throw std::runtime_error(std::string("libyaml: ") + (e_.problem ? e_.problem : "emitter error"));
    }

    yaml_emitter_t e_{};
    std::string out_;
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
    em.document_start();
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
