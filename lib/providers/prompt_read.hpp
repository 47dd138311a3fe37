// What the request readers (*_prompt.cpp) share: an object whose keys are
// taken one by one so that the ones left over go to `extra`, media sizes,
// JSON-schema parameter names, cache marks. Internal to lib/providers.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "decode/json_read.hpp"
#include "model.hpp"
#include "prompt.hpp"

namespace cassette::prompt_read {

using namespace json_read;

// Keys of an object taken by the reader; rest() are the others, as recorded.
class Fields {
public:
    explicit Fields(const OJ* o) : o_(o && o->is_object() ? o : nullptr) {}
    explicit Fields(const OJ& o) : Fields(&o) {}
    // The value, or nullptr when absent or null (a null is taken either way).
    const OJ* take(const char* key) {
        taken_.insert(key);
        return member(o_, key);
    }
    std::string str(const char* key) { return json_read::str(take(key)); }
    // Every key not taken, as a JSON object; null when there are none.
    nlohmann::json rest() const {
        nlohmann::json out;
        if (!o_) return out;
        for (auto it = o_->begin(); it != o_->end(); ++it)
            if (!taken_.count(it.key())) out[it.key()] = nlohmann::json(it.value());
        return out;
    }
    // Moves the keys not taken into `extra` (an object).
    void rest_into(nlohmann::json& extra) const {
        nlohmann::json r = rest();
        if (r.is_null()) return;
        if (!extra.is_object()) extra = nlohmann::json::object();
        for (auto it = r.begin(); it != r.end(); ++it) extra[it.key()] = it.value();
    }

private:
    const OJ* o_;
    std::set<std::string, std::less<>> taken_;
};

inline nlohmann::json plain(const OJ& v) { return nlohmann::json(v); }

inline bool truthy(const OJ* v) { return v && v->is_boolean() && v->get<bool>(); }

// Arguments given as an object (or already as JSON text) -> JSON text.
inline std::string args_text(const OJ* v) {
    if (!v) return "{}";
    if (v->is_string()) return v->get<std::string>();
    return v->dump();
}

// Text of a value that is a string, else its JSON.
inline std::string text_of(const OJ* v) {
    if (!v) return {};
    if (v->is_string()) return v->get<std::string>();
    return v->dump();
}

// Bytes that base64 text decodes to (without decoding it).
inline int64_t base64_size(std::string_view b64) {
    int64_t chars = 0, pad = 0;
    for (char c : b64) {
        if (c == '=') ++pad;
        if (!(c == '\n' || c == '\r' || c == ' ')) ++chars;
    }
    int64_t size = chars / 4 * 3 + (chars % 4 == 2 ? 1 : chars % 4 == 3 ? 2 : 0) - pad;
    return size < 0 ? 0 : size;
}

inline PromptPart text_part(std::string text, std::string type = "text") {
    PromptPart p;
    p.type = std::move(type);
    p.text = std::move(text);
    return p;
}

// A media part from a URL: a data: URL is inline (type and size kept, never
// the bytes), any other URL is kept as the reference.
inline void media_from_url(PromptPart& p, const std::string& url) {
    if (starts_with(url, "data:")) {
        p.source = "inline";
        size_t comma = url.find(',');
        std::string_view head = std::string_view(url).substr(5, comma == std::string::npos ? 0 : comma - 5);
        size_t semi = head.find(';');
        if (p.media_type.empty()) p.media_type = std::string(head.substr(0, semi));
        if (comma != std::string::npos) {
            std::string_view data = std::string_view(url).substr(comma + 1);
            p.size = head.find(";base64") != std::string_view::npos ? base64_size(data) : int64_t(data.size());
        }
    } else {
        p.source = "url";
        p.ref = url;
    }
}

// Inline base64 data.
inline void media_inline(PromptPart& p, const OJ* data) {
    p.source = "inline";
    if (data && data->is_string()) p.size = base64_size(data->get<std::string>());
}

// Top-level parameter names of a JSON schema, in order, required ones marked.
inline std::vector<PromptParam> schema_params(const OJ* schema) {
    std::vector<PromptParam> out;
    const OJ* props = member(schema, "properties");
    if (!props || !props->is_object()) return out;
    std::set<std::string> required;
    if (const OJ* r = member(schema, "required"); r && r->is_array())
        for (const auto& x : *r)
            if (x.is_string()) required.insert(x.get<std::string>());
    for (auto it = props->begin(); it != props->end(); ++it) out.push_back({it.key(), required.count(it.key()) > 0});
    return out;
}

inline void set_param(Prompt& p, const char* name, const OJ* v) {
    if (v) p.params[name] = plain(*v);
}

// A cache mark ({"type":"ephemeral","ttl":"1h"}) at `where`.
inline void add_cache(Prompt& p, const std::string& where, const OJ* mark) {
    if (!mark) return;
    nlohmann::json m = {{"where", where}};
    std::string ttl = str(member(mark, "ttl"));
    m["ttl"] = ttl.empty() ? nlohmann::json(nullptr) : nlohmann::json(ttl);
    p.params["cache_control"].push_back(std::move(m));
}

inline std::string join_system(const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return a + "\n\n" + b;
}

// The `{"name":…, "description":…, "parameters": schema}` tool of OpenAI
// chat (under "function"), Responses, Ollama, Cohere v2.
inline PromptTool function_tool(const OJ& fn, const char* schema_key = "parameters") {
    PromptTool t;
    t.type = "function";
    t.name = str(member(fn, "name"));
    t.description = str(member(fn, "description"));
    t.parameters = schema_params(member(fn, schema_key));
    return t;
}

}  // namespace cassette::prompt_read

namespace cassette {

// The readers, one per API family (providers/*_prompt.cpp). `body` is the
// request body, a JSON object.
void read_openai_chat_prompt(Prompt& p, const json_read::OJ& body);
void read_openai_completions_prompt(Prompt& p, const json_read::OJ& body);
void read_openai_responses_prompt(Prompt& p, const json_read::OJ& body);
void read_anthropic_prompt(Prompt& p, const json_read::OJ& body);
void read_gemini_prompt(Prompt& p, const json_read::OJ& body);
void read_bedrock_converse_prompt(Prompt& p, const json_read::OJ& body);
void read_ollama_prompt(Prompt& p, const json_read::OJ& body);
void read_cohere_prompt(Prompt& p, const json_read::OJ& body);

}  // namespace cassette
