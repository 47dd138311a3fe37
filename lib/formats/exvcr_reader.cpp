// ExVCR (Elixir) cassettes: a JSON array of {request, response}, as
// ExVCR.JSON.save writes it through JSX (pretty-printed).
//
// request: method (lower case; absent in hand-written "custom cassettes",
// which match any method), url (the whole URL; a custom cassette may give a
// regex literal `~r/…/`), headers (an object, or [] when there are none),
// body (a string; Hackney multipart bodies are the Elixir `inspect` text of
// the term, not bytes), options (adapter options) and the legacy
// request_body.
//
// response: status_code (an integer; null on transport errors; :httpc's
// ["HTTP/1.1", 200, "OK"]), headers, body, type ("ok" | "error") and
// binary. ExVCR writes a body that is not valid UTF-8 as base64 of
// :erlang.term_to_binary(body) with `binary: true` (ExVCR.JSON
// encode_binary_data); here that term is undone to the bytes it wraps. With
// `type: "error"` the body is the printed error term (a string, or a JSON
// list for ibrowse).
#include "error.hpp"
#include "decode/base64.hpp"
#include "formats/doc_reader.hpp"
#include "formats/sniff.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

uint32_t be32(std::string_view s, size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

}  // namespace

std::optional<std::string> erlang_term_bytes(std::string_view t, std::string& why) {
    // External term format: version byte 131, then the term's tag.
    if (t.size() < 2 || static_cast<unsigned char>(t[0]) != 131) {
        why = "not an Erlang external term (it does not start with byte 131)";
        return std::nullopt;
    }
    unsigned char tag = static_cast<unsigned char>(t[1]);
    switch (tag) {
        case 109: {  // BINARY_EXT: Len (4 bytes, big-endian), Data
            if (t.size() < 6) break;
            uint32_t n = be32(t, 2);
            if (t.size() - 6 != n) {
                why =
                    "the Erlang binary says " + std::to_string(n) + " bytes but holds " + std::to_string(t.size() - 6);
                return std::nullopt;
            }
            return std::string(t.substr(6));
        }
        case 77: {  // BIT_BINARY_EXT: Len, Bits (used bits of the last byte), Data
            if (t.size() < 7) break;
            uint32_t n = be32(t, 2);
            if (t.size() - 7 != n) break;
            return std::string(t.substr(7));
        }
        case 107: {  // STRING_EXT: a list of bytes, Len (2 bytes), Data
            if (t.size() < 4) break;
            size_t n = (static_cast<size_t>(static_cast<unsigned char>(t[2])) << 8) | static_cast<unsigned char>(t[3]);
            if (t.size() - 4 != n) break;
            return std::string(t.substr(4));
        }
        case 106:  // NIL_EXT: []
            if (t.size() == 2) return std::string();
            break;
        default: why = "the Erlang term is not a binary (tag " + std::to_string(tag) + ")"; return std::nullopt;
    }
    why = "the Erlang term is cut short or has bytes after its end";
    return std::nullopt;
}

bool exvcr_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (s.substr(0, 1) != "[") return false;
    std::string_view rest = skip_ws(s.substr(1));
    if (rest.substr(0, 1) == "]") return true;  // ExVCR's empty cassette is `[]`
    if (rest.substr(0, 1) != "{" || head.find("\"scope\"") != std::string_view::npos) return false;
    // ExVCR.Response always has status_code; requests have request_body/options.
    return head.find("\"request\"") != std::string_view::npos &&
           (head.find("\"status_code\"") != std::string_view::npos ||
            head.find("\"request_body\"") != std::string_view::npos);
}

Cassette exvcr_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                    const ReadOptions& opts) {
    Cassette c;
    c.path = name;
    c.format = "exvcr";
    Doc doc(text, name, DocSyntax::json, opts);
    DocProblems problem(c, doc);
    if (!doc.root.is_array())
        throw InputError(name, doc.at("$"), "not an ExVCR cassette: expected a JSON array of recordings", "", "schema");
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
            bad("",
                std::string("a recording must be an object with `request` and `response`, found ") + rec.type_name());
            sink(std::move(ix));
            continue;
        }
        doc_keep_unknown(rec, {"request", "response"}, ix.extra);

        // ---- request
        auto rq = rec.find("request");
        if (rq == rec.end() || !rq->is_object()) {
            bad(rq == rec.end() ? "" : ".request", "a recording needs a `request` object");
        } else {
            const DocJson& q = *rq;
            Request& r = ix.request;
            r.pos = doc.at(at + ".request");
            if (auto u = q.find("url"); u != q.end() && u->is_string()) {
                r.url = u->get<std::string>();
                // A custom cassette's `~r/…/` is a pattern the request URL must match.
                if (starts_with(r.url, "~r/")) r.extra.push_back(ExtraField{"url_pattern", "true", {}});
            } else {
                bad(".request", "the request has no `url` string");
            }
            if (auto m = q.find("method"); m != q.end()) {
                if (m->is_string()) {
                    r.method = m->get<std::string>();
                    for (char& ch : r.method) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
                } else if (!m->is_null()) {
                    bad(".request.method", std::string("`method` must be a string, found ") + m->type_name());
                }
            }
            if (auto h = q.find("headers"); h != q.end()) doc_headers(*h, r.headers, at + ".request.headers", bad);
            // ExVCR replays `body`; `request_body` is what older versions filled instead.
            auto b = q.find("body");
            auto legacy = q.find("request_body");
            if (b != q.end() && !(b->is_string() && b->get<std::string>().empty() && legacy != q.end() &&
                                  legacy->is_string() && !legacy->get<std::string>().empty())) {
                r.body.present = true;
                r.body.bytes = doc_body_text(*b);
            } else if (legacy != q.end() && legacy->is_string()) {
                r.body.present = true;
                r.body.bytes = legacy->get<std::string>();
            }
            doc_keep_unknown(q, {"url", "method", "headers", "body"}, r.extra);
        }

        // ---- response
        auto rs = rec.find("response");
        if (rs == rec.end() || !rs->is_object()) {
            bad(rs == rec.end() ? "" : ".response", "a recording needs a `response` object");
            sink(std::move(ix));
            continue;
        }
        const DocJson& p = *rs;
        Response& r = ix.response;
        r.pos = doc.at(at + ".response");
        if (auto s = p.find("status_code"); s != p.end()) {
            r.code_pos = doc.at(at + ".response.status_code");
            if (s->is_number_integer()) {
                doc_set_status(r, s->get<int64_t>());
            } else if (s->is_array() && s->size() == 3 && (*s)[1].is_number_integer()) {
                // :httpc's {HttpVersion, Code, Reason}
                if ((*s)[0].is_string()) set_proto((*s)[0].get<std::string>(), r.proto, r.proto_major, r.proto_minor);
                doc_set_status(
                    r, (*s)[1].get<int64_t>(),
                    (*s)[2].is_string() ? std::optional<std::string>((*s)[2].get<std::string>()) : std::nullopt);
            } else if (!s->is_null()) {
                bad(".response.status_code", "`status_code` must be an integer, null or [version, code, reason]");
            }
        }
        std::string type = "ok";
        if (auto t = p.find("type"); t != p.end() && t->is_string()) type = t->get<std::string>();
        if (type == "ok" && p.contains("status_code") && p["status_code"].is_null())
            bad(".response.status_code", "a response of type ok has no status code");
        // A transport error: no HTTP response, the body says what failed.
        if (type == "error" && !r.code) r.status = "error: no response";
        if (auto h = p.find("headers"); h != p.end()) doc_headers(*h, r.headers, at + ".response.headers", bad);
        bool binary = false;
        if (auto bin = p.find("binary"); bin != p.end()) {
            if (bin->is_boolean())
                binary = bin->get<bool>();
            else if (!bin->is_null())
                bad(".response.binary", "`binary` must be true or false");
        }
        if (auto b = p.find("body"); b != p.end()) {
            r.body.present = true;
            r.body.pos = doc.at(at + ".response.body");
            if (binary && b->is_string()) {
                std::string why;
                auto raw = base64_decode(b->get<std::string>());
                auto bytes = raw ? erlang_term_bytes(*raw, why) : std::nullopt;
                if (!raw) why = "it is not base64";
                if (bytes) {
                    r.body.bytes = std::move(*bytes);
                    r.body.binary_tag = true;
                } else {
                    bad(".response.body", "`binary: true` body cannot be read: " + why);
                    r.body.bytes = b->get<std::string>();
                }
            } else {
                r.body.bytes = doc_body_text(*b);
            }
        }
        doc_keep_unknown(p, {"status_code", "headers", "body", "binary"}, r.extra);
        sink(std::move(ix));
    }
    return c;
}

}  // namespace cassette
