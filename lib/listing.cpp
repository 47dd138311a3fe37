// `cassette ls` rows and the interaction filters shared with `grep`.
#include "listing.hpp"

#include <fnmatch.h>

#include "providers/reassemble.hpp"
#include "reader.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace cassette {

namespace {

// Tool calls earlier in a conversation, whatever the API spells them:
// OpenAI chat {"function": {"name", "arguments"}}, Responses {"type":
// "function_call", "name", "arguments"}, Anthropic {"type": "tool_use",
// "name", "input"}, Gemini {"functionCall": {"name", "args"}}, Bedrock
// {"toolUse": {"name", "input"}}: an object with a string "name" beside
// "arguments", "input" or "args". Tool definitions (name beside
// "parameters" / "input_schema") are not calls.
void collect_calls(const nlohmann::json& j, std::vector<std::string>& out, int depth = 0) {
    if (depth > 64) return;
    if (j.is_object()) {
        auto name = j.find("name");
        if (name != j.end() && name->is_string() &&
            (j.contains("arguments") || j.contains("input") || j.contains("args")))
            out.push_back(name->get<std::string>());
        for (const auto& [k, v] : j.items())
            if (v.is_structured()) collect_calls(v, out, depth + 1);
    } else if (j.is_array()) {
        for (const auto& v : j) collect_calls(v, out, depth + 1);
    }
}

std::optional<std::string> recorded_time(const Interaction& ix) {
    for (const auto& e : ix.extra) {
        if (e.key != "recorded_at" && e.key != "startedDateTime" && e.key != "recordedAt") continue;
        auto j = parse_json(e.json);
        if (j && j->is_string()) return j->get<std::string>();
        return e.json;
    }
    return std::nullopt;
}

}  // namespace

const DecodedBody& InteractionView::response() {
    if (!response_) response_ = decode_body(ix_.response.headers, ix_.response.body.bytes);
    return *response_;
}

const DecodedBody& InteractionView::request() {
    if (!request_) request_ = decode_body(ix_.request.headers, ix_.request.body.bytes);
    return *request_;
}

const Message* InteractionView::message() {
    if (!message_) message_ = reassemble(ix_, response());
    return *message_ ? &**message_ : nullptr;
}

const std::string& InteractionView::model() {
    if (!model_) {
        const Message* m = message();
        if (m && !m->model.empty()) {
            model_ = m->model;
        } else {
            model_ = std::string();
            const DecodedBody& rq = request();
            if (rq.json && rq.json->is_object()) {
                auto it = rq.json->find("model");
                if (it != rq.json->end() && it->is_string()) model_ = it->get<std::string>();
            }
        }
    }
    return *model_;
}

const std::vector<std::string>& InteractionView::response_tools() {
    if (!response_tools_) {
        response_tools_.emplace();
        if (const Message* m = message()) {
            for (const auto& c : m->tool_calls) response_tools_->push_back(c.name);
            for (const auto& c : m->server_tool_calls) response_tools_->push_back(c.name);
            for (size_t i = 1; i < m->choices.size(); ++i)
                for (const auto& c : m->choices[i].tool_calls) response_tools_->push_back(c.name);
        }
    }
    return *response_tools_;
}

const std::vector<std::string>& InteractionView::request_tools() {
    if (!request_tools_) {
        request_tools_.emplace();
        const DecodedBody& rq = request();
        if (rq.json) collect_calls(*rq.json, *request_tools_);
    }
    return *request_tools_;
}

std::string status_filter_error(const std::string& s) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.size() == 3 && digit(s[0]) && s[0] != '0') {
        if (digit(s[1]) && digit(s[2])) return {};
        if (lower(s.substr(1)) == "xx") return {};
    }
    return "--status takes a code (404) or a class (4xx), not '" + s + "'";
}

bool glob_match(const std::string& pattern, const std::string& text) {
    return fnmatch(pattern.c_str(), text.c_str(), FNM_CASEFOLD) == 0;
}

bool filter_accepts(const InteractionFilter& f, InteractionView& v) {
    const Interaction& ix = v.interaction();
    if (!f.status.empty()) {
        if (!ix.response.code) return false;
        std::string code = std::to_string(*ix.response.code);
        if (code.size() != 3) return false;
        if (code[0] != f.status[0]) return false;
        if (lower(f.status.substr(1)) != "xx" && code != f.status) return false;
    }
    if (!f.host.empty() && !glob_match(f.host, url_hostname(ix.request.url))) return false;
    if (!f.api.empty()) {
        const Message* m = v.message();
        if (!m || lower(m->api) != lower(f.api)) return false;
    }
    if (!f.model.empty() && !glob_match(f.model, v.model())) return false;
    if (!f.tool.empty()) {
        bool found = false;
        for (const auto& n : v.response_tools()) found = found || n == f.tool;
        if (!found)
            for (const auto& n : v.request_tools()) found = found || n == f.tool;
        if (!found) return false;
    }
    return true;
}

InteractionFacts interaction_facts(InteractionView& v) {
    const Interaction& ix = v.interaction();
    InteractionFacts f;
    f.index = ix.index;
    f.method = ix.request.method;
    f.url = ix.request.url;
    UrlParts parts = split_url(ix.request.url);
    f.host = std::string(parts.host);
    f.path = std::string(parts.path);
    f.status = ix.response.code;
    f.response_bytes = ix.response.body.bytes.size();
    if (const Message* m = v.message()) {
        f.api = m->api;
        f.streamed = m->streamed;
        if (m->usage) {
            f.input_tokens = m->usage->input_tokens;
            f.output_tokens = m->usage->output_tokens;
        }
        f.model = v.model();
    }
    if (auto t = recorded_time(ix)) f.recorded_at = *t;
    return f;
}

FileListing list_file(const std::string& path, const InteractionFilter& filter, const ReadOptions& ropts) {
    FileListing out;
    out.path = path;
    OrderedWork<Interaction, std::optional<InteractionFacts>> work(
        [&filter](const Interaction& ix) -> std::optional<InteractionFacts> {
            InteractionView v(ix);
            if (!filter_accepts(filter, v)) return std::nullopt;
            return interaction_facts(v);
        },
        [&](Interaction&&, std::optional<InteractionFacts>&& row) {
            ++out.interactions;
            if (row) out.rows.push_back(std::move(*row));
        },
        work_options(ropts));
    Cassette c = read_cassette_through(path, work, ropts);
    out.format = c.format;
    out.recorder = c.recorder;
    out.problems = std::move(c.problems);
    return out;
}

}  // namespace cassette
