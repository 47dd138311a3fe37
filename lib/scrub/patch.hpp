// Splices new scalar values into a document's text, keeping every other byte.
//
// An edit of a scalar is tried first in place: each replaced piece of the
// decoded value is found in the scalar's own bytes (the i-th occurrence of
// the piece in the value is the i-th occurrence in the bytes, as long as the
// counts agree) and replaced there, so quoting, indentation and line wrapping
// stay. Where that cannot be done (the piece is escaped or folded in the
// bytes), or a whole new value is set (a re-encoded body, a length), the
// scalar is written anew in its own style: a block scalar keeps its header,
// indentation and trailing lines; base64 keeps its line length. `result()`
// re-parses the text and checks every scalar decodes to what was meant,
// rewriting any that do not in a plain double-quoted (YAML) / escaped (JSON)
// form before giving up with std::logic_error.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scrub/doc_tree.hpp"
#include "scrub/rules.hpp"

namespace cassette::scrub {

class Patcher {
public:
    Patcher(std::string path, std::string_view text, const Document& doc);

    // Edits on the decoded value of scalar `n` (offsets into n.value).
    void edit(const Node& n, const std::vector<TextEdit>& edits);
    // A whole new decoded value for scalar `n` (a length, a re-encoded text).
    // A JSON number stays a number when `value` is one.
    void set(const Node& n, std::string value);
    // New bytes for a base64 scalar: `!!binary` / `!binary`, or a plain
    // string of base64 (Ruby `base64_string`, HAR `encoding: base64`); the
    // original line length and line ends are kept.
    void set_base64(const Node& n, std::string_view bytes);

    bool empty() const { return pending_.empty(); }
    // The new document text.
    std::string result() const;

private:
    struct Pending {
        const Node* node;
        std::string value;  // the new decoded value
        std::string raw;    // the new bytes for [node->begin, node->end)
        bool from_edits = false;
        std::vector<TextEdit> edits;  // when from_edits: all edits so far (a second edit() adds to them)
    };
    // The scalar written anew in its own style / in the safest form.
    std::string emit(const Node& n, const std::string& value) const;
    std::string safe_form(const Node& n, const std::string& value) const;
    std::string rewrap(const Node& n, size_t content_begin, std::string_view newline, const std::string& inner) const;
    // The edits spliced into the scalar's own bytes; nullopt when they cannot be.
    std::optional<std::string> in_place(const Node& n, const std::vector<TextEdit>& edits,
                                        const std::string& new_value) const;
    void check_patchable(const Node& n, const std::string& value) const;
    std::string splice(const std::map<size_t, Pending>& pending) const;
    void compare(const Node& old_node, const Node& new_node, const std::map<size_t, Pending>& pending,
                 std::vector<std::pair<const Node*, std::string>>& bad) const;
    std::vector<std::pair<const Node*, std::string>> verify(const std::string& text,
                                                            const std::map<size_t, Pending>& pending) const;

    std::string path_;
    std::string_view text_;
    const Document& doc_;
    std::map<size_t, Pending> pending_;  // by node->begin
};

}  // namespace cassette::scrub
