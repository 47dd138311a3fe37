// Field conversions into the model, with Problem reporting, shared by the
// readers: YAML nodes -> model values for the YAML cassette readers (go-vcr,
// VCR.py, Ruby VCR); httprr, nock and the JSON readers use it for their
// Problems. A malformed
// value becomes a `schema` Problem on the cassette and reading goes on, so
// `validate` can report every one of them; nothing here throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.hpp"
#include "formats/yaml_stream.hpp"

namespace cassette {

// Who wrote the YAML decides how strictly scalars are read:
//  - go_vcr: Go's yaml from typed struct fields. Integers are plain scalars
//    (`+` allowed, as Go's parser takes it); only !!binary / !binary mark bytes.
//  - vcr_family: Python, Ruby and R serializers. Numbers may be quoted
//    ("200") or padded; bytes are also tagged !!python/bytes.
enum class YamlDialect { go_vcr, vcr_family };

class FieldConvert {
public:
    FieldConvert(Cassette& c, std::optional<size_t> interaction, YamlDialect dialect = YamlDialect::vcr_family)
        : c_(c), ix_(interaction), dialect_(dialect) {}

    void problem(Position pos, std::string message);

    // A string scalar: null -> ""; base64-tagged scalars decoded to their bytes
    // (Go's yaml writes any non-UTF-8 string as !!binary); other tags
    // (!!python/unicode, !!str …) read as their text.
    std::optional<std::string> string(const YamlNode& n, std::string_view field);
    std::optional<int64_t> integer(const YamlNode& n, std::string_view field);
    // YAML 1.1 plain booleans (true/yes/on …).
    std::optional<bool> boolean(const YamlNode& n, std::string_view field);
    // A list of strings; null -> empty.
    std::optional<std::vector<std::string>> string_list(const YamlNode& n, std::string_view field);
    // A mapping of names to lists of strings (url.Values, http.Header
    // trailers); a scalar value is read as a one-item list.
    std::optional<ValuesMap> values_map(const YamlNode& n, std::string_view field);

    // go-vcr's http.Header: a mapping of name -> list (or a scalar), one
    // Header per key as written.
    void headers(const YamlNode& n, Headers& out);
    // Headers in every shape the VCR family writes: mapping of name -> list or
    // scalar; list of [name, [values]] pairs (!!python/tuple); list of
    // "Name: value\r\n" lines (VCR.py before 1.0); [{name: value}] lists; an
    // empty list. Repeated names are merged.
    void any_headers(const YamlNode& n, Headers& out, Position* headers_pos);

    // A body given as a scalar (string, or base64-tagged bytes). `body` moves
    // the text out of `value` (go-vcr bodies can be large); `scalar_body` copies.
    void body(const YamlNode& key, YamlNode& value, Body& out);
    void scalar_body(const YamlNode& key, const YamlNode& value, Body& out);

private:
    // Sets the Body's positions and style; false when there are no bytes to take.
    bool body_start(const YamlNode& key, const YamlNode& value, Body& out);
    bool is_bytes_tag(std::string_view tag) const;
    std::string describe(const YamlNode& n) const;

    Cassette& c_;
    std::optional<size_t> ix_;
    YamlDialect dialect_;
};

// Interprets a libyaml tag: true when `tag` marks base64 bytes in any
// recorder's YAML (!!binary, Psych's !binary, !!python/bytes).
bool is_binary_tag(std::string_view tag);

// The value of `key` in mapping `n`, or nullptr (also when n is not a mapping).
const YamlNode* map_get(const YamlNode& n, std::string_view key);

// A node tree as JSON: sequences and mappings as arrays and objects (a
// non-scalar key as its JSON text), scalars as `scalar` types them.
template <typename Json>
Json yaml_tree_json(const YamlNode& n, Json (*scalar)(const YamlNode&)) {
    switch (n.kind) {
        case YamlNode::Kind::scalar: return scalar(n);
        case YamlNode::Kind::sequence: {
            auto a = Json::array();
            for (const auto& c : n.children) a.push_back(yaml_tree_json(c, scalar));
            return a;
        }
        case YamlNode::Kind::mapping: {
            auto o = Json::object();
            for (size_t i = 0; i + 1 < n.children.size(); i += 2)
                o[n.children[i].is_scalar() ? n.children[i].value : yaml_tree_json(n.children[i], scalar).dump()] =
                    yaml_tree_json(n.children[i + 1], scalar);
            return o;
        }
    }
    return nullptr;
}

// Where a value sits in JSON text that was parsed without positions
// (nlohmann::json has none). libyaml reads JSON as YAML, so the tree is built
// with it, once, on the first question: well-formed files never pay for it.
class JsonPositions {
public:
    // `text` must outlive this.
    JsonPositions(std::string_view text, size_t max_depth) : text_(text), max_depth_(max_depth) {}
    // The value at `path` ("$.log.entries[3].response.status", "[2].method"):
    // of its deepest part that exists (the object, for a missing key); {} when
    // libyaml cannot read the text. A key holding '.' or '[' ends the walk.
    Position at(std::string_view path);

private:
    std::string_view text_;
    size_t max_depth_;
    bool built_ = false;
    std::optional<YamlNode> root_;
};

// go-vcr's extra fields: plain `true`/`false`/null/decimal integers typed,
// every other scalar (quoted, tagged, floats) a string.
nlohmann::json go_yaml_json(const YamlNode& n);

}  // namespace cassette
