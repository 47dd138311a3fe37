#include "semantic_diff.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "decode/body.hpp"
#include "prompt.hpp"
#include "providers/reassemble.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

using nlohmann::json;

// Deeper JSON than this is compared as one serialized leaf: bounded recursion.
constexpr size_t kMaxFlattenDepth = 128;
// Interaction alignment table bound (cells); beyond it, pair by position.
constexpr size_t kMaxAlignCells = 2'000'000;

// `*` matches any run of characters within one segment; case-insensitive.
bool glob_match(std::string_view pat, std::string_view s) {
    size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    while (i < s.size()) {
        if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (p < pat.size() && ascii_lower(pat[p]) == ascii_lower(s[i])) {
            ++p;
            ++i;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*') ++p;
    return p == pat.size();
}

bool bare_key(std::string_view key) {
    if (key.empty()) return false;
    for (char c : key) {
        auto u = static_cast<unsigned char>(c);
        if (c == '.' || c == '[' || c == ']' || c == '"' || u <= ' ' || u == 0x7f) return false;
    }
    return true;
}

std::string key_path(const std::string& prefix, std::string_view key) {
    std::string seg = bare_key(key) ? std::string(key) : "[" + json(std::string(key)).dump() + "]";
    if (prefix.empty()) return seg;
    return bare_key(key) ? prefix + "." + seg : prefix + seg;
}

void flatten(const json& j, const std::string& path, FieldList& out, size_t depth = 0) {
    if (depth >= kMaxFlattenDepth) {
        out.emplace_back(path, json(j.dump(-1, ' ', false, json::error_handler_t::replace)));
        return;
    }
    if (j.is_object() && !j.empty()) {
        for (const auto& [k, v] : j.items()) flatten(v, key_path(path, k), out, depth + 1);
    } else if (j.is_array() && !j.empty()) {
        for (size_t i = 0; i < j.size(); ++i) flatten(j[i], fmt::format("{}[{}]", path, i), out, depth + 1);
    } else {
        out.emplace_back(path, j);
    }
}

// net/http's canonical header key: "content-type" -> "Content-Type".
std::string canonical_header(std::string_view name) {
    std::string out(name);
    bool upper = true;
    for (char& c : out) {
        c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : ascii_lower(c);
        upper = c == '-';
    }
    return out;
}

void add_headers(const Headers& h, const std::string& prefix, FieldList& out) {
    // Same header under two spellings: merge, so case never shows up as a change.
    std::vector<std::pair<std::string, std::vector<std::string>>> merged;
    for (const auto& item : h.items) {
        std::string name = canonical_header(item.name);
        auto it = std::find_if(merged.begin(), merged.end(), [&](const auto& m) { return m.first == name; });
        if (it == merged.end())
            merged.emplace_back(name, item.values);
        else
            it->second.insert(it->second.end(), item.values.begin(), item.values.end());
    }
    for (auto& [name, values] : merged) {
        json v = values.size() == 1 ? json(values[0]) : json(values);
        out.emplace_back(key_path(prefix, name), std::move(v));
    }
}

uint64_t fnv1a(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

void add_body(const DecodedBody& d, std::string_view raw, const std::string& prefix, FieldList& out) {
    switch (d.kind) {
        case BodyKind::empty: return;
        case BodyKind::json:
            if (d.json) {
                flatten(*d.json, prefix, out);
                return;
            }
            break;
        case BodyKind::sse:
        case BodyKind::eventstream:
        case BodyKind::ndjson:
        case BodyKind::json_stream:
            for (size_t i = 0; i < d.events.size(); ++i) {
                const BodyEvent& e = d.events[i];
                std::string p = fmt::format("{}.events[{}]", prefix, i);
                if (!e.event.empty() && e.event != "message") out.emplace_back(p + ".event", e.event);
                if (auto parsed = parse_json(e.data))
                    flatten(*parsed, p + ".data", out);
                else
                    out.emplace_back(p + ".data", e.data);
            }
            return;
        case BodyKind::text: out.emplace_back(prefix, d.text); return;
        case BodyKind::binary: break;
    }
    out.emplace_back(prefix, fmt::format("(binary, {} bytes, fnv1a {:016x})", raw.size(), fnv1a(raw)));
}

json arguments_value(const std::string& text) {
    if (auto parsed = parse_json(text)) return *parsed;
    return text;
}

void add_tool_calls(const std::vector<ToolCall>& calls, const std::string& prefix, FieldList& out) {
    for (size_t i = 0; i < calls.size(); ++i) {
        std::string p = fmt::format("{}[{}]", prefix, i);
        out.emplace_back(p + ".id", calls[i].id);
        out.emplace_back(p + ".name", calls[i].name);
        out.emplace_back(p + ".arguments", arguments_value(calls[i].arguments));
    }
}

void add_message(const Message& m, FieldList& out) {
    out.emplace_back("message.api", m.api);
    out.emplace_back("message.model", m.model);
    out.emplace_back("message.id", m.id);
    out.emplace_back("message.text", m.text);
    out.emplace_back("message.reasoning", m.reasoning);
    add_tool_calls(m.tool_calls, "message.tool_calls", out);
    add_tool_calls(m.server_tool_calls, "message.server_tool_calls", out);
    out.emplace_back("message.finish_reason", m.finish_reason);
    out.emplace_back("message.complete", m.complete);
    if (m.error) {
        out.emplace_back("message.error.type", m.error->type);
        out.emplace_back("message.error.message", m.error->message);
    }
    if (m.usage) {
        const Usage& u = *m.usage;
        out.emplace_back("message.usage.input_tokens", u.input_tokens);
        out.emplace_back("message.usage.output_tokens", u.output_tokens);
        out.emplace_back("message.usage.reasoning_tokens", u.reasoning_tokens);
        out.emplace_back("message.usage.cache_read_tokens", u.cache_read_tokens);
        out.emplace_back("message.usage.cache_write_tokens", u.cache_write_tokens);
        out.emplace_back("message.usage.total_tokens", u.total_tokens);
    } else {
        out.emplace_back("message.usage", nullptr);
    }
    // Choice 0 is the message itself; the others only exist with n > 1.
    for (size_t i = 1; i < m.choices.size(); ++i) {
        const Choice& c = m.choices[i];
        std::string p = fmt::format("message.choices[{}]", i);
        out.emplace_back(p + ".text", c.text);
        out.emplace_back(p + ".reasoning", c.reasoning);
        add_tool_calls(c.tool_calls, p + ".tool_calls", out);
        out.emplace_back(p + ".finish_reason", c.finish_reason);
    }
}

// A message of the prompt as one value: its role and its parts as text
// (tool calls as `name(args)`, tool results under `[result]`, media as their
// label), so a changed message reads as a word diff. Tool call ids are left
// out: they are new on every recording.
json prompt_message_value(const PromptMessage& m) {
    std::string text;
    auto line = [&](const std::string& s) {
        if (!text.empty()) text += "\n";
        text += s;
    };
    for (const auto& part : m.parts) {
        if (part.type == "text")
            line(part.text);
        else if (part.type == "tool_call")
            line(part.name + "(" + part.arguments + ")");
        else if (part.type == "tool_result")
            line(std::string(part.is_error ? "[tool error" : "[tool result") +
                 (part.name.empty() ? "" : " " + part.name) + "] " + part.text);
        else if (part.type == "reasoning")
            line("[reasoning] " + part.text);
        else if (part.type == "refusal")
            line("[refusal] " + part.text);
        else if (part.type == "image" || part.type == "audio" || part.type == "document")
            line("[" + media_label(part) + "]");
        else
            line("[" + part.type + "]");
    }
    json v = {{"role", m.role}, {"text", text}};
    if (!m.extra.is_null() && !(m.extra.is_object() && m.extra.empty())) v["extra"] = m.extra;
    return v;
}

// The request of an LLM call, as the fields of its prompt: `prompt.model`,
// `prompt.system`, one `prompt.messages[i]` per message, `prompt.tools` (the
// names) and `prompt.tools.NAME` (description and parameters),
// `prompt.tool_choice`, `prompt.params.*`, `prompt.extra.*`.
void add_prompt(const Prompt& p, FieldList& out) {
    out.emplace_back("prompt.model", p.model);
    out.emplace_back("prompt.system", p.system);
    for (size_t i = 0; i < p.messages.size(); ++i)
        out.emplace_back(fmt::format("prompt.messages[{}]", i), prompt_message_value(p.messages[i]));
    json names = json::array();
    for (const auto& t : p.tools) names.push_back(t.name);
    if (!names.empty()) out.emplace_back("prompt.tools", names);
    for (const auto& t : p.tools) {
        json params = json::array();
        for (const auto& prm : t.parameters) params.push_back(prm.name + (prm.required ? "*" : ""));
        json v = {{"type", t.type}, {"description", t.description}, {"parameters", std::move(params)}};
        out.emplace_back(key_path("prompt.tools", t.name), std::move(v));
    }
    if (!p.tool_choice.is_null()) flatten(p.tool_choice, "prompt.tool_choice", out);
    if (p.params.is_object())
        for (const auto& [k, v] : p.params.items()) flatten(v, key_path("prompt.params", k), out);
    if (p.extra.is_object())
        for (const auto& [k, v] : p.extra.items()) flatten(v, key_path("prompt.extra", k), out);
}

std::string status_text(const Response& rs) {
    if (!rs.code) return rs.status;
    std::string code = std::to_string(*rs.code);
    if (rs.status.empty()) return code;
    if (rs.status.rfind(code, 0) == 0) return rs.status;
    return code + " " + rs.status;
}

// "Charm-Fantasy/0.12.2 (x)" -> "Charm-Fantasy/* (x)"; "go1.24.5" -> "go*".
std::string strip_versions(std::string_view s) {
    std::string out;
    size_t i = 0;
    auto digit = [&](size_t k) { return k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])); };
    while (i < s.size()) {
        bool start = digit(i) && (i == 0 || (!digit(i - 1) && s[i - 1] != '.'));
        if (start) {
            size_t j = i;
            bool dotted = false;
            while (digit(j) || (j < s.size() && s[j] == '.' && digit(j + 1))) {
                if (s[j] == '.') dotted = true;
                ++j;
            }
            if (dotted) {
                // A pre-release or build suffix belongs to the version.
                while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '-' ||
                                        s[j] == '+' || s[j] == '_'))
                    ++j;
                out += '*';
                i = j;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

bool number_path(std::string_view path, std::string_view leaf) {
    return path.size() > leaf.size() && path.substr(path.size() - leaf.size()) == leaf &&
           path.substr(0, path.size() - leaf.size()) == "message.usage.";
}

// Usage counters that are parts (or the sum) of another: shown beside it when
// both changed, so a re-recording reads "output_tokens 148 → 84" once.
void fold_usage_parts(std::vector<FieldChange>& changes) {
    auto find = [&](std::string_view leaf) -> FieldChange* {
        for (auto& c : changes)
            if (number_path(c.path, leaf)) return &c;
        return nullptr;
    };
    struct Fold {
        const char* part;
        const char* parent;
        const char* fallback;
    };
    static const Fold folds[] = {
        {"reasoning_tokens", "output_tokens", nullptr},
        {"cache_read_tokens", "input_tokens", nullptr},
        {"cache_write_tokens", "input_tokens", nullptr},
        {"total_tokens", "output_tokens", "input_tokens"},
    };
    for (const auto& f : folds) {
        FieldChange* part = find(f.part);
        if (!part || !part->old_value || !part->new_value) continue;
        FieldChange* parent = find(f.parent);
        if ((!parent || !parent->old_value || !parent->new_value) && f.fallback) parent = find(f.fallback);
        if (!parent || !parent->old_value || !parent->new_value) continue;
        parent->parts.push_back(*part);
        std::string gone = part->path;
        changes.erase(
            std::remove_if(changes.begin(), changes.end(), [&](const FieldChange& c) { return c.path == gone; }),
            changes.end());
    }
}

// A tool offered or withdrawn shows in `prompt.tools` (+ name / - name); its
// definition (`prompt.tools.NAME`) is only listed when it changed.
void drop_tool_definitions_of_listed_tools(std::vector<FieldChange>& changes) {
    changes.erase(std::remove_if(changes.begin(), changes.end(),
                                 [](const FieldChange& c) {
                                     return c.path.rfind("prompt.tools", 0) == 0 && c.path != "prompt.tools" &&
                                            (!c.old_value || !c.new_value);
                                 }),
                  changes.end());
}

std::vector<FieldChange> compare_fields(const FieldList& a, const FieldList& b) {
    std::unordered_map<std::string, size_t> in_a, in_b;
    for (size_t i = 0; i < a.size(); ++i) in_a.emplace(a[i].first, i);
    for (size_t i = 0; i < b.size(); ++i) in_b.emplace(b[i].first, i);
    // Order: A's reading order, with B-only fields after the shared field that precedes them in B.
    struct Keyed {
        size_t anchor;
        int side;
        size_t pos;
        FieldChange change;
    };
    std::vector<Keyed> keyed;
    for (size_t i = 0; i < a.size(); ++i) {
        auto it = in_b.find(a[i].first);
        if (it == in_b.end()) {
            keyed.push_back({i, 0, 0, FieldChange{a[i].first, a[i].second, std::nullopt, {}}});
        } else if (a[i].second != b[it->second].second) {
            keyed.push_back({i, 0, 0, FieldChange{a[i].first, a[i].second, b[it->second].second, {}}});
        }
    }
    size_t anchor = 0;
    bool have_anchor = false;
    for (size_t j = 0; j < b.size(); ++j) {
        auto it = in_a.find(b[j].first);
        if (it != in_a.end()) {
            anchor = it->second;
            have_anchor = true;
            continue;
        }
        // Before everything when no shared field precedes it.
        keyed.push_back({have_anchor ? anchor : 0, have_anchor ? 1 : -1, j,
                         FieldChange{b[j].first, std::nullopt, b[j].second, {}}});
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& x, const Keyed& y) {
        if (x.anchor != y.anchor) return x.anchor < y.anchor;
        if (x.side != y.side) return x.side < y.side;
        return x.pos < y.pos;
    });
    std::vector<FieldChange> out;
    out.reserve(keyed.size());
    for (auto& k : keyed) out.push_back(std::move(k.change));
    return out;
}

std::string url_without_query(const std::string& url) {
    size_t q = url.find_first_of("?#");
    return q == std::string::npos ? url : url.substr(0, q);
}

struct RequestPrint {
    std::string key;               // method + URL without query
    std::vector<uint64_t> leaves;  // hashes of request body leaves, sorted
};

RequestPrint request_print(const Interaction& ix) {
    RequestPrint p;
    p.key = ix.request.method + " " + url_without_query(ix.request.url);
    FieldList f;
    add_body(decode_body(ix.request.headers, ix.request.body.bytes), ix.request.body.bytes, "", f);
    for (const auto& [path, value] : f)
        p.leaves.push_back(fnv1a(path + "=" + value.dump(-1, ' ', false, json::error_handler_t::replace)));
    std::sort(p.leaves.begin(), p.leaves.end());
    return p;
}

float similarity(const RequestPrint& a, const RequestPrint& b) {
    if (a.key != b.key) return -1.0f;
    size_t common = 0, i = 0, j = 0;
    while (i < a.leaves.size() && j < b.leaves.size()) {
        if (a.leaves[i] == b.leaves[j]) {
            ++common;
            ++i;
            ++j;
        } else if (a.leaves[i] < b.leaves[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    size_t all = a.leaves.size() + b.leaves.size() - common;
    return 1.0f + (all ? static_cast<float>(common) / static_cast<float>(all) : 1.0f);
}

}  // namespace

const std::vector<IgnoreRule>& default_ignore_rules() {
    static const std::vector<IgnoreRule> rules{
        {"message.id", "response id (chatcmpl-…, msg_…, resp_…), new on every call"},
        {"message.tool_calls[*].id", "tool call id (call_…, toolu_…), new on every call"},
        {"message.server_tool_calls[*].id", "server tool call id, new on every call"},
        {"message.choices[*].tool_calls[*].id", "tool call id, new on every call"},
        {"response.body.id", "response id of a body not reassembled"},
        {"response.body.events[*].data.id", "response id in each event of a stream not reassembled"},
        {"**.created", "creation timestamp"},
        {"**.created_at", "creation timestamp"},
        {"**.createTime", "creation timestamp"},
        {"**.obfuscation", "random padding OpenAI adds to stream events"},
        {"**.system_fingerprint", "backend configuration fingerprint"},
        {"response.duration", "how long the recorded call took"},
        {"response.headers.Date", "time of the response"},
        {"response.headers.*Request-Id", "request id header"},
        {"response.headers.*Requestid", "request id header (x-amzn-requestid)"},
        {"response.headers.X-Amzn-Trace-Id", "trace id"},
        {"response.headers.Cf-Ray", "Cloudflare request id"},
        {"response.headers.Set-Cookie", "session cookies"},
        {"response.headers.*Ratelimit*Remaining*", "rate-limit budget left at that moment"},
        {"response.headers.*Ratelimit*Reset*", "rate-limit reset time"},
        {"response.headers.Openai-Processing-Ms", "server processing time"},
        {"response.headers.X-Envoy-Upstream-Service-Time", "server processing time"},
        {"response.headers.Server-Timing", "server processing time"},
        {"response.headers.Age", "cache age"},
        {"response.headers.Content-Length", "follows from the body, compared itself"},
        {"request.headers.Content-Length", "follows from the body, compared itself"},
        {"request.headers.User-Agent", "client library version", true},
        {"request.headers.X-Stainless-Package-Version", "client library version"},
        {"request.headers.X-Stainless-Runtime-Version", "client runtime version"},
        {"request.headers.X-Stainless-Retry-Count", "retry attempt number"},
        {"request.headers.Idempotency-Key", "random per request"},
        {"request.body.**.tool_call_id", "id of an earlier tool call, new on every recording"},
        {"request.body.**.tool_use_id", "id of an earlier tool call, new on every recording"},
        {"request.body.**.call_id", "id of an earlier tool call, new on every recording"},
        {"request.body.messages[*].tool_calls[*].id", "id of an earlier tool call, new on every recording"},
        {"request.body.messages[*].content[*].id", "id of an earlier tool use block, new on every recording"},
        {"request.body.input[*].id", "id of an earlier output item, new on every recording"},
        {"request.body.**.previous_response_id", "id of the earlier response, new on every recording"},
        {"request.body.**.signature", "signature of earlier thinking, new on every recording"},
        {"request.body.**.encrypted_content", "encrypted earlier reasoning, new on every recording"},
        {"prompt.params.previous_response_id", "id of the earlier response, new on every recording"},
        {"prompt.extra.**.tool_call_id", "id of an earlier tool call, new on every recording"},
        {"prompt.extra.**.tool_use_id", "id of an earlier tool call, new on every recording"},
        {"prompt.extra.**.call_id", "id of an earlier tool call, new on every recording"},
        {"prompt.extra.**.previous_response_id", "id of the earlier response, new on every recording"},
        {"prompt.extra.**.signature", "signature of earlier thinking, new on every recording"},
        {"prompt.extra.**.encrypted_content", "encrypted earlier reasoning, new on every recording"},
    };
    return rules;
}

std::vector<IgnoreRule> effective_ignore_rules(const DiffOptions& opts) {
    std::vector<IgnoreRule> rules;
    if (!opts.no_ignore) rules = default_ignore_rules();
    for (const auto& p : opts.ignore) rules.push_back({p, "--ignore", false});
    return rules;
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> segs;
    std::string cur;
    size_t i = 0;
    auto flush = [&] {
        if (!cur.empty()) segs.push_back(std::move(cur));
        cur.clear();
    };
    while (i < path.size()) {
        char c = path[i];
        if (c == '.') {
            flush();
            ++i;
        } else if (c == '[' && i + 1 < path.size() && path[i + 1] == '"') {
            flush();
            // A quoted key: a JSON string up to the closing `"]`.
            size_t j = i + 2;
            while (j < path.size() && !(path[j] == '"' && path[j - 1] != '\\')) ++j;
            std::string quoted(path.substr(i + 1, j + 1 - (i + 1)));
            try {
                segs.push_back(json::parse(quoted).get<std::string>());
            } catch (const std::exception&) {
                segs.push_back(quoted);
            }
            i = j + 1;
            if (i < path.size() && path[i] == ']') ++i;
        } else if (c == '[') {
            flush();
            size_t j = path.find(']', i);
            if (j == std::string_view::npos) j = path.size() - 1;
            segs.emplace_back(path.substr(i, j + 1 - i));
            i = j + 1;
        } else {
            cur += c;
            ++i;
        }
    }
    flush();
    return segs;
}

namespace {

bool segments_match(const std::vector<std::string>& p, const std::vector<std::string>& s) {
    // ok[i][j]: pattern from segment i matches path from segment j.
    std::vector<char> ok((p.size() + 1) * (s.size() + 1), 0);
    auto at = [&](size_t i, size_t j) -> char& { return ok[i * (s.size() + 1) + j]; };
    at(p.size(), s.size()) = 1;
    for (size_t i = p.size(); i-- > 0;) {
        for (size_t j = s.size() + 1; j-- > 0;) {
            if (p[i] == "**")
                at(i, j) = at(i + 1, j) || (j < s.size() && at(i, j + 1));
            else
                at(i, j) = j < s.size() && glob_match(p[i], s[j]) && at(i + 1, j + 1);
        }
    }
    return at(0, 0) != 0;
}

}  // namespace

bool path_matches(std::string_view pattern, std::string_view path) {
    return segments_match(split_path(pattern), split_path(path));
}

FieldList interaction_fields(const Interaction& ix) {
    FieldList out;
    const Request& rq = ix.request;
    const Response& rs = ix.response;
    out.emplace_back("request.method", rq.method);
    out.emplace_back("request.url", rq.url);
    add_headers(rq.headers, "request.headers", out);
    DecodedBody request = decode_body(rq.headers, rq.body.bytes);
    DecodedBody body = decode_body(rs.headers, rs.body.bytes);
    // An LLM call's request as its prompt; any other request body as JSON paths.
    if (auto prompt = read_prompt(ix, body, &request))
        add_prompt(*prompt, out);
    else
        add_body(request, rq.body.bytes, "request.body", out);
    out.emplace_back("response.status", status_text(rs));
    add_headers(rs.headers, "response.headers", out);
    if (rs.duration_ms) out.emplace_back("response.duration", *rs.duration_ms);
    if (auto message = reassemble(ix, body))
        add_message(*message, out);
    else
        add_body(body, rs.body.bytes, "response.body", out);
    return out;
}

FieldList visible_fields(const Interaction& ix, const std::vector<IgnoreRule>& rules) {
    // Patterns split once; each field's path split once.
    std::vector<std::vector<std::string>> patterns;
    patterns.reserve(rules.size());
    for (const auto& r : rules) patterns.push_back(split_path(r.pattern));
    FieldList out;
    for (auto& field : interaction_fields(ix)) {
        std::vector<std::string> segs = split_path(field.first);
        bool drop = false;
        for (size_t k = 0; k < rules.size(); ++k) {
            if (!segments_match(patterns[k], segs)) continue;
            if (!rules[k].versions_only) {
                drop = true;
                break;
            }
            if (field.second.is_string()) field.second = strip_versions(field.second.get<std::string>());
        }
        if (!drop) out.push_back(std::move(field));
    }
    return out;
}

const char* change_kind_name(InteractionChangeKind k) {
    switch (k) {
        case InteractionChangeKind::changed: return "changed";
        case InteractionChangeKind::added: return "added";
        case InteractionChangeKind::removed: return "removed";
    }
    return "changed";
}

std::vector<std::pair<std::optional<size_t>, std::optional<size_t>>> match_interactions(
    const std::vector<Interaction>& a, const std::vector<Interaction>& b) {
    std::vector<std::pair<std::optional<size_t>, std::optional<size_t>>> pairs;
    const size_t n = a.size(), m = b.size();
    if (n == m || (n + 1) > kMaxAlignCells / (m + 1)) {
        for (size_t i = 0; i < std::max(n, m); ++i)
            pairs.emplace_back(i < n ? std::optional<size_t>(i) : std::nullopt,
                               i < m ? std::optional<size_t>(i) : std::nullopt);
        return pairs;
    }
    std::vector<RequestPrint> pa, pb;
    for (const auto& ix : a) pa.push_back(request_print(ix));
    for (const auto& ix : b) pb.push_back(request_print(ix));
    // best[i][j]: the largest total similarity aligning a[i..] with b[j..].
    std::vector<float> best((n + 1) * (m + 1), 0.0f);
    auto at = [&](size_t i, size_t j) -> float& { return best[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;) {
        for (size_t j = m; j-- > 0;) {
            float v = std::max(at(i + 1, j), at(i, j + 1));
            float s = similarity(pa[i], pb[j]);
            if (s > 0) v = std::max(v, s + at(i + 1, j + 1));
            at(i, j) = v;
        }
    }
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m) {
            float s = similarity(pa[i], pb[j]);
            if (s > 0 && at(i, j) == s + at(i + 1, j + 1)) {
                pairs.emplace_back(i++, j++);
                continue;
            }
            if (at(i, j) == at(i + 1, j))
                pairs.emplace_back(i++, std::nullopt);
            else
                pairs.emplace_back(std::nullopt, j++);
        } else if (i < n) {
            pairs.emplace_back(i++, std::nullopt);
        } else {
            pairs.emplace_back(std::nullopt, j++);
        }
    }
    return pairs;
}

CassetteDiff diff_cassettes(const Cassette& a, const Cassette& b, const DiffOptions& opts) {
    CassetteDiff d;
    std::vector<IgnoreRule> rules = effective_ignore_rules(opts);
    for (const auto& [ia, ib] : match_interactions(a.interactions, b.interactions)) {
        InteractionDiff x;
        x.old_index = ia;
        x.new_index = ib;
        const Interaction& shown = ib ? b.interactions[*ib] : a.interactions[*ia];
        x.method = shown.request.method;
        x.url = shown.request.url;
        if (ia && ib) {
            x.changes =
                compare_fields(visible_fields(a.interactions[*ia], rules), visible_fields(b.interactions[*ib], rules));
            if (!opts.no_ignore) fold_usage_parts(x.changes);
            drop_tool_definitions_of_listed_tools(x.changes);
            if (x.changes.empty()) continue;
            x.kind = InteractionChangeKind::changed;
        } else {
            x.kind = ia ? InteractionChangeKind::removed : InteractionChangeKind::added;
        }
        d.interactions.push_back(std::move(x));
    }
    return d;
}

nlohmann::ordered_json to_json(const CassetteDiff& d) {
    using ojson = nlohmann::ordered_json;
    auto ordered = [](const json& v) { return ojson::parse(v.dump(-1, ' ', false, json::error_handler_t::replace)); };
    ojson list = ojson::array();
    for (const auto& x : d.interactions) {
        ojson j;
        j["index"] = x.index();
        if (x.kind == InteractionChangeKind::changed && x.new_index && x.old_index != x.new_index)
            j["new_index"] = *x.new_index;
        j["change"] = change_kind_name(x.kind);
        if (x.kind != InteractionChangeKind::changed) {
            j["method"] = x.method;
            j["url"] = x.url;
        }
        ojson changes = ojson::array();
        for (const auto& c : x.changes) {
            ojson cj;
            cj["path"] = c.path;
            if (c.old_value) cj["old"] = ordered(*c.old_value);
            if (c.new_value) cj["new"] = ordered(*c.new_value);
            changes.push_back(std::move(cj));
        }
        j["changes"] = std::move(changes);
        list.push_back(std::move(j));
    }
    ojson out;
    out["equal"] = d.equal();
    out["interactions"] = std::move(list);
    return out;
}

}  // namespace cassette
