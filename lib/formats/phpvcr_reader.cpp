// php-vcr cassettes: a YAML sequence (the default storage; Symfony's YAML
// dumper, four-space indent, often a leading empty line) or a JSON array
// (the json storage) of {request, response}, as VCR\Request::toArray and
// VCR\Response::toArray write them.
//
// request: method, url, headers (a map of strings), body, post_fields,
// post_files. response: status (an integer, or {code, message,
// http_version} with the code a string or an integer; 200 when absent, as
// Response::fromArray defaults it), headers (a repeated header is a list),
// body, curl_info (curl_getinfo()). Bodies are text, except that php-vcr
// stores base64 when Content-Type contains `application/x-gzip` or
// Content-Transfer-Encoding is `binary`. The default cassette name has no
// extension, and an empty file is an empty cassette.
#include "error.hpp"
#include "decode/base64.hpp"
#include "formats/doc_reader.hpp"
#include "formats/sniff.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

size_t indent_of(std::string_view line) {
    size_t n = line.find_first_not_of(' ');
    return n == std::string_view::npos ? line.size() : n;
}

// PHP looks headers up by their exact name ($response['headers']['Content-Type']).
const std::string* exact_header(const Headers& h, std::string_view name) {
    for (const auto& e : h.items)
        if (e.name == name && !e.values.empty()) return &e.values.front();
    return nullptr;
}

}  // namespace

bool phpvcr_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (s.empty()) return false;
    if (s[0] == '[') {
        // The json storage: php-vcr's request has `url` (VCR.py's `uri` or
        // `protocol`), its response `status` (ExVCR's `status_code`).
        return head.find("\"request\"") != std::string_view::npos && head.find("\"url\"") != std::string_view::npos &&
               head.find("\"status_code\"") == std::string_view::npos &&
               head.find("\"uri\"") == std::string_view::npos && head.find("\"protocol\"") == std::string_view::npos &&
               head.find("\"scope\"") == std::string_view::npos;
    }
    // YAML: the document is a sequence (its first line `-` or `- request:`)
    // whose first request's own keys include `url` (pre-1.0 VCR.py, the other
    // top-level list, writes host/path/port/protocol).
    std::string_view body = s;
    while (starts_with(body, "#") || starts_with(body, "---")) {
        size_t nl = body.find('\n');
        if (nl == std::string_view::npos) return false;
        body = skip_ws(body.substr(nl + 1));
    }
    if (!starts_with(body, "-") || (body.size() > 1 && body[1] != ' ' && body[1] != '\n' && body[1] != '\r'))
        return false;
    size_t req = body.find("request:");
    if (req == std::string_view::npos) return false;
    size_t ls = body.rfind('\n', req);
    ls = ls == std::string_view::npos ? 0 : ls + 1;
    std::string_view prefix = body.substr(ls, req - ls);
    if (prefix.find_first_not_of(" -") != std::string_view::npos) return false;
    size_t col = req - ls;
    size_t pos = body.find('\n', req);
    while (pos != std::string_view::npos && pos + 1 < body.size()) {
        size_t nl = body.find('\n', pos + 1);
        std::string_view line =
            body.substr(pos + 1, nl == std::string_view::npos ? std::string_view::npos : nl - pos - 1);
        pos = nl;
        if (trim(line).empty()) continue;
        if (indent_of(line) <= col) break;
        std::string_view key = line.substr(indent_of(line));
        if (starts_with(key, "url:")) return true;
        if (starts_with(key, "uri:") || starts_with(key, "host:") || starts_with(key, "protocol:")) return false;
    }
    return false;
}

Cassette phpvcr_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                     const ReadOptions& opts) {
    Cassette c;
    c.path = name;
    c.format = "php-vcr";
    std::string_view first = skip_ws(text);
    Doc doc(text, name, !first.empty() && first[0] == '[' ? DocSyntax::json : DocSyntax::yaml, opts);
    DocProblems problem(c, doc);
    if (doc.root.is_null()) {  // an empty file: php-vcr's empty cassette
        if (opts.on_header) opts.on_header(c);
        return c;
    }
    if (!doc.root.is_array())
        throw InputError(name, doc.at("$"), "not a php-vcr cassette: expected a list of recordings", "", "schema");
    c.interaction_count = doc.root.size();
    if (opts.on_header) opts.on_header(c);
    for (size_t i = 0; i < doc.root.size(); ++i) {
        const DocJson& rec = doc.root[i];
        const std::string at = "[" + std::to_string(i) + "]";
        Interaction ix;
        ix.index = i;
        ix.pos = doc.at(at);
        auto bad = [&](const std::string& sub, const std::string& m) { problem(i, at + sub, m); };
        if (!rec.is_object()) {
            bad("", "a recording must be a mapping with `request` and `response`");
            sink(std::move(ix));
            continue;
        }
        doc_keep_unknown(rec, {"request", "response"}, ix.extra);
        if (auto rq = rec.find("request"); rq == rec.end() || !rq->is_object()) {
            bad(rq == rec.end() ? "" : ".request", "a recording needs a `request` mapping");
        } else {
            const DocJson& q = *rq;
            Request& r = ix.request;
            r.pos = doc.at(at + ".request");
            // Request::fromArray requires both.
            if (auto m = q.find("method"); m != q.end() && m->is_string())
                r.method = m->get<std::string>();
            else
                bad(".request", "the request has no `method` string");
            if (auto u = q.find("url"); u != q.end() && u->is_string())
                r.url = u->get<std::string>();
            else
                bad(".request", "the request has no `url` string");
            if (auto h = q.find("headers"); h != q.end()) doc_headers(*h, r.headers, at + ".request.headers", bad);
            if (auto b = q.find("body"); b != q.end()) {
                r.body.present = true;
                r.body.bytes = doc_body_text(*b);
            }
            doc_keep_unknown(q, {"method", "url", "headers", "body"}, r.extra);
        }
        if (auto rs = rec.find("response"); rs == rec.end() || !rs->is_object()) {
            bad(rs == rec.end() ? "" : ".response", "a recording needs a `response` mapping");
        } else {
            const DocJson& p = *rs;
            Response& r = ix.response;
            r.pos = doc.at(at + ".response");
            auto s = p.find("status");
            if (s == p.end() || s->is_null()) {
                doc_set_status(r, 200);
            } else {
                r.code_pos = doc.at(at + ".response.status");
                auto code =
                    s->is_object() ? (s->contains("code") ? doc_integer((*s)["code"]) : std::nullopt) : doc_integer(*s);
                std::optional<std::string> message;
                if (s->is_object() && s->contains("message") && (*s)["message"].is_string())
                    message = (*s)["message"].get<std::string>();
                if (code)
                    doc_set_status(r, *code, message);
                else
                    bad(".response.status", "`status` must be a number or a mapping with `code`");
                if (s->is_object() && s->contains("http_version"))
                    set_proto("HTTP/" + doc_scalar_text((*s)["http_version"]), r.proto, r.proto_major, r.proto_minor);
            }
            if (auto h = p.find("headers"); h != p.end()) doc_headers(*h, r.headers, at + ".response.headers", bad);
            if (auto b = p.find("body"); b != p.end()) {
                r.body.present = true;
                r.body.bytes = doc_body_text(*b);
                const std::string* ct = exact_header(r.headers, "Content-Type");
                const std::string* cte = exact_header(r.headers, "Content-Transfer-Encoding");
                if ((ct && ct->find("application/x-gzip") != std::string::npos) || (cte && *cte == "binary")) {
                    if (auto bytes = base64_decode(r.body.bytes)) {
                        r.body.bytes = std::move(*bytes);
                        r.body.binary_tag = true;
                    } else {
                        bad(".response.body", "the body of a gzip or binary response must be base64");
                    }
                }
            }
            doc_keep_unknown(p, {"status", "headers", "body"}, r.extra);
        }
        sink(std::move(ix));
    }
    return c;
}

}  // namespace cassette
