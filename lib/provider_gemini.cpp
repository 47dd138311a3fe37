// Stub until the Gemini reassembler lands.
#include "providers.hpp"

namespace cassette {

std::optional<Message> reassemble_gemini(const Interaction&, const DecodedBody&) { return std::nullopt; }

}  // namespace cassette
