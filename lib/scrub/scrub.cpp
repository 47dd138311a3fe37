// The per-format half of scrub: where each recorder keeps header values,
// URLs, bodies and the lengths that describe them, as roles over a document
// tree with byte spans (scrub/doc_tree.hpp). The rules decide what is a
// secret; the patcher splices the new values in. httprr traces are not YAML
// or JSON and are rewritten record by record.
#include "scrub/scrub.hpp"

#include "formats/sniff.hpp"

#include <charconv>
#include <set>

#include "decode/base64.hpp"
#include "decode/compress.hpp"
#include "decode/encoding.hpp"
#include "error.hpp"
#include "reader.hpp"
#include "scrub/doc_tree.hpp"
#include "scrub/patch.hpp"
#include "scrub/rules.hpp"
#include "secrets.hpp"
#include "util/http.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace cassette::scrub {

namespace {

const char* const kBinaryTag = "tag:yaml.org,2002:binary";

bool is_base64_tag(const Node& n) { return n.tag == kBinaryTag || n.tag == "!binary" || n.tag == "!!binary"; }

std::optional<int64_t> as_int(std::string_view s) {
    s = trim(s);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// The scalars of a header value: a scalar, or a sequence of scalars.
std::vector<const Node*> scalars_of(const Node& v) {
    std::vector<const Node*> out;
    if (v.is_scalar()) out.push_back(&v);
    if (v.is_sequence())
        for (const Node& item : v.items)
            if (item.is_scalar()) out.push_back(&item);
    return out;
}

bool is_null(const Node& n) {
    return n.is_scalar() && !n.json_string && n.style == ScalarStyle::plain &&
           (n.value.empty() || n.value == "null" || n.value == "~" || n.value == "Null" || n.value == "NULL");
}

// "request header Authorization" and the rule's own name for what it took
// ("OpenAI API key", "query parameter key"), without saying a name twice.
std::string where_of(const std::string& where, const std::string& what) {
    if (where.empty()) return what;
    if (what.empty()) return where;
    // "Authorization access key id" after "… header Authorization": the rest only.
    const std::string_view first = std::string_view(what).substr(0, what.find(' '));
    if (where.size() >= first.size() && iequals(std::string_view(where).substr(where.size() - first.size()), first))
        return where + what.substr(first.size());
    return where + ": " + what;
}

// One header as the tree holds it: its name and the scalar nodes of its values.
struct HeaderRef {
    std::string name;
    std::vector<const Node*> values;
};

Headers to_headers(const std::vector<HeaderRef>& refs) {
    Headers h;
    for (const HeaderRef& r : refs) {
        Header item;
        item.name = r.name;
        for (const Node* v : r.values) item.values.push_back(v->value);
        h.items.push_back(std::move(item));
    }
    return h;
}

class Scrubber {
public:
    Scrubber(const std::string& path, std::string_view text, const Document& doc, const Rules& rules, FileResult& out)
        : text_(text), doc_(doc), rules_(rules), patcher_(path, text, doc), out_(out) {}

    Patcher& patcher() { return patcher_; }

    // ---- value roles --------------------------------------------------------

    // Reports and applies edits of a decoded scalar value.
    void apply(const Node& n, std::vector<TextEdit> edits, const std::string& where) {
        visited_.insert(n.begin);
        if (edits.empty()) return;
        for (const TextEdit& e : edits) report(n, e, where, 0, column_of(n, e.offset));
        patcher_.edit(n, edits);
    }

    // The column of value offset `offset` when the scalar is one line of
    // text written as read (no escape before it); else the scalar's own.
    static int column_of(const Node& n, size_t offset) {
        if (n.value.find('\n') != std::string::npos || !n.tag.empty()) return n.pos.column;
        const bool quoted = n.style == ScalarStyle::single_quoted || n.style == ScalarStyle::double_quoted;
        if (n.style != ScalarStyle::plain && !quoted) return n.pos.column;
        const std::string_view before = std::string_view(n.value).substr(0, offset);
        if (before.find_first_of("\\'\"") != std::string_view::npos) return n.pos.column;
        size_t chars = 0;  // columns count characters, as the readers' do
        for (unsigned char c : before) chars += (c & 0xC0) != 0x80;
        return n.pos.column + (quoted ? 1 : 0) + static_cast<int>(chars);
    }

    void report(const Node& n, const TextEdit& e, const std::string& where, int line_offset = 0, int column = 0) {
        Scrubbed s;
        s.line = n.pos.line + line_offset;
        s.column = line_offset ? 1 : column ? column : n.pos.column;
        s.interaction = interaction_;
        s.where = where_of(where, e.what);
        s.rule = e.rule;
        s.masked = e.masked;
        out_.scrubbed.push_back(std::move(s));
    }

    void unscrubbable(const Node& n, const std::string& where, const std::string& reason) {
        out_.unscrubbable.push_back(Unscrubbable{n.pos.line, n.pos.column, interaction_, where, reason});
    }

    void header_values(const std::vector<HeaderRef>& headers, const std::string& side) {
        for (const HeaderRef& h : headers)
            for (const Node* v : h.values)
                apply(*v, rules_.header_value(h.name, v->value, starts_with(side, "response")),
                      side + " header " + h.name);
    }

    void url(const Node* n, const std::string& where) {
        if (n && n->is_scalar()) apply(*n, rules_.url(n->value), where);
    }

    // A form field as go-vcr keeps it (decoded name and value).
    void form_field(const std::string& name, const Node& v) {
        apply(v, form_value_edits(name, v.value), "request form field " + name);
    }

    std::vector<TextEdit> form_value_edits(const std::string& name, const std::string& value) {
        // The rules read form bodies as text; a decoded pair is one field of one.
        std::string encoded = percent_encode(name) + "=" + percent_encode(value);
        std::vector<TextEdit> edits = rules_.form(encoded);
        size_t value_at = percent_encode(name).size() + 1;
        bool whole = false;
        std::string rule, masked, what;
        for (const TextEdit& e : edits)
            if (e.offset >= value_at) {
                whole = true;
                rule = e.rule;
                masked = e.masked;
                what = e.what;
            }
        if (whole) {
            TextEdit e;
            e.offset = 0;
            e.length = value.size();
            e.replacement = rules_.policy().replacement;
            e.rule = rule;
            e.what = what;
            e.masked = masked;
            return {e};
        }
        return rules_.text(value);
    }

    // A body scalar holding the stored bytes (base64 when tagged binary or
    // when `base64` says so). Returns the change in byte length, or nullopt
    // when the body was left alone.
    std::optional<std::pair<int64_t, int64_t>> body(const Node* n, const Headers& headers, const std::string& side,
                                                    bool base64 = false) {
        if (!n || !n->is_scalar() || is_null(*n)) return std::nullopt;
        visited_.insert(n->begin);
        const bool b64 = base64 || is_base64_tag(*n);
        std::string bytes;
        if (b64) {
            auto decoded = base64_decode(n->value);
            if (!decoded) {
                // Not base64 after all: read as text.
                std::vector<TextEdit> edits = rules_.text(n->value);
                apply(*n, edits, side + " body");
                return std::nullopt;
            }
            bytes = std::move(*decoded);
        } else {
            bytes = n->value;
        }
        BodyResult br = rules_.body(bytes, headers);
        const std::string where = side + " body" + (br.layers.empty() ? "" : " (" + br.layers + ")");
        for (const std::string& u : br.unscrubbable) unscrubbable(*n, where, u);
        if (!br.changed) return std::nullopt;
        const int line_base = n->style == ScalarStyle::literal && !b64 ? 0 : -1;
        for (const TextEdit& e : br.found)
            report(*n, e, where, line_base == 0 && e.line > 0 ? static_cast<int>(e.line) : 0);
        if (b64) {
            patcher_.set_base64(*n, br.bytes);
        } else if (apply_edits(bytes, br.found) == br.bytes) {
            patcher_.edit(*n, br.found);  // in place: only the secrets' bytes change
        } else {
            patcher_.set(*n, br.bytes);
        }
        return std::pair<int64_t, int64_t>{static_cast<int64_t>(bytes.size()), static_cast<int64_t>(br.bytes.size())};
    }

    // A recorded length that described the old body now describes the new one.
    void length(const Node* n, std::optional<std::pair<int64_t, int64_t>> change) {
        if (!n || !n->is_scalar() || !change || change->first == change->second) return;
        visited_.insert(n->begin);
        if (as_int(n->value) == change->first) patcher_.set(*n, std::to_string(change->second));
    }

    void content_length_headers(const std::vector<HeaderRef>& headers,
                                std::optional<std::pair<int64_t, int64_t>> change) {
        for (const HeaderRef& h : headers)
            if (iequals(h.name, "Content-Length"))
                for (const Node* v : h.values) length(v, change);
    }

    // A JSON value kept as a tree (nock bodies, HAR textJSON): credential
    // keys and text in every string.
    void json_tree(const Node& n, const std::string& where, const std::string& key = {}) {
        if (n.is_scalar()) {
            if (n.json_string || !doc_.yaml) {
                if (n.json_string)
                    apply(n, rules_.json_member(key, n.value), where);
                else
                    visited_.insert(n.begin);
            }
            return;
        }
        for (const auto& [k, v] : n.members) {
            visited_.insert(k.begin);
            json_tree(v, where, k.value);
        }
        for (const Node& item : n.items) json_tree(item, where, key);
    }

    // Everything the roles did not cover: key shapes, PEM blocks and patterns
    // anywhere (an unknown field, a recorder's note, a URL kept twice).
    void sweep(const Node& n, bool is_key = false) {
        if (n.kind == Node::Kind::alias) return;
        if (n.is_scalar()) {
            if (is_key || visited_.count(n.begin)) return;
            if (!doc_.yaml && !n.json_string) return;
            if (is_base64_tag(n)) return;
            std::vector<TextEdit> edits = rules_.text(n.value);
            if (!edits.empty()) apply(n, edits, "");
            return;
        }
        for (const auto& [k, v] : n.members) {
            sweep(k, true);
            sweep(v);
        }
        for (const Node& item : n.items) sweep(item);
    }

    void set_interaction(std::optional<size_t> i) { interaction_ = i; }

    // A cookie's value, as the Cookie header rule reads `name=value`.
    std::vector<TextEdit> cookie_edits(const std::string& name, const std::string& value) {
        const size_t shift = name.size() + 1;
        std::vector<TextEdit> out;
        for (TextEdit e : rules_.header_value("Cookie", name + "=" + value)) {
            if (e.offset < shift) continue;
            e.offset -= shift;
            out.push_back(std::move(e));
        }
        return out;
    }

    // A HAR queryString value (decoded, like a form field).
    void query_value(const std::string& name, const Node& v) {
        apply(v, form_value_edits(name, v.value), "request query parameter " + name);
    }

    // nock's hex chunks: joined, scrubbed as one body, split again into as
    // many chunks as there were.
    void hex_body(const Node& list, const Headers& headers, const std::string& side,
                  const std::vector<HeaderRef>& length_headers) {
        std::string hex;
        for (const Node& item : list.items) {
            visited_.insert(item.begin);
            hex += item.value;
        }
        std::string bytes;
        bytes.reserve(hex.size() / 2);
        for (size_t i = 0; i + 1 < hex.size(); i += 2)
            bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
        BodyResult br = rules_.body(bytes, headers);
        const std::string where = side + " body" + (br.layers.empty() ? "" : " (" + br.layers + ")");
        for (const std::string& u : br.unscrubbable) unscrubbable(list, where, u);
        if (!br.changed) return;
        for (const TextEdit& e : br.found) report(list, e, where);
        static const char* digits = "0123456789abcdef";
        std::string out_hex;
        for (unsigned char c : br.bytes) {
            out_hex += digits[c >> 4];
            out_hex += digits[c & 15];
        }
        const size_t n = list.items.size();
        const size_t per = (out_hex.size() / 2 + n - 1) / n * 2;
        for (size_t i = 0; i < n; ++i) {
            size_t from = std::min(out_hex.size(), i * per);
            patcher_.set(list.items[i], out_hex.substr(from, std::min(per, out_hex.size() - from)));
        }
        content_length_headers(length_headers, std::pair<int64_t, int64_t>{static_cast<int64_t>(bytes.size()),
                                                                           static_cast<int64_t>(br.bytes.size())});
    }

    // ---- header collections -------------------------------------------------

    // {Name: [v, …]} or {Name: v} (go-vcr, VCR.py, Ruby VCR, nock reqheaders).
    std::vector<HeaderRef> header_map(const Node* n) {
        std::vector<HeaderRef> out;
        if (!n || !n->is_mapping()) return out;
        for (const auto& [k, v] : n->members) {
            if (!k.is_scalar()) continue;
            visited_.insert(k.begin);
            out.push_back(HeaderRef{k.value, scalars_of(v)});
        }
        return out;
    }

    // [{name, value}, …] (HAR).
    std::vector<HeaderRef> header_list(const Node* n) {
        std::vector<HeaderRef> out;
        if (!n || !n->is_sequence()) return out;
        for (const Node& item : n->items) {
            const Node* name = item.get("name");
            const Node* value = item.get("value");
            if (!name || !name->is_scalar() || !value) continue;
            visited_.insert(name->begin);
            out.push_back(HeaderRef{name->value, scalars_of(*value)});
        }
        return out;
    }

    // [name, value, name, value, …] (nock rawHeaders).
    std::vector<HeaderRef> header_pairs(const Node* n) {
        std::vector<HeaderRef> out;
        if (!n) return out;
        if (n->is_mapping()) return header_map(n);
        if (!n->is_sequence()) return out;
        for (size_t i = 0; i + 1 < n->items.size(); i += 2) {
            const Node& name = n->items[i];
            if (!name.is_scalar()) continue;
            visited_.insert(name.begin);
            out.push_back(HeaderRef{name.value, scalars_of(n->items[i + 1])});
        }
        return out;
    }

private:
    std::string_view text_;
    const Document& doc_;
    const Rules& rules_;
    Patcher patcher_;
    FileResult& out_;
    std::optional<size_t> interaction_;
    std::set<size_t> visited_;
};

// ---- the recorders that keep {request, response} per interaction -------------

// Calls `side_fn(name, mapping)` for the request and the response of each
// interaction of `list`, with the interaction index set for the reports.
template <class SideFn>
void for_each_side(Scrubber& s, const Node* list, SideFn side_fn) {
    if (!list || !list->is_sequence()) return;
    for (size_t i = 0; i < list->items.size(); ++i) {
        s.set_interaction(i);
        for (const char* side : {"request", "response"}) {
            const Node* r = list->items[i].get(side);
            if (r && r->is_mapping()) side_fn(std::string(side), *r);
        }
    }
    s.set_interaction(std::nullopt);
}

// ---- go-vcr -----------------------------------------------------------------

void scrub_govcr(Scrubber& s, const Node& root) {
    const Node* list = root.get("interactions");
    for_each_side(s, list, [&](const std::string& name, const Node& r) {
        std::vector<HeaderRef> headers = s.header_map(r.get("headers"));
        s.header_values(headers, name);
        s.header_values(s.header_map(r.get("trailer")), name + " trailer");
        if (name == "request") {
            s.url(r.get("url"), "request URL");
            s.url(r.get("request_uri"), "request_uri");
            if (const Node* form = r.get("form"); form && form->is_mapping())
                for (const auto& [k, v] : form->members)
                    for (const Node* val : scalars_of(v)) s.form_field(k.value, *val);
        }
        auto change = s.body(r.get("body"), to_headers(headers), name);
        s.length(r.get("content_length"), change);
        s.content_length_headers(headers, change);
    });
}

// ---- VCR.py -----------------------------------------------------------------

// VCR.py keeps a body as a scalar, or as {string: …} (responses; some
// versions for requests too).
const Node* vcrpy_body(const Node* b) {
    if (b && b->is_mapping()) return b->get("string");
    return b;
}

void scrub_vcrpy(Scrubber& s, const Node& root) {
    const Node* list = root.get("interactions");
    for_each_side(s, list, [&](const std::string& name, const Node& r) {
        std::vector<HeaderRef> headers = s.header_map(r.get("headers"));
        s.header_values(headers, name);
        if (name == "request") s.url(r.get("uri"), "request URL");
        if (name == "request") s.url(r.get("url"), "request URL");
        auto change = s.body(vcrpy_body(r.get("body")), to_headers(headers), name);
        s.content_length_headers(headers, change);
    });
}

// ---- Ruby VCR (and R vcr) -----------------------------------------------------

void scrub_rubyvcr(Scrubber& s, const Node& root) {
    const Node* list = root.get("http_interactions");
    for_each_side(s, list, [&](const std::string& name, const Node& r) {
        std::vector<HeaderRef> headers = s.header_map(r.get("headers"));
        s.header_values(headers, name);
        if (name == "request") s.url(r.get("uri"), "request URL");
        std::optional<std::pair<int64_t, int64_t>> change;
        if (const Node* b = r.get("body"); b && b->is_mapping()) {
            if (const Node* b64 = b->get("base64_string"); b64 && !is_null(*b64))
                change = s.body(b64, to_headers(headers), name, true);
            else
                change = s.body(b->get("string"), to_headers(headers), name);
        } else {
            change = s.body(b, to_headers(headers), name);
        }
        s.content_length_headers(headers, change);
    });
}

// ---- HAR (Polly) ----------------------------------------------------------------

void scrub_har(Scrubber& s, const Node& root) {
    const Node* log = root.get("log");
    const Node* list = log ? log->get("entries") : nullptr;
    for_each_side(s, list, [&](const std::string& name, const Node& r) {
        std::vector<HeaderRef> headers = s.header_list(r.get("headers"));
        s.header_values(headers, name);
        // Cookies are credentials by nature, whatever they are called.
        for (const HeaderRef& c : s.header_list(r.get("cookies")))
            for (const Node* v : c.values) s.apply(*v, s.cookie_edits(c.name, v->value), name + " cookie " + c.name);
        std::optional<std::pair<int64_t, int64_t>> change;
        if (name == "request") {
            s.url(r.get("url"), "request URL");
            if (const Node* qs = r.get("queryString"); qs && qs->is_sequence())
                for (const HeaderRef& q : s.header_list(qs))
                    for (const Node* v : q.values) s.query_value(q.name, *v);
            if (const Node* pd = r.get("postData"); pd && pd->is_mapping()) {
                change = s.body(pd->get("text"), to_headers(headers), name);
                if (const Node* params = pd->get("params"); params && params->is_sequence())
                    for (const HeaderRef& p : s.header_list(params))
                        for (const Node* v : p.values) s.form_field(p.name, *v);
            }
            s.length(r.get("bodySize"), change);
        } else {
            if (const Node* content = r.get("content"); content && content->is_mapping()) {
                const Node* enc = content->get("encoding");
                bool b64 = enc && enc->is_scalar() && iequals(enc->value, "base64");
                change = s.body(content->get("text"), to_headers(headers), name, b64);
                s.length(content->get("size"), change);
            }
            s.length(r.get("bodySize"), change);
        }
        s.content_length_headers(headers, change);
    });
}

// ---- nock -------------------------------------------------------------------------

// nock keeps a gzip body as an array of hex strings.
bool hex_chunks(const Node& n) {
    if (!n.is_sequence() || n.items.empty()) return false;
    for (const Node& item : n.items) {
        if (!item.is_scalar() || !item.json_string || item.value.size() % 2) return false;
        if (item.value.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return false;
    }
    return true;
}

void scrub_nock(Scrubber& s, const Node& root) {
    if (!root.is_sequence()) return;
    for (size_t i = 0; i < root.items.size(); ++i) {
        const Node& ix = root.items[i];
        if (!ix.is_mapping()) continue;
        s.set_interaction(i);
        std::vector<HeaderRef> req_headers = s.header_map(ix.get("reqheaders"));
        s.header_values(req_headers, "request");
        std::vector<HeaderRef> resp_headers = s.header_pairs(ix.get("rawHeaders"));
        if (const Node* h = ix.get("headers"); h && resp_headers.empty()) resp_headers = s.header_map(h);
        s.header_values(resp_headers, "response");
        if (const Node* scope = ix.get("scope")) s.url(scope, "scope");
        s.url(ix.get("path"), "request path");
        for (const char* key : {"body", "response"}) {
            const Node* b = ix.get(key);
            if (!b) continue;
            const std::string side = std::string(key) == "body" ? "request" : "response";
            const Headers headers = to_headers(side == "request" ? req_headers : resp_headers);
            if (b->is_scalar()) {
                if (b->json_string) {
                    auto change = s.body(b, headers, side);
                    if (side == "response") s.content_length_headers(resp_headers, change);
                }
            } else if (side == "response" && hex_chunks(*b)) {
                s.hex_body(*b, headers, side, resp_headers);
            } else {
                s.json_tree(*b, side + " body");
            }
        }
    }
    s.set_interaction(std::nullopt);
}

// ---- httprr -------------------------------------------------------------------------

constexpr std::string_view kHttprrMagic = "httprr trace v1\n";

class HttprrScrubber {
public:
    HttprrScrubber(std::string_view text, const Rules& rules, FileResult& out)
        : text_(text), rules_(rules), out_(out), cursor_{text} {}

    std::string run() {
        std::string result(kHttprrMagic);
        size_t pos = kHttprrMagic.size();
        size_t index = 0;
        while (pos < text_.size()) {
            size_t nl = text_.find('\n', pos);
            std::string_view lens = text_.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
            size_t sp = lens.find(' ');
            auto nreq = sp == std::string_view::npos ? std::nullopt : as_int(lens.substr(0, sp));
            auto nresp = sp == std::string_view::npos ? std::nullopt : as_int(lens.substr(sp + 1));
            const size_t start = nl == std::string_view::npos ? text_.size() : nl + 1;
            if (!nreq || !nresp || *nreq < 0 || *nresp < 0 ||
                static_cast<uint64_t>(*nreq) + static_cast<uint64_t>(*nresp) > text_.size() - start) {
                // Not a record: kept as it is; a secret in it is named, not removed.
                std::string_view rest = text_.substr(pos);
                if (!rules_.text(rest).empty())
                    out_.unscrubbable.push_back(
                        Unscrubbable{cursor_.where(pos).line, 1, index, "record " + std::to_string(index),
                                     "the record's length line is broken; what follows cannot be rewritten"});
                result.append(rest);
                break;
            }
            interaction_ = index;
            std::string_view req = text_.substr(start, static_cast<size_t>(*nreq));
            std::string_view resp = text_.substr(start + req.size(), static_cast<size_t>(*nresp));
            std::string new_req = message(req, start, true);
            std::string new_resp = message(resp, start + req.size(), false);
            if (new_req == req && new_resp == resp) {
                result.append(text_.substr(pos, start + req.size() + resp.size() - pos));
            } else {
                result += std::to_string(new_req.size()) + " " + std::to_string(new_resp.size()) + "\n";
                result += new_req;
                result += new_resp;
            }
            pos = start + req.size() + resp.size();
            ++index;
        }
        return result;
    }

private:
    void report(size_t offset, const TextEdit& e, const std::string& where) {
        Position p = cursor_.where(offset);
        out_.scrubbed.push_back(Scrubbed{p.line, p.column, interaction_, where_of(where, e.what), e.rule, e.masked});
    }

    // One HTTP/1.x message: start line, header lines, body; edits spliced into
    // each, Content-Length kept true.
    std::string message(std::string_view m, size_t base, bool request) {
        const std::string side = request ? "request" : "response";
        size_t end = m.find("\r\n\r\n");
        size_t sep = 4;
        if (end == std::string_view::npos) {
            end = m.find("\n\n");
            sep = 2;
        }
        std::string_view head = end == std::string_view::npos ? m : m.substr(0, end);
        std::string_view body = end == std::string_view::npos ? std::string_view() : m.substr(end + sep);

        // Header lines and the request target, as edits on `head`.
        std::vector<TextEdit> head_edits;
        Headers headers;
        size_t content_length_at = std::string::npos, content_length_len = 0;
        size_t line_start = 0;
        bool first = true;
        while (line_start <= head.size()) {
            size_t nl = head.find('\n', line_start);
            size_t line_end = nl == std::string_view::npos ? head.size() : nl;
            std::string_view line = head.substr(line_start, line_end - line_start);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (first) {
                first = false;
                size_t a = line.find(' '), b = line.rfind(' ');
                if (request && a != std::string_view::npos && b > a) {
                    for (TextEdit e : rules_.url(line.substr(a + 1, b - a - 1))) {
                        e.offset += line_start + a + 1;
                        report(base + e.offset, e, "request URL");
                        head_edits.push_back(std::move(e));
                    }
                }
            } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
                std::string_view name = trim(line.substr(0, colon));
                size_t v = colon + 1;
                while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
                std::string_view value = line.substr(v);
                while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
                headers.items.push_back(Header{std::string(name), {std::string(value)}, {}});
                if (iequals(name, "Content-Length")) {
                    content_length_at = line_start + v;
                    content_length_len = value.size();
                }
                for (TextEdit e : rules_.header_value(name, value, !request)) {
                    e.offset += line_start + v;
                    report(base + e.offset, e, side + " header " + std::string(name));
                    head_edits.push_back(std::move(e));
                }
            }
            if (nl == std::string_view::npos) break;
            line_start = nl + 1;
        }

        // The body.
        std::string new_body(body);
        const std::string* te = headers.first("Transfer-Encoding");
        const bool chunked = te && lower(*te).find("chunked") != std::string::npos;
        std::optional<std::string> data = chunked ? dechunk(body) : std::optional<std::string>(std::string(body));
        const size_t body_at = base + head.size() + sep;
        if (!data) {
            if (!rules_.text(body).empty()) {
                Position p = cursor_.where(body_at);
                out_.unscrubbable.push_back(Unscrubbable{p.line, p.column, interaction_, side + " body",
                                                         "its chunked framing is broken; it cannot be rewritten"});
            }
        } else {
            BodyResult br = rules_.body(*data, headers);
            const std::string where = side + " body" + (br.layers.empty() ? "" : " (" + br.layers + ")");
            for (const std::string& u : br.unscrubbable) {
                Position p = cursor_.where(body_at);
                out_.unscrubbable.push_back(Unscrubbable{p.line, p.column, interaction_, where, u});
            }
            if (br.changed) {
                for (const TextEdit& e : br.found) report(body_at, e, where);
                if (chunked) {
                    // One chunk for the whole body, then whatever followed the
                    // last chunk (trailers) as recorded.
                    size_t zero = body.rfind("0\r\n");
                    std::string_view after =
                        zero == std::string_view::npos ? std::string_view("0\r\n\r\n") : body.substr(zero);
                    char size_hex[32];
                    auto [p, ec] = std::to_chars(size_hex, size_hex + sizeof size_hex, br.bytes.size(), 16);
                    (void)ec;
                    new_body = std::string(size_hex, p) + "\r\n" + br.bytes + "\r\n" + std::string(after);
                } else {
                    if (content_length_at != std::string::npos &&
                        as_int(head.substr(content_length_at, content_length_len)) ==
                            static_cast<int64_t>(body.size())) {
                        TextEdit e;
                        e.offset = content_length_at;
                        e.length = content_length_len;
                        e.replacement = std::to_string(br.bytes.size());
                        head_edits.push_back(std::move(e));
                    }
                    new_body = br.bytes;
                }
            }
        }
        if (head_edits.empty() && new_body == body) return std::string(m);
        std::string out = apply_edits(head, std::move(head_edits));
        if (end != std::string_view::npos) out += std::string(m.substr(end, sep));
        out += new_body;
        return out;
    }

    std::string_view text_;
    const Rules& rules_;
    FileResult& out_;
    LineCursor cursor_;
    std::optional<size_t> interaction_;
};

bool is_gzip(std::string_view b) {
    return b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0x1f && static_cast<unsigned char>(b[1]) == 0x8b;
}

bool looks_like_json(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    text = trim(text);
    return !text.empty() && (text.front() == '{' || text.front() == '[');
}

}  // namespace

FileResult scrub_cassette(const std::string& path, std::string_view bytes, const Policy& policy,
                          const ReadOptions& ropts) {
    if (is_gzip(bytes)) {
        // A whole-file gzip (VCR.py .yaml.gz, httprr .gz): scrubbed inside, and
        // gzipped again only when something changed.
        Decompressed d = decompress(bytes, Compression::gzip);
        if (!d.ok) throw InputError(path, {}, "gzipped file cannot be decompressed: " + d.error, "", "schema");
        FileResult r = scrub_cassette(path, d.bytes, policy);
        if (r.changed) r.output = compress(r.output, Compression::gzip);
        return r;
    }
    // Read as every command reads it (a byte order mark included, which the
    // format sniffs look past; it stays in the output).
    const Cassette c = load_cassette_from_string(bytes, path, ropts);
    FileResult r;
    r.format = c.format;
    // Formats scrub has no span-keeping tree for: said, never half-done.
    if (c.format == "aquila" || is_zip(bytes) || (c.format == "cassetter" && cassetter_is_toml(bytes)))
        throw InputError(path, {},
                         std::string("scrub cannot rewrite ") +
                             (c.format == "aquila" ? "an Aquila cassette (JSON lines in several files)"
                              : is_zip(bytes)      ? "a zip archive"
                                                   : "a TOML cassette") +
                             " in place; its secrets are left as they are",
                         "", "schema");
    const Rules rules(policy);
    if (c.format == "httprr") {
        std::string out = HttprrScrubber(bytes, rules, r).run();
        r.changed = out != bytes;
        if (r.changed) r.output = std::move(out);
        return r;
    }
    // A format whose layout scrub has no roles for would be swept blind (a
    // header's name apart from its value): refused rather than called clean.
    if (c.format != "go-vcr" && c.format != "vcrpy" && c.format != "ruby-vcr" && c.format != "har" &&
        c.format != "nock")
        throw InputError(path, {},
                         "scrub cannot rewrite " + c.format +
                             " files yet (it knows go-vcr, VCR.py, Ruby VCR, HAR, httprr and nock); "
                             "`cassette validate` lists the secrets in it",
                         "", "schema");
    const Document doc = looks_like_json(bytes) ? parse_json_document(path, bytes) : parse_yaml_document(path, bytes);
    Scrubber s(path, bytes, doc, rules, r);
    if (c.format == "go-vcr")
        scrub_govcr(s, doc.root);
    else if (c.format == "vcrpy")
        scrub_vcrpy(s, doc.root);
    else if (c.format == "ruby-vcr")
        scrub_rubyvcr(s, doc.root);
    else if (c.format == "har")
        scrub_har(s, doc.root);
    else if (c.format == "nock")
        scrub_nock(s, doc.root);
    s.sweep(doc.root);
    if (!s.patcher().empty()) {
        std::string out = s.patcher().result();
        r.changed = out != bytes;
        if (r.changed) r.output = std::move(out);
    }
    return r;
}

}  // namespace cassette::scrub
