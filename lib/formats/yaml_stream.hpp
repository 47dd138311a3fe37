// A pull parser over libyaml's event API that builds small node trees on
// demand. The go-vcr reader walks the top level event by event and asks for
// one interaction's subtree at a time, so a file is never held whole.
#pragma once

#include <yaml.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"

namespace cassette {

struct YamlNode {
    enum class Kind { scalar, sequence, mapping };
    Kind kind = Kind::scalar;
    std::string tag;    // as written, resolved by libyaml ("tag:yaml.org,2002:binary"), or empty
    std::string value;  // scalar text
    ScalarStyle style = ScalarStyle::plain;
    Position pos;                    // start of the node
    std::vector<YamlNode> children;  // sequence items; mapping: key, value, key, value ...

    bool is_scalar() const { return kind == Kind::scalar; }
    bool is_mapping() const { return kind == Kind::mapping; }
    bool is_sequence() const { return kind == Kind::sequence; }
    // A plain scalar that YAML 1.1/1.2 core schema reads as null: "", "~", "null".
    bool is_null() const;
    const char* kind_name() const;
    bool operator==(const YamlNode&) const = default;
};

// libyaml's scalar style as ours.
ScalarStyle scalar_style_of(yaml_scalar_style_t s);
// 1-based line:column of a libyaml mark (libyaml counts characters, not bytes).
Position mark_position(const yaml_mark_t& m);
// Line `line` (1-based) of `text` without its line end; "" past the end.
std::string nth_line(std::string_view text, int line);

// A failed parse as libyaml reports it: its message and where. A reader
// error (bad UTF-8, a control character) points at the offending byte, found
// in `text` when the input is in memory, else by reading `path` again.
struct LibyamlError {
    std::string message;
    Position pos;
};
LibyamlError libyaml_error(const yaml_parser_t& parser, bool in_memory, std::string_view text, const std::string& path);

// `k` is the mapping key `name`: a scalar with exactly that text (the YAML
// readers' field dispatch).
inline bool key_is(const YamlNode& k, std::string_view name) { return k.is_scalar() && k.value == name; }

// Owns a libyaml parser reading from a FILE* or from memory.
class YamlEventStream {
public:
    // `name` is used in errors. Reads `file` (not owned) or `text` (must outlive this).
    YamlEventStream(std::string name, FILE* file, size_t max_depth, size_t max_alias_nodes);
    YamlEventStream(std::string name, std::string_view text, size_t max_depth, size_t max_alias_nodes);
    ~YamlEventStream();
    YamlEventStream(const YamlEventStream&) = delete;
    YamlEventStream& operator=(const YamlEventStream&) = delete;

    // The next event (owned by this stream until the next call).
    const yaml_event_t& next();
    // The current event, as last returned by next().
    const yaml_event_t& current() const { return event_; }
    Position position() const;  // of the current event

    // Builds the whole node that starts with the current event (which must be
    // a scalar, alias, sequence-start or mapping-start).
    YamlNode build_node();

    // Skips the node that starts with the current event.
    void skip_node();

    [[noreturn]] void fail(Position pos, const std::string& message, const std::string& rule = "yaml-syntax") const;

private:
    void build_into(YamlNode& node, size_t depth);
    void record_anchor(const yaml_char_t* anchor, const YamlNode& node);
    static size_t count_nodes(const YamlNode& node);

    std::string name_;
    yaml_parser_t parser_{};
    yaml_event_t event_{};
    bool have_event_ = false;
    size_t max_depth_;
    size_t max_alias_nodes_;
    size_t alias_nodes_ = 0;
    std::map<std::string, YamlNode> anchors_;
    std::string_view text_;
    bool in_memory_ = false;
};

}  // namespace cassette
