// Ollama /api/chat and /api/generate (api.md): NDJSON chunks {model, message{content, thinking,
//  tool_calls[{function{name, arguments{}}}]}, done, done_reason,
//  prompt_eval_count, eval_count}; /api/generate uses `response`/`thinking`.
//  Tool calls arrive whole; arguments objects are serialized compactly. The
//  counts come with the final `done` chunk; last value wins.

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
                    m.tool_calls.push_back(
                        {str(field(c, "id")), str(field(fn, "name")), arguments_text(field(fn, "arguments"))});
                }
        } else {
            m.text += str(field(j, "response"));  // /api/generate
            m.reasoning += str(field(j, "thinking"));
        }
        if (auto r = str(field(j, "done_reason")); !r.empty()) m.finish_reason = r;
        if (truthy(field(j, "done"))) m.complete = true;
        for (const char* k : {"prompt_eval_count", "eval_count", "total_duration", "load_duration",
                              "prompt_eval_duration", "eval_duration"})
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

}  // namespace cassette
