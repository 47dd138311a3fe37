// The request side of Cohere chat (v1: `message` + `chat_history`; v2:
// OpenAI-like `messages`) and generate (`prompt`) read into the normalized
// Prompt (docs/message.md). Fields follow cohere-python's ChatRequest /
// V2ChatRequest / GenerateRequest.
#include "providers/prompt_read.hpp"

namespace cassette {

namespace {

using namespace prompt_read;

void params(Prompt& p, Fields& f) {
    set_param(p, "temperature", f.take("temperature"));
    set_param(p, "top_p", f.take("p"));
    set_param(p, "top_k", f.take("k"));
    set_param(p, "max_tokens", f.take("max_tokens"));
    set_param(p, "stop", f.take("stop_sequences"));
    set_param(p, "seed", f.take("seed"));
    set_param(p, "stream", f.take("stream"));
    set_param(p, "presence_penalty", f.take("presence_penalty"));
    set_param(p, "frequency_penalty", f.take("frequency_penalty"));
    if (const OJ* rf = f.take("response_format")) p.params["response_format"] = str(member(*rf, "type"));
    if (const OJ* th = f.take("thinking")) {
        if (const OJ* budget = member(*th, "token_budget"))
            p.params["thinking_budget"] = plain(*budget);
        else
            p.params["thinking"] = str(member(*th, "type"));
    }
}

// v1 tool calls [{name, parameters}] and results [{call, outputs}].
void v1_calls(std::vector<PromptPart>& parts, const OJ* calls) {
    if (!calls || !calls->is_array()) return;
    for (const auto& c : *calls) {
        PromptPart call;
        call.type = "tool_call";
        call.name = str(member(c, "name"));
        call.arguments = args_text(member(c, "parameters"));
        parts.push_back(std::move(call));
    }
}
void v1_results(std::vector<PromptPart>& parts, const OJ* results) {
    if (!results || !results->is_array()) return;
    for (const auto& r : *results) {
        PromptPart res;
        res.type = "tool_result";
        res.name = str(member(member(r, "call"), "name"));
        res.text = text_of(member(r, "outputs"));
        parts.push_back(std::move(res));
    }
}

}  // namespace

void read_cohere_prompt(Prompt& p, const OJ& body) {
    Fields f(body);
    p.model = f.str("model");
    params(p, f);
    if (const OJ* tc = f.take("tool_choice")) p.tool_choice = plain(*tc);
    if (const OJ* pre = f.take("preamble")) p.system = text_of(pre);
    if (const OJ* tools = f.take("tools"); tools && tools->is_array()) {
        for (const auto& t : *tools) {
            if (const OJ* fn = member(t, "function")) {
                p.tools.push_back(function_tool(*fn));
                continue;
            }
            PromptTool tool = function_tool(t);
            if (const OJ* defs = member(t, "parameter_definitions"); defs && defs->is_object())
                for (auto it = defs->begin(); it != defs->end(); ++it)
                    tool.parameters.push_back({it.key(), truthy(member(*it, "required"))});
            p.tools.push_back(std::move(tool));
        }
    }
    if (const OJ* history = f.take("chat_history"); history && history->is_array()) {
        for (const auto& h : *history) {
            Fields hf(h);
            PromptMessage m;
            m.role = hf.str("role");
            if (const OJ* msg = hf.take("message")) m.parts.push_back(text_part(text_of(msg)));
            v1_calls(m.parts, hf.take("tool_calls"));
            v1_results(m.parts, hf.take("tool_results"));
            hf.rest_into(m.extra);
            p.messages.push_back(std::move(m));
        }
    }
    const OJ* message = f.take("message");
    const OJ* results = f.take("tool_results");
    if (message || results) {
        PromptMessage m;
        m.role = "USER";
        if (message && !(message->is_string() && message->get_ref<const std::string&>().empty()))
            m.parts.push_back(text_part(text_of(message)));
        if (results) {
            m.role = "TOOL";
            v1_results(m.parts, results);
        }
        p.messages.push_back(std::move(m));
    }
    if (const OJ* prompt = f.take("prompt")) {  // generate
        PromptMessage m;
        m.role = "user";
        m.parts.push_back(text_part(text_of(prompt)));
        p.messages.push_back(std::move(m));
    }
    if (const OJ* messages = f.take("messages"); messages && messages->is_array()) {
        bool leading = true;
        for (const auto& msg : *messages) {
            Fields mf(msg);
            PromptMessage m;
            m.role = mf.str("role");
            const OJ* content = mf.take("content");
            if (leading && m.role == "system" && content && content->is_string() && msg.size() == 2) {
                p.system = join_system(p.system, content->get<std::string>());
                continue;
            }
            leading = false;
            std::vector<PromptPart> parts;
            if (content && content->is_string()) {
                if (!content->get_ref<const std::string&>().empty())
                    parts.push_back(text_part(content->get<std::string>()));
            } else if (content && content->is_array()) {
                for (const auto& x : *content) {
                    std::string type = str(member(x, "type"));
                    if (type == "text") {
                        parts.push_back(text_part(str(member(x, "text"))));
                    } else if (type == "image_url") {
                        PromptPart img;
                        img.type = "image";
                        const OJ* iu = member(x, "image_url");
                        media_from_url(img, iu && iu->is_string() ? iu->get<std::string>() : str(member(iu, "url")));
                        parts.push_back(std::move(img));
                    } else if (type == "document") {
                        PromptPart doc;
                        doc.type = "document";
                        doc.source = "inline";
                        doc.text = text_of(member(member(x, "document"), "data"));
                        doc.size = static_cast<int64_t>(doc.text.size());
                        parts.push_back(std::move(doc));
                    } else {
                        PromptPart other;
                        other.type = "other";
                        other.name = type;
                        other.extra = plain(x);
                        parts.push_back(std::move(other));
                    }
                }
            }
            if (const OJ* plan = mf.take("tool_plan"); plan && plan->is_string()) {
                PromptPart r = text_part(plan->get<std::string>(), "reasoning");
                r.signature = false;
                m.parts.push_back(std::move(r));
            }
            if (m.role == "tool") {
                PromptPart res;
                res.type = "tool_result";
                res.id = mf.str("tool_call_id");
                for (const auto& x : parts) res.text += x.text;
                m.parts.push_back(std::move(res));
            } else {
                for (auto& x : parts) m.parts.push_back(std::move(x));
            }
            if (const OJ* calls = mf.take("tool_calls"); calls && calls->is_array()) {
                for (const auto& c : *calls) {
                    PromptPart call;
                    call.type = "tool_call";
                    call.id = str(member(c, "id"));
                    call.name = str(member(member(c, "function"), "name"));
                    call.arguments = args_text(member(member(c, "function"), "arguments"));
                    m.parts.push_back(std::move(call));
                }
            }
            mf.rest_into(m.extra);
            p.messages.push_back(std::move(m));
        }
    }
    f.rest_into(p.extra);
}

}  // namespace cassette
