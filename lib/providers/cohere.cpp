// Cohere chat v1 and v2.
// Cohere v2 (/v2/chat): {id, message{content[{type:text|thinking}], tool_plan,
//  tool_calls[{id,function{name,arguments}}]}, finish_reason, usage{tokens,
//  billed_units}}; streamed as SSE message-start, content-start/-delta,
//  tool-plan-delta, tool-call-start/-delta, message-end{delta{finish_reason,
//  usage}}. Cohere v1 (/v1/chat): {text, tool_calls[{name,parameters}],
//  finish_reason, meta{tokens, billed_units}}; streamed as NDJSON events
//  text-generation, tool-calls-generation, stream-end{response}. Cohere v1
//  generate (/v1/generate): {id, generations[{id, text, finish_reason}],
//  prompt, meta}; streamed as the same NDJSON text-generation events (with
//  `index` when num_generations > 1), stream-end{finish_reason, response{id,
//  generations, meta}}, or stream-error{err}; every generation is a choice.
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
#include "providers/small_api.hpp"

namespace cassette {

using namespace small_api;

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
            if (t == "thinking")
                m.reasoning += str(field(c, "thinking"));
            else
                m.text += str(field(c, "text"));
        }
    m.reasoning += str(field(msg, "tool_plan"));
    if (const OJ* calls = field(msg, "tool_calls"); calls && calls->is_array())
        for (const auto& c : *calls)
            m.tool_calls.push_back({str(field(c, "id")), str(path(c, {"function", "name"})),
                                    arguments_text(path(c, {"function", "arguments"}))});
}

void cohere_v1_calls(Message& m, const OJ* calls) {
    if (!calls || !calls->is_array()) return;
    for (const auto& c : *calls)
        m.tool_calls.push_back({str(field(c, "id")), str(field(c, "name")), arguments_text(field(c, "parameters"))});
}

void cohere_v1_response(Message& m, const OJ& j) {
    m.id = str(field(j, "response_id"));
    if (m.id.empty()) m.id = str(field(j, "generation_id"));
    m.finish_reason = str(field(j, "finish_reason"));
    if (auto u = cohere_usage(field(j, "meta"))) m.usage = std::move(u);
}

// Generate's generations as the message's choices (choice 0 is the message).
void cohere_generations(Message& m, const OJ& gens) {
    if (!gens.is_array()) return;
    int64_t pos = 0;
    for (const auto& g : gens) {
        Choice c;
        c.index = count(field(g, "index")).value_or(pos);
        ++pos;
        c.text = str(field(g, "text"));
        c.finish_reason = str(field(g, "finish_reason"));
        m.choices.push_back(std::move(c));
    }
    if (m.choices.empty()) return;
    m.text = m.choices.front().text;
    if (m.finish_reason.empty()) m.finish_reason = m.choices.front().finish_reason;
    if (m.choices.size() == 1) m.choices.clear();
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
        if (const OJ* gens = field(*j, "generations"); gens && gens->is_array()) {  // v1 generate
            m.id = str(field(*j, "id"));
            cohere_generations(m, *gens);
            if (auto u = cohere_usage(field(*j, "meta"))) m.usage = std::move(u);
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
    if (body.kind != BodyKind::sse && body.kind != BodyKind::ndjson && body.kind != BodyKind::json_stream)
        return std::nullopt;
    m.streamed = true;
    m.complete = false;
    bool recognised = false;
    std::vector<ToolCall> calls;
    std::map<int64_t, size_t> call_at;  // stream index -> position in calls
    bool v1_generated_calls = false;
    std::map<int64_t, std::string> generated;         // v1 text by generation index (generate's num_generations)
    std::map<int64_t, std::string> generated_finish;  // their finish reasons, from stream-end's response
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
            if (auto e = str(path(j, {"delta", "error"})); !e.empty())
                m.error = ProviderError{"", e, nlohmann::json(j)};
        } else if (type == "stream-start") {  // v1
            recognised = true;
            m.id = str(field(j, "generation_id"));
        } else if (type == "text-generation") {
            recognised = true;
            generated[count(field(j, "index")).value_or(0)] += str(field(j, "text"));
        } else if (type == "tool-calls-generation") {
            recognised = true;
            v1_generated_calls = true;
            cohere_v1_calls(m, field(j, "tool_calls"));
        } else if (type == "stream-end") {
            recognised = true;
            m.complete = true;
            if (const OJ* resp = field(j, "response")) {
                cohere_v1_response(m, *resp);
                if (m.id.empty()) m.id = str(field(*resp, "id"));  // generate
                if (const OJ* gens = field(*resp, "generations"); gens && gens->is_array())
                    for (size_t i = 0; i < gens->size(); ++i)
                        generated_finish[count(field((*gens)[i], "index")).value_or(int64_t(i))] =
                            str(field((*gens)[i], "finish_reason"));
                if (generated.empty()) {
                    if (auto text = str(field(*resp, "text")); !text.empty())
                        generated[0] = text;
                    else if (const OJ* gens = field(*resp, "generations"); gens && gens->is_array())
                        for (size_t i = 0; i < gens->size(); ++i)
                            generated[int64_t(i)] = str(field((*gens)[i], "text"));
                }
                if (!v1_generated_calls) cohere_v1_calls(m, field(*resp, "tool_calls"));
            }
            if (auto fr = str(field(j, "finish_reason")); !fr.empty()) m.finish_reason = fr;
        } else if (type == "stream-error") {  // v1 generate
            recognised = true;
            m.complete = true;
            m.error = ProviderError{"", str(field(j, "err")), nlohmann::json(j)};
        } else if (type == "content-end" || type == "tool-call-end" || type == "citation-start" ||
                   type == "citation-end" || type == "search-results" || type == "citation-generation" ||
                   type == "tool-calls-chunk") {
            recognised = true;
        }
    }
    if (!recognised) return std::nullopt;
    for (auto& c : calls) m.tool_calls.push_back(std::move(c));
    // v1 text: generation 0 is the message; several generations are choices.
    if (!generated.empty()) {
        m.text = generated.begin()->first == 0 ? generated.begin()->second : m.text;
        if (generated.size() > 1) {
            for (const auto& [i, text] : generated) {
                Choice c;
                c.index = i;
                c.text = text;
                if (auto it = generated_finish.find(i); it != generated_finish.end()) c.finish_reason = it->second;
                m.choices.push_back(std::move(c));
            }
            if (m.choices.front().finish_reason.empty()) m.choices.front().finish_reason = m.finish_reason;
        }
    }
    return m;
}

}  // namespace cassette
