// Anthropic Messages reassembly: api.anthropic.com, AWS Bedrock `invoke` /
// `invoke-with-response-stream` and Vertex `rawPredict` / `streamRawPredict`
// all carry the same Message JSON and the same stream events.
//
// The stream rules follow the official accumulators, anthropic-sdk-go
// `message.go` (Message.Accumulate) and anthropic-sdk-python
// `lib/streaming/_messages.py` (accumulate_event):
//  - message_start gives the message (id, model, usage);
//  - content_block_start appends a block; deltas address blocks by `index`
//    (text_delta, thinking_delta, signature_delta, input_json_delta);
//  - input_json_delta: a non-empty partial_json REPLACES the start block's
//    `{}` and is appended after that; a tool call with no partial JSON keeps
//    `{}` (Go SDK: `if string(cb.Input) == "{}" { cb.Input = partial }`);
//  - message_delta sets stop_reason and its usage counts OVERWRITE the ones
//    from message_start: output_tokens always, the others only when present
//    and not null ("every usage count here is a cumulative whole-message
//    total, so it overwrites rather than adds");
//  - an `error` event is the provider's error.
// Deliberate differences from the SDKs (documented for users):
//  - tool input is given as JSON text: the non-streamed `input` object is
//    serialized compactly with its key order kept; a streamed tool call keeps
//    the concatenated partial_json even when a max_tokens cut left it invalid
//    (the newest Go SDK swaps such input for `{}` at content_block_stop).
//  - server_tool_use / mcp_tool_use blocks (tools Anthropic ran itself) go to
//    server_tool_calls; their *_tool_result blocks are results, not calls,
//    and are not listed.
//  - redacted_thinking carries only encrypted data: nothing in `reasoning`.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "decode/base64.hpp"
#include "decode/json_read.hpp"
#include "providers/provider_error.hpp"
#include "providers/providers.hpp"

namespace cassette {

namespace {

using namespace json_read;

std::string provider_of(const Interaction& ix) {
    std::string host = provider_host(ix.request.url);
    if (host.find("bedrock") != std::string::npos) return "bedrock";
    if (host.find("aiplatform.googleapis.com") != std::string::npos) return "vertex";
    if (host.find("anthropic.com") != std::string::npos) return "anthropic";
    return {};  // a proxy or compatible server: the dispatcher names it from the host
}

// The provider's error object: {"type":"error","error":{type,message}} (Anthropic,
// also inside Vertex's [{"error":{code,message,status}}]), or Bedrock's
// {"message": ...} with the type in the x-amzn-ErrorType header.
std::optional<ProviderError> error_of(const OJ& doc, const Interaction& ix) {
    const OJ& j = doc.is_array() && !doc.empty() ? doc.front() : doc;
    if (const OJ* e = field(j, "error")) {
        ProviderError err;
        err.raw = nlohmann::json(j);
        if (e->is_object()) {
            err.type = str(field(*e, "type"));
            if (err.type.empty()) err.type = str(field(*e, "status"));
            if (const OJ* code = field(*e, "code"); err.type.empty() && code && !code->is_null())
                err.type = code->is_string() ? code->get<std::string>() : code->dump();
            err.message = str(field(*e, "message"));
        } else if (e->is_string()) {
            err.message = e->get<std::string>();
        }
        return err;
    }
    int64_t code = ix.response.code.value_or(0);
    if (code >= 400 && field(j, "message") && !field(j, "content")) {
        return message_body_error(j, ix);
    }
    return std::nullopt;
}

struct Block {
    std::string type;
    std::string id;
    std::string name;
    std::string text;
    std::string thinking;
    std::string input;  // JSON text
};

std::string compact(const OJ* v) { return v && !v->is_null() ? v->dump() : std::string("{}"); }

Block block_of(const OJ& cb) {
    Block b;
    b.type = str(field(cb, "type"));
    b.id = str(field(cb, "id"));
    b.name = str(field(cb, "name"));
    b.text = str(field(cb, "text"));
    b.thinking = str(field(cb, "thinking"));
    if (b.type == "tool_use" || b.type == "server_tool_use" || b.type == "mcp_tool_use")
        b.input = compact(field(cb, "input"));
    return b;
}

void emit_blocks(Message& m, const std::vector<Block>& blocks) {
    for (const auto& b : blocks) {
        if (b.type == "text") {
            m.text += b.text;
        } else if (b.type == "thinking") {
            m.reasoning += b.thinking;
        } else if (b.type == "tool_use") {
            m.tool_calls.push_back({b.id, b.name, b.input});
        } else if (b.type == "server_tool_use" || b.type == "mcp_tool_use") {
            m.server_tool_calls.push_back({b.id, b.name, b.input});
        }
    }
}

// docs/usage-semantics.md: input = input + cache_creation + cache_read.
Usage usage_of(const OJ& u) {
    Usage out;
    int64_t input = count(field(u, "input_tokens")).value_or(0);
    out.cache_write_tokens = count(field(u, "cache_creation_input_tokens")).value_or(0);
    out.cache_read_tokens = count(field(u, "cache_read_input_tokens")).value_or(0);
    out.input_tokens = add(add(input, out.cache_write_tokens), out.cache_read_tokens);
    out.output_tokens = count(field(u, "output_tokens")).value_or(0);
    // Anthropic reports no separate thinking count today; take one if it appears.
    if (const OJ* d = field(u, "output_tokens_details")) {
        auto r = count(field(*d, "thinking_tokens"));
        if (!r) r = count(field(*d, "reasoning_tokens"));
        out.reasoning_tokens = r.value_or(0);
    }
    out.total_tokens = add(out.input_tokens, out.output_tokens);
    out.raw = nlohmann::json(u);
    return out;
}

std::optional<Message> from_document(const Interaction& ix, const OJ& doc, Message m) {
    if (auto err = error_of(doc, ix)) {
        m.error = std::move(err);
        return m;
    }
    if (!doc.is_object() || str(field(doc, "type")) != "message") return std::nullopt;
    m.id = str(field(doc, "id"));
    m.model = str(field(doc, "model"));
    m.finish_reason = str(field(doc, "stop_reason"));
    std::vector<Block> blocks;
    if (const OJ* content = field(doc, "content"); content && content->is_array())
        for (const auto& cb : *content) blocks.push_back(block_of(cb));
    emit_blocks(m, blocks);
    if (const OJ* u = field(doc, "usage"); u && u->is_object()) m.usage = usage_of(*u);
    return m;
}

// Event-stream payloads are unwrapped by the decoder; accept a still-wrapped
// Bedrock chunk {"bytes": base64} as well.
std::optional<OJ> event_json(const BodyEvent& ev) {
    auto j = parse(ev.data);
    if (!j) return std::nullopt;
    if (j->is_object() && !field(*j, "type")) {
        if (const OJ* b = field(*j, "bytes"); b && b->is_string()) {
            if (auto raw = base64_decode(b->get<std::string>())) return parse(*raw);
        }
    }
    return j;
}

std::optional<Message> from_stream(const DecodedBody& body, Message m) {
    m.streamed = true;
    m.complete = false;
    bool recognised = false;
    std::vector<Block> blocks;
    std::map<int64_t, size_t> by_index;  // stream index -> position in blocks
    OJ usage;                            // message_start usage with message_delta merged in
    bool have_usage = false;

    for (const auto& ev : body.events) {
        auto j = event_json(ev);
        if (!j || !j->is_object()) continue;
        std::string type = str(field(*j, "type"));
        if (type.empty()) {
            // Bedrock stream exceptions: `:exception-type` event with {"message": ...}.
            if (body.kind == BodyKind::eventstream && ev.event != "chunk" && field(*j, "message")) {
                m.error = ProviderError{ev.event, str(field(*j, "message")), nlohmann::json(*j)};
                m.complete = true;
                recognised = true;
            }
            continue;
        }
        if (type == "message_start") {
            recognised = true;
            const OJ* msg = field(*j, "message");
            if (!msg) continue;
            m.id = str(field(*msg, "id"));
            m.model = str(field(*msg, "model"));
            if (const OJ* u = field(*msg, "usage"); u && u->is_object()) {
                usage = *u;
                have_usage = true;
            }
        } else if (type == "content_block_start") {
            recognised = true;
            const OJ* cb = field(*j, "content_block");
            blocks.push_back(cb ? block_of(*cb) : Block{});
            by_index[count(field(*j, "index")).value_or(int64_t(blocks.size()) - 1)] = blocks.size() - 1;
        } else if (type == "content_block_delta") {
            recognised = true;
            if (blocks.empty()) continue;
            size_t pos = blocks.size() - 1;
            if (auto idx = count(field(*j, "index"))) {
                auto it = by_index.find(*idx);
                if (it == by_index.end()) continue;  // the SDK rejects a delta for an unknown block
                pos = it->second;
            }
            Block& b = blocks[pos];
            const OJ* d = field(*j, "delta");
            if (!d) continue;
            std::string dt = str(field(*d, "type"));
            if (dt == "text_delta") {
                b.text += str(field(*d, "text"));
            } else if (dt == "thinking_delta") {
                b.thinking += str(field(*d, "thinking"));
            } else if (dt == "input_json_delta") {
                std::string part = str(field(*d, "partial_json"));
                if (part.empty()) continue;
                if (b.input == "{}")
                    b.input = std::move(part);  // SDK: the first real fragment replaces `{}`
                else
                    b.input += part;
            }
            // signature_delta / citations_delta carry nothing the message shape shows.
        } else if (type == "message_delta") {
            recognised = true;
            if (const OJ* d = field(*j, "delta")) {
                if (const OJ* sr = field(*d, "stop_reason"); sr && sr->is_string())
                    m.finish_reason = sr->get<std::string>();
            }
            if (const OJ* u = field(*j, "usage"); u && u->is_object()) {
                if (!have_usage) usage = OJ::object();
                have_usage = true;
                // Overwrite, never add; a null means "not updated" (SDK mergeRaw skips nulls).
                for (const auto& [k, v] : u->items())
                    if (!v.is_null()) usage[k] = v;
            }
        } else if (type == "message_stop") {
            recognised = true;
            m.complete = true;
        } else if (type == "error") {
            recognised = true;
            const OJ* e = field(*j, "error");
            ProviderError err;
            err.raw = nlohmann::json(*j);
            if (e) {
                err.type = str(field(*e, "type"));
                err.message = str(field(*e, "message"));
            }
            m.error = std::move(err);
            m.complete = true;  // the server ended the stream with its error: nothing was cut off
        } else if (type == "ping") {
            recognised = true;
        }
    }
    if (!recognised) return std::nullopt;
    emit_blocks(m, blocks);
    if (have_usage) m.usage = usage_of(usage);
    return m;
}

}  // namespace

std::optional<Message> reassemble_anthropic(const Interaction& ix, const DecodedBody& body) {
    Message m;
    m.api = "anthropic";
    m.provider = provider_of(ix);
    switch (body.kind) {
        case BodyKind::json:
            if (auto doc = parse(body.text)) return from_document(ix, *doc, std::move(m));
            if (body.json) return from_document(ix, OJ(*body.json), std::move(m));
            return std::nullopt;
        case BodyKind::sse:
        case BodyKind::eventstream: return from_stream(body, std::move(m));
        default: return std::nullopt;
    }
}

}  // namespace cassette
