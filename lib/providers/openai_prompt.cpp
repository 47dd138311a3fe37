// The request side of OpenAI Chat Completions (and the compatible servers),
// legacy Completions and Responses, read into the normalized Prompt
// (docs/message.md). Field names follow openai-python's
// CompletionCreateParams / ResponseCreateParams.
#include "providers/prompt_read.hpp"

namespace cassette {

namespace {

using namespace prompt_read;

// The parameters Chat Completions, Completions and Responses share, under
// their normalized names.
void common_params(Prompt& p, Fields& f) {
    set_param(p, "temperature", f.take("temperature"));
    set_param(p, "top_p", f.take("top_p"));
    set_param(p, "top_k", f.take("top_k"));
    set_param(p, "seed", f.take("seed"));
    set_param(p, "n", f.take("n"));
    set_param(p, "stop", f.take("stop"));
    set_param(p, "presence_penalty", f.take("presence_penalty"));
    set_param(p, "frequency_penalty", f.take("frequency_penalty"));
    set_param(p, "stream", f.take("stream"));
    set_param(p, "stream_options", f.take("stream_options"));
    set_param(p, "store", f.take("store"));
    set_param(p, "parallel_tool_calls", f.take("parallel_tool_calls"));
    set_param(p, "max_tokens", f.take("max_tokens"));
    set_param(p, "max_tokens", f.take("max_completion_tokens"));
    set_param(p, "reasoning_effort", f.take("reasoning_effort"));
    set_param(p, "service_tier", f.take("service_tier"));
    // OpenRouter: {"reasoning": {"effort": "high"} | {"max_tokens": 2000}}.
    if (const OJ* r = f.take("reasoning")) {
        Fields rf(r);
        set_param(p, "reasoning_effort", rf.take("effort"));
        set_param(p, "thinking_budget", rf.take("max_tokens"));
        set_param(p, "reasoning_summary", rf.take("summary"));
        if (const OJ* en = rf.take("enabled")) p.params["thinking"] = plain(*en);
        nlohmann::json rest = rf.rest();
        if (!rest.is_null()) p.extra["reasoning"] = r->is_object() ? rest : plain(*r);
    }
}

// Chat `content`: a string, or an array of parts.
void chat_content(PromptMessage& m, const OJ* content) {
    if (!content) return;
    if (content->is_string()) {
        if (!content->get_ref<const std::string&>().empty()) m.parts.push_back(text_part(content->get<std::string>()));
        return;
    }
    if (!content->is_array()) {
        PromptPart other;
        other.type = "other";
        other.extra = plain(*content);
        m.parts.push_back(std::move(other));
        return;
    }
    for (const auto& x : *content) {
        if (x.is_string()) {
            m.parts.push_back(text_part(x.get<std::string>()));
            continue;
        }
        Fields f(x);
        std::string type = f.str("type");
        f.take("cache_control");  // a cache mark: the caller lists it under params
        PromptPart part;
        if (type == "text" || type == "input_text" || type == "output_text" || (type.empty() && member(x, "text"))) {
            part = text_part(f.str("text"));
        } else if (type == "refusal") {
            part = text_part(f.str("refusal"), "refusal");
        } else if (type == "image_url") {
            part.type = "image";
            const OJ* iu = f.take("image_url");
            Fields uf(iu);
            std::string url = iu && iu->is_string() ? iu->get<std::string>() : uf.str("url");
            media_from_url(part, url);
            if (iu && iu->is_object()) {
                nlohmann::json r = uf.rest();
                if (!r.is_null()) part.extra["image_url"] = r;
            }
        } else if (type == "input_audio") {
            part.type = "audio";
            Fields af(f.take("input_audio"));
            std::string format = af.str("format");
            part.media_type = format.empty() ? "" : "audio/" + format;
            media_inline(part, af.take("data"));
            nlohmann::json r = af.rest();
            if (!r.is_null()) part.extra["input_audio"] = r;
        } else if (type == "document_url" || type == "image_url_chunk") {
            part.type = "document";  // Mistral
            media_from_url(part, f.str("document_url"));
            std::string name = f.str("document_name");
            if (!name.empty()) part.name = name;
        } else if (type == "file") {
            part.type = "document";
            Fields ff(f.take("file"));
            if (const OJ* id = ff.take("file_id")) {
                part.source = "file";
                part.ref = json_read::str(id);
            }
            if (const OJ* data = ff.take("file_data")) media_from_url(part, json_read::str(data));
            std::string name = ff.str("filename");
            if (!name.empty()) part.name = name;
            nlohmann::json r = ff.rest();
            if (!r.is_null()) part.extra["file"] = r;
        } else {
            part.type = "other";
            part.extra = plain(x);
            m.parts.push_back(std::move(part));
            continue;
        }
        f.rest_into(part.extra);
        m.parts.push_back(std::move(part));
    }
}

std::vector<PromptTool> chat_tools(Prompt& p, const OJ* tools) {
    std::vector<PromptTool> out;
    if (!tools || !tools->is_array()) return out;
    for (size_t i = 0; i < tools->size(); ++i) {
        const OJ& t = (*tools)[i];
        std::string type = str(member(t, "type"));
        if (const OJ* fn = member(t, "function")) {
            out.push_back(function_tool(*fn));
        } else if (member(t, "name")) {
            out.push_back(function_tool(t));  // Responses and some compatible servers: flat
            if (!type.empty() && type != "function") {
                out.back().type = type;
                out.back().server = true;
            }
        } else {
            PromptTool st;
            st.type = type;
            st.name = type;
            st.server = true;
            Fields tf(t);
            tf.take("type");
            tf.take("cache_control");
            nlohmann::json config = tf.rest();
            if (!config.is_null()) st.description = config.dump();  // its settings (filters, sizes …)
            out.push_back(std::move(st));
        }
        add_cache(p, "tools[" + std::to_string(i) + "]", member(t, "cache_control"));
    }
    return out;
}

// response_format {"type":"json_schema","json_schema":{"name":…}} -> "json_schema:name".
void response_format(Prompt& p, const OJ* rf) {
    if (!rf) return;
    if (!rf->is_object()) {
        p.params["response_format"] = plain(*rf);
        return;
    }
    std::string type = str(member(*rf, "type"));
    std::string name = str(member(member(*rf, "json_schema"), "name"));
    if (name.empty()) name = str(member(*rf, "name"));  // Responses text.format
    p.params["response_format"] = name.empty() ? type : type + ":" + name;
    // The schema is summed up by its name; its description and flags are kept.
    const OJ* js = member(*rf, "json_schema");
    Fields sf(js ? js : rf);
    sf.take("type");
    sf.take("name");
    sf.take("schema");
    nlohmann::json rest = sf.rest();
    if (!rest.is_null()) p.extra["response_format"] = rest;
}

}  // namespace

void read_openai_chat_prompt(Prompt& p, const OJ& body) {
    Fields f(body);
    p.model = f.str("model");
    common_params(p, f);
    response_format(p, f.take("response_format"));
    if (const OJ* tc = f.take("tool_choice")) p.tool_choice = plain(*tc);
    p.tools = chat_tools(p, f.take("tools"));
    // Legacy functions / function_call.
    if (const OJ* fns = f.take("functions"); fns && fns->is_array())
        for (const auto& fn : *fns) p.tools.push_back(function_tool(fn));
    if (const OJ* fc = f.take("function_call")) p.tool_choice = plain(*fc);

    const OJ* messages = f.take("messages");
    bool leading = true;
    if (messages && messages->is_array()) {
        for (size_t i = 0; i < messages->size(); ++i) {
            const OJ& msg = (*messages)[i];
            Fields mf(msg);
            PromptMessage m;
            m.role = mf.str("role");
            const OJ* content = mf.take("content");
            if (leading && (m.role == "system" || m.role == "developer") &&
                (!content || content->is_string() || content->is_array())) {
                PromptMessage tmp;
                chat_content(tmp, content);
                bool plain_text = true;
                std::string text;
                for (const auto& part : tmp.parts) {
                    if (part.type != "text" || !part.extra.is_null()) plain_text = false;
                    text = join_system(text, part.text);
                }
                // Cache marks on system parts (Anthropic-style, OpenRouter).
                if (content && content->is_array())
                    for (size_t k = 0; k < content->size(); ++k)
                        add_cache(p, "system[" + std::to_string(k) + "]", member((*content)[k], "cache_control"));
                add_cache(p, "system", mf.take("cache_control"));
                if (m.role != "system") p.params["system_role"] = m.role;
                nlohmann::json rest = mf.rest();
                if (plain_text) {
                    p.system = join_system(p.system, text);
                    if (!rest.is_null()) p.extra["system_message_fields"].push_back(rest);
                    continue;
                }
            }
            leading = false;
            size_t index = p.messages.size();
            add_cache(p, "messages[" + std::to_string(index) + "]", mf.take("cache_control"));
            chat_content(m, content);
            if (content && content->is_array())
                for (size_t k = 0; k < content->size(); ++k)
                    add_cache(p, "messages[" + std::to_string(index) + "].parts[" + std::to_string(k) + "]",
                              member((*content)[k], "cache_control"));
            // Reasoning carried back (DeepSeek, OpenRouter, vLLM).
            for (const char* key : {"reasoning_content", "reasoning"}) {
                if (const OJ* r = mf.take(key); r && r->is_string() && !r->get_ref<const std::string&>().empty()) {
                    PromptPart rp = text_part(r->get<std::string>(), "reasoning");
                    rp.signature = false;
                    m.parts.insert(m.parts.begin(), std::move(rp));
                }
            }
            if (const OJ* rd = mf.take("reasoning_details")) {
                bool any_text = false;
                for (const auto& part : m.parts) any_text = any_text || part.type == "reasoning";
                if (!any_text && rd->is_array()) {
                    for (const auto& d : *rd) {
                        std::string text = str(member(d, "text"));
                        if (text.empty()) text = str(member(d, "summary"));
                        Fields df(d);
                        df.take("text");
                        df.take("summary");
                        PromptPart rp = text_part(text, "reasoning");
                        rp.signature = df.take("signature") || df.take("data");
                        df.rest_into(rp.extra);
                        m.parts.insert(m.parts.begin(), std::move(rp));
                    }
                } else if (rd) {
                    m.extra["reasoning_details"] = plain(*rd);
                }
            }
            if (const OJ* refusal = mf.take("refusal"); refusal && refusal->is_string())
                m.parts.push_back(text_part(refusal->get<std::string>(), "refusal"));
            if (const OJ* calls = mf.take("tool_calls"); calls && calls->is_array()) {
                for (const auto& c : *calls) {
                    Fields cf(c);
                    PromptPart call;
                    call.type = "tool_call";
                    call.id = cf.str("id");
                    cf.take("type");
                    cf.take("index");
                    add_cache(p, "messages[" + std::to_string(index) + "].tool_calls", cf.take("cache_control"));
                    Fields fn(cf.take("function"));
                    call.name = fn.str("name");
                    call.arguments = args_text(fn.take("arguments"));
                    cf.rest_into(call.extra);
                    m.parts.push_back(std::move(call));
                }
            }
            if (const OJ* fc = mf.take("function_call")) {
                PromptPart call;
                call.type = "tool_call";
                call.name = str(member(*fc, "name"));
                call.arguments = args_text(member(*fc, "arguments"));
                m.parts.push_back(std::move(call));
            }
            if (m.role == "tool" || m.role == "function") {
                // The content is the result of the call named by tool_call_id.
                PromptPart result;
                result.type = "tool_result";
                result.id = mf.str("tool_call_id");
                result.name = mf.str("name");
                std::string text;
                for (const auto& part : m.parts) text += part.text;
                result.text = content && !content->is_string() && !content->is_array() ? content->dump() : text;
                m.parts.clear();
                m.parts.push_back(std::move(result));
            }
            mf.rest_into(m.extra);
            p.messages.push_back(std::move(m));
        }
    }
    f.rest_into(p.extra);
}

void read_openai_completions_prompt(Prompt& p, const OJ& body) {
    Fields f(body);
    p.model = f.str("model");
    common_params(p, f);
    PromptMessage m;
    m.role = "user";
    if (const OJ* pr = f.take("prompt")) {
        if (pr->is_string()) {
            m.parts.push_back(text_part(pr->get<std::string>()));
        } else if (pr->is_array()) {
            for (const auto& x : *pr) m.parts.push_back(text_part(x.is_string() ? x.get<std::string>() : x.dump()));
        } else {
            m.parts.push_back(text_part(pr->dump()));
        }
    }
    if (const OJ* suffix = f.take("suffix"); suffix && suffix->is_string())
        p.params["suffix"] = suffix->get<std::string>();
    p.messages.push_back(std::move(m));
    f.rest_into(p.extra);
}

namespace {

// One item of Responses `input`.
void responses_item(Prompt& p, const OJ& item, bool& last_was_item) {
    if (item.is_string()) {
        last_was_item = false;
        PromptMessage m;
        m.role = "user";
        m.parts.push_back(text_part(item.get<std::string>()));
        p.messages.push_back(std::move(m));
        return;
    }
    Fields f(item);
    std::string type = f.str("type");
    const OJ* role = member(item, "role");
    if (type == "message" || (type.empty() && role)) {
        last_was_item = false;
        PromptMessage m;
        m.role = f.str("role");
        const OJ* content = f.take("content");
        if (content && content->is_array()) {
            for (const auto& x : *content) {
                std::string t = str(member(x, "type"));
                if (t == "input_image" || t == "input_file") {
                    Fields xf(x);
                    xf.take("type");
                    PromptPart part;
                    part.type = t == "input_image" ? "image" : "document";
                    if (const OJ* id = xf.take("file_id")) {
                        part.source = "file";
                        part.ref = json_read::str(id);
                    }
                    if (const OJ* url = xf.take("image_url")) media_from_url(part, json_read::str(url));
                    if (const OJ* url = xf.take("file_url")) media_from_url(part, json_read::str(url));
                    if (const OJ* data = xf.take("file_data")) media_from_url(part, json_read::str(data));
                    std::string name = xf.str("filename");
                    if (!name.empty()) part.name = name;
                    xf.rest_into(part.extra);
                    m.parts.push_back(std::move(part));
                } else if (t == "input_audio") {
                    OJ wrapped = OJ::array({x});
                    chat_content(m, &wrapped);
                } else {
                    OJ wrapped = OJ::array({x});
                    chat_content(m, &wrapped);
                    // output_text's annotations/logprobs are not part of the conversation's text.
                }
            }
        } else {
            chat_content(m, content);
        }
        f.rest_into(m.extra);
        p.messages.push_back(std::move(m));
        return;
    }
    // Other items become parts of a message: calls and reasoning belong to
    // the assistant turn, outputs to a tool turn. Consecutive items of one
    // role share a message.
    PromptPart part;
    std::string msg_role = "assistant";
    if (type == "function_call" || type == "custom_tool_call") {
        part.type = "tool_call";
        part.id = f.str("call_id");
        part.name = f.str("name");
        part.arguments = args_text(f.take(type == "function_call" ? "arguments" : "input"));
    } else if (type == "function_call_output" || type == "custom_tool_call_output") {
        msg_role = "tool";
        part.type = "tool_result";
        part.id = f.str("call_id");
        const OJ* out = f.take("output");
        if (out && out->is_array()) {
            for (const auto& x : *out) part.text += x.is_object() ? str(member(x, "text")) : text_of(&x);
        } else {
            part.text = text_of(out);
        }
    } else if (type == "reasoning") {
        part.type = "reasoning";
        if (const OJ* s = f.take("summary"); s && s->is_array())
            for (const auto& x : *s) part.text = join_system(part.text, str(member(x, "text")));
        if (const OJ* c = f.take("content"); c && c->is_array())
            for (const auto& x : *c) part.text = join_system(part.text, str(member(x, "text")));
        part.signature = f.take("encrypted_content") != nullptr;
    } else if (type == "item_reference") {
        part.type = "other";
        part.id = f.str("id");
        part.name = "item_reference";
    } else if (!type.empty() && type.size() > 5 && type.compare(type.size() - 5, 5, "_call") == 0) {
        part.type = "tool_call";  // web_search_call, file_search_call, code_interpreter_call …
        part.server = true;
        part.name = type.substr(0, type.size() - 5);
        part.id = f.str("id");
        if (const OJ* action = f.take("action"))
            part.arguments = action->dump();
        else if (const OJ* code = f.take("code"))
            part.arguments = text_of(code);
    } else if (type.size() > 7 && type.compare(type.size() - 7, 7, "_output") == 0) {
        msg_role = "tool";
        part.type = "tool_result";
        part.id = f.str("call_id");
        part.text = text_of(f.take("output"));
    } else {
        part.type = "other";
        part.name = type;
    }
    f.rest_into(part.extra);
    // Items of one turn (an assistant's reasoning and calls, several call
    // outputs) share a message.
    if (last_was_item && !p.messages.empty() && p.messages.back().role == msg_role) {
        p.messages.back().parts.push_back(std::move(part));
        return;
    }
    PromptMessage m;
    m.role = msg_role;
    m.parts.push_back(std::move(part));
    p.messages.push_back(std::move(m));
    last_was_item = true;
}

}  // namespace

void read_openai_responses_prompt(Prompt& p, const OJ& body) {
    Fields f(body);
    p.model = f.str("model");
    common_params(p, f);
    set_param(p, "max_tokens", f.take("max_output_tokens"));
    set_param(p, "previous_response_id", f.take("previous_response_id"));
    set_param(p, "conversation", f.take("conversation"));
    set_param(p, "truncation", f.take("truncation"));
    if (const OJ* text = f.take("text")) {
        Fields tf(text);
        response_format(p, tf.take("format"));
        set_param(p, "verbosity", tf.take("verbosity"));
        nlohmann::json rest = tf.rest();
        if (!rest.is_null()) p.extra["text"] = text->is_object() ? rest : plain(*text);
    }
    if (const OJ* tc = f.take("tool_choice")) p.tool_choice = plain(*tc);
    p.tools = chat_tools(p, f.take("tools"));
    if (const OJ* instr = f.take("instructions")) {
        if (instr->is_string()) {
            p.system = instr->get<std::string>();
        } else if (instr->is_array()) {
            for (const auto& item : *instr) {
                PromptMessage m;
                chat_content(m, member(item, "content"));
                for (const auto& part : m.parts) p.system = join_system(p.system, part.text);
            }
        }
    }
    if (const OJ* input = f.take("input")) {
        bool last_was_item = false;
        if (input->is_string()) {
            responses_item(p, *input, last_was_item);
        } else if (input->is_array()) {
            for (const auto& item : *input) {
                // A leading system/developer message is the system text.
                std::string role = str(member(item, "role"));
                if (p.messages.empty() && (role == "system" || role == "developer")) {
                    PromptMessage m;
                    chat_content(m, member(item, "content"));
                    bool simple = true;
                    for (const auto& part : m.parts) simple = simple && part.type == "text";
                    if (simple) {
                        for (const auto& part : m.parts) p.system = join_system(p.system, part.text);
                        if (role != "system") p.params["system_role"] = role;
                        continue;
                    }
                }
                responses_item(p, item, last_was_item);
            }
        }
    }
    f.rest_into(p.extra);
}

}  // namespace cassette
