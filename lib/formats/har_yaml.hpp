// HAR serialized as YAML (`recording.har.yaml`, written by custom Polly.JS
// persisters): the same log as JSON HAR, read into the same JSON value the
// Polly reader takes, after undoing the persisters' own fields:
//   - `postData.textJSON`: a parsed object standing for `text`;
//   - `content.textDecoded`: the decoded body beside the raw `text`, for
//     people to read (the body is `text`, or this when `text` is absent);
//   - `text` given as a YAML list (Polly's base64 chunks): its JSON text, as
//     the JSON persister writes it.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reader.hpp"

namespace cassette {

// A YAML document whose top level holds `log:` with `entries:` under it.
bool har_yaml_sniff(std::string_view head);

// The document as HAR JSON. Throws InputError (file:line:col) when the YAML
// does not parse.
nlohmann::json har_yaml_document(std::string_view text, const std::string& name, const ReadOptions& opts);

}  // namespace cassette
