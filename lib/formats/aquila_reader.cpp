// Aquila's LLM cassettes (the Elixir client's recorder; docs/formats.md,
// "Aquila"). Not raw HTTP: a cassette is files with one stem,
//   <stem>.meta.jsonl  one line per request: request_id, method, url,
//                      endpoint (chat | responses), model, headers as
//                      [name, value] pairs, the request `body` as JSON;
//   <stem>.sse.jsonl   the stream as Aquila parsed it, one event per line
//                      (delta, tool_call, tool_call_end, event, response_ref,
//                      usage, done), each with its request_id;
//   <stem>-<n>.json    the answer to request n when it was not streamed.
// The HTTP status, the response headers and the stream's own bytes are not
// kept. Each request becomes an interaction whose response has no status and
// no headers; its body is what the cassette holds: the -<n>.json text, or the
// request's event lines. The message is rebuilt from those events
// (aquila_message) through the OpenAI reassembly, so it reads as every other
// chat completion or Responses answer does.
#include "formats/aquila.hpp"

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "decode/body.hpp"
#include "error.hpp"
#include "formats/sniff.hpp"
#include "limits.hpp"
#include "providers/providers.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string upper_ascii(std::string s) {
    for (char& ch : s)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    return s;
}

// The first line of `head`.
std::string_view first_line(std::string_view head) {
    size_t nl = head.find('\n');
    return nl == std::string_view::npos ? head : head.substr(0, nl);
}

bool is_meta_line(std::string_view line) {
    return line.find("\"request_id\":") != std::string_view::npos &&
           line.find("\"endpoint\":") != std::string_view::npos && line.find("\"url\":") != std::string_view::npos &&
           line.find("\"method\":") != std::string_view::npos;
}

bool is_event_line(std::string_view line) {
    if (line.find("\"request_id\":") == std::string_view::npos) return false;
    for (std::string_view t : {"delta", "tool_call", "tool_call_end", "event", "response_ref", "usage", "done"})
        if (line.find("\"type\":\"" + std::string(t) + "\"") != std::string_view::npos) return true;
    return false;
}

std::optional<std::string> read_file(const fs::path& p, std::string& why) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
        why = "not found";
        return std::nullopt;
    }
    auto size = fs::file_size(p, ec);
    if (ec || size > limits().body_bytes) {
        why = ec ? "cannot read its size" : "larger than the body size limit (" + limit_hint(&Limits::body_bytes) + ")";
        return std::nullopt;
    }
    std::ifstream in(p, std::ios::binary);
    std::string bytes(static_cast<size_t>(size), '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
        why = "cannot be read";
        return std::nullopt;
    }
    return bytes;
}

struct Line {
    json value;
    std::string text;
    int number = 0;  // 1-based line in its file
};

// JSON lines; a line that is not a JSON object is an InputError at its line.
std::vector<Line> parse_lines(std::string_view text, const std::string& name) {
    std::vector<Line> out;
    int number = 0;
    size_t pos = 0;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (trim(line).empty()) continue;
        json v = json::parse(line, nullptr, false);
        if (v.is_discarded() || !v.is_object())
            throw InputError(name, Position{number, 1},
                             "not an Aquila cassette line: expected one JSON object per line",
                             std::string(line.substr(0, 200)), "schema");
        out.push_back(Line{std::move(v), std::string(line), number});
    }
    return out;
}

std::optional<int64_t> request_id(const json& o) {
    auto it = o.find("request_id");
    if (it == o.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int64_t>();
}

std::string str(const json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json* obj(const json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_object() ? &*it : nullptr;
}

// The stem of a cassette file: "x/pong" for "x/pong.meta.jsonl" or "x/pong.sse.jsonl".
std::string stem_of(const std::string& name) {
    for (std::string_view tail : {".meta.jsonl", ".sse.jsonl"})
        if (ends_with(name, tail)) return name.substr(0, name.size() - tail.size());
    return {};
}

// ---- the message from the events -------------------------------------------------

struct Call {
    std::string id, name, args;
    std::optional<json> end_args;  // tool_call_end's parsed arguments
};

// The chat answer as OpenAI's non-streamed chat.completion would hold it.
json chat_completion(const std::vector<json>& events, const json& meta_line) {
    std::string text;
    std::vector<Call> calls;
    json usage, done_meta;
    for (const json& e : events) {
        std::string type = str(e, "type");
        if (type == "delta") {
            text += str(e, "content");
        } else if (type == "tool_call") {
            std::string id = str(e, "call_id");
            if (id.empty()) id = str(e, "id");
            Call* c = nullptr;
            for (auto& x : calls)
                if (!id.empty() && x.id == id) c = &x;
            if (!c && (id.empty() && !calls.empty())) c = &calls.back();  // a fragment of the call under way
            if (!c) {
                calls.push_back(Call{id, {}, {}, {}});
                c = &calls.back();
            }
            if (c->name.empty()) c->name = str(e, "name");
            c->args += str(e, "args_fragment");
        } else if (type == "tool_call_end") {
            std::string id = str(e, "call_id");
            for (auto& x : calls)
                if (!id.empty() && x.id == id && e.contains("args")) x.end_args = e["args"];
        } else if (type == "usage" && e.contains("usage")) {
            usage = e["usage"];
        } else if (type == "done" && obj(e, "meta") && done_meta.is_null()) {
            done_meta = *obj(e, "meta");
        }
    }
    json msg = {{"role", "assistant"}, {"content", text.empty() && !calls.empty() ? json(nullptr) : json(text)}};
    if (!calls.empty()) {
        json list = json::array();
        for (const auto& c : calls) {
            std::string args = c.args;
            if (args.empty() && c.end_args)
                args = c.end_args->is_string() ? c.end_args->get<std::string>() : c.end_args->dump();
            list.push_back({{"id", c.id}, {"type", "function"}, {"function", {{"name", c.name}, {"arguments", args}}}});
        }
        msg["tool_calls"] = list;
    }
    json out = {{"object", "chat.completion"}, {"choices", json::array()}};
    json choice = {{"index", 0}, {"message", msg}};
    std::string reason = done_meta.is_object() ? str(done_meta, "reason") : "";
    if (!reason.empty()) choice["finish_reason"] = reason;
    out["choices"].push_back(choice);
    std::string model = done_meta.is_object() ? str(done_meta, "model") : "";
    out["model"] = model.empty() ? str(meta_line, "model") : model;
    if (done_meta.is_object() && done_meta.contains("id")) out["id"] = done_meta["id"];
    if (!usage.is_null()) out["usage"] = usage;
    return out;
}

// The Responses answer as a non-streamed `response` object: the output items
// the stream finished (output_item.done carries each whole), else the text
// deltas and tool calls.
json responses_object(const std::vector<json>& events, const json& meta_line) {
    json out = {{"object", "response"}, {"output", json::array()}};
    json done_meta;
    std::string id;
    for (const json& e : events) {
        std::string type = str(e, "type");
        if (type == "response_ref" && id.empty()) id = str(e, "id");
        if (type == "done" && obj(e, "meta") && done_meta.is_null()) done_meta = *obj(e, "meta");
        if (type != "event") continue;
        const json* payload = obj(e, "payload");
        if (!payload) continue;
        std::string ptype = str(*payload, "type");
        const json* raw = obj(*payload, "raw");
        if (ptype == "response.output_item.done" && raw && obj(*raw, "item"))
            out["output"].push_back(*obj(*raw, "item"));
        if ((ptype == "response.in_progress" || ptype == "response.created" || ptype == "response.completed") && raw &&
            obj(*raw, "response")) {
            const json& r = *obj(*raw, "response");
            if (r.contains("model")) out["model"] = r["model"];
            if (r.contains("usage") && r["usage"].is_object()) out["usage"] = r["usage"];
        }
    }
    if (out["output"].empty()) {
        // No finished items recorded: the deltas and calls as chat reads them.
        json chat = chat_completion(events, meta_line);
        const json& m = chat["choices"][0]["message"];
        if (m["content"].is_string() && !m["content"].get<std::string>().empty())
            out["output"].push_back({{"type", "message"},
                                     {"role", "assistant"},
                                     {"content", json::array({{{"type", "output_text"}, {"text", m["content"]}}})}});
        if (m.contains("tool_calls"))
            for (const auto& c : m["tool_calls"])
                out["output"].push_back({{"type", "function_call"},
                                         {"call_id", c["id"]},
                                         {"name", c["function"]["name"]},
                                         {"arguments", c["function"]["arguments"]}});
    }
    if (done_meta.is_object()) {
        if (done_meta.contains("id")) out["id"] = done_meta["id"];
        if (done_meta.contains("status")) out["status"] = done_meta["status"];
        if (done_meta.contains("usage") && done_meta["usage"].is_object()) out["usage"] = done_meta["usage"];
        if (!str(done_meta, "model").empty()) out["model"] = done_meta["model"];
    }
    if (!out.contains("id") && !id.empty()) out["id"] = id;
    if (!out.contains("model")) out["model"] = str(meta_line, "model");
    return out;
}

}  // namespace

bool aquila_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (s.substr(0, 1) != "{") return false;
    std::string_view line = first_line(s);
    return is_meta_line(line) || is_event_line(line);
}

Cassette aquila_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                     const ReadOptions& opts) {
    // Given either file of the pair, read both.
    const std::string stem = stem_of(name);
    const bool given_events =
        ends_with(name, ".sse.jsonl") || (stem.empty() && is_event_line(first_line(skip_ws(text))));
    std::string meta_name = stem.empty() ? name : stem + ".meta.jsonl";
    std::string events_name = stem.empty() ? std::string() : stem + ".sse.jsonl";
    std::string meta_text, events_text;
    std::string why;
    if (given_events) {
        if (stem.empty())
            throw InputError(name, Position{1, 1},
                             "an Aquila stream log without its requests: read the `.meta.jsonl` file of the cassette",
                             "", "schema");
        auto m = read_file(meta_name, why);
        if (!m) throw InputError(meta_name, {}, "the requests of Aquila cassette " + name + ": " + why, "", "io");
        meta_text = std::move(*m);
        events_text = std::string(text);
    } else {
        meta_text = std::string(text);
        if (!events_name.empty())
            if (auto e = read_file(events_name, why)) events_text = std::move(*e);
    }
    std::vector<Line> metas = parse_lines(meta_text, meta_name);
    std::vector<Line> events = events_name.empty() ? std::vector<Line>{} : parse_lines(events_text, events_name);

    Cassette c;
    c.path = name;
    c.format = "aquila";
    c.recorder = "Aquila";
    std::map<int64_t, std::vector<const Line*>> by_request;
    for (const Line& e : events) {
        if (auto id = request_id(e.value))
            by_request[*id].push_back(&e);
        else
            c.problems.push_back(
                Problem{"schema", Position{e.number, 1}, std::nullopt,
                        events_name + ":" + std::to_string(e.number) + ": event has no integer `request_id`"});
    }
    std::vector<Interaction> all;
    for (size_t i = 0; i < metas.size(); ++i) {
        const Line& m = metas[i];
        const json& v = m.value;
        Interaction ix;
        ix.index = i;
        ix.pos = Position{m.number, 1};
        auto id = request_id(v);
        if (!id) c.problems.push_back(Problem{"schema", ix.pos, i, "request has no integer `request_id`"});
        ix.id = id;
        ix.request.method = upper_ascii(str(v, "method"));
        ix.request.url = str(v, "url");
        ix.request.pos = ix.pos;
        if (ix.request.url.empty()) c.problems.push_back(Problem{"schema", ix.pos, i, "request has no `url`"});
        if (auto h = v.find("headers"); h != v.end() && h->is_array()) {
            for (const auto& pair : *h) {
                if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
                    c.problems.push_back(
                        Problem{"schema", ix.pos, i, "`headers` must be a list of [name, value] pairs"});
                    break;
                }
                std::string hn = pair[0].get<std::string>();
                Header* slot = nullptr;
                for (auto& x : ix.request.headers.items)
                    if (iequals(x.name, hn)) slot = &x;
                if (!slot) {
                    ix.request.headers.items.push_back(Header{hn, {}, ix.pos});
                    slot = &ix.request.headers.items.back();
                }
                slot->values.push_back(pair[1].get<std::string>());
            }
        }
        ix.request.body.present = true;
        if (auto b = v.find("body"); b != v.end() && !b->is_null())
            ix.request.body.bytes = b->is_string() ? b->get<std::string>() : b->dump();
        ix.request.content_length = static_cast<int64_t>(ix.request.body.bytes.size());
        for (const char* key : {"endpoint", "model"})
            if (v.contains(key)) ix.extra.push_back(ExtraField{key, v[key].dump(), ix.pos});

        Response& rs = ix.response;
        rs.body.present = true;
        std::string answer_name = stem.empty() || !id ? std::string() : stem + "-" + std::to_string(*id) + ".json";
        std::optional<std::string> answer;
        if (!answer_name.empty()) answer = read_file(answer_name, why);
        if (answer) {
            rs.body.bytes = std::move(*answer);
            ix.extra.push_back(
                ExtraField{"_aquila_response", json(fs::path(answer_name).filename().string()).dump(), {}});
        } else if (id && by_request.count(*id)) {
            for (const Line* e : by_request[*id]) rs.body.bytes += e->text + "\n";
            ix.extra.push_back(ExtraField{"_aquila_response", json("events").dump(), {}});
        } else {
            ix.extra.push_back(ExtraField{"_aquila_response", json("none").dump(), {}});
        }
        rs.content_length = static_cast<int64_t>(rs.body.bytes.size());
        all.push_back(std::move(ix));
    }
    c.interaction_count = all.size();
    if (opts.on_header) opts.on_header(c);
    for (auto& ix : all) sink(std::move(ix));
    return c;
}

bool is_aquila_events(const Interaction& ix) {
    for (const auto& x : ix.extra)
        if (x.key == "_aquila_response") return x.json == "\"events\"";
    return false;
}

std::optional<Message> aquila_message(const Interaction& ix) {
    if (!is_aquila_events(ix)) return std::nullopt;
    std::vector<json> events;
    bool finished = false;
    for (std::string_view rest = ix.response.body.bytes; !rest.empty();) {
        size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        json e = json::parse(line, nullptr, false);
        if (!e.is_object()) continue;
        if (str(e, "type") == "done") finished = true;
        events.push_back(std::move(e));
    }
    json meta_line = json::object();
    std::string endpoint;
    for (const auto& x : ix.extra) {
        json v = json::parse(x.json, nullptr, false);
        if (x.key == "model") meta_line["model"] = v.is_string() ? v : json("");
        if (x.key == "endpoint" && v.is_string()) endpoint = v.get<std::string>();
    }
    const bool responses = endpoint == "responses" || ix.request.url.find("/responses") != std::string::npos;
    json answer = responses ? responses_object(events, meta_line) : chat_completion(events, meta_line);
    Interaction copy;
    copy.request = ix.request;
    copy.response.code = 200;
    copy.response.headers.items.push_back(Header{"Content-Type", {"application/json"}, {}});
    copy.response.body.present = true;
    copy.response.body.bytes = answer.dump();
    DecodedBody decoded = decode_body(copy.response.headers, copy.response.body.bytes);
    std::optional<Message> m =
        responses ? reassemble_openai_responses(copy, decoded) : reassemble_openai_chat(copy, decoded);
    if (!m) return m;
    m->api = responses ? "openai-responses" : "openai-chat";
    m->streamed = true;
    m->complete = finished;
    return m;
}

std::optional<std::string> not_convertible(const Cassette& c) {
    if (c.format != "aquila") return std::nullopt;
    return "an Aquila cassette keeps each request and the stream as Aquila parsed it (deltas, tool calls, usage), "
           "not the HTTP response: no status, no response headers, no stream bytes, so there is no HTTP exchange to "
           "write (`cassette show` and `cassette usage` read its messages)";
}

}  // namespace cassette
