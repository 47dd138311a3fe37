// Semantic difference of two cassettes: interactions matched, each reduced to
// the fields that carry meaning (request JSON, status, headers, reassembled
// message, usage), volatile fields left out, and the rest compared.
//
// Field paths look like `request.body.messages[1].content`,
// `response.headers.Content-Type`, `message.usage.output_tokens`. Ignore
// patterns use the same syntax, where a segment may hold `*` globs
// (`response.headers.X-*`, `message.tool_calls[*].id`) and a `**` segment
// stands for any number of segments (`**.created`). Matching is ASCII
// case-insensitive (header names are).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.hpp"

namespace cassette {

struct IgnoreRule {
    std::string pattern;
    std::string reason;
    // Only the version numbers in the value are ignored ("Foo/1.2.3 (x)" is
    // compared as "Foo/* (x)"), not the whole field.
    bool versions_only = false;
};

// The volatile fields `diff` leaves out unless --no-ignore (cassette-diff(1), "volatile fields").
const std::vector<IgnoreRule>& default_ignore_rules();

struct DiffOptions {
    std::vector<std::string> ignore;  // --ignore PATH, added to the defaults
    bool no_ignore = false;           // drop the defaults (and usage folding); `ignore` still applies
};

// The rules in force for `opts`, defaults first.
std::vector<IgnoreRule> effective_ignore_rules(const DiffOptions& opts);

// Path segments: `a.b[2]["x.y"]` -> a, b, [2], x.y
std::vector<std::string> split_path(std::string_view path);
bool path_matches(std::string_view pattern, std::string_view path);

// One interaction reduced to (path, value) leaves, in reading order, nothing
// ignored yet. Request and non-LLM response JSON bodies are flattened; an LLM
// response becomes `message.*`; tool-call arguments are parsed JSON when they
// parse (so key order and spacing do not count).
using FieldList = std::vector<std::pair<std::string, nlohmann::json>>;
FieldList interaction_fields(const Interaction& ix);

// The leaves left after the ignore rules (versions_only rules rewrite values).
FieldList visible_fields(const Interaction& ix, const std::vector<IgnoreRule>& rules);

struct FieldChange {
    std::string path;
    std::optional<nlohmann::json> old_value;  // absent: the field is new
    std::optional<nlohmann::json> new_value;  // absent: the field went away
    // Counters that are a part of this one and changed with it
    // (`reasoning_tokens` under `output_tokens`): shown beside it, not listed.
    std::vector<FieldChange> parts;
};

enum class InteractionChangeKind { changed, added, removed };
const char* change_kind_name(InteractionChangeKind k);

struct InteractionDiff {
    InteractionChangeKind kind = InteractionChangeKind::changed;
    std::optional<size_t> old_index;  // index in A (absent when added)
    std::optional<size_t> new_index;  // index in B (absent when removed)
    std::string method;               // of the request, for headings
    std::string url;
    std::vector<FieldChange> changes;  // empty for added/removed
    size_t index() const { return old_index ? *old_index : new_index.value_or(0); }
};

struct CassetteDiff {
    std::vector<InteractionDiff> interactions;  // only the ones that differ
    bool equal() const { return interactions.empty(); }
};

// Pairs interactions of A and B: by position when the counts agree, else by
// an alignment that keeps order and pairs only requests with the same method
// and URL (query aside), preferring the most similar request bodies.
std::vector<std::pair<std::optional<size_t>, std::optional<size_t>>> match_interactions(
    const std::vector<Interaction>& a, const std::vector<Interaction>& b);

CassetteDiff diff_cassettes(const Cassette& a, const Cassette& b, const DiffOptions& opts = {});

// `diff --format json` shape (cassette-diff(1)), keys in the documented order. A field that is
// new has no "old"; one that went away has no "new".
nlohmann::ordered_json to_json(const CassetteDiff& d);

}  // namespace cassette
