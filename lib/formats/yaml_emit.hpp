// A thin wrapper over libyaml's emitter, shared by the YAML writers
// (govcr_writer, vcrpy_writer): one event per call, output collected in a
// string, UTF-8 written as is, lines never folded, two-space indent. Each
// writer keeps its own quoting policy on top (what a format's reader expects).
#pragma once

#include <yaml.h>

#include <string>
#include <string_view>

namespace cassette {

class YamlEmitter {
public:
    // Throws std::runtime_error if libyaml cannot initialise (out of memory).
    YamlEmitter();
    ~YamlEmitter();
    YamlEmitter(const YamlEmitter&) = delete;
    YamlEmitter& operator=(const YamlEmitter&) = delete;

    // Every emitting call throws std::runtime_error when libyaml fails.
    void stream_start();
    void stream_end();
    void document_start(bool marker);  // marker: write the explicit "---"
    void document_end();
    void map_start(bool flow = false);
    void map_end();
    void seq_start();
    void seq_end();

    // A plain scalar known to read back as intended (numbers, bools, keys we own).
    void plain(std::string_view text) { scalar(text, YAML_PLAIN_SCALAR_STYLE, true, false); }
    void double_quoted(std::string_view text) { scalar(text, YAML_DOUBLE_QUOTED_SCALAR_STYLE, false, true); }
    // Bytes as a `!!binary` base64 literal block, a line break after every
    // `line_width` characters (0: one unbroken line).
    void binary(std::string_view bytes, size_t line_width);
    // Any scalar; `tag` may be null. Values over 2 GiB throw (libyaml takes an int length).
    void scalar(std::string_view value, yaml_scalar_style_t style, bool plain_implicit, bool quoted_implicit,
                const char* tag = nullptr);

    std::string take() { return std::move(out_); }

private:
    void emit(yaml_event_t& ev);

    yaml_emitter_t e_{};
    std::string out_;
};

}  // namespace cassette
