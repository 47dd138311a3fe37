// Google Gemini / Vertex AI `generateContent` and `streamGenerateContent`.
//
// A stream arrives as SSE (`alt=sse`), or as ONE JSON array of response
// chunks under application/json (the decoder may hand us kind json with an
// array, or kind json_stream with one event per element); a non-streamed
// response is one GenerateContentResponse. Every chunk has the same shape, so
// all three go through one fold.
//
// Rules (google-genai: `GenerateContentResponse.text` joins the text parts of
// candidate 0 and skips `thought: true` parts; the SDKs do not merge chunks,
// callers concatenate):
//  - text parts in order -> text; parts with `thought: true` -> reasoning;
//  - functionCall parts -> tool_calls, `args` serialized compactly with key
//    order kept ("{}" when absent); `id` as given — the Gemini API usually
//    sends none, so id is then empty (we do not invent one);
//  - executableCode parts (code the provider ran itself) -> server_tool_calls
//    named "code_execution" with {"language","code"} as arguments;
//  - finishReason: the last one given; promptFeedback.blockReason when a
//    prompt was blocked and no candidate came back;
//  - usageMetadata: each counter's last reported value wins (Vertex sends
//    chunks whose usageMetadata is only {"trafficType": ...});
//    input = promptTokenCount + toolUsePromptTokenCount (promptTokenCount
//    already includes cachedContentTokenCount; the provider's total is
//    prompt + toolUsePrompt + candidates + thoughts), output = candidates +
//    thoughts (docs/usage-semantics.md), cache_read = cachedContentTokenCount;
//  - modelVersion -> model, responseId -> id;
//  - several candidates -> `choices` (message fields are candidate 0).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "decode/json_read.hpp"
#include "providers/providers.hpp"

namespace cassette {

namespace {

using namespace json_read;

std::string provider_of(const Interaction& ix) {
    std::string host = provider_host(ix.request.url);
    if (host.find("aiplatform.googleapis.com") != std::string::npos) return "vertex";
    if (host.find("generativelanguage.googleapis.com") != std::string::npos) return "google";
    return {};  // a proxy or compatible server: the dispatcher names it from the host
}

// Google's REST transports for Go and Python ask `$alt=json;enum-encoding=int`
// and get finishReason as a number, which their SDKs turn back into the enum
// name. 0-5 mean the same in the Gemini API and Vertex protos
// (FinishReason); above they differ, so the number is kept as written.
std::string finish_reason_of(const OJ* v) {
    if (v && v->is_number_integer()) {
        static const char* const names[] = {
            "FINISH_REASON_UNSPECIFIED", "STOP", "MAX_TOKENS", "SAFETY", "RECITATION", "OTHER"};
        int64_t n = v->get<int64_t>();
        return n >= 0 && n < 6 ? names[n] : std::to_string(n);
    }
    return str(v);
}

struct Candidate {
    int64_t index = 0;
    std::string text;
    std::string reasoning;
    std::vector<ToolCall> tool_calls;
    std::vector<ToolCall> server_tool_calls;
    std::string finish_reason;
};

struct Fold {
    Message m;
    std::vector<Candidate> candidates;  // in order of first appearance
    std::map<int64_t, size_t> by_index;
    std::map<std::string, int64_t> counters;  // usageMetadata, last value per counter
    OJ usage_raw;
    bool any_usage = false;
    bool recognised = false;
    bool finished = false;
    std::string block_reason;

    Candidate& candidate(int64_t index) {
        auto [it, fresh] = by_index.try_emplace(index, candidates.size());
        if (fresh) {
            candidates.emplace_back();
            candidates.back().index = index;
        }
        return candidates[it->second];
    }

    void chunk(const OJ& j) {
        if (!j.is_object()) return;
        if (const OJ* e = field(j, "error")) {
            recognised = true;
            ProviderError err;
            err.raw = nlohmann::json(j);
            if (e->is_object()) {
                err.type = str(field(*e, "status"));
                if (const OJ* code = field(*e, "code"); err.type.empty() && code && !code->is_null())
                    err.type = code->is_string() ? code->get<std::string>() : code->dump();
                err.message = str(field(*e, "message"));
            } else {
                err.message = str(e);
            }
            m.error = std::move(err);
            return;
        }
        const OJ* cands = field(j, "candidates");
        const OJ* usage = field(j, "usageMetadata");
        const OJ* feedback = field(j, "promptFeedback");
        if (!cands && !usage && !feedback && !field(j, "modelVersion")) return;
        recognised = true;
        if (auto v = str(field(j, "modelVersion")); !v.empty()) m.model = v;
        if (auto v = str(field(j, "responseId")); !v.empty()) m.id = v;
        if (feedback) {
            if (auto r = str(field(*feedback, "blockReason")); !r.empty()) block_reason = r;
        }
        if (cands && cands->is_array()) {
            int64_t pos = 0;
            for (const auto& c : *cands) {
                Candidate& cand = candidate(count(field(c, "index")).value_or(pos));
                ++pos;
                part_list(cand, c);
                if (auto fr = finish_reason_of(field(c, "finishReason")); !fr.empty()) {
                    cand.finish_reason = fr;
                    finished = true;
                }
            }
        }
        if (usage && usage->is_object()) {
            for (const auto& [k, v] : usage->items())
                if (auto n = count(&v)) {
                    counters[k] = *n;
                    any_usage = true;
                }
            if (!usage_raw.is_object()) usage_raw = OJ::object();
            for (const auto& [k, v] : usage->items()) usage_raw[k] = v;
        }
    }

    static void part_list(Candidate& cand, const OJ& c) {
        const OJ* content = field(c, "content");
        const OJ* parts = content ? field(*content, "parts") : nullptr;
        if (!parts || !parts->is_array()) return;
        for (const auto& p : *parts) {
            if (const OJ* t = field(p, "text"); t && t->is_string()) {
                const OJ* thought = field(p, "thought");
                if (thought && thought->is_boolean() && thought->get<bool>())
                    cand.reasoning += t->get<std::string>();
                else
                    cand.text += t->get<std::string>();
            }
            if (const OJ* fc = field(p, "functionCall"); fc && fc->is_object()) {
                const OJ* args = field(*fc, "args");
                cand.tool_calls.push_back(
                    {str(field(*fc, "id")), str(field(*fc, "name")), args && !args->is_null() ? args->dump() : "{}"});
            }
            if (const OJ* code = field(p, "executableCode"); code && code->is_object()) {
                OJ args = OJ::object();
                args["language"] = str(field(*code, "language"));
                args["code"] = str(field(*code, "code"));
                cand.server_tool_calls.push_back({str(field(*code, "id")), "code_execution", args.dump()});
            }
        }
    }

    Usage usage() const {
        auto get = [&](const char* k) {
            auto it = counters.find(k);
            return it == counters.end() ? int64_t(0) : it->second;
        };
        Usage u;
        u.input_tokens = add(get("promptTokenCount"), get("toolUsePromptTokenCount"));
        u.reasoning_tokens = get("thoughtsTokenCount");
        u.output_tokens = add(get("candidatesTokenCount"), u.reasoning_tokens);
        u.cache_read_tokens = get("cachedContentTokenCount");
        u.total_tokens = add(u.input_tokens, u.output_tokens);
        u.raw = nlohmann::json(usage_raw);
        return u;
    }

    std::optional<Message> finish() {
        if (!recognised) return std::nullopt;
        if (!candidates.empty()) {
            const Candidate& c0 = candidates.front();
            m.text = c0.text;
            m.reasoning = c0.reasoning;
            m.tool_calls = c0.tool_calls;
            m.server_tool_calls = c0.server_tool_calls;
            m.finish_reason = c0.finish_reason;
            if (candidates.size() > 1)
                for (const auto& c : candidates)
                    m.choices.push_back({c.index, c.text, c.reasoning, c.tool_calls, c.finish_reason});
        }
        if (m.finish_reason.empty() && !block_reason.empty()) {
            m.finish_reason = block_reason;
            finished = true;
        }
        if (m.error) finished = true;  // the server ended the stream with its error
        if (m.streamed) m.complete = finished;
        if (any_usage) m.usage = usage();
        return std::move(m);
    }
};

}  // namespace

std::optional<Message> reassemble_gemini(const Interaction& ix, const DecodedBody& body) {
    Fold f;
    f.m.api = "gemini";
    f.m.provider = provider_of(ix);
    bool stream_url = ix.request.url.find(":streamGenerateContent") != std::string::npos;
    switch (body.kind) {
        case BodyKind::json: {
            auto doc = parse(body.text);
            if (!doc && body.json) doc = OJ(*body.json);
            if (!doc) return std::nullopt;
            if (doc->is_array()) {
                f.m.streamed = true;  // streamGenerateContent without alt=sse: one JSON array of chunks
                for (const auto& c : *doc) f.chunk(c);
            } else {
                f.m.streamed = false;
                f.chunk(*doc);
            }
            break;
        }
        case BodyKind::json_stream:
        case BodyKind::sse:
        case BodyKind::ndjson:
            f.m.streamed = true;
            for (const auto& ev : body.events)
                if (auto j = parse(ev.data)) {
                    if (j->is_array()) {
                        for (const auto& c : *j) f.chunk(c);
                    } else {
                        f.chunk(*j);
                    }
                }
            break;
        default: return std::nullopt;
    }
    // An error answer to a streaming request may come back as one plain JSON object.
    if (f.m.error && stream_url && body.kind == BodyKind::json) f.m.streamed = false;
    return f.finish();
}

}  // namespace cassette
