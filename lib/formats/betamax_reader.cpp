// Betamax (Python requests) cassettes: {http_interactions: [...],
// recorded_with: "betamax/<version>"}, as betamax/cassette/cassette.py
// writes it with json.dumps, or the same structure in YAML (custom
// serializers such as keystoneauth's).
//
// Each interaction: recorded_at, request {method, uri, headers, body},
// response {status: {code, message} | status_code (before 0.4), headers,
// body, url}. Header values are strings or lists of strings (0.8.1+). A
// body is {encoding, string} or {encoding, base64_string} (both may be
// there, `string` empty), or a bare string in old request bodies. As
// betamax/util.py reads them back: a response body is base64_string when
// that key is there, else string; a request body is string when it is not
// empty, else base64_string.
#include "error.hpp"
#include "decode/base64.hpp"
#include "formats/doc_reader.hpp"
#include "formats/sniff.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

// The value of the first `recorded_with` key in `head`, or nullopt.
std::optional<std::string> recorded_with_value(std::string_view head) {
    size_t p = head.find("recorded_with");
    if (p == std::string_view::npos) return std::nullopt;
    std::string_view s = head.substr(p + 13);
    if (s.substr(0, 1) == "\"") s.remove_prefix(1);
    s = trim(s);
    if (s.substr(0, 1) != ":") return std::nullopt;
    s = trim(s.substr(1));
    if (!s.empty() && (s[0] == '"' || s[0] == '\'')) s.remove_prefix(1);
    size_t end = s.find_first_of("\"'\r\n,}");
    return std::string(s.substr(0, end));
}

// The lines of `head` that are keys at exactly `indent` spaces.
bool yaml_key_at(std::string_view head, std::string_view key, size_t indent) {
    std::string needle = "\n" + std::string(indent, ' ') + std::string(key);
    return head.find(needle) != std::string_view::npos;
}

}  // namespace

bool betamax_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (s.empty()) return false;
    if (head.find("http_interactions") == std::string_view::npos) return false;
    // `recorded_with` names the library when it is in the first bytes.
    if (auto rw = recorded_with_value(head)) return istarts_with(*rw, "betamax");
    if (s[0] == '{') {
        // Python's json.dumps writes the whole file on one line with ", " and
        // ": " separators; Ruby VCR's JSON has neither, and its responses no `url`.
        return starts_with(s, "{\"http_interactions\": [") || head.find("\"status_code\": ") != std::string_view::npos;
    }
    // YAML: a response key only Betamax writes (`url`, or `status_code` before 0.4).
    return yaml_key_at(head, "url: ", 4) || yaml_key_at(head, "status_code: ", 4);
}

Cassette betamax_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                      const ReadOptions& opts) {
    Cassette c;
    c.path = name;
    c.format = "betamax";
    std::string_view first = skip_ws(text);
    Doc doc(text, name, !first.empty() && first[0] == '{' ? DocSyntax::json : DocSyntax::yaml, opts);
    DocProblems problem(c, doc);
    if (!doc.root.is_object() || !doc.root.contains("http_interactions"))
        throw InputError(name, doc.at("$"), "not a Betamax cassette: expected an object with `http_interactions`", "",
                         "schema");
    if (auto rw = doc.root.find("recorded_with"); rw != doc.root.end() && rw->is_string())
        c.recorder = rw->get<std::string>();
    doc_keep_unknown(doc.root, {"http_interactions", "recorded_with"}, c.extra);
    const DocJson& list = doc.root["http_interactions"];
    if (!list.is_array()) {
        problem(std::nullopt, "$.http_interactions", "`http_interactions` must be a list");
        if (opts.on_header) opts.on_header(c);
        return c;
    }
    c.interaction_count = list.size();
    if (opts.on_header) opts.on_header(c);
    for (size_t i = 0; i < list.size(); ++i) {
        const DocJson& it = list[i];
        const std::string at = "$.http_interactions[" + std::to_string(i) + "]";
        Interaction ix;
        ix.index = i;
        ix.pos = doc.at(at);
        auto bad = [&](const std::string& sub, const std::string& m) { problem(i, at + sub, m); };
        if (!it.is_object()) {
            bad("", "an interaction must be an object with `request` and `response`");
            sink(std::move(ix));
            continue;
        }
        doc_keep_unknown(it, {"request", "response"}, ix.extra);

        // A body as util.py reads it; `prefer_base64` for responses.
        auto body = [&](const DocJson& b, Body& out, std::vector<ExtraField>& extra, const std::string& sub,
                        bool response) {
            out.present = true;
            out.pos = doc.at(at + sub);
            if (b.is_string() || b.is_null()) {
                out.bytes = doc_body_text(b);
                return;
            }
            if (!b.is_object()) {
                bad(sub,
                    std::string("a body must be an object with `string` or `base64_string`, found ") + b.type_name());
                return;
            }
            auto str = b.find("string");
            auto b64 = b.find("base64_string");
            bool use_b64 =
                b64 != b.end() && (response || str == b.end() || !str->is_string() || str->get<std::string>().empty());
            if (use_b64) {
                auto bytes = b64->is_string() ? base64_decode(b64->get<std::string>()) : std::nullopt;
                if (bytes) {
                    out.bytes = std::move(*bytes);
                    out.binary_tag = true;
                } else {
                    bad(sub + ".base64_string", "`base64_string` is not base64");
                }
            } else if (str != b.end()) {
                out.bytes = doc_body_text(*str);
            } else {
                bad(sub, "a body needs `string` or `base64_string`");
            }
            if (auto e = b.find("encoding"); e != b.end()) extra.push_back(ExtraField{"body.encoding", e->dump(), {}});
            doc_keep_unknown(b, {"string", "base64_string", "encoding"}, extra, "body");
        };

        if (auto rq = it.find("request"); rq == it.end() || !rq->is_object()) {
            bad(rq == it.end() ? "" : ".request", "an interaction needs a `request` object");
        } else {
            Request& r = ix.request;
            r.pos = doc.at(at + ".request");
            const DocJson& q = *rq;
            if (auto u = q.find("uri"); u != q.end() && u->is_string())
                r.url = u->get<std::string>();
            else
                bad(".request", "the request has no `uri` string");
            if (auto m = q.find("method"); m != q.end() && m->is_string())
                r.method = m->get<std::string>();
            else
                bad(".request", "the request has no `method` string");
            if (auto h = q.find("headers"); h != q.end()) doc_headers(*h, r.headers, at + ".request.headers", bad);
            if (auto b = q.find("body"); b != q.end()) body(*b, r.body, r.extra, ".request.body", false);
            doc_keep_unknown(q, {"uri", "method", "headers", "body"}, r.extra);
        }

        if (auto rs = it.find("response"); rs == it.end() || !rs->is_object()) {
            bad(rs == it.end() ? "" : ".response", "an interaction needs a `response` object");
        } else {
            Response& r = ix.response;
            r.pos = doc.at(at + ".response");
            const DocJson& p = *rs;
            if (auto s = p.find("status"); s != p.end()) {
                r.code_pos = doc.at(at + ".response.status");
                auto code = s->is_object() && s->contains("code") ? doc_integer((*s)["code"]) : doc_integer(*s);
                std::optional<std::string> message;
                if (s->is_object() && s->contains("message") && (*s)["message"].is_string())
                    message = (*s)["message"].get<std::string>();
                if (code)
                    doc_set_status(r, *code, message);
                else
                    bad(".response.status", "`status` must be {code, message} with an integer code");
            } else if (auto sc = p.find("status_code"); sc != p.end()) {  // before Betamax 0.4
                r.code_pos = doc.at(at + ".response.status_code");
                if (auto code = doc_integer(*sc))
                    doc_set_status(r, *code);
                else
                    bad(".response.status_code", "`status_code` must be an integer");
            } else {
                bad(".response", "the response has no `status`");
            }
            if (auto h = p.find("headers"); h != p.end()) doc_headers(*h, r.headers, at + ".response.headers", bad);
            if (auto b = p.find("body"); b != p.end()) body(*b, r.body, r.extra, ".response.body", true);
            doc_keep_unknown(p, {"status", "status_code", "headers", "body"}, r.extra);
        }
        sink(std::move(ix));
    }
    return c;
}

}  // namespace cassette
