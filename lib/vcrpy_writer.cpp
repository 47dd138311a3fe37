#include "vcrpy_writer.hpp"

#include <yaml.h>

#include <stdexcept>

#include "base64.hpp"
#include "utf8.hpp"

namespace cassette {

namespace {

int append_output(void* data, unsigned char* buffer, size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
    return 1;
}

class Emitter {
public:
    Emitter() {
        if (!yaml_emitter_initialize(&e_)) throw std::runtime_error("libyaml: cannot initialise the emitter");
        yaml_emitter_set_output(&e_, append_output, &out_);
        yaml_emitter_set_unicode(&e_, 1);
        yaml_emitter_set_width(&e_, -1);
        yaml_emitter_set_indent(&e_, 2);
    }
    ~Emitter() { yaml_emitter_delete(&e_); }
    Emitter(const Emitter&) = delete;
    Emitter& operator=(const Emitter&) = delete;

    void emit(yaml_event_t& ev) {
        if (!yaml_emitter_emit(&e_, &ev)) throw std::runtime_error(std::string("libyaml: ") + (e_.problem ? e_.problem : "emitter error"));
    }
    void begin() {
        yaml_event_t ev;
        yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
        emit(ev);
        yaml_document_start_event_initialize(&ev, nullptr, nullptr, nullptr, 1);
        emit(ev);
    }
    void end() {
        yaml_event_t ev;
        yaml_document_end_event_initialize(&ev, 1);
        emit(ev);
        yaml_stream_end_event_initialize(&ev);
        emit(ev);
    }
    void map_start() {
        yaml_event_t ev;
        yaml_mapping_start_event_initialize(&ev, nullptr, nullptr, 1, YAML_BLOCK_MAPPING_STYLE);
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
    // A key or a value known to read back as itself when plain (names, numbers).
    void plain(std::string_view s) { scalar(s, nullptr, 1, 0, YAML_PLAIN_SCALAR_STYLE); }
    void null() { plain("null"); }
    // A string value: quoted, so it never resolves to a number/bool/null; a
    // literal block for multi-line text (as vcrpy's dumps are read by people).
    void str(std::string_view s) {
        if (!is_valid_utf8(s)) {
            std::string b64 = base64_encode(s);
            scalar(b64, "tag:yaml.org,2002:binary", 0, 0, YAML_LITERAL_SCALAR_STYLE);
            return;
        }
        scalar(s, nullptr, 0, 1, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
    }
    void key(std::string_view s) {
        if (s.empty() || s.find_first_of(":#'\"{}[],&*!|>%@`\n\r\t") != std::string_view::npos || s.front() == ' ' ||
            s.front() == '-' || s.front() == '?' || s.back() == ' ')
            scalar(s, nullptr, 0, 1, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
        else
            plain(s);
    }
    std::string take() { return std::move(out_); }

private:
    void scalar(std::string_view s, const char* tag, int plain_implicit, int quoted_implicit, yaml_scalar_style_t style) {
        yaml_event_t ev;
        yaml_scalar_event_initialize(&ev, nullptr, reinterpret_cast<const yaml_char_t*>(tag),
                                     reinterpret_cast<const yaml_char_t*>(s.data()), static_cast<int>(s.size()),
                                     plain_implicit, quoted_implicit, style);
        emit(ev);
    }
    yaml_emitter_t e_{};
    std::string out_;
};

void headers(Emitter& e, const Headers& h) {
    e.key("headers");
    e.map_start();
    for (const auto& item : h.items) {
        e.key(item.name);
        e.seq_start();
        for (const auto& v : item.values) e.str(v);
        e.seq_end();
    }
    e.map_end();
}

}  // namespace

std::string write_vcrpy(const Cassette& c) {
    Emitter e;
    e.begin();
    e.map_start();
    e.key("interactions");
    e.seq_start();
    for (const auto& ix : c.interactions) {
        e.map_start();
        e.key("request");
        e.map_start();
        e.key("body");
        if (ix.request.body.present && !ix.request.body.bytes.empty()) e.str(ix.request.body.bytes);
        else e.null();
        headers(e, ix.request.headers);
        e.key("method");
        e.str(ix.request.method);
        e.key("uri");
        e.str(ix.request.url);
        e.map_end();
        e.key("response");
        e.map_start();
        e.key("body");
        e.map_start();
        e.key("string");
        e.str(ix.response.body.bytes);
        e.map_end();
        headers(e, ix.response.headers);
        e.key("status");
        e.map_start();
        int64_t code = ix.response.code.value_or(0);
        e.key("code");
        e.plain(std::to_string(code));
        // "200 OK" -> "OK"
        std::string message = ix.response.status;
        std::string prefix = std::to_string(code);
        if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
        if (!message.empty() && message[0] == ' ') message.erase(0, 1);
        e.key("message");
        e.str(message);
        e.map_end();
        e.map_end();
        e.map_end();
    }
    e.seq_end();
    e.key("version");
    e.plain("1");
    e.map_end();
    e.end();
    return e.take();
}

}  // namespace cassette
