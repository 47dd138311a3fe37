// Stub until the Anthropic reassembler lands.
#include "providers.hpp"

namespace cassette {

std::optional<Message> reassemble_anthropic(const Interaction&, const DecodedBody&) { return std::nullopt; }

}  // namespace cassette
