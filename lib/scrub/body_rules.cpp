// Rules::body: a whole HTTP body as stored. The body is opened the way
// decode_body opens it (compression by the bytes, then JSON, SSE, NDJSON,
// AWS event stream, form, text, by header and by the bytes), the secrets are
// replaced inside, and it is closed again the same way: same compression,
// same SSE framing, event-stream messages re-framed with their lengths and
// CRCs. Only the pieces that hold a secret change; an unchanged body comes
// back unchanged (changed = false), never re-encoded.
//
// Where the bytes cannot be rewritten (a corrupt gzip stream, bytes past an
// event-stream framing error, a key inside non-ASCII binary) nothing is
// changed there and the secrets found in the readable part are named in
// `unscrubbable`: a body is scrubbed whole or left as recorded, never half.
#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include <zlib.h>

#include "decode/base64.hpp"
#include "decode/body.hpp"
#include "decode/compress.hpp"
#include "decode/encoding.hpp"
#include "decode/eventstream.hpp"
#include "limits.hpp"
#include "scrub/doc_tree.hpp"
#include "scrub/rules.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

namespace cassette::scrub {

namespace {

// One decoded text after scrubbing.
struct Opened {
    std::string layers;           // "SSE", "event stream, base64 chunk" …
    std::vector<TextEdit> found;  // what was replaced; offsets into the decoded text
    bool changed = false;
    std::string out;  // the new decoded text, when changed
    std::vector<std::string> unscrubbable;
    size_t unremoved = 0;  // secrets seen but left in place (counted in `unscrubbable`)
    std::vector<std::string> unremoved_kinds;
};

// "1 secret (OpenAI API key)", "3 secrets (JWT, OpenAI API key)".
std::string count_secrets(size_t n, const std::vector<std::string>& kinds) {
    std::string s = std::to_string(n) + (n == 1 ? " secret" : " secrets");
    std::set<std::string> unique(kinds.begin(), kinds.end());
    unique.erase("");
    if (!unique.empty()) {
        s += " (";
        bool first = true;
        for (const auto& k : unique) {
            if (!first) s += ", ";
            s += k;
            first = false;
        }
        s += ")";
    }
    return s;
}

void note_unremoved(Opened& o, const std::vector<TextEdit>& edits) {
    o.unremoved += edits.size();
    for (const auto& e : edits) o.unremoved_kinds.push_back(e.what);
}

// Sets each edit's line (1-based, LF line ends) from its offset in `text`.
void set_lines(std::string_view text, std::vector<TextEdit>& edits) {
    std::vector<size_t> order(edits.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return edits[a].offset < edits[b].offset; });
    size_t line = 1, at = 0;
    for (size_t i : order) {
        size_t to = std::min(edits[i].offset, text.size());
        if (to > at)
            line += static_cast<size_t>(
                std::count(text.begin() + static_cast<ptrdiff_t>(at), text.begin() + static_cast<ptrdiff_t>(to), '\n'));
        at = std::max(at, to);
        edits[i].line = line;
    }
}

void shift(std::vector<TextEdit>& edits, size_t by, size_t line = 0) {
    for (auto& e : edits) {
        e.offset += by;
        e.line = line;
    }
}

Opened with_edits(std::string_view text, std::vector<TextEdit> edits, std::string layer, bool count_lines = true) {
    Opened o;
    o.layers = std::move(layer);
    if (edits.empty()) return o;
    if (count_lines) set_lines(text, edits);
    o.out = apply_edits(text, edits);
    o.changed = true;
    o.found = std::move(edits);
    return o;
}

bool plain_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Bytes that are not text: key shapes are ASCII, so text() still finds them,
// but only a match made of ASCII bytes is replaced; anything else would cut
// into bytes we cannot read.
Opened binary(const Rules& rules, std::string_view bytes, std::string layer) {
    std::vector<TextEdit> keep, left;
    for (auto& e : rules.text(bytes)) {
        if (e.offset + e.length <= bytes.size() && plain_ascii(bytes.substr(e.offset, e.length)))
            keep.push_back(std::move(e));
        else
            left.push_back(std::move(e));
    }
    Opened o = with_edits(bytes, std::move(keep), std::move(layer), false);
    if (!left.empty()) {
        note_unremoved(o, left);
        o.unscrubbable.push_back("binary body: " + count_secrets(left.size(), o.unremoved_kinds) +
                                 " not in plain ASCII bytes cannot be removed");
    }
    return o;
}

// Text, or binary when it is not UTF-8 or holds a NUL (as decode_body decides).
Opened text_or_binary(const Rules& rules, std::string_view text) {
    if (is_valid_utf8(text) && text.find('\0') == std::string_view::npos)
        return with_edits(text, rules.text(text), "text");
    return binary(rules, text, "binary");
}

// Edits on one piece of a line-based stream: JSON when it is JSON, else text.
// Only an object or array is tried as JSON: a bare JSON scalar holds nothing
// text() would not find, and plain-text data lines need no parse.
std::vector<TextEdit> json_or_text(const Rules& rules, std::string_view piece) {
    std::string_view t = trim(piece);
    if (!t.empty() && (t.front() == '{' || t.front() == '['))
        if (auto e = rules.json_text(piece)) return std::move(*e);
    return rules.text(piece);
}

// SSE, line by line: the value of a `data:` field as JSON (most LLM streams)
// or text; every other line (event, id, comments) as text. Line ends (CR, LF,
// CRLF), blank lines and field names are not touched.
Opened sse(const Rules& rules, std::string_view text) {
    std::vector<TextEdit> all;
    size_t pos = 0, line_no = 0;
    while (pos < text.size()) {
        size_t end = text.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        ++line_no;
        if (!line.empty()) {
            std::vector<TextEdit> edits;
            size_t at = 0;
            if (starts_with(line, "data:")) {
                at = line.size() > 5 && line[5] == ' ' ? 6 : 5;
                edits = json_or_text(rules, line.substr(at));
            } else {
                edits = rules.text(line);
            }
            shift(edits, pos + at, line_no);
            for (auto& e : edits) all.push_back(std::move(e));
        }
        pos = end;
        if (pos < text.size() && text[pos] == '\r') ++pos;
        if (pos < text.size() && text[pos] == '\n' && (pos == end || pos == end + 1)) ++pos;
    }
    return with_edits(text, std::move(all), "SSE", false);
}

// NDJSON, one JSON document per line. `strict` (no header said NDJSON):
// every non-blank line must be JSON, else nullopt and the body is something else.
std::optional<Opened> ndjson(const Rules& rules, std::string_view text, bool strict) {
    std::vector<TextEdit> all;
    size_t pos = 0, line_no = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        ++line_no;
        std::string_view t = trim(line);
        if (!t.empty()) {
            size_t at = pos + static_cast<size_t>(t.data() - line.data());
            std::vector<TextEdit> edits;
            if (auto e = rules.json_text(t))
                edits = std::move(*e);
            else if (strict)
                return std::nullopt;
            else
                edits = rules.text(t);
            shift(edits, at, line_no);
            for (auto& e : edits) all.push_back(std::move(e));
        }
        pos = nl + 1;
    }
    return with_edits(text, std::move(all), "NDJSON", false);
}

// ---- AWS event stream ------------------------------------------------------

uint32_t be32(std::string_view s, size_t at) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data() + at);
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void put_be32(std::string& out, uint32_t v) {
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint32_t crc_of(std::string_view s) {
    return static_cast<uint32_t>(crc32_z(0L, reinterpret_cast<const Bytef*>(s.data()), s.size()));
}

struct PayloadEdits {
    std::vector<TextEdit> edits;  // applied to the payload
    std::vector<TextEdit> found;  // reported (offsets into the payload)
    std::vector<TextEdit> left;   // found where the bytes cannot be edited (non-ASCII binary, no span)
    bool chunk = false;           // a Bedrock base64 chunk was opened
};

// A Bedrock invoke-with-response-stream `chunk`: {"bytes": "<base64 of the
// model's JSON event>", "p": "<padding>"}. The inner JSON is scrubbed and
// base64-encoded again in place of the old string; the report gives the
// span of that string, the only place the secret shows in the body.
std::optional<PayloadEdits> bedrock_chunk(const Rules& rules, std::string_view payload) {
    auto j = parse_json(payload);
    if (!j || !j->is_object()) return std::nullopt;
    auto it = j->find("bytes");
    if (it == j->end() || !it->is_string()) return std::nullopt;
    auto inner = base64_decode(it->get_ref<const std::string&>());
    if (!inner) return std::nullopt;
    PayloadEdits pe;
    pe.chunk = true;
    std::vector<TextEdit> in_edits = json_or_text(rules, *inner);
    // Whatever else the wrapper holds; the base64 text itself is left to the inner pass.
    std::vector<TextEdit> outer = rules.json_text(payload).value_or(std::vector<TextEdit>{});
    size_t b = 0, e = 0;
    if (!in_edits.empty() || !outer.empty()) {
        // Where the base64 string sits in the payload's bytes. Should the
        // span reader refuse what the JSON parser took, nothing is edited
        // and the secrets are named instead.
        const Node* n = nullptr;
        Document doc;
        try {
            doc = parse_json_document("event-stream payload", payload);
            n = doc.root.get("bytes");
        } catch (const std::exception&) {
            n = nullptr;
        }
        if (!n || n->end <= n->begin + 1 || n->end > payload.size() || payload[n->begin] != '"' ||
            payload[n->end - 1] != '"') {
            pe.left = std::move(in_edits);
            for (auto& o : outer) pe.left.push_back(std::move(o));
            return pe;
        }
        b = n->begin;
        e = n->end;
    }
    for (auto& o : outer) {
        if (o.offset + o.length <= b || o.offset >= e) {
            pe.found.push_back(o);
            pe.edits.push_back(std::move(o));
        }
    }
    if (!in_edits.empty()) {
        std::string scrubbed = apply_edits(*inner, in_edits);
        TextEdit whole;
        whole.offset = b;
        whole.length = e - b;
        whole.replacement = "\"" + base64_encode(scrubbed) + "\"";
        whole.rule = in_edits.front().rule;
        whole.what = "base64 chunk";
        pe.edits.push_back(std::move(whole));
        for (auto& ie : in_edits) {
            ie.offset = b;
            ie.length = e - b;
            ie.replacement.clear();
            pe.found.push_back(std::move(ie));
        }
    }
    return pe;
}

PayloadEdits payload_edits(const Rules& rules, const EventStreamMessage& m, std::string_view payload) {
    const std::string* type = m.header(":event-type");
    if (type && *type == "chunk")
        if (auto pe = bedrock_chunk(rules, payload)) return std::move(*pe);
    PayloadEdits pe;
    if (auto e = rules.json_text(payload)) {
        pe.edits = std::move(*e);
    } else if (is_valid_utf8(payload)) {
        pe.edits = rules.text(payload);
    } else {
        // Binary payloads: like a binary body, only ASCII matches.
        for (auto& e : rules.text(payload)) {
            if (e.offset + e.length <= payload.size() && plain_ascii(payload.substr(e.offset, e.length)))
                pe.edits.push_back(std::move(e));
            else
                pe.left.push_back(std::move(e));
        }
    }
    pe.found = pe.edits;
    return pe;
}

// Every message is scrubbed on its own; one whose payload changed is written
// anew: total length, headers length, prelude CRC, the headers byte for byte,
// the new payload, message CRC. A CRC that was already wrong in the
// recording stays as recorded (a replay fails on it either way; recomputing
// would hide the corruption). Bytes past a framing error cannot be framed,
// so they are only searched.
Opened eventstream(const Rules& rules, std::string_view text) {
    Opened o;
    o.layers = "event stream";
    EventStreamResult es = parse_eventstream(text);
    std::string out;
    size_t copied = 0;
    bool chunk = false;
    size_t end_of_good = 0;
    for (size_t i = 0; i < es.messages.size(); ++i) {
        const EventStreamMessage& m = es.messages[i];
        const uint32_t total = be32(text, m.offset);
        const uint32_t hlen = be32(text, m.offset + 4);
        end_of_good = m.offset + total;
        const size_t pay_at = m.offset + 12 + hlen;
        std::string_view payload = text.substr(pay_at, total - 16 - hlen);
        const std::string frame =
            "event-stream frame " + std::to_string(i + 1) + " (byte " + std::to_string(m.offset) + ")";

        // Headers are kept as recorded: secrets in them can only be named.
        for (const auto& h : m.headers) {
            if (h.type != 6 && h.type != 7) continue;
            auto hits = rules.text(h.value);
            if (hits.empty()) continue;
            note_unremoved(o, hits);
            o.unscrubbable.push_back(frame + " header " + h.name + ": " + count_secrets(hits.size(), {hits[0].what}) +
                                     " cannot be removed (event-stream headers are kept as recorded)");
        }

        PayloadEdits pe = payload_edits(rules, m, payload);
        chunk = chunk || pe.chunk;
        if (!pe.left.empty()) {
            note_unremoved(o, pe.left);
            o.unscrubbable.push_back(frame + ": " + count_secrets(pe.left.size(), {pe.left[0].what}) +
                                     (pe.chunk ? " in a base64 chunk that cannot be located in the payload"
                                               : " not in plain ASCII bytes of a binary payload") +
                                     " cannot be removed");
        }
        if (pe.edits.empty()) continue;
        std::string new_payload = apply_edits(payload, pe.edits);
        const uint64_t new_total = 16 + uint64_t(hlen) + new_payload.size();
        if (new_total > UINT32_MAX) {
            note_unremoved(o, pe.found);
            o.unscrubbable.push_back(frame + ": the scrubbed message would not fit a 32-bit length; " +
                                     count_secrets(pe.found.size(), {}) + " not removed");
            continue;
        }
        std::string msg;
        msg.reserve(static_cast<size_t>(new_total));
        put_be32(msg, static_cast<uint32_t>(new_total));
        put_be32(msg, hlen);
        if (m.prelude_crc_ok)
            put_be32(msg, crc_of(msg));
        else
            msg.append(text.substr(m.offset + 8, 4));
        msg.append(text.substr(m.offset + 12, hlen));
        msg += new_payload;
        if (m.message_crc_ok)
            put_be32(msg, crc_of(msg));
        else
            msg.append(text.substr(m.offset + total - 4, 4));
        // A CRC that was wrong stays wrong (validate's eventstream-crc finding
        // stays what it was); the secret itself is gone, so nothing is left
        // unscrubbed here.

        out.append(text.substr(copied, m.offset - copied));
        out += msg;
        copied = m.offset + total;
        shift(pe.found, pay_at);
        for (auto& f : pe.found) o.found.push_back(std::move(f));
    }
    if (chunk) o.layers += ", base64 chunk";
    if (es.error) {
        std::string_view rest = text.substr(end_of_good);
        auto hits = rules.text(rest);
        if (!hits.empty()) {
            note_unremoved(o, hits);
            std::vector<std::string> kinds;
            for (const auto& h : hits) kinds.push_back(h.what);
            o.unscrubbable.push_back("event stream framing breaks at byte " + std::to_string(es.error_offset) + " (" +
                                     *es.error + "): " + count_secrets(hits.size(), kinds) + " in the " +
                                     std::to_string(rest.size()) + " bytes from there cannot be removed");
        }
    }
    if (copied > 0) {
        out.append(text.substr(copied));
        o.out = std::move(out);
        o.changed = true;
    }
    return o;
}

// ---- Classification ----------------------------------------------------------

// A body with no Content-Type that is one run of `name=value` pairs joined
// by `&` (a nock request body, recorded without its headers, is often an
// OAuth form like this): its credential fields are scrubbed as a form's.
bool looks_like_form(std::string_view text) {
    if (text.find('=') == std::string_view::npos) return false;
    size_t start = 0;
    while (true) {
        size_t amp = text.find('&', start);
        std::string_view pair =
            text.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
        size_t eq = pair.find('=');
        if (eq == 0 || eq == std::string_view::npos) return false;
        for (char c : pair.substr(0, eq))
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '%' ||
                  c == '[' || c == ']'))
                return false;
        for (char c : pair.substr(eq + 1))
            if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '{' || c == '}') return false;
        if (amp == std::string_view::npos) return true;
        start = amp + 1;
    }
}

// The same decisions as decode_body, in the same order.
Opened open_text(const Rules& rules, std::string_view text, const Headers& headers) {
    if (text.empty()) return Opened{};
    const std::string mt = media_type(headers.first("Content-Type"));
    if (looks_like_eventstream(text)) return eventstream(rules, text);
    if (mt == "application/x-ndjson" || mt == "application/ndjson" || mt == "application/jsonl")
        return *ndjson(rules, text, false);
    if (auto e = rules.json_text(text)) return with_edits(text, std::move(*e), "JSON");
    // A header claiming an event stream over bytes whose first prelude is
    // broken: still framed by its lengths, so never edited as text.
    if (mt == "application/vnd.amazon.eventstream") return eventstream(rules, text);
    if (mt == "text/event-stream" || looks_like_sse(text)) return sse(rules, text);
    if (looks_like_ndjson(text))
        if (auto o = ndjson(rules, text, true)) return std::move(*o);
    if (mt == "application/x-www-form-urlencoded" || (mt.empty() && looks_like_form(text)))
        return with_edits(text, rules.form(text), "form");
    return text_or_binary(rules, text);
}

}  // namespace

BodyResult Rules::body(std::string_view bytes, const Headers& headers) const {
    BodyResult r;
    if (bytes.empty()) return r;
    const Compression c = sniff_compression(bytes, headers.first("Content-Encoding"));
    if (c == Compression::none) {
        Opened o = open_text(*this, bytes, headers);
        r.layers = std::move(o.layers);
        r.found = std::move(o.found);
        r.unscrubbable = std::move(o.unscrubbable);
        if (o.changed) {
            r.changed = true;
            r.bytes = std::move(o.out);
        }
        return r;
    }

    const std::string name = compression_name(c);
    Decompressed d = decompress(bytes, c, limits().body_bytes);
    Opened o = open_text(*this, d.bytes, headers);
    r.layers = name +
               (d.ok           ? ""
                : d.over_limit ? " (past the body limit)"
                               : " (corrupt)") +
               (o.layers.empty() ? "" : ", " + o.layers);
    if (!d.ok) {
        // Nothing can be re-encoded from a stream we could not read to its
        // end: the bytes stay as recorded, and what the readable part holds
        // is named.
        const size_t n = o.found.size() + o.unremoved;
        std::vector<std::string> kinds = o.unremoved_kinds;
        for (const auto& f : o.found) kinds.push_back(f.what);
        if (d.over_limit)
            r.unscrubbable.push_back(name + " body is larger than the body limit (" + d.error + "): not scrubbed; " +
                                     count_secrets(n, kinds) + " in its first " + std::to_string(d.bytes.size()) +
                                     " bytes");
        else if (n > 0)
            r.unscrubbable.push_back(name + " stream is corrupt (" + d.error + "): " + count_secrets(n, kinds) +
                                     " in its readable part cannot be removed");
        return r;
    }
    r.unscrubbable = std::move(o.unscrubbable);
    if (!o.changed) {
        r.found = std::move(o.found);
        return r;
    }
    // Same encoding as recorded, checked by decoding it back: a body that
    // would not round-trip is left alone rather than written half-right.
    std::string z;
    try {
        z = compress(o.out, c, bytes);
    } catch (const std::exception& e) {
        r.unscrubbable.push_back("cannot re-encode the " + name + " body (" + e.what() +
                                 "): " + count_secrets(o.found.size(), {}) + " not removed");
        return r;
    }
    Decompressed back = decompress(z, c, std::max<size_t>(o.out.size(), 1));
    if (!back.ok || back.bytes != o.out) {
        r.unscrubbable.push_back("the re-encoded " + name + " body does not decode to the scrubbed text: " +
                                 count_secrets(o.found.size(), {}) + " not removed");
        return r;
    }
    r.found = std::move(o.found);
    r.changed = true;
    r.bytes = std::move(z);
    return r;
}

}  // namespace cassette::scrub
