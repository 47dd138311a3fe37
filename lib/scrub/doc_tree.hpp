// A YAML or JSON document as a tree whose every node knows its byte span in
// the text, so that scrub can splice a new value into exactly the bytes of
// one scalar. (The readers' models keep line:column only; they are built
// for reading, this for rewriting.)
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"

namespace cassette::scrub {

struct Member;

struct Node {
    enum class Kind { scalar, mapping, sequence, alias };
    Kind kind = Kind::scalar;

    // Scalars: the decoded value (YAML escapes and folding undone, JSON
    // escapes undone; a !!binary scalar's value is its base64 text as
    // decoded by YAML, not the bytes).
    std::string value;
    std::string tag;                         // resolved tag ("tag:yaml.org,2002:binary", "!binary"); empty when none
    ScalarStyle style = ScalarStyle::plain;  // JSON strings: double_quoted; JSON numbers/literals: plain
    bool json_string = false;                // JSON: a string (as opposed to a number, true, false, null)

    size_t begin = 0;  // byte span of the node in the document text (tag and anchor included)
    size_t end = 0;
    Position pos;  // 1-based line:column of `begin`

    std::vector<Member> members;  // mapping: (key, value) in order
    std::vector<Node> items;      // sequence

    bool is_scalar() const { return kind == Kind::scalar; }
    bool is_mapping() const { return kind == Kind::mapping; }
    bool is_sequence() const { return kind == Kind::sequence; }
    // Mapping member by exact key / ASCII case-insensitive key; nullptr when absent or not a mapping.
    const Node* get(std::string_view key) const;
    const Node* iget(std::string_view key) const;
};

// A mapping's key and value, named as std::pair names them (a pair of an
// incomplete Node is not allowed in Node itself; a vector of this is).
struct Member {
    Node first;
    Node second;
};

struct Document {
    bool yaml = true;  // false: JSON
    Node root;
};

// Parse errors throw InputError(path, line:column, message).
Document parse_yaml_document(const std::string& path, std::string_view text);
Document parse_json_document(const std::string& path, std::string_view text);

}  // namespace cassette::scrub
