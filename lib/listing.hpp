// The data behind `cassette ls` and the interaction filters `ls` and `grep`
// share (--model, --api, --host, --status, --tool): what one interaction is at
// a glance (method, host, status, API, model, tokens, size, recorded time).
// Building only; the commands render it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "decode/body.hpp"
#include "message.hpp"
#include "model.hpp"
#include "reader.hpp"

namespace cassette {

// One interaction with its decodings done once, on first use: the response
// body, the reassembled message, the request body and what is read from it.
class InteractionView {
public:
    explicit InteractionView(const Interaction& ix) : ix_(ix) {}
    const Interaction& interaction() const { return ix_; }
    const DecodedBody& response();
    const DecodedBody& request();
    // The reassembled message, or nullptr when this is not an LLM exchange.
    const Message* message();
    // The response's model, else the one the request asked for ("" when neither says).
    const std::string& model();
    // Names of the tools the response calls, then those called earlier in the
    // request's conversation (tool calls / tool_use / functionCall / toolUse parts).
    const std::vector<std::string>& response_tools();
    const std::vector<std::string>& request_tools();

private:
    const Interaction& ix_;
    std::optional<DecodedBody> response_, request_;
    std::optional<std::optional<Message>> message_;
    std::optional<std::string> model_;
    std::optional<std::vector<std::string>> response_tools_, request_tools_;
};

// The filters `ls` and `grep` share; an empty member does not filter.
struct InteractionFilter {
    std::string model;   // shell glob on the model (response's, else request's)
    std::string api;     // API name (openai-chat, anthropic, ...), exact
    std::string host;    // shell glob on the URL's host name, without port
    std::string status;  // "200", or a class "4xx"
    std::string tool;    // a call of this tool in the response or the request
    bool empty() const { return model.empty() && api.empty() && host.empty() && status.empty() && tool.empty(); }
};

// "" when `status` is a valid --status value (three digits, or a digit then
// "xx"), else what is wrong with it.
std::string status_filter_error(const std::string& status);

bool filter_accepts(const InteractionFilter& f, InteractionView& v);

// Shell-style glob (*, ?, [...]); case-insensitive.
bool glob_match(const std::string& pattern, const std::string& text);

// One row of `cassette ls`.
struct InteractionFacts {
    size_t index = 0;
    std::string method;
    std::string url;
    std::string host;  // host name as written in the URL (port kept)
    std::string path;  // path without query
    std::optional<int64_t> status;
    std::string api;  // empty when not an LLM call
    std::string model;
    bool streamed = false;
    std::optional<int64_t> input_tokens, output_tokens;
    size_t response_bytes = 0;  // the body as recorded
    std::string recorded_at;    // as the format writes it; empty when it has none
};

InteractionFacts interaction_facts(InteractionView& v);

struct FileListing {
    std::string path;
    std::string format;
    std::string recorder;
    size_t interactions = 0;             // in the file, before filtering
    std::vector<InteractionFacts> rows;  // those the filter accepts, in file order
    std::vector<Problem> problems;       // malformed fields: the file is refused
};

// Reads one cassette (streaming, per-interaction work on worker threads).
// Throws InputError when the file cannot be read.
FileListing list_file(const std::string& path, const InteractionFilter& filter, const ReadOptions& ropts = {});

}  // namespace cassette
