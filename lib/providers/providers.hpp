// One reassembler per LLM API (rows of the provider table, api_table.hpp). Each returns nullopt when the interaction
// does not look like that API at all; a recognised error body/event gives a Message with `error` set. Dispatch lives in
// reassemble.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "decode/body.hpp"
#include "message.hpp"
#include "model.hpp"

namespace cassette {

// openai.cpp
std::optional<Message> reassemble_openai_chat(const Interaction& ix, const DecodedBody& response);
// Legacy text completions (/v1/completions): `choices[].text`, chat's stream
// and usage rules.
std::optional<Message> reassemble_openai_completions(const Interaction& ix, const DecodedBody& response);
std::optional<Message> reassemble_openai_responses(const Interaction& ix, const DecodedBody& response);

// anthropic.cpp
std::optional<Message> reassemble_anthropic(const Interaction& ix, const DecodedBody& response);

// gemini.cpp
std::optional<Message> reassemble_gemini(const Interaction& ix, const DecodedBody& response);

// bedrock.cpp
std::optional<Message> reassemble_bedrock_converse(const Interaction& ix, const DecodedBody& response);
// The model id of a Bedrock URL (`…/model/<id>/invoke`), percent-decoded as a
// path segment (an ARN's "%3A" and "%2F" come back; '+' stays); empty when
// the URL has no /model/ segment.
std::string bedrock_model(std::string_view url);

// ollama.cpp
std::optional<Message> reassemble_ollama(const Interaction& ix, const DecodedBody& response);

// cohere.cpp
std::optional<Message> reassemble_cohere(const Interaction& ix, const DecodedBody& response);

// reassemble.cpp
// The host that names the provider: url_hostname (lower-case, no port), or
// for a URL without a scheme, its first segment, as recorders that replace
// the base URL with a placeholder ("<ollama_api_base>/api/chat") write it.
std::string provider_host(std::string_view url);

}  // namespace cassette
