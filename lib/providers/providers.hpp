// One reassembler per LLM API. Each returns nullopt when the interaction does
// not look like that API at all; a recognised error body/event gives a
// Message with `error` set. Dispatch lives in reassemble.cpp.
#pragma once

#include <optional>

#include "decode/body.hpp"
#include "message.hpp"
#include "model.hpp"

namespace cassette {

// provider_openai.cpp
std::optional<Message> reassemble_openai_chat(const Interaction& ix, const DecodedBody& response);
std::optional<Message> reassemble_openai_responses(const Interaction& ix, const DecodedBody& response);

// provider_anthropic.cpp
std::optional<Message> reassemble_anthropic(const Interaction& ix, const DecodedBody& response);

// provider_gemini.cpp
std::optional<Message> reassemble_gemini(const Interaction& ix, const DecodedBody& response);

// provider_other.cpp
std::optional<Message> reassemble_bedrock_converse(const Interaction& ix, const DecodedBody& response);
std::optional<Message> reassemble_ollama(const Interaction& ix, const DecodedBody& response);
std::optional<Message> reassemble_cohere(const Interaction& ix, const DecodedBody& response);

}  // namespace cassette
