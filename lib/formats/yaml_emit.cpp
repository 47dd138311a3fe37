#include "formats/yaml_emit.hpp"

#include <climits>
#include <stdexcept>

#include "decode/base64.hpp"

namespace cassette {

namespace {

int append_output(void* data, unsigned char* buffer, size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
    return 1;
}

}  // namespace

YamlEmitter::YamlEmitter() {
    if (!yaml_emitter_initialize(&e_)) throw std::runtime_error("libyaml: cannot initialise the emitter");
    yaml_emitter_set_output(&e_, append_output, &out_);
    yaml_emitter_set_unicode(&e_, 1);  // UTF-8 text as is, not \u escapes
    yaml_emitter_set_width(&e_, -1);   // never fold long lines
    yaml_emitter_set_indent(&e_, 2);
}

YamlEmitter::~YamlEmitter() { yaml_emitter_delete(&e_); }

void YamlEmitter::emit(yaml_event_t& ev) {
    // yaml_emitter_emit takes ownership of the event, also on failure.
    if (!yaml_emitter_emit(&e_, &ev))
        throw std::runtime_error(std::string("libyaml: ") + (e_.problem ? e_.problem : "emitter error"));
}

void YamlEmitter::stream_start() {
    yaml_event_t ev;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(ev);
}

void YamlEmitter::stream_end() {
    yaml_event_t ev;
    yaml_stream_end_event_initialize(&ev);
    emit(ev);
}

void YamlEmitter::document_start(bool marker) {
    yaml_event_t ev;
    yaml_document_start_event_initialize(&ev, nullptr, nullptr, nullptr, marker ? 0 : 1);
    emit(ev);
}

void YamlEmitter::document_end() {
    yaml_event_t ev;
    yaml_document_end_event_initialize(&ev, 1);
    emit(ev);
}

void YamlEmitter::map_start(bool flow) {
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, nullptr, nullptr, 1,
                                        flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
    emit(ev);
}

void YamlEmitter::map_end() {
    yaml_event_t ev;
    yaml_mapping_end_event_initialize(&ev);
    emit(ev);
}

void YamlEmitter::seq_start() {
    yaml_event_t ev;
    yaml_sequence_start_event_initialize(&ev, nullptr, nullptr, 1, YAML_BLOCK_SEQUENCE_STYLE);
    emit(ev);
}

void YamlEmitter::seq_end() {
    yaml_event_t ev;
    yaml_sequence_end_event_initialize(&ev);
    emit(ev);
}

void YamlEmitter::binary(std::string_view bytes, size_t line_width) {
    std::string b64 = base64_encode(bytes);
    if (line_width > 0) {
        std::string folded;
        folded.reserve(b64.size() + b64.size() / line_width + 1);
        for (size_t i = 0; i < b64.size(); i += line_width) {
            folded.append(b64, i, line_width);
            folded += '\n';
        }
        b64 = std::move(folded);
    }
    scalar(b64, YAML_LITERAL_SCALAR_STYLE, false, false, "tag:yaml.org,2002:binary");
}

void YamlEmitter::scalar(std::string_view value, yaml_scalar_style_t style, bool plain_implicit, bool quoted_implicit,
                         const char* tag) {
    if (value.size() > static_cast<size_t>(INT_MAX)) throw std::runtime_error("a value over 2 GiB cannot be written");
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, nullptr, reinterpret_cast<const yaml_char_t*>(tag),
                                      reinterpret_cast<const yaml_char_t*>(value.data()),
                                      static_cast<int>(value.size()), plain_implicit, quoted_implicit, style))
        throw std::runtime_error("libyaml: cannot create a scalar event");
    emit(ev);
}

}  // namespace cassette
