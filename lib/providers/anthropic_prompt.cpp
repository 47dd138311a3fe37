// The request side of Anthropic Messages (direct, Bedrock invoke, Vertex
// rawPredict) read into the normalized Prompt (docs/message.md). Block types
// follow anthropic-sdk-python's MessageCreateParams.
#include "providers/prompt_read.hpp"

namespace cassette {

namespace {

using namespace prompt_read;

std::string at(const std::string& where, size_t i) { return where + "[" + std::to_string(i) + "]"; }

// A media block's `source`: base64 | url | file | text | content.
void media_source(PromptPart& part, const OJ* source) {
    Fields sf(source);
    std::string type = sf.str("type");
    part.media_type = sf.str("media_type");
    if (type == "base64") {
        media_inline(part, sf.take("data"));
    } else if (type == "url") {
        media_from_url(part, sf.str("url"));
    } else if (type == "file") {
        part.source = "file";
        part.ref = sf.str("file_id");
    } else if (type == "text") {
        part.source = "inline";
        if (part.media_type.empty()) part.media_type = "text/plain";
        std::string data = sf.str("data");
        part.size = static_cast<int64_t>(data.size());
        part.text = data;
    } else if (type == "content") {
        part.source = "inline";
        const OJ* c = sf.take("content");
        if (c && c->is_string())
            part.text = c->get<std::string>();
        else if (c && c->is_array())
            for (const auto& x : *c) part.text += str(member(x, "text"));
    } else {
        part.source = type;
    }
    nlohmann::json rest = sf.rest();
    if (!rest.is_null()) part.extra["source"] = rest;
}

bool server_tool_type(const std::string& type) {
    return starts_with(type, "web_search") || starts_with(type, "web_fetch") || starts_with(type, "code_execution") ||
           starts_with(type, "mcp") || starts_with(type, "tool_search");
}

// The blocks of a message's content (or a tool result's).
void blocks(Prompt& p, std::vector<PromptPart>& parts, const OJ* content, const std::string& where) {
    if (!content) return;
    if (content->is_string()) {
        parts.push_back(text_part(content->get<std::string>()));
        return;
    }
    if (!content->is_array()) {
        PromptPart other;
        other.type = "other";
        other.extra = plain(*content);
        parts.push_back(std::move(other));
        return;
    }
    for (size_t i = 0; i < content->size(); ++i) {
        const OJ& b = (*content)[i];
        Fields f(b);
        std::string type = f.str("type");
        add_cache(p, at(where, i), f.take("cache_control"));
        PromptPart part;
        if (type == "text") {
            part = text_part(f.str("text"));
        } else if (type == "image" || type == "document") {
            part.type = type;
            media_source(part, f.take("source"));
            std::string title = f.str("title");
            if (!title.empty()) part.name = title;
        } else if (type == "tool_use" || type == "server_tool_use" || type == "mcp_tool_use") {
            part.type = "tool_call";
            part.server = type != "tool_use";
            part.id = f.str("id");
            part.name = f.str("name");
            part.arguments = args_text(f.take("input"));
        } else if (type == "tool_result" || type == "mcp_tool_result" ||
                   (type.size() > 12 && type.compare(type.size() - 12, 12, "_tool_result") == 0)) {
            part.type = "tool_result";
            part.server = type != "tool_result";
            if (part.server) part.name = type.substr(0, type.size() - 12);
            part.id = f.str("tool_use_id");
            part.is_error = truthy(f.take("is_error"));
            const OJ* c = f.take("content");
            if (c && c->is_array() && type == "tool_result") {
                std::vector<PromptPart> inner;
                blocks(p, inner, c, at(where, i) + ".content");
                for (const auto& x : inner) {
                    if (x.type == "text")
                        part.text += x.text;
                    else
                        part.text += "[" + media_label(x) + "]";
                }
            } else {
                part.text = text_of(c);
            }
        } else if (type == "thinking") {
            part = text_part(f.str("thinking"), "reasoning");
            part.signature = f.take("signature") != nullptr;
        } else if (type == "redacted_thinking") {
            part.type = "reasoning";
            part.signature = f.take("data") != nullptr;
        } else {
            part.type = "other";
            part.name = type;
            part.extra = plain(b);
            parts.push_back(std::move(part));
            continue;
        }
        f.rest_into(part.extra);
        parts.push_back(std::move(part));
    }
}

}  // namespace

void read_anthropic_prompt(Prompt& p, const OJ& body) {
    Fields f(body);
    p.model = f.str("model");
    set_param(p, "max_tokens", f.take("max_tokens"));
    set_param(p, "max_tokens", f.take("max_tokens_to_sample"));  // legacy /v1/complete
    if (const OJ* prompt = f.take("prompt")) {
        PromptMessage m;
        m.role = "user";
        m.parts.push_back(text_part(text_of(prompt)));
        p.messages.push_back(std::move(m));
    }
    set_param(p, "temperature", f.take("temperature"));
    set_param(p, "top_p", f.take("top_p"));
    set_param(p, "top_k", f.take("top_k"));
    set_param(p, "stop", f.take("stop_sequences"));
    set_param(p, "stream", f.take("stream"));
    set_param(p, "service_tier", f.take("service_tier"));
    if (const OJ* th = f.take("thinking")) {
        Fields tf(th);
        std::string type = tf.str("type");
        if (const OJ* budget = tf.take("budget_tokens"))
            p.params["thinking_budget"] = plain(*budget);
        else
            p.params["thinking"] = type;
        nlohmann::json rest = tf.rest();
        if (!rest.is_null()) p.extra["thinking"] = th->is_object() ? rest : plain(*th);
    }
    if (const OJ* oc = f.take("output_config")) {
        Fields of(oc);
        set_param(p, "reasoning_effort", of.take("effort"));
        if (const OJ* fmt = of.take("format")) p.params["response_format"] = str(member(*fmt, "type"));
        nlohmann::json rest = of.rest();
        if (!rest.is_null()) p.extra["output_config"] = rest;
    }
    if (const OJ* of = f.take("output_format")) p.params["response_format"] = str(member(*of, "type"));
    if (const OJ* tc = f.take("tool_choice")) p.tool_choice = plain(*tc);

    if (const OJ* sys = f.take("system")) {
        if (sys->is_string()) {
            p.system = sys->get<std::string>();
        } else if (sys->is_array()) {
            std::vector<PromptPart> parts;
            blocks(p, parts, sys, "system");
            for (const auto& part : parts) p.system = join_system(p.system, part.text);
        }
    }
    if (const OJ* tools = f.take("tools"); tools && tools->is_array()) {
        for (size_t i = 0; i < tools->size(); ++i) {
            const OJ& t = (*tools)[i];
            std::string type = str(member(t, "type"));
            PromptTool tool = function_tool(t, "input_schema");
            if (!type.empty() && type != "custom") {
                tool.type = type;
                tool.server = server_tool_type(type);
                Fields tf(t);
                for (const char* k : {"type", "name", "description", "input_schema", "cache_control"}) tf.take(k);
                nlohmann::json config = tf.rest();  // max_uses, display size …
                if (!config.is_null() && tool.description.empty()) tool.description = config.dump();
            }
            add_cache(p, at("tools", i), member(t, "cache_control"));
            p.tools.push_back(std::move(tool));
        }
    }
    if (const OJ* messages = f.take("messages"); messages && messages->is_array()) {
        for (const auto& msg : *messages) {
            Fields mf(msg);
            PromptMessage m;
            m.role = mf.str("role");
            blocks(p, m.parts, mf.take("content"), "messages[" + std::to_string(p.messages.size()) + "].parts");
            mf.rest_into(m.extra);
            p.messages.push_back(std::move(m));
        }
    }
    f.rest_into(p.extra);
}

}  // namespace cassette
