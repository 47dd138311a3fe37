// The reassembled message as JSON (docs/message.md). The documented keys are
// always present; the extras (`server_tool_calls`, `choices`, `error`) only
// when they carry something, so a plain message reads like the example there.
#include "message.hpp"

namespace cassette {

namespace {

nlohmann::json tool_calls_json(const std::vector<ToolCall>& calls) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : calls) out.push_back({{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}});
    return out;
}

}  // namespace

nlohmann::json to_json(const Usage& u) {
    return {
        {"input_tokens", u.input_tokens},
        {"output_tokens", u.output_tokens},
        {"reasoning_tokens", u.reasoning_tokens},
        {"cache_read_tokens", u.cache_read_tokens},
        {"cache_write_tokens", u.cache_write_tokens},
        {"total_tokens", u.total_tokens},
    };
}

nlohmann::json to_json(const Message& m) {
    nlohmann::json j = {
        {"api", m.api},
        {"provider", m.provider},
        {"model", m.model},
        {"id", m.id},
        {"text", m.text},
        {"reasoning", m.reasoning},
        {"tool_calls", tool_calls_json(m.tool_calls)},
        {"finish_reason", m.finish_reason},
        {"streamed", m.streamed},
        {"complete", m.complete},
    };
    j["usage"] = m.usage ? to_json(*m.usage) : nlohmann::json(nullptr);
    // The provider's own counters, so nothing the normalisation dropped is lost.
    j["raw_usage"] = (m.usage && !m.usage->raw.is_discarded()) ? m.usage->raw : nlohmann::json(nullptr);
    if (!m.server_tool_calls.empty()) j["server_tool_calls"] = tool_calls_json(m.server_tool_calls);
    if (m.choices.size() > 1) {
        nlohmann::json cs = nlohmann::json::array();
        for (const auto& c : m.choices) {
            cs.push_back({{"index", c.index},
                          {"text", c.text},
                          {"reasoning", c.reasoning},
                          {"tool_calls", tool_calls_json(c.tool_calls)},
                          {"finish_reason", c.finish_reason}});
        }
        j["choices"] = std::move(cs);
    }
    if (m.error) {
        j["error"] = {{"type", m.error->type}, {"message", m.error->message}, {"raw", m.error->raw}};
    }
    return j;
}

}  // namespace cassette
