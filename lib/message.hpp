// The reassembled LLM message: what the provider's client library would have
// produced from the recorded response, in one shape for every API (docs/message.md,
// "Reassembly").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cassette {

// Normalized token usage; meanings in docs/usage-semantics.md.
struct Usage {
    int64_t input_tokens = 0;
    int64_t output_tokens = 0;
    int64_t reasoning_tokens = 0;
    int64_t cache_read_tokens = 0;
    int64_t cache_write_tokens = 0;
    int64_t total_tokens = 0;  // input + output
    nlohmann::json raw;        // the provider's own usage object(s), last reported
};

struct ToolCall {
    std::string id;
    std::string name;
    std::string arguments;  // concatenated argument text as streamed (JSON text)
};

struct ProviderError {
    std::string type;  // provider's error type/code, if any
    std::string message;
    nlohmann::json raw;
};

struct Choice {
    int64_t index = 0;
    std::string text;
    std::string reasoning;
    std::vector<ToolCall> tool_calls;
    std::string finish_reason;
};

struct Message {
    std::string api;  // openai-chat | openai-completions | openai-responses | anthropic | gemini | bedrock-converse |
                      // ollama | cohere
    std::string provider;  // best guess of the host: openai, openrouter, groq, anthropic, bedrock, vertex, google, ...
    bool streamed = false;
    std::string model;
    std::string id;
    std::string text;
    std::string reasoning;
    std::vector<ToolCall> tool_calls;
    std::vector<ToolCall> server_tool_calls;
    std::string finish_reason;
    std::optional<Usage> usage;
    std::optional<ProviderError> error;
    std::vector<Choice> choices;  // every choice when n > 1 (message fields are choice 0)
    bool complete = true;         // the stream reached its terminal event
};

nlohmann::json to_json(const Usage& u);
nlohmann::json to_json(const Message& m);  // docs/message.md shape; `usage` null when absent

}  // namespace cassette
