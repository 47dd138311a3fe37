// The data behind `cassette grep`: the fields of an interaction as a person
// reads them (URL, headers, decoded bodies, the reassembled message, the
// request's prompt), and a linear-time (RE2) pattern searched in them.
// Building only; the command renders it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "listing.hpp"
#include "model.hpp"

namespace re2 {
class RE2;
}

namespace cassette {

enum class Field : unsigned { url, header, request, prompt, response, text, reasoning, tool };

// "url", "header", ... : the names --in takes, in the order fields are searched.
const std::vector<std::string>& field_names();
const char* field_name(Field f);
// A set of fields as a bit mask (1 << Field); kAllFields searches everything.
using FieldSet = unsigned;
constexpr FieldSet kAllFields = 0xff;
constexpr FieldSet field_bit(Field f) { return 1u << static_cast<unsigned>(f); }
// The Field called `name`; false when there is none.
bool field_from_name(std::string_view name, Field& out);

// One searchable text of an interaction.
struct FieldText {
    Field field;
    std::string text;  // decoded: what a person reads
    int line = 0;      // line in the cassette where the field or its body starts; 0 when unknown
};

// The texts of `fields` in v's interaction, in Field order:
//   url        the URL, percent-escapes decoded
//   header     one text per header, "Name: value", request then response
//   request    the request body decoded (see decoded_body_text)
//   prompt     request_prompt_text
//   response   the response body decoded
//   text, reasoning  the reassembled message's (every choice's)
//   tool       one text per tool call: "name arguments" (arguments decoded)
std::vector<FieldText> interaction_fields(InteractionView& v, FieldSet fields);

// A body as a person reads it: decompressed (by decode_body); JSON shown
// indented with every string unescaped (\n a line break, \u00e9 an é); a
// stream one line per event ("event: NAME" first when named), its JSON data
// unescaped the same way; other text as is; binary bytes as nothing.
std::string decoded_body_text(const DecodedBody& body);

// JSON with its strings unescaped: indented (two spaces) or on one line.
std::string unescaped_json(const nlohmann::json& j, bool indented);

// The conversation the request sends, for `--in prompt`: the texts of the
// normalized prompt (lib/prompt.hpp: system, messages, tool results, tool-call
// arguments), one per line; for a request of an API the tool does not
// recognise, the JSON strings under the keys prompts are sent in (content,
// text, prompt, input, instructions, system).
std::string request_prompt_text(InteractionView& v);

struct PatternOptions {
    bool ignore_case = false;  // -i
    bool fixed = false;        // -F: the pattern is a literal string
    bool word = false;         // -w: matches only at word boundaries
};

// A compiled pattern (RE2: time linear in the text, whatever the pattern).
// `^` and `$` match at line starts and ends; `.` does not match a line break.
class Pattern {
public:
    Pattern(const std::string& pattern, const PatternOptions& opts);
    ~Pattern();
    Pattern(const Pattern&) = delete;
    Pattern& operator=(const Pattern&) = delete;
    bool ok() const;
    const std::string& error() const { return error_; }
    // Every non-overlapping match in `text` as [begin, end) byte offsets.
    std::vector<std::pair<size_t, size_t>> find_all(std::string_view text) const;

private:
    std::unique_ptr<re2::RE2> re_;
    std::string error_;
};

// A line of a field's text that holds a match.
struct LineHit {
    size_t line = 0;                               // 0-based line in the field's text
    std::vector<std::pair<size_t, size_t>> spans;  // byte offsets within that line
};

struct FieldHits {
    Field field;
    int line = 0;                    // cassette line (FieldText::line)
    std::vector<std::string> lines;  // the field's text, split at line breaks
    std::vector<LineHit> hits;
    size_t matches = 0;
};

struct InteractionHits {
    size_t index = 0;
    std::vector<FieldHits> fields;
};

struct FileSearch {
    std::string path;
    std::vector<InteractionHits> interactions;  // those with a match, in file order
    size_t matches = 0;
    size_t matching_lines = 0;
    std::vector<Problem> problems;  // malformed fields: the file is refused
};

// The hits in one interaction. A string matched in what is read from a body
// (the message's text, reasoning or tool calls from the response; the prompt
// from the request) is reported there and not again in the body, however
// often the body holds it, when both are searched.
InteractionHits search_interaction(InteractionView& v, const Pattern& p, FieldSet fields);

// Reads one cassette (streaming, per-interaction work on worker threads),
// searching the interactions `filter` accepts. Throws InputError when the
// file cannot be read.
FileSearch search_file(const std::string& path, const Pattern& p, FieldSet fields, const InteractionFilter& filter,
                       const ReadOptions& ropts = {});

}  // namespace cassette
