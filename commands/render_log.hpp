// Text for the records of files that are not HTTP (lib/formats/message_log.hpp):
// WebSocket messages and gRPC samples as `cassette show` lists them.
#pragma once

#include <string>

#include "model.hpp"
#include "render.hpp"

namespace cassette {

// One record: "#N  sent  session.update" and its message (JSON pretty,
// text frames decoded, protobuf bytes counted); `kind` is Cassette::not_http.
std::string render_log_record(const Interaction& ix, const std::string& kind, const Palette& p);

}  // namespace cassette
