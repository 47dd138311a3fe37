// Polly.JS recordings (recording.har) and other HAR logs, read through the
// HAR importer (lib/formats/har_reader.hpp) after undoing what Polly adds to HAR:
//   - `content.encoding: "base64"` whose `text` is a JSON array of base64
//     strings: the chunks of one body as Polly's node-http adapter received
//     them (often pieces of one gzip stream); the body is their concatenation.
//   - `_fromType: "array"` on headers that arrived as arrays: plain headers.
//   - `_id` / `_order` (Polly's request identity and repeat count) and
//     `_recordingName` / `creator`: kept as extra fields.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "decode/base64.hpp"
#include "error.hpp"
#include "formats/sniff.hpp"
#include "formats/har_reader.hpp"
#include "formats/har_yaml.hpp"

namespace cassette {

namespace {

using json = nlohmann::json;

// Joins Polly's chunk array into one base64 text; nullopt when it is not one.
std::optional<std::string> join_chunks(const std::string& text) {
    if (skip_ws(text).substr(0, 1) != "[") return std::nullopt;
    json arr = json::parse(text, nullptr, false);
    if (!arr.is_array()) return std::nullopt;
    std::string bytes;
    for (const auto& chunk : arr) {
        if (!chunk.is_string()) return std::nullopt;
        auto b = base64_decode(chunk.get_ref<const std::string&>());
        if (!b) return std::nullopt;
        bytes += *b;
    }
    return base64_encode(bytes);
}

// HAR 1.2 `log.creator` {name, version} as "Polly.JS 6.0.6" (or
// "WebInspector 537.36" for a browser's export); "" when it names nothing.
std::string creator_name(const json& creator) {
    if (!creator.is_object()) return {};
    auto text = [&](const char* key) {
        auto it = creator.find(key);
        return it != creator.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    std::string name = text("name"), version = text("version");
    if (name.empty()) return {};
    return version.empty() ? name : name + " " + version;
}

// Polly keeps a header that arrived several times as one `{name, value:
// [v1, v2]}`; HAR has one `{name, value}` per value. Splits such entries in
// `headers` lists of requests and responses; true when it changed anything.
// A list holding anything but strings is left for the HAR reader to report.
bool split_array_header_values(json& entries) {
    bool changed = false;
    auto split = [&](json& message) {
        if (!message.is_object() || !message.contains("headers") || !message["headers"].is_array()) return;
        json& headers = message["headers"];
        bool any = false;
        for (const auto& h : headers)
            if (h.is_object() && h.contains("value") && h["value"].is_array()) any = true;
        if (!any) return;
        json out = json::array();
        for (auto& h : headers) {
            const bool strings = h.is_object() && h.contains("value") && h["value"].is_array() &&
                                 std::all_of(h["value"].begin(), h["value"].end(), [](const json& v) { return v.is_string(); });
            if (!strings) {
                out.push_back(std::move(h));
                continue;
            }
            for (const auto& v : h["value"]) {
                json one = h;
                one["value"] = v;
                out.push_back(std::move(one));
            }
            changed = true;
        }
        headers = std::move(out);
    };
    for (auto& e : entries) {
        if (!e.is_object()) continue;
        if (e.contains("request")) split(e["request"]);
        if (e.contains("response")) split(e["response"]);
    }
    return changed;
}

}  // namespace

bool polly_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (s.substr(0, 1) != "{") return har_yaml_sniff(head);
    size_t log = s.find("\"log\"");
    return log != std::string_view::npos && s.find("\"entries\"") != std::string_view::npos;
}


Cassette polly_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                    const ReadOptions& opts) {
    const bool yaml = har_yaml_sniff(text.substr(0, 64 * 1024));
    json doc = yaml ? har_yaml_document(text, name, opts) : json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("log") || !doc["log"].is_object())
        throw InputError(name, Position{1, 1}, "not a HAR log: expected a JSON object with `log`", "", "schema");
    json& log = doc["log"];
    JsonPositions where(text, opts.max_depth);
    if (!log.contains("entries") || !log["entries"].is_array())
        throw InputError(name, where.at("$.log.entries"), "not a HAR log: `log.entries` must be an array", "", "schema");
    std::vector<std::vector<ExtraField>> entry_extra;
    bool chunked = false;
    if (log.contains("entries") && log["entries"].is_array()) {
        for (auto& e : log["entries"]) {
            std::vector<ExtraField> extra;
            if (!e.is_object()) {
                entry_extra.push_back(std::move(extra));
                continue;
            }
            for (const char* key : {"_id", "_order"})
                if (e.contains(key)) extra.push_back(ExtraField{key, e[key].dump(), {}});
            if (e.contains("response") && e["response"].is_object() && e["response"].contains("content") &&
                e["response"]["content"].is_object()) {
                json& c = e["response"]["content"];
                if (c.value("encoding", "") == "base64" && c.contains("text") && c["text"].is_string()) {
                    if (auto joined = join_chunks(c["text"].get<std::string>())) {
                        c["text"] = *joined;
                        chunked = true;
                        extra.push_back(ExtraField{"_polly_chunks", "true", {}});
                    }
                }
            }
            entry_extra.push_back(std::move(extra));
        }
    }
    // Polly replays `request` {method, url, headers} against `response`
    // {status, headers, content}: an entry missing or mistyping one of them is
    // a schema Problem at its line:column, and the entry is still read.
    const bool split = split_array_header_values(log["entries"]);
    std::vector<HarProblem> har_problems;
    std::string rewritten;
    if (chunked || split || yaml) rewritten = doc.dump(-1, ' ', false, json::error_handler_t::replace);
    Cassette c = har_to_cassette(rewritten.empty() ? text : std::string_view(rewritten), name, har_problems);
    for (const auto& p : har_problems)
        c.problems.push_back(Problem{"schema", where.at(p.where), p.entry, p.where + ": " + p.what});
    c.path = name;
    c.format = "har";
    c.version = 0;
    c.extra.clear();
    if (log.contains("version")) c.extra.push_back(ExtraField{"version", log["version"].dump(), {}});
    if (log.contains("creator")) {
        c.extra.push_back(ExtraField{"creator", log["creator"].dump(), {}});
        c.recorder = creator_name(log["creator"]);
    }
    if (log.contains("_recordingName"))
        c.extra.push_back(ExtraField{"_recordingName", log["_recordingName"].dump(), {}});
    std::vector<Interaction> all = std::move(c.interactions);
    c.interactions.clear();
    c.interaction_count = all.size();
    if (opts.on_header) opts.on_header(c);
    for (size_t i = 0; i < all.size(); ++i) {
        if (i < entry_extra.size() && all.size() == entry_extra.size())
            for (auto& x : entry_extra[i]) all[i].extra.push_back(std::move(x));
        sink(std::move(all[i]));
    }
    return c;
}

}  // namespace cassette
