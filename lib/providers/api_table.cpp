// The provider table (api_table.hpp): how each API is recognised, which
// reassembler rebuilds its message, what ends its streams, and which usage
// totals validate checks.
#include "providers/api_table.hpp"

#include "providers/providers.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace cassette {

namespace {

using nlohmann::json;

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

std::string string_member(const json& j, const char* key) {
    auto it = j.find(key);
    return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

// The host of Bedrock's runtime, or a path naming a model as Bedrock's does.
bool bedrock_url(const UrlView& u) { return contains(u.host, "bedrock-runtime") || contains(u.path, "/model/"); }

// choices[0] carries `text` and neither `message` nor `delta`: a legacy
// text completion, whatever the server calls its object.
bool text_choices(const json& j) {
    auto it = j.find("choices");
    if (it == j.end() || !it->is_array() || it->empty() || !it->front().is_object()) return false;
    const json& c = it->front();
    return c.contains("text") && !c.contains("message") && !c.contains("delta");
}

// ---- OpenAI chat completions ----

ApiMatch chat_url(const UrlView& u, const Interaction&) {
    return ends_with(u.path, "/chat/completions") ? ApiMatch::strong : ApiMatch::no;
}
ApiMatch chat_doc(const json& j) {
    if (!j.is_object()) return ApiMatch::no;
    std::string object = string_member(j, "object");
    if (object == "chat.completion" || object == "chat.completion.chunk") return ApiMatch::strong;
    if (j.contains("choices") && j.contains("model") && !text_choices(j)) return ApiMatch::weak;
    return ApiMatch::no;
}

// ---- OpenAI legacy text completions ----

ApiMatch completions_url(const UrlView& u, const Interaction&) {
    // Not chat, and not Mistral's fill-in-the-middle (/v1/fim/completions),
    // which answers with chat completion objects.
    if (!ends_with(u.path, "/completions") || ends_with(u.path, "/chat/completions") ||
        ends_with(u.path, "/fim/completions"))
        return ApiMatch::no;
    // OpenAI's and compatible servers' /v1/completions, Azure's
    // /openai/deployments/<name>/completions; any other …/completions (a
    // gateway's prompt templates answering in chat's shape) lets the body decide.
    if (ends_with(u.path, "/v1/completions") || u.path == "/completions" || contains(u.path, "/deployments/"))
        return ApiMatch::strong;
    return ApiMatch::weak;
}
ApiMatch completions_doc(const json& j) {
    if (!j.is_object()) return ApiMatch::no;
    if (string_member(j, "object") == "text_completion") return ApiMatch::strong;
    if (j.contains("model") && text_choices(j)) return ApiMatch::weak;
    return ApiMatch::no;
}

// ---- OpenAI Responses ----

ApiMatch responses_url(const UrlView& u, const Interaction&) {
    return (ends_with(u.path, "/responses") || contains(u.path, "/responses/")) ? ApiMatch::strong : ApiMatch::no;
}
ApiMatch responses_doc(const json& j) {
    if (!j.is_object()) return ApiMatch::no;
    if (string_member(j, "object") == "response") return ApiMatch::strong;
    if (string_member(j, "type").rfind("response.", 0) == 0) return ApiMatch::strong;
    return ApiMatch::no;
}

// ---- Anthropic Messages (direct, Bedrock invoke, Vertex rawPredict) ----

ApiMatch anthropic_url(const UrlView& u, const Interaction& ix) {
    if (contains(u.path, ":streamRawPredict") || contains(u.path, ":rawPredict")) return ApiMatch::strong;
    if (bedrock_url(u) && (ends_with(u.path, "/invoke") || ends_with(u.path, "/invoke-with-response-stream"))) {
        std::string model = lower(bedrock_model(ix.request.url));
        if (contains(model, "anthropic") || contains(model, "claude")) return ApiMatch::strong;
    }
    if (ends_with(u.path, "/v1/messages")) return ApiMatch::strong;
    // The host alone: Anthropic's OpenAI-compatible paths are matched by their own rows first.
    if (contains(u.host, "anthropic.com")) return ApiMatch::weak;
    return ApiMatch::no;
}
ApiMatch anthropic_doc(const json& j) {
    if (!j.is_object()) return ApiMatch::no;
    std::string type = string_member(j, "type");
    if (type == "message" && string_member(j, "role") == "assistant") return ApiMatch::strong;
    if (type == "message_start" || type == "content_block_delta" || type == "message_delta" || type == "message_stop")
        return ApiMatch::strong;
    return ApiMatch::no;
}
bool anthropic_event(std::string_view name) { return name == "message_start"; }

// ---- Gemini / Vertex generateContent ----

ApiMatch gemini_url(const UrlView& u, const Interaction&) {
    return (contains(u.path, ":generateContent") || contains(u.path, ":streamGenerateContent")) ? ApiMatch::strong
                                                                                                : ApiMatch::no;
}
ApiMatch gemini_doc(const json& j) {
    // A streamed JSON array of GenerateContentResponse objects.
    if (j.is_array())
        return (!j.empty() && j.front().is_object() && j.front().contains("candidates")) ? ApiMatch::strong
                                                                                         : ApiMatch::no;
    if (!j.is_object()) return ApiMatch::no;
    return (j.contains("candidates") || j.contains("usageMetadata")) ? ApiMatch::strong : ApiMatch::no;
}

// ---- Bedrock Converse / ConverseStream ----

ApiMatch converse_url(const UrlView& u, const Interaction&) {
    return (bedrock_url(u) && (ends_with(u.path, "/converse") || ends_with(u.path, "/converse-stream")))
               ? ApiMatch::strong
               : ApiMatch::no;
}
ApiMatch converse_doc(const json& j) {
    if (!j.is_object()) return ApiMatch::no;
    if (j.contains("stopReason") && j.contains("output")) return ApiMatch::strong;
    if (j.contains("contentBlockDelta") || j.contains("messageStart") || j.contains("messageStop"))
        return ApiMatch::strong;
    return ApiMatch::no;
}
bool converse_event(std::string_view name) {
    return name == "messageStart" || name == "contentBlockDelta" || name == "messageStop";
}

// ---- Cohere chat (v1, v2) and generate (v1) ----

ApiMatch cohere_url(const UrlView& u, const Interaction&) {
    if (!contains(u.host, "cohere")) return ApiMatch::no;
    return (ends_with(u.path, "/v1/chat") || ends_with(u.path, "/v2/chat") || ends_with(u.path, "/v1/generate"))
               ? ApiMatch::strong
               : ApiMatch::no;
}

// Cohere's bodies behind another host (a proxy, a placeholder base URL): v1
// stream events name themselves in `event_type`, v2 in `type`; v1 generate
// answers with `generations`, v1 chat with `generation_id` + `text`, v2 chat
// with a `message` and `billed_units` in its usage.
ApiMatch cohere_doc(const json& j) {
    if (!j.is_object()) return ApiMatch::no;
    static const char* const v1_events[] = {"stream-start", "text-generation", "stream-end", "tool-calls-generation"};
    std::string event = string_member(j, "event_type");
    for (const char* e : v1_events)
        if (event == e) return ApiMatch::strong;
    std::string type = string_member(j, "type");
    if (type == "message-start" || type == "content-delta" || type == "message-end") return ApiMatch::strong;
    auto gens = j.find("generations");
    if (gens != j.end() && gens->is_array() && j.contains("meta")) return ApiMatch::strong;
    if (j.contains("generation_id") && j.contains("text")) return ApiMatch::strong;
    auto usage = j.find("usage");
    if (j.contains("message") && j.contains("finish_reason") && usage != j.end() && usage->is_object() &&
        usage->contains("billed_units"))
        return ApiMatch::strong;
    return ApiMatch::no;
}

// ---- Ollama /api/chat and /api/generate ----

ApiMatch ollama_url(const UrlView& u, const Interaction&) {
    return (ends_with(u.path, "/api/chat") || ends_with(u.path, "/api/generate")) ? ApiMatch::strong : ApiMatch::no;
}
ApiMatch ollama_doc(const json& j) {
    if (!j.is_object()) return ApiMatch::no;
    return (j.contains("done") && (j.contains("message") || j.contains("response")) && j.contains("model"))
               ? ApiMatch::strong
               : ApiMatch::no;
}

const UsageTotalRule kChatTotal{"total_tokens", {"prompt_tokens", "completion_tokens"}, {}};
const UsageTotalRule kResponsesTotal{"total_tokens", {"input_tokens", "output_tokens"}, {}};

}  // namespace

UrlView url_view(const std::string& url) { return {provider_host(url), std::string(split_url(url).path)}; }

const std::vector<ApiRow>& api_table() {
    // OpenAI-compatible servers answer chat in either OpenAI shape of usage,
    // so the chat rows check both totals.
    static const std::vector<ApiRow> table{
        {"openai-chat",
         chat_url,
         chat_doc,
         nullptr,
         reassemble_openai_chat,
         "data: [DONE] or a finish_reason",
         {kChatTotal, kResponsesTotal}},
        {"openai-completions",
         completions_url,
         completions_doc,
         nullptr,
         reassemble_openai_completions,
         "data: [DONE] or a finish_reason",
         {kChatTotal, kResponsesTotal}},
        {"openai-responses",
         responses_url,
         responses_doc,
         nullptr,
         reassemble_openai_responses,
         "response.completed",
         {kChatTotal, kResponsesTotal}},
        {"anthropic",
         anthropic_url,
         anthropic_doc,
         anthropic_event,
         reassemble_anthropic,
         "message_stop",
         {kResponsesTotal}},
        {"gemini",
         gemini_url,
         gemini_doc,
         nullptr,
         reassemble_gemini,
         "a finishReason",
         {{"totalTokenCount",
           {"promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount", "toolUsePromptTokenCount"},
           {}}}},
        {"bedrock-converse",
         converse_url,
         converse_doc,
         converse_event,
         reassemble_bedrock_converse,
         "messageStop",
         {{"totalTokens", {"inputTokens", "outputTokens"}, {"cacheReadInputTokens", "cacheWriteInputTokens"}}}},
        {"cohere", cohere_url, cohere_doc, nullptr, reassemble_cohere, "message-end (v2) or stream-end (v1)", {}},
        {"ollama", ollama_url, ollama_doc, nullptr, reassemble_ollama, "\"done\": true", {}},
    };
    return table;
}

const ApiRow* api_row(std::string_view api) {
    for (const ApiRow& row : api_table())
        if (row.api == api) return &row;
    return nullptr;
}

}  // namespace cassette
