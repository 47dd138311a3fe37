// talkback (Node) tapes: one interaction per file, in JSON5, as talkback's
// TapeRenderer writes it: {meta, req, res}.
//
// meta: createdAt, host (the URL's origin; req.url is the path and query),
// reqHumanReadable / resHumanReadable, reqUncompressed / resUncompressed,
// and options such as tag, latency, errorRate. A side's body is read as
// TapeRenderer.prepareBody does: when the side is human-readable and either
// has no content encoding (absent or `identity`) or was stored uncompressed,
// the body is its text, or for a JSON value JSON.stringify(value, null, 2);
// otherwise it is base64 of the raw bytes (compressed bodies stay
// compressed). Like talkback, a Content-Length header of a body served as
// text is the length of that text. A body stored uncompressed keeps its Content-Encoding header,
// as talkback does (it compresses again on replay); the body decoder goes by
// the bytes, so the text is read as text.
#include "error.hpp"
#include "decode/base64.hpp"
#include "formats/doc_reader.hpp"
#include "formats/sniff.hpp"
#include "util/text.hpp"

namespace cassette {

bool talkback_sniff(std::string_view head) {
    std::string_view s = doc_skip_blank(head, true);
    return doc_first_key_is(s, "meta", true);
}

Cassette talkback_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                       const ReadOptions& opts) {
    Cassette c;
    c.path = name;
    c.format = "talkback";
    Doc doc(text, name, DocSyntax::json5, opts);
    DocProblems problem(c, doc);
    const DocJson& root = doc.root;
    if (!root.is_object() || !root.contains("req") || !root.contains("res"))
        throw InputError(name, doc.at("$"), "not a talkback tape: expected an object with `meta`, `req` and `res`", "",
                         "schema");
    c.interaction_count = 1;
    if (opts.on_header) opts.on_header(c);
    Interaction ix;
    ix.index = 0;
    ix.pos = doc.at("$");
    auto bad = [&](const std::string& sub, const std::string& m) { problem(0, "$" + sub, m); };
    const DocJson empty = DocJson::object();
    const DocJson& meta = root.contains("meta") && root["meta"].is_object() ? root["meta"] : empty;
    if (!root.contains("meta"))
        bad("", "the tape has no `meta`");
    else if (!root["meta"].is_object())
        bad(".meta", "`meta` must be an object");
    for (auto it = meta.begin(); it != meta.end(); ++it)
        ix.extra.push_back(ExtraField{"meta." + it.key(), it.value().dump(), {}});
    doc_keep_unknown(root, {"meta", "req", "res"}, ix.extra);
    auto flag = [&](const std::string& key) {
        auto it = meta.find(key);
        return it != meta.end() && it->is_boolean() && it->get<bool>();
    };

    auto body = [&](const DocJson& side, Headers& headers, Body& out, const std::string& prefix) {
        auto b = side.find("body");
        if (b == side.end()) return;
        out.present = true;
        out.pos = doc.at("$." + prefix + ".body");
        const std::string* ce = headers.first("content-encoding");
        bool plain = !ce || ce->empty() || iequals(*ce, "identity");
        if (flag(prefix + "HumanReadable") && (plain || flag(prefix + "Uncompressed"))) {
            if (b->is_string())
                out.bytes = b->get<std::string>();
            else if (b->is_null())
                out.bytes.clear();
            else
                out.bytes = b->dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
            // talkback rewrites a recorded Content-Length to the length of the text it serves.
            for (auto& h : headers.items)
                if (iequals(h.name, "content-length") && !h.values.empty())
                    h.values = {std::to_string(out.bytes.size())};
            return;
        }
        if (!b->is_string()) {
            bad("." + prefix + ".body", "a body that is not human-readable must be a base64 string");
            out.bytes = doc_body_text(*b);
            return;
        }
        if (auto bytes = base64_decode(b->get<std::string>())) {
            out.bytes = std::move(*bytes);
            out.binary_tag = !out.bytes.empty();
        } else {
            bad("." + prefix + ".body", "the body is not human-readable, so it must be base64, and is not");
            out.bytes = b->get<std::string>();
        }
    };

    const DocJson& q = root["req"];
    if (!q.is_object()) {
        bad(".req", "`req` must be an object");
    } else {
        Request& r = ix.request;
        r.pos = doc.at("$.req");
        std::string host;
        if (auto h = meta.find("host"); h != meta.end() && h->is_string()) host = h->get<std::string>();
        if (auto u = q.find("url"); u != q.end() && u->is_string()) {
            std::string path = u->get<std::string>();
            r.url = path.find("://") != std::string::npos ? path : host + path;
        } else {
            bad(".req", "the request has no `url` string");
        }
        if (auto m = q.find("method"); m != q.end() && m->is_string())
            r.method = m->get<std::string>();
        else
            bad(".req", "the request has no `method` string");
        if (auto h = q.find("headers"); h != q.end()) doc_headers(*h, r.headers, "$.req.headers", bad);
        body(q, r.headers, r.body, "req");
        doc_keep_unknown(q, {"url", "method", "headers", "body"}, r.extra);
    }
    const DocJson& p = root["res"];
    if (!p.is_object()) {
        bad(".res", "`res` must be an object");
    } else {
        Response& r = ix.response;
        r.pos = doc.at("$.res");
        if (auto s = p.find("status"); s != p.end()) {
            r.code_pos = doc.at("$.res.status");
            if (auto code = doc_integer(*s))
                doc_set_status(r, *code);
            else
                bad(".res.status", "`status` must be an integer");
        } else {
            bad(".res", "the response has no `status`");
        }
        if (auto h = p.find("headers"); h != p.end()) doc_headers(*h, r.headers, "$.res.headers", bad);
        body(p, r.headers, r.body, "res");
        doc_keep_unknown(p, {"status", "headers", "body"}, r.extra);
    }
    sink(std::move(ix));
    return c;
}

}  // namespace cassette
