// Recognising the API of an interaction (URL first, then the bodies' shapes)
// by the rules of the provider table (api_table.hpp), and calling its
// reassembler.
#include "providers/reassemble.hpp"

#include "formats/aquila.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "providers/api_table.hpp"
#include "providers/providers.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace cassette {

namespace {

using nlohmann::json;

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// Best guess of who served the request, from the host.
std::string guess_provider(const UrlView& u) {
    const std::string& h = u.host;
    struct Rule {
        const char* needle;
        const char* name;
    };
    static const Rule rules[] = {
        {"openrouter.ai", "openrouter"},
        {"api.groq.com", "groq"},
        {"api.x.ai", "xai"},
        {"huggingface", "huggingface"},
        {"api.z.ai", "zai"},
        {"bigmodel.cn", "zai"},
        {"deepseek", "deepseek"},
        {"openai.azure.com", "azure"},
        {"azure", "azure"},
        {"avian", "avian"},
        {"api.openai.com", "openai"},
        {"anthropic.com", "anthropic"},
        {"bedrock", "bedrock"},
        {"aiplatform.googleapis.com", "vertex"},
        {"generativelanguage.googleapis.com", "google"},
        {"cohere", "cohere"},
        {"mistral.ai", "mistral"},
        {"together", "together"},
        {"fireworks.ai", "fireworks"},
        {"cerebras", "cerebras"},
        {"perplexity", "perplexity"},
        {"moonshot", "moonshot"},
        {"ollama", "ollama"},
        {"localhost", "local"},
        {"127.0.0.1", "local"},
        {"[::1]", "local"},
    };
    for (const auto& r : rules)
        if (contains(h, r.needle)) return r.name;
    return h;
}

// The best match of one detection kind over the table: a strong match of
// any row beats a weak one; among equals the earlier row wins.
struct Detected {
    const ApiRow* row = nullptr;
    ApiMatch match = ApiMatch::no;
};

template <class Test>
Detected best_row(Test test) {
    Detected weak;
    for (const ApiRow& row : api_table()) {
        ApiMatch m = test(row);
        if (m == ApiMatch::strong) return {&row, m};
        if (m == ApiMatch::weak && !weak.row) weak = {&row, m};
    }
    return weak;
}

Detected detect_from_url(const Interaction& ix) {
    UrlView u = url_view(ix.request.url);
    return best_row([&](const ApiRow& row) { return row.url ? row.url(u, ix) : ApiMatch::no; });
}

// The shape of one JSON document of the response.
Detected detect_from_doc(const json& j) {
    return best_row([&](const ApiRow& row) { return row.doc ? row.doc(j) : ApiMatch::no; });
}

Detected detect_from_body(const DecodedBody& body) {
    if (body.json) return detect_from_doc(*body.json);
    // The first few events that parse decide.
    size_t tried = 0;
    for (const auto& ev : body.events) {
        for (const ApiRow& row : api_table())
            if (row.event && row.event(ev.event)) return {&row, ApiMatch::strong};
        if (auto j = parse_json(ev.data)) {
            if (Detected d = detect_from_doc(*j); d.row) return d;
        }
        if (++tried >= 8) break;
    }
    return {};
}

// A strong URL match, else a strong body match, else the weak ones (the URL's first).
const ApiRow* detect_row(const Interaction& ix, const DecodedBody& response) {
    Detected url = detect_from_url(ix);
    if (url.match == ApiMatch::strong) return url.row;
    Detected body = detect_from_body(response);
    if (body.match == ApiMatch::strong) return body.row;
    return url.row ? url.row : body.row;
}

}  // namespace

std::string provider_host(std::string_view url) {
    if (url.find("://") != std::string_view::npos || url.empty() || url.front() == '/') return url_hostname(url);
    return url_hostname("x://" + std::string(url));
}

std::string detect_api(const Interaction& ix, const DecodedBody& response) {
    const ApiRow* row = detect_row(ix, response);
    return row ? std::string(row->api) : std::string();
}

std::optional<Message> reassemble(const Interaction& ix, const DecodedBody& response) {
    if (is_aquila_events(ix)) return aquila_message(ix);  // a parsed stream, not a response body
    const ApiRow* row = detect_row(ix, response);
    if (!row) return std::nullopt;
    std::optional<Message> m = row->reassemble(ix, response);
    if (!m) return m;
    if (m->api.empty()) m->api = row->api;
    if (m->provider.empty()) m->provider = guess_provider(url_view(ix.request.url));
    return m;
}

}  // namespace cassette
