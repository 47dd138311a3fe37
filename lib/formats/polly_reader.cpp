// Polly.JS recordings (recording.har) and other HAR logs, read through the
// HAR importer (lib/formats/har_reader.hpp) after undoing what Polly adds to HAR:
//   - `content.encoding: "base64"` whose `text` is a JSON array of base64
//     strings: the chunks of one body as Polly's node-http adapter received
//     them (often pieces of one gzip stream); the body is their concatenation.
//   - `_fromType: "array"` on headers that arrived as arrays: plain headers.
//   - `_id` / `_order` (Polly's request identity and repeat count) and
//     `_recordingName` / `creator`: kept as extra fields.
#include <filesystem>
#include <fstream>
#include <algorithm>

#include <nlohmann/json.hpp>

#include "decode/base64.hpp"
#include "error.hpp"
#include "formats/sniff.hpp"
#include "formats/har_reader.hpp"
#include "limits.hpp"
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

struct SidecarProblem {
    std::string where;  // JSON path of the `_file` value
    std::string what;
};

// Puts the body files that Playwright names in `_file` into the log, as
// base64 text (content `encoding`, postData `_encoding`), so the HAR reader
// reads them as any other body. True when something was put in; a file that
// cannot be had is a problem at its `_file`, and that body stays empty.
bool inline_sidecars(json& log, const HarSidecars& sidecars, std::vector<SidecarProblem>& problems) {
    bool changed = false;
    if (!log.contains("entries") || !log["entries"].is_array()) return false;
    auto take = [&](json& holder, const char* text_key, const char* enc_key, const std::string& where) {
        // `_sha1` is the name Playwright before 1.23 gave the same file.
        const char* key = holder.contains("_file") ? "_file" : "_sha1";
        auto f = holder.find(key);
        if (f == holder.end() || f->is_null()) return;
        if (!f->is_string()) {
            problems.push_back({where + "." + key, "expected a file name (a string)"});
            return;
        }
        // An inline body wins: Playwright writes one or the other.
        if (holder.contains(text_key) && holder[text_key].is_string() &&
            !holder[text_key].get_ref<const std::string&>().empty())
            return;
        std::string why;
        std::optional<std::string> bytes = sidecars ? sidecars(f->get<std::string>(), why) : std::nullopt;
        if (!bytes) {
            problems.push_back({where + "." + key, "body file `" + f->get<std::string>() +
                                                       "`: " + (why.empty() ? std::string("not found") : why)});
            return;
        }
        holder[text_key] = base64_encode(*bytes);
        holder[enc_key] = "base64";
        changed = true;
    };
    auto& entries = log["entries"];
    for (size_t i = 0; i < entries.size(); ++i) {
        json& e = entries[i];
        if (!e.is_object()) continue;
        std::string where = "$.log.entries[" + std::to_string(i) + "]";
        if (e.contains("response") && e["response"].is_object() && e["response"].contains("content") &&
            e["response"]["content"].is_object())
            take(e["response"]["content"], "text", "encoding", where + ".response.content");
        if (e.contains("request") && e["request"].is_object() && e["request"].contains("postData") &&
            e["request"]["postData"].is_object())
            take(e["request"]["postData"], "text", "_encoding", where + ".request.postData");
    }
    return changed;
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
            const bool strings =
                h.is_object() && h.contains("value") && h["value"].is_array() &&
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

// Browsers export a request that got no answer (blocked, cancelled, offline)
// with `status: 0` and the reason in `_error`: no status was received, so
// the interaction has none, and its status text says why.
void mark_unanswered(const json& log, std::vector<Interaction>& all) {
    const json& entries = log["entries"];
    if (!entries.is_array() || entries.size() != all.size()) return;
    for (size_t i = 0; i < all.size(); ++i) {
        const json& e = entries[i];
        if (!e.is_object() || !e.contains("response") || !e["response"].is_object()) continue;
        const json& r = e["response"];
        auto st = r.find("status");
        if (st == r.end() || !st->is_number() || st->get<double>() != 0) continue;
        Response& rs = all[i].response;
        rs.code.reset();
        rs.status = "no response";
        if (auto err = r.find("_error");
            err != r.end() && err->is_string() && !err->get_ref<const std::string&>().empty())
            rs.status += " (" + err->get<std::string>() + ")";
        else if (auto text = r.find("statusText"); text != r.end() && text->is_string() &&
                                                   text->get_ref<const std::string&>().rfind("no response", 0) == 0)
            rs.status = text->get<std::string>();  // as `export --format har` writes it back
    }
}

// Body files next to the HAR at `path`: a plain file name (no directory part,
// as Playwright writes them), at most the body size limit.
HarSidecars directory_sidecars(const std::string& path) {
    namespace fs = std::filesystem;
    return [path](const std::string& file, std::string& why) -> std::optional<std::string> {
        if (path == "-") {
            why = "a HAR read from standard input has no directory to find it in";
            return std::nullopt;
        }
        if (file.empty() || file == "." || file == ".." || file.find_first_of("/\\") != std::string::npos) {
            why = "not a plain file name next to the HAR";
            return std::nullopt;
        }
        fs::path p = fs::path(path).parent_path() / file;
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) {
            why = "not found next to the HAR (" + p.string() + ")";
            return std::nullopt;
        }
        auto size = fs::file_size(p, ec);
        if (ec || size > limits().body_bytes) {
            why = ec ? "cannot read its size"
                     : "larger than the body size limit (" + limit_hint(&Limits::body_bytes) + ")";
            return std::nullopt;
        }
        std::ifstream in(p, std::ios::binary);
        std::string bytes(static_cast<size_t>(size), '\0');
        if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
            why = "cannot be read";
            return std::nullopt;
        }
        return bytes;
    };
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
    return har_read_with_sidecars(text, name, sink, opts, directory_sidecars(name));
}

Cassette har_read_with_sidecars(std::string_view text, const std::string& name, const InteractionSink& sink,
                                const ReadOptions& opts, const HarSidecars& sidecars) {
    const bool yaml = har_yaml_sniff(text.substr(0, 64 * 1024));
    json doc = yaml ? har_yaml_document(text, name, opts) : json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("log") || !doc["log"].is_object())
        throw InputError(name, Position{1, 1}, "not a HAR log: expected a JSON object with `log`", "", "schema");
    json& log = doc["log"];
    JsonPositions where(text, opts.max_depth);
    if (!log.contains("entries") || !log["entries"].is_array())
        throw InputError(name, where.at("$.log.entries"), "not a HAR log: `log.entries` must be an array", "",
                         "schema");
    std::vector<std::vector<ExtraField>> entry_extra;
    std::vector<SidecarProblem> sidecar_problems;
    bool chunked = inline_sidecars(log, sidecars, sidecar_problems);
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
    for (const auto& p : sidecar_problems) {
        size_t open = p.where.find('['), close = p.where.find(']');
        std::optional<size_t> entry;
        if (open != std::string::npos && close != std::string::npos)
            entry = std::stoul(p.where.substr(open + 1, close - open - 1));
        c.problems.push_back(Problem{"schema", where.at(p.where), entry, p.where + ": " + p.what});
    }
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
    mark_unanswered(log, all);
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
