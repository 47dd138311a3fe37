// Files in VCR-shaped YAML that are not HTTP (Cassette::not_http):
// WebSocket message logs (pydantic-ai's realtime tests: records of `kind`,
// `direction`, `data`) and gRPC sample logs (xAI's SDK: `request_sample`,
// `response_sample`, `request_stream`, `response_stream`,
// `collections_method`, protobuf bytes beside their JSON form). Their records
// are read as interactions with everything kept in `extra`; this turns each
// back into what it is. They are never presented as HTTP: `show` lists the
// messages, `export --format json` writes them under their own key,
// `usage` and `validate` skip the file with a note, `convert` refuses it.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model.hpp"

namespace cassette {

// "WebSocket message log", "gRPC sample log" (for "websocket", "grpc").
std::string not_http_description(std::string_view kind);

// The key a file's records go under in `export --format json`: "websocket"
// or "grpc".
std::string not_http_key(std::string_view kind);

// One record as its export entry, keys in recorded order:
// {"index": i, <the record's fields as recorded>}. A WebSocket text frame
// whose `data` is JSON text also gets `data_json`, the parsed value.
nlohmann::ordered_json not_http_entry(const Interaction& ix);

}  // namespace cassette
