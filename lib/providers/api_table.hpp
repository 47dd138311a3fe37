// The provider table: one row per LLM API, read by detection and reassembly
// (reassemble.cpp), by validate's stream and usage rules (validation.cpp)
// and, through reassembly, by usage. Adding an API is adding a row here and
// its reassembler in the API family's file (docs/message.md, "The API table").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "decode/body.hpp"
#include "message.hpp"
#include "model.hpp"

namespace cassette {

// How sure one detection rule is. A strong match (a path or body shape only
// this API has) beats a weak one (a host, a generic path or shape): a strong
// URL match decides, else a strong body match, else a weak URL match, else a
// weak body match; among equals the earlier row wins.
enum class ApiMatch { no, weak, strong };

// What URL detection looks at: the host (lower-case, no port, see
// provider_host) and the path (without query or fragment).
struct UrlView {
    std::string host;
    std::string path;
};
UrlView url_view(const std::string& url);

// A provider's own total checked against its own parts (validate's
// usage-mismatch): `total` = sum of `parts` (missing ones count 0), or that
// sum plus every `optional` count. The first two parts name the shape: a rule
// applies only when the usage object has `total` and them.
struct UsageTotalRule {
    const char* total;
    std::vector<const char*> parts;
    std::vector<const char*> optional;
};

struct ApiRow {
    std::string_view api;  // Message::api
    // Detection, each optional (nullptr: this API is never recognised that way).
    ApiMatch (*url)(const UrlView& u, const Interaction& ix);  // from the request URL
    ApiMatch (*doc)(const nlohmann::json& j);                  // from one JSON document of the response
    bool (*event)(std::string_view name);                      // from a stream event's name
    // The reassembler (providers.hpp); nullopt when the body is not this API after all.
    std::optional<Message> (*reassemble)(const Interaction& ix, const DecodedBody& response);
    // What ends a complete stream, as validate's stream-truncated names it.
    std::string_view terminal_event;
    // validate's usage-mismatch rules for this API's raw usage object; the
    // normalisation itself (docs/usage-semantics.md) is in the reassembler.
    std::vector<UsageTotalRule> usage_totals;
};

// Every API, in detection order.
const std::vector<ApiRow>& api_table();

// The row of an API name; nullptr for a name not in the table.
const ApiRow* api_row(std::string_view api);

}  // namespace cassette
