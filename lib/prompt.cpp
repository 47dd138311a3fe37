// The normalized prompt: JSON shape, the dispatch to the request readers
// (providers/*_prompt.cpp) by the API that detection names, and the views
// other code shares (texts, media labels).
#include "prompt.hpp"

#include <cctype>

#include <fmt/format.h>

#include "providers/prompt_read.hpp"
#include "providers/providers.hpp"
#include "providers/reassemble.hpp"
#include "util/url.hpp"

namespace cassette {

using nlohmann::json;

json to_json(const PromptPart& p) {
    json o = {{"type", p.type}};
    bool texty = p.type == "text" || p.type == "reasoning" || p.type == "refusal" || p.type == "tool_result";
    if (texty || !p.text.empty()) o["text"] = p.text;
    if (!p.media_type.empty()) o["media_type"] = p.media_type;
    if (p.size) o["size"] = *p.size;
    if (!p.source.empty()) o["source"] = p.source;
    if (!p.ref.empty()) o[p.source == "file" ? "file_id" : "url"] = p.ref;
    if (!p.id.empty()) o["id"] = p.id;
    if (!p.name.empty()) o["name"] = p.name;
    if (p.type == "tool_call") o["arguments"] = p.arguments;
    if (p.type == "tool_result") o["is_error"] = p.is_error;
    if (p.signature) o["signature"] = *p.signature;
    if (p.server) o["server"] = true;
    if (!p.extra.is_null()) o["extra"] = p.extra;
    return o;
}

json to_json(const Prompt& p) {
    json o = json::object();
    o["api"] = p.api;
    o["model"] = p.model;
    o["system"] = p.system;
    json messages = json::array();
    for (const auto& m : p.messages) {
        json parts = json::array();
        for (const auto& part : m.parts) parts.push_back(to_json(part));
        json jm = {{"role", m.role}, {"parts", std::move(parts)}};
        if (!m.extra.is_null()) jm["extra"] = m.extra;
        messages.push_back(std::move(jm));
    }
    o["messages"] = std::move(messages);
    json tools = json::array();
    for (const auto& t : p.tools) {
        json params = json::array();
        for (const auto& prm : t.parameters) params.push_back({{"name", prm.name}, {"required", prm.required}});
        json jt = {
            {"type", t.type}, {"name", t.name}, {"description", t.description}, {"parameters", std::move(params)}};
        if (t.server) jt["server"] = true;
        tools.push_back(std::move(jt));
    }
    o["tools"] = std::move(tools);
    o["tool_choice"] = p.tool_choice;
    o["params"] = p.params.is_object() ? p.params : json::object();
    o["extra"] = p.extra.is_object() ? p.extra : json::object();
    return o;
}

namespace {

// "…/models/<id>:generateContent" (Gemini, Vertex, Vertex's Anthropic) -> id.
std::string url_model(std::string_view url) {
    std::string_view path = split_url(url).path;
    size_t at = path.rfind("/models/");
    if (at == std::string_view::npos) return {};
    std::string_view rest = path.substr(at + 8);
    rest = rest.substr(0, rest.find_first_of(":/"));
    return std::string(rest);
}

// Media bytes that were left in an unmapped field (a data: URL or a long
// base64 string) are replaced by their size: the prompt never carries them.
void drop_bytes(json& j) {
    if (j.is_string()) {
        const std::string& s = j.get_ref<const std::string&>();
        if (s.size() < 512) return;
        std::string_view data = s;
        bool url = starts_with(s, "data:");
        if (url) {
            size_t comma = s.find(',');
            if (comma == std::string::npos || s.rfind(";base64", comma) == std::string::npos) return;
            data = data.substr(comma + 1);
        }
        for (char c : data)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=' || c == '-' ||
                  c == '_' || c == '\n' || c == '\r'))
                return;
        j = fmt::format("[{} bytes of base64]", prompt_read::base64_size(data));
    } else if (j.is_structured()) {
        for (auto& x : j) drop_bytes(x);
    }
}

}  // namespace

std::optional<Prompt> prompt_from_body(const std::string& api, const Interaction& ix, const json_read::OJ& body) {
    if (!body.is_object()) return std::nullopt;
    Prompt p;
    p.api = api;
    try {
        if (api == "openai-chat") {
            if (!body.contains("messages") && body.contains("prompt"))
                read_openai_completions_prompt(p, body);
            else
                read_openai_chat_prompt(p, body);
        } else if (api == "openai-completions") {
            read_openai_completions_prompt(p, body);
        } else if (api == "openai-responses") {
            read_openai_responses_prompt(p, body);
        } else if (api == "anthropic") {
            read_anthropic_prompt(p, body);
        } else if (api == "gemini") {
            read_gemini_prompt(p, body);
        } else if (api == "bedrock-converse") {
            read_bedrock_converse_prompt(p, body);
        } else if (api == "ollama") {
            read_ollama_prompt(p, body);
        } else if (api == "cohere") {
            read_cohere_prompt(p, body);
        } else {
            return std::nullopt;
        }
    } catch (const json::exception&) {
        // The readers only use total accessors; a surprise in a hostile body
        // leaves the request shown as recorded rather than half read.
        return std::nullopt;
    }
    drop_bytes(p.extra);
    for (auto& m : p.messages) {
        drop_bytes(m.extra);
        for (auto& part : m.parts) drop_bytes(part.extra);
    }
    const std::string& url = ix.request.url;
    if (p.model.empty()) p.model = bedrock_model(url);
    if (p.model.empty()) p.model = url_model(url);
    if (!p.params.contains("stream")) {
        std::string_view path = split_url(url).path;
        if (path.find(":streamGenerateContent") != std::string_view::npos ||
            path.find(":streamRawPredict") != std::string_view::npos || ends_with(path, "/converse-stream") ||
            ends_with(path, "/invoke-with-response-stream"))
            p.params["stream"] = true;
    }
    return p;
}

std::optional<Prompt> read_prompt(const Interaction& ix, const DecodedBody& response, const DecodedBody* request) {
    const std::string& bytes = ix.request.body.bytes;
    if (bytes.empty()) return std::nullopt;
    std::string api = detect_api(ix, response);
    if (api.empty()) return std::nullopt;
    DecodedBody decoded;
    if (!request) decoded = decode_body(ix.request.headers, bytes);
    const DecodedBody& rq = request ? *request : decoded;
    if (rq.kind != BodyKind::json) return std::nullopt;
    auto body = json_read::parse(rq.text);
    if (!body || !body->is_object()) return std::nullopt;
    return prompt_from_body(api, ix, *body);
}

std::vector<std::string> prompt_texts(const Prompt& p) {
    std::vector<std::string> out;
    if (!p.system.empty()) out.push_back(p.system);
    for (const auto& m : p.messages)
        for (const auto& part : m.parts) {
            if (!part.text.empty()) out.push_back(part.text);
            if (part.type == "tool_call" && !part.arguments.empty()) out.push_back(part.arguments);
        }
    return out;
}

namespace {
std::string human_bytes(int64_t n) {
    if (n < 1024) return fmt::format("{} B", n);
    if (n < 1024 * 1024) return fmt::format("{} KB", (n + 512) / 1024);
    return fmt::format("{:.1f} MB", double(n) / (1024.0 * 1024.0));
}
}  // namespace

std::string media_label(const PromptPart& p) {
    std::string out = p.media_type.empty() ? p.type : p.media_type;
    if (p.media_type.find('/') == std::string::npos && !p.media_type.empty()) out = p.type + " " + p.media_type;
    if (!p.name.empty() && p.type == "document") out += " \"" + p.name + "\"";
    if (p.size) out += " " + human_bytes(*p.size);
    if (p.source == "url") out += " " + (p.ref.size() > 60 ? p.ref.substr(0, 57) + "..." : p.ref);
    if (p.source == "file") out += " file " + p.ref;
    return out;
}

}  // namespace cassette
