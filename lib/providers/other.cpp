// AWS Bedrock Converse / ConverseStream, Ollama /api/chat and /api/generate,
// Cohere chat v1 and v2. Smaller APIs, one fold each.
//
// Bedrock Converse (aws-sdk ConverseOutput / ConverseStreamOutput):
//  - non-streamed: output.message.content[] of {text} | {toolUse{toolUseId,
//    name, input}} | {reasoningContent{reasoningText{text}}}, stopReason, usage;
//  - streamed (event stream, `:event-type` names the member): messageStart,
//    contentBlockStart{start.toolUse{toolUseId,name}}, contentBlockDelta{delta:
//    text | toolUse.input (JSON text, concatenated) | reasoningContent.text},
//    contentBlockStop, messageStop{stopReason}, metadata{usage}; exceptions
//    come as `:exception-type` events with {"message"};
//  - usage: Bedrock's inputTokens EXCLUDES cache reads/writes (its totalTokens
//    = input + output + cacheRead + cacheWrite), so SPEC input =
//    inputTokens + cacheReadInputTokens + cacheWriteInputTokens;
//  - the response names no model: it is the URL's /model/<id>/ (decoded);
//  - a streamed tool call with no input text gets "{}" (as for Anthropic).
// Ollama (api.md): NDJSON chunks {model, message{content, thinking,
//  tool_calls[{function{name, arguments{}}}]}, done, done_reason,
//  prompt_eval_count, eval_count}; /api/generate uses `response`/`thinking`.
//  Tool calls arrive whole; arguments objects are serialized compactly. The
//  counts come with the final `done` chunk; last value wins.
// Cohere v2 (/v2/chat): {id, message{content[{type:text|thinking}], tool_plan,
//  tool_calls[{id,function{name,arguments}}]}, finish_reason, usage{tokens,
//  billed_units}}; streamed as SSE message-start, content-start/-delta,
//  tool-plan-delta, tool-call-start/-delta, message-end{delta{finish_reason,
//  usage}}. Cohere v1 (/v1/chat): {text, tool_calls[{name,parameters}],
//  finish_reason, meta{tokens, billed_units}}; streamed as NDJSON events
//  text-generation, tool-calls-generation, stream-end{response}.
//  Usage: `tokens` (what the model saw) before `billed_units`. `tool_plan`
//  (the model's plan before calling tools) is shown as reasoning. Responses
//  name no model: the request's `model` is used.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "decode/json_read.hpp"
#include "providers/provider_error.hpp"
#include "providers/providers.hpp"
#include "util/url.hpp"

namespace cassette {

namespace {

using namespace json_read;

// field(field(field(o, a), b), c) as path(o, {a, b, c}).
const OJ* path(const OJ* o, std::initializer_list<const char*> keys) {
    const OJ* cur = o;
    for (const char* k : keys) cur = field(cur, k);
    return cur;
}
const OJ* path(const OJ& o, std::initializer_list<const char*> keys) { return path(&o, keys); }




bool truthy(const OJ* v) { return v && v->is_boolean() && v->get<bool>(); }

// Arguments given as an object (or already as JSON text) -> JSON text.
std::string arguments_text(const OJ* v) {
    if (!v || v->is_null()) return "{}";
    if (v->is_string()) return v->get<std::string>();
    return v->dump();
}

std::string request_model(const Interaction& ix) {
    if (auto j = parse(ix.request.body.bytes)) return str(field(*j, "model"));
    return {};
}

// Error bodies: {"error": "text"} (Ollama), {"error": {...}}, or {"message": ...}
// with an error status (Bedrock, with the type in x-amzn-ErrorType; Cohere).
std::optional<ProviderError> error_of(const OJ& j, const Interaction& ix) {
    if (const OJ* e = field(j, "error"); e && !e->is_null()) {
        ProviderError err;
        err.raw = nlohmann::json(j);
        if (e->is_string()) {
            err.message = e->get<std::string>();
        } else {
            err.type = str(field(*e, "type"));
            if (err.type.empty()) err.type = str(field(*e, "code"));
            err.message = str(field(*e, "message"));
        }
        return err;
    }
    if (ix.response.code.value_or(0) >= 400 && field(j, "message")) {
        return message_body_error(j, ix);
    }
    return std::nullopt;
}

// ---------------------------------------------------------------- Bedrock Converse

Usage converse_usage(const OJ& u) {
    Usage out;
    out.cache_read_tokens = count(field(u, "cacheReadInputTokens")).value_or(0);
    out.cache_write_tokens = count(field(u, "cacheWriteInputTokens")).value_or(0);
    out.input_tokens = add(add(count(field(u, "inputTokens")).value_or(0), out.cache_read_tokens), out.cache_write_tokens);
    out.output_tokens = count(field(u, "outputTokens")).value_or(0);
    out.total_tokens = add(out.input_tokens, out.output_tokens);
    out.raw = nlohmann::json(u);
    return out;
}

struct ConverseBlock {
    bool tool = false;
    std::string id, name, input;
};

}  // namespace

std::string bedrock_model(std::string_view url) {
    size_t p = url.find("/model/");
    if (p == std::string_view::npos) return {};
    std::string_view rest = url.substr(p + 7);
    return percent_decode(rest.substr(0, rest.find_first_of("/?#")), PercentMode::path);
}

std::optional<Message> reassemble_bedrock_converse(const Interaction& ix, const DecodedBody& body) {
    Message m;
    m.api = "bedrock-converse";
    m.provider = "bedrock";
    m.model = bedrock_model(ix.request.url);
    if (body.kind == BodyKind::json) {
        auto j = parse(body.text);
        if (!j) return std::nullopt;
        if (auto err = error_of(*j, ix)) {
            m.error = std::move(err);
            return m;
        }
        if (!field(*j, "output") && !field(*j, "stopReason")) return std::nullopt;
        if (const OJ* content = path(*j, {"output", "message", "content"}); content && content->is_array()) {
            for (const auto& c : *content) {
                if (const OJ* t = field(c, "text"); t && t->is_string()) m.text += t->get<std::string>();
                if (const OJ* r = path(c, {"reasoningContent", "reasoningText", "text"}); r && r->is_string())
                    m.reasoning += r->get<std::string>();
                if (const OJ* tu = field(c, "toolUse"))
                    m.tool_calls.push_back({str(field(*tu, "toolUseId")), str(field(*tu, "name")), arguments_text(field(*tu, "input"))});
            }
        }
        m.finish_reason = str(field(*j, "stopReason"));
        if (const OJ* u = field(*j, "usage"); u && u->is_object()) m.usage = converse_usage(*u);
        return m;
    }
    if (body.kind != BodyKind::eventstream) return std::nullopt;
    m.streamed = true;
    m.complete = false;
    bool recognised = false;
    std::vector<ConverseBlock> blocks;
    std::map<int64_t, size_t> by_index;
    auto block = [&](const OJ& j) -> ConverseBlock& {
        int64_t idx = count(field(j, "contentBlockIndex")).value_or(0);
        auto [it, fresh] = by_index.try_emplace(idx, blocks.size());
        if (fresh) blocks.emplace_back();
        return blocks[it->second];
    };
    for (const auto& ev : body.events) {
        auto j = parse(ev.data);
        if (!j || !j->is_object()) continue;
        const std::string& type = ev.event;
        if (type == "messageStart" || type == "contentBlockStop") {
            recognised = true;
        } else if (type == "contentBlockStart") {
            recognised = true;
            ConverseBlock& b = block(*j);
            if (const OJ* tu = path(*j, {"start", "toolUse"})) {
                b.tool = true;
                b.id = str(field(*tu, "toolUseId"));
                b.name = str(field(*tu, "name"));
            }
        } else if (type == "contentBlockDelta") {
            recognised = true;
            const OJ* d = field(*j, "delta");
            if (!d) continue;
            // Text and reasoning are shown in arrival order across blocks, like
            // the SDK's stream consumers print them.
            if (const OJ* t = field(*d, "text"); t && t->is_string()) m.text += t->get<std::string>();
            if (const OJ* r = path(*d, {"reasoningContent", "text"}); r && r->is_string()) m.reasoning += r->get<std::string>();
            if (const OJ* in = path(*d, {"toolUse", "input"}); in && in->is_string()) {
                ConverseBlock& b = block(*j);
                b.tool = true;
                b.input += in->get<std::string>();
            }
        } else if (type == "messageStop") {
            recognised = true;
            m.complete = true;
            m.finish_reason = str(field(*j, "stopReason"));
        } else if (type == "metadata") {
            recognised = true;
            if (const OJ* u = field(*j, "usage"); u && u->is_object()) m.usage = converse_usage(*u);
        } else if (ev.event.find("Exception") != std::string::npos || ev.event.find("exception") != std::string::npos) {
            recognised = true;
            m.error = ProviderError{ev.event, str(field(*j, "message")), nlohmann::json(*j)};
            m.complete = true;  // the server ended the stream with its error
        }
    }
    if (!recognised) return std::nullopt;
    for (auto& b : blocks)
        if (b.tool) m.tool_calls.push_back({b.id, b.name, b.input.empty() ? "{}" : b.input});
    return m;
}

// ---------------------------------------------------------------- Ollama

std::optional<Message> reassemble_ollama(const Interaction& ix, const DecodedBody& body) {
    Message m;
    m.api = "ollama";
    m.provider = "ollama";
    std::vector<OJ> chunks;
    if (body.kind == BodyKind::json) {
        auto j = parse(body.text);
        if (!j) return std::nullopt;
        chunks.push_back(std::move(*j));
    } else if (body.kind == BodyKind::ndjson || body.kind == BodyKind::json_stream) {
        m.streamed = true;
        m.complete = false;
        for (const auto& ev : body.events)
            if (auto j = parse(ev.data)) chunks.push_back(std::move(*j));
    } else {
        return std::nullopt;
    }
    bool recognised = false;
    std::optional<int64_t> prompt, eval;
    OJ raw = OJ::object();
    for (const auto& j : chunks) {
        if (!j.is_object()) continue;
        if (auto err = error_of(j, ix)) {
            recognised = true;
            m.error = std::move(err);
            m.complete = true;
            continue;
        }
        if (!field(j, "done") && !field(j, "message") && !field(j, "response")) continue;
        recognised = true;
        if (auto v = str(field(j, "model")); !v.empty()) m.model = v;
        if (const OJ* msg = field(j, "message")) {
            m.text += str(field(*msg, "content"));
            m.reasoning += str(field(*msg, "thinking"));
            if (const OJ* calls = field(*msg, "tool_calls"); calls && calls->is_array())
                for (const auto& c : *calls) {
                    const OJ* fn = field(c, "function");
                    m.tool_calls.push_back({str(field(c, "id")), str(field(fn, "name")), arguments_text(field(fn, "arguments"))});
                }
        } else {
            m.text += str(field(j, "response"));  // /api/generate
            m.reasoning += str(field(j, "thinking"));
        }
        if (auto r = str(field(j, "done_reason")); !r.empty()) m.finish_reason = r;
        if (truthy(field(j, "done"))) m.complete = true;
        for (const char* k : {"prompt_eval_count", "eval_count", "total_duration", "load_duration", "prompt_eval_duration", "eval_duration"})
            if (const OJ* v = field(j, k)) raw[k] = *v;
        if (auto v = count(field(j, "prompt_eval_count"))) prompt = v;
        if (auto v = count(field(j, "eval_count"))) eval = v;
    }
    if (!recognised) return std::nullopt;
    if (m.model.empty()) m.model = request_model(ix);
    if (prompt || eval) {
        Usage u;
        u.input_tokens = prompt.value_or(0);
        u.output_tokens = eval.value_or(0);  // Ollama's eval_count includes thinking tokens
        u.total_tokens = add(u.input_tokens, u.output_tokens);
        u.raw = nlohmann::json(raw);
        m.usage = std::move(u);
    }
    return m;
}

// ---------------------------------------------------------------- Cohere

namespace {

// v2 usage {tokens{input_tokens,output_tokens}, billed_units{...}, cached_tokens};
// v1 meta has the same two objects.
std::optional<Usage> cohere_usage(const OJ* u) {
    if (!u || !u->is_object()) return std::nullopt;
    const OJ* tokens = field(*u, "tokens");
    const OJ* billed = field(*u, "billed_units");
    auto pick = [&](const char* k) {
        auto v = count(field(tokens, k));
        return v ? v : count(field(billed, k));
    };
    auto in = pick("input_tokens");
    auto out = pick("output_tokens");
    if (!in && !out) return std::nullopt;
    Usage r;
    r.input_tokens = in.value_or(0);
    r.output_tokens = out.value_or(0);
    r.cache_read_tokens = count(field(*u, "cached_tokens")).value_or(0);
    r.total_tokens = add(r.input_tokens, r.output_tokens);
    r.raw = nlohmann::json(*u);
    return r;
}

void cohere_v2_message(Message& m, const OJ& msg) {
    if (const OJ* content = field(msg, "content"); content && content->is_array())
        for (const auto& c : *content) {
            std::string t = str(field(c, "type"));
            if (t == "thinking") m.reasoning += str(field(c, "thinking"));
            else m.text += str(field(c, "text"));
        }
    m.reasoning += str(field(msg, "tool_plan"));
    if (const OJ* calls = field(msg, "tool_calls"); calls && calls->is_array())
        for (const auto& c : *calls)
            m.tool_calls.push_back({str(field(c, "id")), str(path(c, {"function", "name"})), arguments_text(path(c, {"function", "arguments"}))});
}

void cohere_v1_calls(Message& m, const OJ* calls) {
    if (!calls || !calls->is_array()) return;
    for (const auto& c : *calls) m.tool_calls.push_back({str(field(c, "id")), str(field(c, "name")), arguments_text(field(c, "parameters"))});
}

void cohere_v1_response(Message& m, const OJ& j) {
    m.id = str(field(j, "response_id"));
    if (m.id.empty()) m.id = str(field(j, "generation_id"));
    m.finish_reason = str(field(j, "finish_reason"));
    if (auto u = cohere_usage(field(j, "meta"))) m.usage = std::move(u);
}

}  // namespace

std::optional<Message> reassemble_cohere(const Interaction& ix, const DecodedBody& body) {
    Message m;
    m.api = "cohere";
    m.provider = "cohere";
    m.model = request_model(ix);
    if (body.kind == BodyKind::json) {
        auto j = parse(body.text);
        if (!j || !j->is_object()) return std::nullopt;
        if (auto err = error_of(*j, ix)) {
            m.error = std::move(err);
            return m;
        }
        if (const OJ* msg = field(*j, "message"); msg && msg->is_object()) {  // v2
            m.id = str(field(*j, "id"));
            m.finish_reason = str(field(*j, "finish_reason"));
            cohere_v2_message(m, *msg);
            if (auto u = cohere_usage(field(*j, "usage"))) m.usage = std::move(u);
            return m;
        }
        if (field(*j, "text") || field(*j, "generation_id") || field(*j, "response_id")) {  // v1
            m.text = str(field(*j, "text"));
            cohere_v1_calls(m, field(*j, "tool_calls"));
            cohere_v1_response(m, *j);
            return m;
        }
        return std::nullopt;
    }
    if (body.kind != BodyKind::sse && body.kind != BodyKind::ndjson && body.kind != BodyKind::json_stream) return std::nullopt;
    m.streamed = true;
    m.complete = false;
    bool recognised = false;
    std::vector<ToolCall> calls;
    std::map<int64_t, size_t> call_at;  // stream index -> position in calls
    bool v1_generated_calls = false;
    for (const auto& ev : body.events) {
        auto jj = parse(ev.data);
        if (!jj || !jj->is_object()) continue;
        const OJ& j = *jj;
        std::string type = str(field(j, "type"));
        if (type.empty()) type = str(field(j, "event_type"));  // v1
        if (type.empty()) {
            if (auto err = error_of(j, ix)) {
                recognised = true;
                m.error = std::move(err);
                m.complete = true;
            }
            continue;
        }
        const OJ* dm = path(j, {"delta", "message"});
        if (type == "message-start") {
            recognised = true;
            m.id = str(field(j, "id"));
        } else if (type == "content-start" || type == "content-delta") {
            recognised = true;
            const OJ* c = field(dm, "content");
            m.text += str(field(c, "text"));
            m.reasoning += str(field(c, "thinking"));
        } else if (type == "tool-plan-delta") {
            recognised = true;
            m.reasoning += str(field(dm, "tool_plan"));
        } else if (type == "tool-call-start" || type == "tool-call-delta") {
            recognised = true;
            const OJ* tc = field(dm, "tool_calls");
            int64_t idx = count(field(j, "index")).value_or(0);
            auto [it, fresh] = call_at.try_emplace(idx, calls.size());
            if (fresh) calls.emplace_back();
            ToolCall& call = calls[it->second];
            if (auto id = str(field(tc, "id")); !id.empty()) call.id = id;
            if (auto name = str(path(tc, {"function", "name"})); !name.empty()) call.name = name;
            call.arguments += str(path(tc, {"function", "arguments"}));
        } else if (type == "message-end") {
            recognised = true;
            m.complete = true;
            m.finish_reason = str(path(j, {"delta", "finish_reason"}));
            if (auto u = cohere_usage(path(j, {"delta", "usage"}))) m.usage = std::move(u);
            if (auto e = str(path(j, {"delta", "error"})); !e.empty()) m.error = ProviderError{"", e, nlohmann::json(j)};
        } else if (type == "stream-start") {  // v1
            recognised = true;
            m.id = str(field(j, "generation_id"));
        } else if (type == "text-generation") {
            recognised = true;
            m.text += str(field(j, "text"));
        } else if (type == "tool-calls-generation") {
            recognised = true;
            v1_generated_calls = true;
            cohere_v1_calls(m, field(j, "tool_calls"));
        } else if (type == "stream-end") {
            recognised = true;
            m.complete = true;
            if (const OJ* resp = field(j, "response")) {
                cohere_v1_response(m, *resp);
                if (m.text.empty()) m.text = str(field(*resp, "text"));
                if (!v1_generated_calls) cohere_v1_calls(m, field(*resp, "tool_calls"));
            }
            if (auto fr = str(field(j, "finish_reason")); !fr.empty()) m.finish_reason = fr;
        } else if (type == "content-end" || type == "tool-call-end" || type == "citation-start" || type == "citation-end" ||
                   type == "search-results" || type == "citation-generation" || type == "tool-calls-chunk") {
            recognised = true;
        }
    }
    if (!recognised) return std::nullopt;
    for (auto& c : calls) m.tool_calls.push_back(std::move(c));
    return m;
}

}  // namespace cassette
