// The normalized request of an LLM interaction: the conversation the client
// sent (docs/message.md, "The prompt"), in one shape for every API whose
// answers are reassembled. Bodies of media are never kept, only their type,
// size and where they come from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "decode/body.hpp"
#include "model.hpp"

namespace cassette {

// One piece of a message. `type` is one of: text, image, audio, document,
// tool_call, tool_result, reasoning, refusal, other.
struct PromptPart {
    std::string type;
    std::string text;               // text, refusal, reasoning; a tool result's content as text
    std::string media_type;         // image/audio/document: "image/png", "pdf" (the API's word)
    std::optional<int64_t> size;    // bytes of inline media (decoded from base64)
    std::string source;             // media: inline | url | file
    std::string ref;                // media: the URL (a data: URL is inline, not kept) or file id
    std::string id;                 // tool call id; a tool result's call id
    std::string name;               // tool name (call, and result where the API names it)
    std::string arguments;          // tool call arguments as JSON text
    bool is_error = false;          // tool result marked as an error
    std::optional<bool> signature;  // reasoning: whether a signature / encrypted content came back
    bool server = false;            // a tool call or result the provider ran itself
    nlohmann::json extra;           // the part's fields not mapped above (null when none)
};

struct PromptMessage {
    std::string role;  // the API's role word: user, assistant, tool, model, function, CHATBOT …
    std::vector<PromptPart> parts;
    nlohmann::json extra;  // fields of the message not mapped (null when none)
};

struct PromptParam {
    std::string name;
    bool required = false;
};

struct PromptTool {
    std::string type;  // "function", or the server tool's kind ("web_search_20250305", "google_search" …)
    std::string name;
    std::string description;
    std::vector<PromptParam> parameters;  // top-level parameter names, in schema order
    bool server = false;                  // run by the provider (web search, code execution, file search)
};

struct Prompt {
    std::string api;
    std::string model;
    std::string system;  // system text (system blocks / instructions / leading system messages), "\n\n"-joined
    std::vector<PromptMessage> messages;
    std::vector<PromptTool> tools;
    nlohmann::json tool_choice;  // as the API wrote it; null when absent
    // Normalized names: temperature, top_p, top_k, max_tokens, stop, seed, n,
    // reasoning_effort, thinking_budget, response_format, stream,
    // stream_options, cache_control [{where, ttl}], previous_response_id,
    // store, … (docs/message.md); only those the request set.
    nlohmann::json params = nlohmann::json::object();
    nlohmann::json extra = nlohmann::json::object();  // request fields not mapped, as recorded
};

nlohmann::json to_json(const PromptPart& p);
nlohmann::json to_json(const Prompt& p);  // docs/message.md shape

// The prompt of an interaction whose API is recognised (the same detection as
// reassembly) and whose request body is a JSON object; nullopt otherwise.
// Never throws on odd bodies.
// `request`, when given, is the request body already decoded.
std::optional<Prompt> read_prompt(const Interaction& ix, const DecodedBody& response,
                                  const DecodedBody* request = nullptr);
// Same, for a known API and request body (exposed for tests).
std::optional<Prompt> prompt_from_body(const std::string& api, const Interaction& ix,
                                       const nlohmann::ordered_json& body);

// Every text of the prompt, in order: the system text, then each text,
// reasoning, refusal and tool-result part, and tool-call arguments (for
// searching).
std::vector<std::string> prompt_texts(const Prompt& p);

// "image/png 34 KB", "image url", … one short label of a media part.
std::string media_label(const PromptPart& p);

}  // namespace cassette
