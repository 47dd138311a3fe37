// Bedrock Converse (aws-sdk ConverseOutput / ConverseStreamOutput):
//  - non-streamed: output.message.content[] of {text} | {toolUse{toolUseId,
//    name, input}} | {reasoningContent{reasoningText{text}}} |
//    {citationsContent{content[{text}], citations[…]}} (generated text that
//    cites a document: part of the message text, in order), stopReason, usage;
//  - streamed (event stream, `:event-type` names the member): messageStart,
//    contentBlockStart{start.toolUse{toolUseId,name}}, contentBlockDelta{delta:
//    text | toolUse.input (JSON text, concatenated) | reasoningContent.text},
//    contentBlockStop, messageStop{stopReason}, metadata{usage}; a cited
//    passage streams as a `citation` delta (where it came from, no text)
//    followed by ordinary text deltas; exceptions
//    come as `:exception-type` events with {"message"};
//  - usage: Bedrock's inputTokens EXCLUDES cache reads/writes (its totalTokens
//    = input + output + cacheRead + cacheWrite), so the input count
//    here is inputTokens + cacheReadInputTokens + cacheWriteInputTokens;
//  - the response names no model: it is the URL's /model/<id>/ (decoded);
//  - a streamed tool call with no input text gets "{}" (as for Anthropic).

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
#include "util/url.hpp"

namespace cassette {

using namespace small_api;

namespace {

Usage converse_usage(const OJ& u) {
    Usage out;
    out.cache_read_tokens = count(field(u, "cacheReadInputTokens")).value_or(0);
    out.cache_write_tokens = count(field(u, "cacheWriteInputTokens")).value_or(0);
    out.input_tokens =
        add(add(count(field(u, "inputTokens")).value_or(0), out.cache_read_tokens), out.cache_write_tokens);
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
                if (const OJ* cited = path(c, {"citationsContent", "content"}); cited && cited->is_array())
                    for (const auto& part : *cited)
                        if (const OJ* t = field(part, "text"); t && t->is_string()) m.text += t->get<std::string>();
                if (const OJ* r = path(c, {"reasoningContent", "reasoningText", "text"}); r && r->is_string())
                    m.reasoning += r->get<std::string>();
                if (const OJ* tu = field(c, "toolUse"))
                    m.tool_calls.push_back(
                        {str(field(*tu, "toolUseId")), str(field(*tu, "name")), arguments_text(field(*tu, "input"))});
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
            if (const OJ* r = path(*d, {"reasoningContent", "text"}); r && r->is_string())
                m.reasoning += r->get<std::string>();
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

}  // namespace cassette
