// DVR (Swift, venmo/DVR) cassettes: {name, interactions: [{recorded_at,
// request, response}]}, written by NSJSONSerialization.
//
// recorded_at is Unix seconds (a float). request: method, url, headers,
// body; response: url, status, headers, body. A body is encoded as DVR's
// Interaction.encodeBody does, by the side's exact `Content-Type` key: a
// plain string for `text/*`, the parsed JSON value for `application/json*`,
// and base64 of the bytes for anything else (or when there is no
// Content-Type). JSON values are written back compact, as
// JSONSerialization.data(withJSONObject:) replays them.
#include <cmath>
#include <ctime>

#include "error.hpp"
#include "decode/base64.hpp"
#include "formats/doc_reader.hpp"
#include "formats/sniff.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

const std::string* exact_header(const Headers& h, std::string_view name) {
    for (const auto& e : h.items)
        if (e.name == name && !e.values.empty()) return &e.values.front();
    return nullptr;
}

// Unix seconds as an ISO 8601 UTC time with microseconds.
std::string iso_time(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 4e11) return {};
    std::time_t whole = static_cast<std::time_t>(std::floor(seconds));
    long micros = std::lround((seconds - std::floor(seconds)) * 1e6);
    if (micros >= 1000000) {
        ++whole;
        micros -= 1000000;
    }
    std::tm tm{};
    gmtime_r(&whole, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
    return buf;
}

}  // namespace

bool dvr_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (s.substr(0, 1) != "{" || head.find("\"interactions\"") == std::string_view::npos) return false;
    if (head.find("\"http_interactions\"") != std::string_view::npos) return false;
    // recorded_at as a number (VCR.py and Ruby VCR write a string), or a
    // `name` beside an empty interaction list.
    for (size_t p = head.find("\"recorded_at\""); p != std::string_view::npos;
         p = head.find("\"recorded_at\"", p + 1)) {
        std::string_view rest = trim(head.substr(p + 13));
        if (rest.substr(0, 1) != ":") continue;
        rest = trim(rest.substr(1));
        if (!rest.empty() && ((rest[0] >= '0' && rest[0] <= '9') || rest[0] == '-')) return true;
    }
    size_t list = head.find("\"interactions\"");
    std::string_view after = trim(head.substr(list + 14));
    if (after.substr(0, 1) == ":") after = trim(after.substr(1));
    return head.find("\"name\"") != std::string_view::npos && head.find("\"version\"") == std::string_view::npos &&
           starts_with(after, "[") && starts_with(trim(after.substr(1)), "]");
}

Cassette dvr_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                  const ReadOptions& opts) {
    Cassette c;
    c.path = name;
    c.format = "dvr";
    Doc doc(text, name, DocSyntax::json, opts);
    DocProblems problem(c, doc);
    if (!doc.root.is_object() || !doc.root.contains("interactions"))
        throw InputError(name, doc.at("$"), "not a DVR cassette: expected an object with `interactions`", "", "schema");
    doc_keep_unknown(doc.root, {"interactions"}, c.extra);
    const DocJson& list = doc.root["interactions"];
    if (!list.is_array()) {
        problem(std::nullopt, "$.interactions", "`interactions` must be a list");
        if (opts.on_header) opts.on_header(c);
        return c;
    }
    c.interaction_count = list.size();
    if (opts.on_header) opts.on_header(c);
    for (size_t i = 0; i < list.size(); ++i) {
        const DocJson& it = list[i];
        const std::string at = "$.interactions[" + std::to_string(i) + "]";
        Interaction ix;
        ix.index = i;
        ix.pos = doc.at(at);
        auto bad = [&](const std::string& sub, const std::string& m) { problem(i, at + sub, m); };
        if (!it.is_object()) {
            bad("", "an interaction must be an object with `request` and `response`");
            sink(std::move(ix));
            continue;
        }
        doc_keep_unknown(it, {"request", "response", "recorded_at"}, ix.extra);
        if (auto ra = it.find("recorded_at"); ra != it.end()) {
            ix.extra.push_back(ExtraField{"recorded_at", ra->dump(), {}});
            if (ra->is_number()) {
                if (std::string t = iso_time(ra->get<double>()); !t.empty())
                    ix.extra.push_back(ExtraField{"recorded_at_utc", "\"" + t + "\"", {}});
            } else {
                bad(".recorded_at", "`recorded_at` must be Unix seconds (a number)");
            }
        } else {
            bad("", "the interaction has no `recorded_at` (DVR does not load one without it)");
        }
        auto body = [&](const DocJson& b, const Headers& headers, Body& out, const std::string& sub) {
            out.present = true;
            out.pos = doc.at(at + sub);
            const std::string* ct = exact_header(headers, "Content-Type");
            if (ct && starts_with(*ct, "text/") && b.is_string()) {
                out.bytes = b.get<std::string>();
            } else if (ct && starts_with(*ct, "application/json")) {
                out.bytes = doc_body_text(b);  // DVR writes objects and arrays; a string is taken as its text
            } else if (b.is_string()) {
                if (auto bytes = base64_decode(b.get<std::string>())) {
                    out.bytes = std::move(*bytes);
                    out.binary_tag = true;
                } else {
                    bad(sub, "the body is neither text nor JSON by its Content-Type, so it must be base64, and is not");
                    out.bytes = b.get<std::string>();
                }
            } else {
                out.bytes = doc_body_text(b);
            }
        };
        if (auto rq = it.find("request"); rq == it.end() || !rq->is_object()) {
            bad(rq == it.end() ? "" : ".request", "an interaction needs a `request` object");
        } else {
            const DocJson& q = *rq;
            Request& r = ix.request;
            r.pos = doc.at(at + ".request");
            if (auto m = q.find("method"); m != q.end() && m->is_string())
                r.method = m->get<std::string>();
            else
                r.method = "GET";  // URLRequest's default
            if (auto u = q.find("url"); u != q.end() && u->is_string())
                r.url = u->get<std::string>();
            else
                bad(".request", "the request has no `url` string");
            if (auto h = q.find("headers"); h != q.end()) doc_headers(*h, r.headers, at + ".request.headers", bad);
            if (auto b = q.find("body"); b != q.end()) body(*b, r.headers, r.body, ".request.body");
            doc_keep_unknown(q, {"method", "url", "headers", "body"}, r.extra);
        }
        if (auto rs = it.find("response"); rs == it.end() || !rs->is_object()) {
            bad(rs == it.end() ? "" : ".response", "an interaction needs a `response` object");
        } else {
            const DocJson& p = *rs;
            Response& r = ix.response;
            r.pos = doc.at(at + ".response");
            if (auto s = p.find("status"); s != p.end()) {
                r.code_pos = doc.at(at + ".response.status");
                if (auto code = doc_integer(*s))
                    doc_set_status(r, *code);
                else
                    bad(".response.status", "`status` must be an integer");
            }
            if (auto h = p.find("headers"); h != p.end()) doc_headers(*h, r.headers, at + ".response.headers", bad);
            if (auto b = p.find("body"); b != p.end()) body(*b, r.headers, r.body, ".response.body");
            doc_keep_unknown(p, {"status", "headers", "body"}, r.extra);
        }
        sink(std::move(ix));
    }
    return c;
}

}  // namespace cassette
