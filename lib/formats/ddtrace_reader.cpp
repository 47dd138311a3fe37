// Single-interaction JSON recordings as dd-trace-py's test agent
// (ddapm-test-agent's VCR proxy) writes them: one exchange per file,
// {"request": {method, url, headers, body}, "response": {"status": {code,
// message}, headers, body}}, named <provider>_<path>_<method>_<hash>.json.
//
// Headers are maps of strings. Bodies are strings: the agent stores the
// body requests decoded (`response.content`), so a JSON or SSE body is text
// even where the recorded headers still say `Content-Encoding: gzip` (on
// replay the agent drops Content-Encoding, Content-Length, Transfer-Encoding
// and Connection); the body decoder goes by the bytes and reads that text as
// text. A body that was not text is written `base64:<base64>`.
#include "error.hpp"
#include "decode/base64.hpp"
#include "formats/doc_reader.hpp"
#include "formats/sniff.hpp"
#include "util/text.hpp"

namespace cassette {

bool ddtrace_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (!doc_first_key_is(s, "request", false)) return false;
    return head.find("\"response\"") != std::string_view::npos;
}

Cassette ddtrace_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                      const ReadOptions& opts) {
    Cassette c;
    c.path = name;
    c.format = "dd-trace";
    Doc doc(text, name, DocSyntax::json, opts);
    DocProblems problem(c, doc);
    const DocJson& root = doc.root;
    if (!root.is_object() || !root.contains("request") || !root.contains("response"))
        throw InputError(name, doc.at("$"), "not a single-interaction recording: expected {\"request\", \"response\"}",
                         "", "schema");
    c.interaction_count = 1;
    if (opts.on_header) opts.on_header(c);
    Interaction ix;
    ix.index = 0;
    ix.pos = doc.at("$");
    auto bad = [&](const std::string& sub, const std::string& m) { problem(0, "$" + sub, m); };
    doc_keep_unknown(root, {"request", "response"}, ix.extra);
    auto body = [&](const DocJson& side, Body& out, const std::string& sub) {
        auto b = side.find("body");
        if (b == side.end()) return;
        out.present = true;
        out.pos = doc.at("$" + sub + ".body");
        if (b->is_string() && starts_with(b->get_ref<const std::string&>(), "base64:")) {
            if (auto bytes = base64_decode(std::string_view(b->get_ref<const std::string&>()).substr(7))) {
                out.bytes = std::move(*bytes);
                out.binary_tag = true;
                return;
            }
            bad(sub + ".body", "a `base64:` body is not base64");
        } else if (!b->is_string() && !b->is_null()) {
            bad(sub + ".body", std::string("a body must be a string, found ") + b->type_name());
        }
        out.bytes = doc_body_text(*b);
    };
    const DocJson& q = root["request"];
    if (!q.is_object()) {
        bad(".request", "`request` must be an object");
    } else {
        Request& r = ix.request;
        r.pos = doc.at("$.request");
        if (auto m = q.find("method"); m != q.end() && m->is_string())
            r.method = m->get<std::string>();
        else
            bad(".request", "the request has no `method` string");
        if (auto u = q.find("url"); u != q.end() && u->is_string())
            r.url = u->get<std::string>();
        else
            bad(".request", "the request has no `url` string");
        if (auto h = q.find("headers"); h != q.end()) doc_headers(*h, r.headers, "$.request.headers", bad);
        body(q, r.body, ".request");
        doc_keep_unknown(q, {"method", "url", "headers", "body"}, r.extra);
    }
    const DocJson& p = root["response"];
    if (!p.is_object()) {
        bad(".response", "`response` must be an object");
    } else {
        Response& r = ix.response;
        r.pos = doc.at("$.response");
        if (auto s = p.find("status"); s != p.end()) {
            r.code_pos = doc.at("$.response.status");
            auto code = s->is_object() && s->contains("code") ? doc_integer((*s)["code"]) : doc_integer(*s);
            std::optional<std::string> message;
            if (s->is_object() && s->contains("message") && (*s)["message"].is_string())
                message = (*s)["message"].get<std::string>();
            if (code)
                doc_set_status(r, *code, message);
            else
                bad(".response.status", "`status` must be {code, message} with an integer code");
        } else {
            bad(".response", "the response has no `status`");
        }
        if (auto h = p.find("headers"); h != p.end()) doc_headers(*h, r.headers, "$.response.headers", bad);
        body(p, r.body, ".response");
        doc_keep_unknown(p, {"status", "headers", "body"}, r.extra);
    }
    sink(std::move(ix));
    return c;
}

}  // namespace cassette
