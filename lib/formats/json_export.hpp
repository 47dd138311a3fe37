// The cassette as JSON (cassette-export(1), --format json): every recorded
// field kept, plus what the tool decodes (parsed JSON bodies, stream events,
// the reassembled message).
#pragma once

#include <nlohmann/json.hpp>

#include "model.hpp"

namespace cassette {

struct JsonExportOptions {
    bool decoded = true;  // add `json`, `events` and `message`
};

// {"path","format","version", ...extra} without "interactions".
nlohmann::json cassette_header_to_json(const Cassette& c);
nlohmann::json interaction_to_json(const Interaction& ix, const JsonExportOptions& opts = {});
// Header plus every interaction in `c.interactions`.
nlohmann::json cassette_to_json(const Cassette& c, const JsonExportOptions& opts = {});

// Compact JSON text that never throws on bytes that are not UTF-8 (they are
// replaced by U+FFFD; bodies that are not UTF-8 are exported as base64).
// Byte for byte what nlohmann's dump(indent, ' ', false, replace) writes,
// written directly (strings are copied in runs, not byte by byte).
std::string dump_json(const nlohmann::json& j, int indent = -1);
// The same appended to `out`, as if nested `at` spaces deep (the lines after
// the first are indented by `at` more).
void append_json(std::string& out, const nlohmann::json& j, int indent, int at);
void append_json(std::string& out, const nlohmann::ordered_json& j, int indent, int at);

}  // namespace cassette
