// Stub until the Bedrock Converse / Ollama / Cohere reassemblers land.
#include "providers.hpp"

namespace cassette {

std::optional<Message> reassemble_bedrock_converse(const Interaction&, const DecodedBody&) { return std::nullopt; }
std::optional<Message> reassemble_ollama(const Interaction&, const DecodedBody&) { return std::nullopt; }
std::optional<Message> reassemble_cohere(const Interaction&, const DecodedBody&) { return std::nullopt; }

}  // namespace cassette
