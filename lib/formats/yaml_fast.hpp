// A reader for the block YAML that go-vcr's writers produce, without libyaml.
//
// yaml.v2 and yaml.v3 (and the other writers of go-vcr files) put every
// mapping key at the start of its line, every list item behind `- `, and
// every body in a quoted or literal scalar. FastYaml reads that subset
// straight from the bytes and builds the same YamlNode trees, positions
// included, that YamlEventStream::build_node builds from libyaml's events:
// its rules are libyaml's scanner rules (lib/formats/yaml_fast.cpp says
// which), so a regular cassette reads several times faster than libyaml
// can tokenise it.
//
// Anything outside the subset (anchors, aliases, tags, flow collections
// other than `{}` and `[]`, folded or multi-line plain scalars, comments,
// blank lines between entries, CR line ends, tabs in indentation, a
// character libyaml's reader refuses, ...) throws FastYamlUnsupported
// before anything about it is returned. The caller then reads on with
// libyaml, which stays the judge: it gives the same nodes or the error, with
// its position. A bail is never an error of the input.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "formats/yaml_stream.hpp"

namespace cassette {

struct FastYamlUnsupported {
    size_t offset;     // byte offset in the text where the subset ended
    const char* what;  // why, for tests and debugging
};

class FastYaml {
public:
    // Collections nested deeper than `max_depth` (at most 48) are left to
    // libyaml, whose nesting limit gives the error.
    explicit FastYaml(std::string_view text, size_t max_depth = 48);

    // Skips a leading `---` line. Throws FastYamlUnsupported when the text
    // does not open with a block mapping at column 1.
    void start();
    // The next top-level key (column 1), or false at the end of the text.
    bool top_key(YamlNode& key);
    // The value of the key just read in a mapping whose keys stand at
    // 0-based column `indent`. The parser is left at the start of the line
    // after the value.
    void value(int indent, YamlNode& out);
    // When the value of the key just read (mapping at `indent`) is a block
    // sequence: positions the reader on its first `- ` and returns true.
    // False (and nothing consumed) when the value is something else.
    bool sequence_begin(int indent);
    // The next item of the sequence begun above, or false when it ended.
    bool sequence_item(YamlNode& out);

    // The whole document as one node (start, then every top-level key and
    // value), as YamlEventStream::build_node gives its root.
    YamlNode document();

    // Bytes consumed so far (everything before is no longer looked at).
    size_t offset() const { return p_; }

private:
    [[noreturn]] void bail(const char* why) const;
    Position here() const;
    int column() const;  // 0-based, in characters, like libyaml's marks
    void new_line();     // p_ just past a '\n'
    int line_indent();   // at a line start: its spaces; bails on blank, comment and tab lines
    bool at_dash(size_t at) const;

    void key(YamlNode& out);
    void inline_value(int parent_indent, YamlNode& out);
    void block_value(int parent_indent, YamlNode& out);
    void mapping(int indent, YamlNode& out);
    void sequence(int indent, bool indentless, YamlNode& out);
    void item_content(int dash_column, YamlNode& out);
    bool key_ahead() const;  // the current line, from p_, opens with `key:`
    void plain(int parent_indent, bool is_key, YamlNode& out);
    void quoted(bool single, bool is_key, YamlNode& out);
    void literal(int parent_indent, YamlNode& out);
    void end_of_line();                  // spaces, then the line end
    size_t copy_char(std::string& out);  // one valid, printable non-break character

    const char* s_;
    size_t n_;
    size_t p_ = 0;
    int line_ = 1;
    size_t line_start_ = 0;
    // The sequence sequence_begin opened.
    int seq_indent_ = -1;
    bool seq_indentless_ = false;
    bool seq_first_ = false;
    int depth_ = 0;
    int max_depth_;
};

// The document at `text` read by FastYaml alone, or nullopt when it leaves
// the subset; and read by libyaml, or nullopt when libyaml refuses it (the
// tests and the fuzz harness hold the two equal).
std::optional<YamlNode> fast_yaml_document(std::string_view text);
std::optional<YamlNode> libyaml_document(std::string_view text);

}  // namespace cassette
