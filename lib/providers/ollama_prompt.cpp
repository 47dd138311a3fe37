// The request side of Ollama /api/chat and /api/generate read into the
// normalized Prompt (docs/message.md). Fields follow Ollama's api.ChatRequest
// and api.GenerateRequest (docs/api.md).
#include "providers/prompt_read.hpp"

namespace cassette {

namespace {

using namespace prompt_read;

void images(std::vector<PromptPart>& parts, const OJ* list) {
    if (!list || !list->is_array()) return;
    for (const auto& img : *list) {
        PromptPart part;
        part.type = "image";
        media_inline(part, &img);
        parts.push_back(std::move(part));
    }
}

}  // namespace

void read_ollama_prompt(Prompt& p, const OJ& body) {
    Fields f(body);
    p.model = f.str("model");
    set_param(p, "stream", f.take("stream"));
    set_param(p, "think", f.take("think"));
    set_param(p, "keep_alive", f.take("keep_alive"));
    if (const OJ* fmt = f.take("format"))
        p.params["response_format"] = fmt->is_string() ? fmt->get<std::string>() : "schema";
    if (const OJ* opts = f.take("options")) {
        Fields o(opts);
        set_param(p, "temperature", o.take("temperature"));
        set_param(p, "top_p", o.take("top_p"));
        set_param(p, "top_k", o.take("top_k"));
        set_param(p, "max_tokens", o.take("num_predict"));
        set_param(p, "stop", o.take("stop"));
        set_param(p, "seed", o.take("seed"));
        set_param(p, "num_ctx", o.take("num_ctx"));
        nlohmann::json rest = o.rest();
        if (!rest.is_null()) p.extra["options"] = opts->is_object() ? rest : plain(*opts);
    }
    if (const OJ* tools = f.take("tools"); tools && tools->is_array()) {
        for (const auto& t : *tools) {
            const OJ* fn = member(t, "function");
            p.tools.push_back(function_tool(fn ? *fn : t));
        }
    }
    if (const OJ* sys = f.take("system")) p.system = text_of(sys);
    if (const OJ* messages = f.take("messages"); messages && messages->is_array()) {
        // /api/chat
        bool leading = true;
        for (const auto& msg : *messages) {
            Fields mf(msg);
            PromptMessage m;
            m.role = mf.str("role");
            const OJ* content = mf.take("content");
            if (leading && m.role == "system" && (!content || content->is_string()) && msg.size() <= 2) {
                p.system = join_system(p.system, text_of(content));
                continue;
            }
            leading = false;
            if (const OJ* th = mf.take("thinking");
                th && th->is_string() && !th->get_ref<const std::string&>().empty()) {
                PromptPart r = text_part(th->get<std::string>(), "reasoning");
                r.signature = false;
                m.parts.push_back(std::move(r));
            }
            std::string text = text_of(content);
            if (m.role == "tool") {
                PromptPart result;
                result.type = "tool_result";
                result.name = mf.str("tool_name");
                if (result.name.empty()) result.name = mf.str("name");
                result.id = mf.str("tool_call_id");
                result.text = text;
                m.parts.push_back(std::move(result));
            } else if (!text.empty()) {
                m.parts.push_back(text_part(text));
            }
            images(m.parts, mf.take("images"));
            if (const OJ* calls = mf.take("tool_calls"); calls && calls->is_array()) {
                for (const auto& c : *calls) {
                    Fields cf(c);
                    PromptPart call;
                    call.type = "tool_call";
                    call.id = cf.str("id");
                    Fields fn(cf.take("function"));
                    call.name = fn.str("name");
                    call.arguments = args_text(fn.take("arguments"));
                    fn.take("index");
                    cf.take("type");
                    cf.rest_into(call.extra);
                    m.parts.push_back(std::move(call));
                }
            }
            mf.rest_into(m.extra);
            p.messages.push_back(std::move(m));
        }
    } else if (const OJ* prompt = f.take("prompt")) {
        // /api/generate
        PromptMessage m;
        m.role = "user";
        m.parts.push_back(text_part(text_of(prompt)));
        images(m.parts, f.take("images"));
        p.messages.push_back(std::move(m));
        set_param(p, "raw", f.take("raw"));
        set_param(p, "suffix", f.take("suffix"));
        if (const OJ* ctx = f.take("context"); ctx && ctx->is_array())
            p.params["context"] = std::to_string(ctx->size()) + " tokens";
    }
    f.rest_into(p.extra);
}

}  // namespace cassette
