// Recognising the API of an interaction (URL first, then the bodies' shapes)
// and dispatching to the provider's reassembler (providers.hpp).
#include "providers/reassemble.hpp"

#include "formats/aquila.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "providers/providers.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace cassette {

namespace {

using nlohmann::json;

// What detection looks at: the host (lower-case, no port) and the path
// (without query or fragment).
struct UrlView {
    std::string host;
    std::string path;
};

UrlView url_view(const std::string& url) { return {provider_host(url), std::string(split_url(url).path)}; }

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// Best guess of who served the request, from the host.
std::string guess_provider(const UrlView& u) {
    const std::string& h = u.host;
    struct Rule {
        const char* needle;
        const char* name;
    };
    static const Rule rules[] = {
        {"openrouter.ai", "openrouter"},   {"api.groq.com", "groq"},       {"api.x.ai", "xai"},
        {"huggingface", "huggingface"},    {"api.z.ai", "zai"},            {"bigmodel.cn", "zai"},
        {"deepseek", "deepseek"},          {"openai.azure.com", "azure"},  {"azure", "azure"},
        {"avian", "avian"},                {"api.openai.com", "openai"},   {"anthropic.com", "anthropic"},
        {"bedrock", "bedrock"},            {"aiplatform.googleapis.com", "vertex"},
        {"generativelanguage.googleapis.com", "google"},
        {"cohere", "cohere"},              {"mistral.ai", "mistral"},      {"together", "together"},
        {"fireworks.ai", "fireworks"},     {"cerebras", "cerebras"},       {"perplexity", "perplexity"},
        {"moonshot", "moonshot"},          {"ollama", "ollama"},           {"localhost", "local"},
        {"127.0.0.1", "local"},            {"[::1]", "local"},
    };
    for (const auto& r : rules)
        if (contains(h, r.needle)) return r.name;
    return h;
}

std::string detect_from_url(const Interaction& ix) {
    UrlView u = url_view(ix.request.url);
    const std::string& path = u.path;
    const std::string& host = u.host;

    if (contains(path, ":streamRawPredict") || contains(path, ":rawPredict")) return "anthropic";
    if (contains(path, ":generateContent") || contains(path, ":streamGenerateContent")) return "gemini";
    if (contains(host, "bedrock-runtime") || contains(path, "/model/")) {
        if (ends_with(path, "/converse") || ends_with(path, "/converse-stream")) return "bedrock-converse";
        if (ends_with(path, "/invoke") || ends_with(path, "/invoke-with-response-stream")) {
            std::string model = lower(bedrock_model(ix.request.url));
            if (contains(model, "anthropic") || contains(model, "claude")) return "anthropic";
        }
    }
    if (ends_with(path, "/chat/completions")) return "openai-chat";
    if (ends_with(path, "/responses") || contains(path, "/responses/")) return "openai-responses";
    if (contains(host, "anthropic.com") || ends_with(path, "/v1/messages")) return "anthropic";
    if (contains(host, "cohere") && (ends_with(path, "/v1/chat") || ends_with(path, "/v2/chat"))) return "cohere";
    if (ends_with(path, "/api/chat") || ends_with(path, "/api/generate")) return "ollama";
    return {};
}

// The shape of one JSON document of the response.
std::string detect_from_doc(const json& j) {
    if (j.is_array()) return (!j.empty() && j.front().is_object() && j.front().contains("candidates")) ? "gemini" : "";
    if (!j.is_object()) return {};
    auto s = [&](const char* key) -> std::string {
        auto it = j.find(key);
        return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
    };
    std::string object = s("object");
    if (object == "chat.completion" || object == "chat.completion.chunk") return "openai-chat";
    if (object == "response") return "openai-responses";
    std::string type = s("type");
    if (type.rfind("response.", 0) == 0) return "openai-responses";
    if (type == "message" && s("role") == "assistant") return "anthropic";
    if (type == "message_start" || type == "content_block_delta" || type == "message_delta" || type == "message_stop")
        return "anthropic";
    if (j.contains("candidates") || j.contains("usageMetadata")) return "gemini";
    if (j.contains("stopReason") && j.contains("output")) return "bedrock-converse";
    if (j.contains("contentBlockDelta") || j.contains("messageStart") || j.contains("messageStop")) return "bedrock-converse";
    if (j.contains("done") && (j.contains("message") || j.contains("response")) && j.contains("model")) return "ollama";
    if (j.contains("choices") && j.contains("model")) return "openai-chat";
    return {};
}

std::string detect_from_body(const DecodedBody& body) {
    if (body.json) return detect_from_doc(*body.json);
    // The first few events that parse decide.
    size_t tried = 0;
    for (const auto& ev : body.events) {
        if (ev.event == "messageStart" || ev.event == "contentBlockDelta" || ev.event == "messageStop")
            return "bedrock-converse";
        if (ev.event == "message_start") return "anthropic";
        if (auto j = parse_json(ev.data)) {
            std::string api = detect_from_doc(*j);
            if (!api.empty()) return api;
        }
        if (++tried >= 8) break;
    }
    return {};
}

}  // namespace

std::string provider_host(std::string_view url) {
    if (url.find("://") != std::string_view::npos || url.empty() || url.front() == '/') return url_hostname(url);
    return url_hostname("x://" + std::string(url));
}

std::string detect_api(const Interaction& ix, const DecodedBody& response) {
    std::string api = detect_from_url(ix);
    if (!api.empty()) return api;
    return detect_from_body(response);
}

std::optional<Message> reassemble(const Interaction& ix, const DecodedBody& response) {
    if (is_aquila_events(ix)) return aquila_message(ix);  // a parsed stream, not a response body
    std::string api = detect_api(ix, response);
    std::optional<Message> m;
    if (api == "openai-chat") m = reassemble_openai_chat(ix, response);
    else if (api == "openai-responses") m = reassemble_openai_responses(ix, response);
    else if (api == "anthropic") m = reassemble_anthropic(ix, response);
    else if (api == "gemini") m = reassemble_gemini(ix, response);
    else if (api == "bedrock-converse") m = reassemble_bedrock_converse(ix, response);
    else if (api == "ollama") m = reassemble_ollama(ix, response);
    else if (api == "cohere") m = reassemble_cohere(ix, response);
    if (!m) return m;
    if (m->api.empty()) m->api = api;
    if (m->provider.empty()) m->provider = guess_provider(url_view(ix.request.url));
    return m;
}

}  // namespace cassette
