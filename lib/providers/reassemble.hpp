// Provider reassembly: recognise the API of an interaction and rebuild the
// message its client library would have produced.
#pragma once

#include <optional>
#include <string>

#include "decode/body.hpp"
#include "message.hpp"
#include "model.hpp"

namespace cassette {

// Which LLM API an interaction speaks, from URL, headers and bodies; empty
// when it is not one we know.
std::string detect_api(const Interaction& ix, const DecodedBody& response);

// nullopt when the interaction is not an LLM exchange we recognise. For a
// recognised API with an error body/event, the message carries `error`.
std::optional<Message> reassemble(const Interaction& ix, const DecodedBody& response);

}  // namespace cassette
