// What the readers of whole-document formats share (ExVCR, Betamax, php-vcr,
// DVR, talkback, dd-trace-py JSON): the file parsed once into a JSON value
// whose object keys keep their written order (YAML read with YAML 1.1
// scalar types, JSON5 through decode/json5), positions looked up only when a
// problem needs one, and the small conversions every one of them does
// (headers in their several shapes, a status code with its phrase, unknown
// keys kept as extra fields).
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/field_convert.hpp"
#include "model.hpp"
#include "reader.hpp"

namespace cassette {

using DocJson = nlohmann::ordered_json;

// How the document was written.
enum class DocSyntax { json, yaml, json5 };

// One file read whole. Parse failures throw InputError naming the line and
// column of the offending character (rule "yaml-syntax" for YAML, "schema"
// for JSON and JSON5, as the other JSON readers report it).
class Doc {
public:
    Doc(std::string_view text, const std::string& name, DocSyntax syntax, const ReadOptions& opts);

    DocJson root;  // null for a YAML file with no document (empty, or only comments)

    // Where the value at `path` ("$.http_interactions[2].response.status")
    // is: of its deepest part that exists; {} when unknown.
    Position at(std::string_view path);

private:
    std::string_view text_;
    DocSyntax syntax_;
    JsonPositions json_pos_;
    std::map<std::string, Position> json5_pos_;
};

// Reports problems of one interaction (or of the file, with no index) at
// paths of a Doc.
class DocProblems {
public:
    DocProblems(Cassette& c, Doc& doc) : c_(c), doc_(doc) {}
    void operator()(std::optional<size_t> ix, const std::string& path, std::string message);

private:
    Cassette& c_;
    Doc& doc_;
};

using ProblemAt = std::function<void(const std::string& sub_path, const std::string& message)>;

// A header value as text: strings as they are, numbers and booleans as JSON
// writes them, null as "".
std::string doc_scalar_text(const DocJson& v);
// A body value as bytes: a string as it is, null as "", anything else (a
// JSON value stored parsed) as compact JSON.
std::string doc_body_text(const DocJson& v);

// Headers in the shapes recorders write: an object of name -> value or list
// of values, a list of [name, value] pairs, a list of {name, value} objects,
// or an empty list. Repeated names are merged in order. `sub` is the path of
// `h` for problems.
void doc_headers(const DocJson& h, Headers& out, const std::string& sub, const ProblemAt& problem);

// code and "code Reason" (the standard phrase when `message` is absent or empty).
void doc_set_status(Response& r, int64_t code, const std::optional<std::string>& message = std::nullopt);

// An integer (also a string of digits, as PHP and Betamax YAML may write it).
std::optional<int64_t> doc_integer(const DocJson& v);

// Keys of `obj` not in `known`, as extra fields (prefixed "prefix." when given).
void doc_keep_unknown(const DocJson& obj, std::initializer_list<std::string_view> known, std::vector<ExtraField>& out,
                      const std::string& prefix = "");

// The first byte of `text` that is not blank space, comment (`//`, `/* */`,
// when `comments`) or a UTF-8 byte order mark; empty when there is none.
std::string_view doc_skip_blank(std::string_view text, bool comments);

// Whether a JSON/JSON5 object opening `text` (at its `{`) has `key` as its
// first key, quoted or (JSON5) not.
bool doc_first_key_is(std::string_view text, std::string_view key, bool json5);

}  // namespace cassette
