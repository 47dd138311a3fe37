// OpenAI Chat Completions (and every server that copies its wire format) and
// OpenAI Responses: rebuild the message the official SDK accumulators give.
//
// Chat streams follow openai-python ChatCompletionStreamState /
// openai-go ChatCompletionAccumulator: choices merged by `index`, content
// concatenated, tool calls merged by their own `index`, finish_reason the last
// one reported. Where the SDKs disagree or the compatible servers are odd, the
// rule chosen is noted at the spot.
//
// Responses streams follow openai-python ResponseStreamState: the final
// response is the object carried by `response.completed` (or
// `response.incomplete` / `response.failed`); without it, the items of
// `response.output_item.done`; without those, what the deltas built.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "decode/json_read.hpp"
#include "providers/providers.hpp"

namespace cassette {

namespace {

using nlohmann::json;
using namespace json_read;

// Text of a `content` that is a string, or an array of parts (some compatible
// servers, e.g. Mistral, send [{type:"text", text:"…"}]).
std::string content_text(const json& c) {
    if (c.is_string()) return c.get<std::string>();
    std::string out;
    if (c.is_array()) {
        for (const auto& part : c) {
            if (part.is_string()) {
                out += part.get<std::string>();
            } else if (part.is_object()) {
                std::string type = str(field(part, "type"));
                if (type.empty() || type == "text" || type == "output_text") out += str(field(part, "text"));
            }
        }
    }
    return out;
}

// Reasoning inside a content list: Mistral's thinking chunks
// {type:"thinking", thinking:[{type:"text", text}]} (mistralai ThinkChunk,
// whose `thinking` holds text and reference chunks; references carry no text).
std::string content_thinking(const json& c) {
    std::string out;
    if (!c.is_array()) return out;
    for (const auto& part : c) {
        if (!part.is_object() || str(field(part, "type")) != "thinking") continue;
        const json* t = member(part, "thinking");
        if (!t) continue;
        if (t->is_string()) {
            out += t->get<std::string>();
        } else if (t->is_array()) {
            for (const auto& x : *t) {
                if (x.is_string())
                    out += x.get<std::string>();
                else if (x.is_object() && str(field(x, "type")) == "text")
                    out += str(field(x, "text"));
            }
        }
    }
    return out;
}

// Reasoning text of one delta or message. The same reasoning arrives in up to
// three fields: DeepSeek, xAI, Z.ai, llama.cpp, avian use `reasoning_content`;
// OpenRouter and Groq `reasoning`; OpenRouter (and avian) also repeat it in
// `reasoning_details` [{type:"reasoning.text", text}]. Take the first field
// that has text, per delta, so it is never counted twice (docs/message.md).
std::string reasoning_text(const json& d) {
    std::string r = str(field(d, "reasoning_content"));
    if (!r.empty()) return r;
    r = str(field(d, "reasoning"));
    if (!r.empty()) return r;
    if (const json* det = member(d, "reasoning_details"); det && det->is_array()) {
        for (const auto& x : *det) {
            if (!x.is_object()) continue;
            std::string type = str(field(x, "type"));
            if (type == "reasoning.text")
                r += str(field(x, "text"));
            else if (type == "reasoning.summary")
                r += str(field(x, "summary"));
            // reasoning.encrypted carries no readable text.
        }
    }
    return r;
}

// Normalises an OpenAI-style usage object (chat: prompt/completion, Responses:
// input/output) to docs/usage-semantics.md.
Usage normalise_usage(const json& u) {
    Usage out;
    out.raw = u;
    auto tokens = [](const json& o, const char* key) { return integer(member(o, key)).value_or(0); };
    bool responses_shape = member(u, "input_tokens") && !member(u, "prompt_tokens");
    int64_t prompt = responses_shape ? tokens(u, "input_tokens") : tokens(u, "prompt_tokens");
    int64_t completion = responses_shape ? tokens(u, "output_tokens") : tokens(u, "completion_tokens");
    std::optional<int64_t> total = integer(member(u, "total_tokens"));

    const json* in_det = member(u, responses_shape ? "input_tokens_details" : "prompt_tokens_details");
    const json* out_det = member(u, responses_shape ? "output_tokens_details" : "completion_tokens_details");
    int64_t reasoning = out_det ? tokens(*out_det, "reasoning_tokens") : 0;
    int64_t cached = in_det ? tokens(*in_det, "cached_tokens") : 0;
    // DeepSeek reports its cache as prompt_cache_hit_tokens (part of prompt_tokens).
    if (cached == 0) cached = tokens(u, "prompt_cache_hit_tokens");
    // OpenRouter reports cache writes next to cached_tokens; both are inside prompt_tokens.
    int64_t cache_write = in_det ? tokens(*in_det, "cache_write_tokens") : 0;

    // Reasoning counted outside the completion count is added — when the
    // provider's total is prompt + completion + reasoning (xAI), or reasoning
    // exceeds completion (gateways relaying Gemini).
    int64_t output = completion;
    if (reasoning > 0 && ((total && *total == add(add(prompt, completion), reasoning)) || reasoning > completion)) {
        output = add(completion, reasoning);
    }
    out.input_tokens = prompt;
    out.output_tokens = output;
    out.reasoning_tokens = reasoning;
    out.cache_read_tokens = cached;
    out.cache_write_tokens = cache_write;
    out.total_tokens = add(prompt, output);
    return out;
}

ProviderError error_from(const json& body) {
    ProviderError e;
    e.raw = body;
    const json* err = member(body, "error");
    const json& src = (err && err->is_object()) ? *err : body;
    if (err && err->is_string()) {
        e.message = err->get<std::string>();
    } else {
        e.message = str(field(src, "message"));
        if (e.message.empty()) e.message = str(field(src, "detail"));
    }
    e.type = str(field(src, "type"));
    if (e.type.empty()) {
        if (const json* code = member(src, "code"))
            e.type = code->is_string() ? code->get<std::string>() : code->dump();
    }
    return e;
}

// An error document: {"error": …} without the normal payload, or any JSON on
// an HTTP error status.
bool is_error_body(const json& j, const Interaction& ix) {
    if (!j.is_object()) return false;
    if (member(j, "error") && !member(j, "choices") && !member(j, "output")) return true;
    return ix.response.code && *ix.response.code >= 400;
}

// ---- Chat Completions ------------------------------------------------------

struct ToolState {
    std::string id, name, arguments;
};

struct ChoiceState {
    std::string text, refusal, reasoning, finish_reason;
    std::map<int64_t, ToolState> tools;  // by tool-call index
    int64_t last_tool = -1;
};

void add_tool_delta(ChoiceState& c, const json& t) {
    if (!t.is_object()) return;
    std::string id = str(field(t, "id"));
    int64_t index = integer(member(t, "index")).value_or(-1);
    if (index < 0) {
        // No usable index (openai-go maps -1 to 0): a new id opens a new call,
        // otherwise the delta continues the current one.
        if (c.last_tool < 0)
            index = 0;
        else if (!id.empty() && id != c.tools[c.last_tool].id)
            index = c.tools.rbegin()->first + 1;
        else
            index = c.last_tool;
    }
    ToolState& tool = c.tools[index];
    c.last_tool = index;
    // id and name from the first delta that has them: some servers repeat the
    // id (and name) on every chunk, which the SDKs would concatenate or replace.
    if (tool.id.empty()) tool.id = id;
    const json* fn = member(t, "function");
    if (fn && fn->is_object()) {
        std::string name = str(field(*fn, "name"));
        if (tool.name.empty()) tool.name = name;
        if (const json* a = member(*fn, "arguments")) {
            // Arguments are concatenated; a server sending an object instead of text gets it serialised.
            tool.arguments += a->is_string() ? a->get<std::string>() : a->dump();
        }
    }
}

void add_choice_message(ChoiceState& c, const json& msg) {
    const json* content = member(msg, "content");
    if (content) c.text += content_text(*content);
    c.refusal += str(field(msg, "refusal"));
    // Thinking chunks only where no reasoning field had text, so it is never counted twice.
    std::string reasoning = reasoning_text(msg);
    if (reasoning.empty() && content) reasoning = content_thinking(*content);
    c.reasoning += reasoning;
    if (const json* tcs = member(msg, "tool_calls"); tcs && tcs->is_array()) {
        for (const auto& t : *tcs) add_tool_delta(c, t);
    }
    // Legacy function_call (pre-tools API): one call, merged the same way.
    if (const json* fc = member(msg, "function_call"); fc && fc->is_object()) {
        add_tool_delta(c, json{{"index", 0}, {"function", *fc}});
    }
}

Choice finish_choice(int64_t index, const ChoiceState& s) {
    Choice c;
    c.index = index;
    // A refusal is what the user sees when there is no content.
    c.text = s.text.empty() ? s.refusal : s.text;
    c.reasoning = s.reasoning;
    c.finish_reason = s.finish_reason;
    for (const auto& [i, t] : s.tools) c.tool_calls.push_back({t.id, t.name, t.arguments});
    return c;
}

void fill_from_choices(Message& m, const std::map<int64_t, ChoiceState>& choices) {
    for (const auto& [i, s] : choices) m.choices.push_back(finish_choice(i, s));
    if (m.choices.empty()) return;
    const Choice& first = m.choices.front();  // the message is choice 0 (docs/message.md)
    m.text = first.text;
    m.reasoning = first.reasoning;
    m.tool_calls = first.tool_calls;
    m.finish_reason = first.finish_reason;
}

std::optional<Usage> chunk_usage(const json& chunk) {
    const json* u = member(chunk, "usage");
    // Groq also puts it in x_groq.usage on the last chunk.
    if (!u || !u->is_object()) {
        if (const json* xg = member(chunk, "x_groq")) u = member(*xg, "usage");
    }
    if (!u || !u->is_object()) return std::nullopt;
    return normalise_usage(*u);
}

Message chat_from_json(const json& body) {
    Message m;
    m.id = str(field(body, "id"));
    m.model = str(field(body, "model"));
    std::map<int64_t, ChoiceState> choices;
    if (const json* cs = member(body, "choices"); cs && cs->is_array()) {
        int64_t pos = 0;
        for (const auto& c : *cs) {
            int64_t index = integer(member(c, "index")).value_or(pos);
            ++pos;
            ChoiceState& s = choices[index];
            if (const json* msg = member(c, "message"); msg && msg->is_object())
                add_choice_message(s, *msg);
            else if (const json* txt = member(c, "text"); txt && txt->is_string())
                s.text += txt->get<std::string>();
            s.finish_reason = str(field(c, "finish_reason"));
        }
    }
    fill_from_choices(m, choices);
    m.usage = chunk_usage(body);
    return m;
}

Message chat_from_stream(const DecodedBody& body) {
    Message m;
    m.streamed = true;
    m.complete = false;
    std::map<int64_t, ChoiceState> choices;
    for (const auto& ev : body.events) {
        std::string_view data = ev.data;
        while (!data.empty() && (data.back() == ' ' || data.back() == '\n' || data.back() == '\r'))
            data.remove_suffix(1);
        if (data == "[DONE]") {
            m.complete = true;
            continue;
        }
        auto parsed = parse_json(data);
        if (!parsed || !parsed->is_object()) continue;
        const json& chunk = *parsed;
        if (ev.event == "error" || (member(chunk, "error") && !member(chunk, "choices"))) {
            m.error = error_from(chunk);
            continue;
        }
        // Azure's asynchronous content filter interleaves events whose object is "" (openai-python skips them).
        if (const json* obj = member(chunk, "object"); obj && obj->is_string() && obj->get<std::string>().empty())
            continue;
        // id and model from the first chunk that has them (the python SDK's snapshot is the first chunk).
        if (m.id.empty()) m.id = str(field(chunk, "id"));
        if (m.model.empty()) m.model = str(field(chunk, "model"));
        if (const json* cs = member(chunk, "choices"); cs && cs->is_array()) {
            int64_t pos = 0;
            for (const auto& c : *cs) {
                if (!c.is_object()) continue;
                int64_t index = integer(member(c, "index")).value_or(pos);
                ++pos;
                ChoiceState& s = choices[index];
                if (const json* d = member(c, "delta"); d && d->is_object())
                    add_choice_message(s, *d);
                else if (const json* txt = member(c, "text"); txt && txt->is_string())
                    s.text += txt->get<std::string>();
                // Last non-null wins (python keeps the last non-null; OpenRouter repeats it on the usage chunk).
                std::string fr = str(field(c, "finish_reason"));
                if (!fr.empty()) s.finish_reason = fr;
                // OpenRouter reports a mid-stream failure as finish_reason "error" with an error object.
                if (const json* e = member(c, "error"); e && e->is_object()) m.error = error_from(json{{"error", *e}});
            }
        }
        // Usage repeated or cumulative is never summed; the last report wins
        // (openai-python assigns, openai-go would sum).
        if (auto u = chunk_usage(chunk)) m.usage = std::move(u);
    }
    fill_from_choices(m, choices);
    // Servers that end without [DONE] but did finish every choice are complete too.
    if (!m.complete && !m.choices.empty() && !m.finish_reason.empty()) m.complete = true;
    return m;
}

// ---- Responses ---------------------------------------------------------------

struct ItemState {
    json item = json::object();  // as added, then as done
    bool done = false;
    std::string text, refusal, reasoning, reasoning_text, arguments;
};

// What the deltas built, in the shape of a finished output item.
json item_from_deltas(const ItemState& s) {
    json item = s.item.is_object() ? s.item : json::object();
    std::string type = str(field(item, "type"));
    if (type == "message") {
        json content = json::array();
        if (!s.text.empty()) content.push_back({{"type", "output_text"}, {"text", s.text}});
        if (!s.refusal.empty()) content.push_back({{"type", "refusal"}, {"refusal", s.refusal}});
        item["content"] = content;
    } else if (type == "reasoning") {
        if (!s.reasoning.empty()) item["summary"] = json::array({{{"type", "summary_text"}, {"text", s.reasoning}}});
        if (!s.reasoning_text.empty())
            item["content"] = json::array({{{"type", "reasoning_text"}, {"text", s.reasoning_text}}});
    } else if (!s.arguments.empty()) {
        item["arguments"] = s.arguments;
    }
    return item;
}

std::string dump_or_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

void add_output_item(Message& m, const json& item) {
    if (!item.is_object()) return;
    std::string type = str(field(item, "type"));
    if (type == "message") {
        if (const json* content = member(item, "content"); content && content->is_array()) {
            std::string refusal;
            for (const auto& part : *content) {
                std::string pt = str(field(part, "type"));
                if (pt == "output_text" || pt == "text")
                    m.text += str(field(part, "text"));
                else if (pt == "refusal")
                    refusal += str(field(part, "refusal"));
            }
            if (m.text.empty()) m.text = refusal;
        }
    } else if (type == "reasoning") {
        // The summary is the readable reasoning; open-weight models send reasoning_text content instead.
        std::string r;
        if (const json* sum = member(item, "summary"); sum && sum->is_array())
            for (const auto& p : *sum) r += str(field(p, "text"));
        if (r.empty()) {
            if (const json* content = member(item, "content"); content && content->is_array())
                for (const auto& p : *content) r += str(field(p, "text"));
        }
        m.reasoning += r;
    } else if (type == "function_call") {
        std::string id = str(field(item, "call_id"));
        if (id.empty()) id = str(field(item, "id"));
        m.tool_calls.push_back({id, str(field(item, "name")), str(field(item, "arguments"))});
    } else if (type == "custom_tool_call") {
        std::string id = str(field(item, "call_id"));
        if (id.empty()) id = str(field(item, "id"));
        m.tool_calls.push_back({id, str(field(item, "name")), str(field(item, "input"))});
    } else if (type == "computer_call" || type == "local_shell_call" || type == "shell_call" ||
               type == "apply_patch_call") {
        // Tools the client runs, though not declared as functions.
        std::string id = str(field(item, "call_id"));
        if (id.empty()) id = str(field(item, "id"));
        std::string args;
        if (const json* a = member(item, "action"))
            args = dump_or_text(*a);
        else if (const json* op = member(item, "operation"))
            args = dump_or_text(*op);
        m.tool_calls.push_back({id, type.substr(0, type.size() - 5), args});
    } else if (type.size() > 5 && type.compare(type.size() - 5, 5, "_call") == 0) {
        // Tools the provider ran itself: web_search_call, file_search_call,
        // code_interpreter_call, image_generation_call, mcp_call …
        std::string name = str(field(item, "name"));
        if (name.empty()) name = type.substr(0, type.size() - 5);
        std::string args;
        if (const json* a = member(item, "arguments"))
            args = dump_or_text(*a);
        else if (const json* a = member(item, "action"))
            args = dump_or_text(*a);
        else if (const json* c = member(item, "code"))
            args = dump_or_text(*c);
        else if (const json* q = member(item, "queries"))
            args = dump_or_text(*q);
        else if (const json* p = member(item, "prompt"))
            args = dump_or_text(*p);
        m.server_tool_calls.push_back({str(field(item, "id")), name, args});
    }
}

void fill_from_response(Message& m, const json& resp) {
    if (!resp.is_object()) return;
    if (std::string id = str(field(resp, "id")); !id.empty()) m.id = id;
    if (std::string model = str(field(resp, "model")); !model.empty()) m.model = model;
    if (std::string status = str(field(resp, "status")); !status.empty()) m.finish_reason = status;
    if (const json* u = member(resp, "usage"); u && u->is_object()) m.usage = normalise_usage(*u);
    if (const json* e = member(resp, "error"); e && e->is_object()) m.error = error_from(json{{"error", *e}});
}

void fill_from_output(Message& m, const json& output) {
    m.text.clear();
    m.reasoning.clear();
    m.tool_calls.clear();
    m.server_tool_calls.clear();
    if (!output.is_array()) return;
    for (const auto& item : output) add_output_item(m, item);
}

Message responses_from_json(const json& body) {
    Message m;
    fill_from_response(m, body);
    if (const json* out = member(body, "output")) fill_from_output(m, *out);
    // Some servers add the convenience field output_text; use it only when the items had none.
    if (m.text.empty()) m.text = str(field(body, "output_text"));
    return m;
}

Message responses_from_stream(const DecodedBody& body) {
    Message m;
    m.streamed = true;
    m.complete = false;
    std::map<int64_t, ItemState> items;
    std::optional<json> final_output;
    for (const auto& ev : body.events) {
        auto parsed = parse_json(ev.data);
        if (!parsed || !parsed->is_object()) continue;
        const json& e = *parsed;
        std::string type = str(field(e, "type"));
        if (type.empty()) type = ev.event;
        std::optional<int64_t> output_index = integer(member(e, "output_index"));
        bool has_oi = output_index.has_value();
        int64_t oi = output_index.value_or(0);

        if (type == "error") {
            m.error = error_from(member(e, "error") ? e : json{{"error", e}});
        } else if (type == "response.created" || type == "response.in_progress" || type == "response.queued") {
            if (const json* r = member(e, "response")) fill_from_response(m, *r);
        } else if (type == "response.completed" || type == "response.incomplete" || type == "response.failed") {
            m.complete = true;
            if (const json* r = member(e, "response")) {
                fill_from_response(m, *r);
                if (const json* out = member(*r, "output"); out && out->is_array()) final_output = *out;
            }
        } else if (type == "response.output_item.added" && has_oi) {
            if (const json* item = member(e, "item"); item && item->is_object() && !items[oi].done)
                items[oi].item = *item;
        } else if (type == "response.output_item.done" && has_oi) {
            if (const json* item = member(e, "item"); item && item->is_object()) {
                items[oi].item = *item;
                items[oi].done = true;
            }
        } else if (type == "response.output_text.delta" && has_oi) {
            items[oi].text += str(field(e, "delta"));
        } else if (type == "response.refusal.delta" && has_oi) {
            items[oi].refusal += str(field(e, "delta"));
        } else if (type == "response.reasoning_summary_text.delta" && has_oi) {
            items[oi].reasoning += str(field(e, "delta"));
        } else if (type == "response.reasoning_text.delta" && has_oi) {
            items[oi].reasoning_text += str(field(e, "delta"));
        } else if ((type == "response.function_call_arguments.delta" ||
                    type == "response.custom_tool_call_input.delta" || type == "response.mcp_call_arguments.delta") &&
                   has_oi) {
            items[oi].arguments += str(field(e, "delta"));
        }
        // The matching *.done events repeat what the deltas built; they are not added again.
    }
    if (final_output && !(final_output->empty() && !items.empty())) {
        fill_from_output(m, *final_output);
    } else {
        // No final object (a cut stream, or a server that leaves `output` empty):
        // done items as sent, the rest from their deltas, in output order.
        json output = json::array();
        for (const auto& [i, s] : items) output.push_back(s.done ? s.item : item_from_deltas(s));
        fill_from_output(m, output);
    }
    return m;
}

}  // namespace

namespace {

// Chat completions and legacy text completions share the wire format: a text
// completion's choices carry `text` where chat's carry `message` / `delta`,
// the stream ends with [DONE] the same way, usage has the same fields.
Message chat_or_completion(const Interaction& ix, const DecodedBody& response) {
    Message m;
    if (response.kind == BodyKind::json && response.json) {
        if (is_error_body(*response.json, ix)) {
            m.error = error_from(*response.json);
        } else {
            m = chat_from_json(*response.json);
        }
    } else if (response.kind == BodyKind::sse || response.kind == BodyKind::ndjson) {
        m = chat_from_stream(response);
    } else if (response.kind == BodyKind::empty) {
        m.complete = false;
    } else {
        // Text or bytes where JSON was expected: keep the body as the error text on HTTP errors.
        m.complete = false;
        if (ix.response.code && *ix.response.code >= 400) {
            m.error = ProviderError{"", response.text.substr(0, 2000), nullptr};
        }
    }
    return m;
}

}  // namespace

std::optional<Message> reassemble_openai_chat(const Interaction& ix, const DecodedBody& response) {
    Message m = chat_or_completion(ix, response);
    m.api = "openai-chat";
    return m;
}

std::optional<Message> reassemble_openai_completions(const Interaction& ix, const DecodedBody& response) {
    Message m = chat_or_completion(ix, response);
    m.api = "openai-completions";
    return m;
}

std::optional<Message> reassemble_openai_responses(const Interaction& ix, const DecodedBody& response) {
    Message m;
    if (response.kind == BodyKind::json && response.json) {
        const json& j = *response.json;
        if (is_error_body(j, ix) && !member(j, "output")) {
            m.error = error_from(j);
        } else {
            m = responses_from_json(j);
        }
    } else if (response.kind == BodyKind::sse) {
        m = responses_from_stream(response);
    } else {
        m.complete = false;
        if (response.kind != BodyKind::empty && ix.response.code && *ix.response.code >= 400) {
            m.error = ProviderError{"", response.text.substr(0, 2000), nullptr};
        }
    }
    m.api = "openai-responses";
    return m;
}

}  // namespace cassette
