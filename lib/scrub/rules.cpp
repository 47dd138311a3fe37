// What is a secret, value by value. Each function returns edits on the value
// it was given; `finish` orders them, drops overlaps (the longer edit wins)
// and numbers the lines of multi-line values.
//
// Two rules keep scrubbing idempotent: a value that is a redaction marker
// (REDACTED, [FILTERED], <API_KEY>, ***) is left alone, and so is a value
// that already is the replacement, so a second run finds nothing.
#include "scrub/rules.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "error.hpp"
#include "secrets.hpp"
#include "scrub/doc_tree.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace cassette::scrub {

struct Rules::Impl {
    std::vector<std::unique_ptr<RE2>> patterns;
};

namespace {

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
    name = trim(name);
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return iequal(trim(n), name); });
}

// A JSON key compared without case, '_' and '-': apiKey, api-key and API_KEY are one key.
std::string json_key_form(std::string_view key) {
    std::string out;
    for (char c : key)
        if (c != '_' && c != '-') out += ascii_lower(c);
    return out;
}

std::string masked_for(std::string_view secret, std::string_view kind) {
    return mask_secret(secret, kind == "JWT" ? 3 : 0);
}

TextEdit make_edit(size_t offset, std::string_view secret, std::string replacement, std::string rule, std::string what,
                   std::string_view kind = {}) {
    TextEdit e;
    e.offset = offset;
    e.length = secret.size();
    e.replacement = std::move(replacement);
    e.rule = std::move(rule);
    e.what = std::move(what);
    e.masked = masked_for(secret, kind);
    return e;
}

// Order by offset; where two edits overlap keep the longer (the first found
// on a tie: callers add the more specific rules first); number lines when
// the value has several.
std::vector<TextEdit> finish(std::string_view value, std::vector<TextEdit> edits) {
    std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) {
        if (a.offset != b.offset) return a.offset < b.offset;
        return a.length > b.length;
    });
    std::vector<TextEdit> out;
    for (TextEdit& e : edits) {
        while (!out.empty() && out.back().offset + out.back().length > e.offset && e.length > out.back().length)
            out.pop_back();
        if (!out.empty() && out.back().offset + out.back().length > e.offset) continue;
        out.push_back(std::move(e));
    }
    if (value.find('\n') != std::string_view::npos) {
        size_t line = 1, at = 0;
        for (TextEdit& e : out) {
            for (; at < e.offset && at < value.size(); ++at)
                if (value[at] == '\n') ++line;
            e.line = line;
        }
    } else {
        for (TextEdit& e : out) e.line = 0;
    }
    return out;
}

// One unit of a JSON string's raw content at raw[r] (a byte, or an escape),
// moving `r` past it and `d` past the bytes it decodes to, as
// parse_json_document decodes it (a surrogate pair is one unit of four bytes,
// a lone surrogate three).
void json_unit(std::string_view raw, size_t& r, size_t& d) {
    if (raw[r] != '\\' || r + 1 >= raw.size()) {
        ++r;
        ++d;
        return;
    }
    if (raw[r + 1] != 'u') {
        r += 2;
        ++d;
        return;
    }
    auto hex4 = [&](size_t at, uint32_t& v) {
        if (at + 4 > raw.size()) return false;
        v = 0;
        for (size_t k = at; k < at + 4; ++k) {
            const char c = raw[k];
            const int h = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
            if (h < 0) return false;
            v = v * 16 + static_cast<uint32_t>(h);
        }
        return true;
    };
    uint32_t cp = 0, low = 0;
    if (!hex4(r + 2, cp)) {  // not valid JSON; the re-parse check refuses the result
        r += 2;
        ++d;
        return;
    }
    r += 6;
    if (cp >= 0xD800 && cp < 0xDC00 && raw.substr(r, 2) == "\\u" && hex4(r + 2, low) && low >= 0xDC00 && low < 0xE000) {
        r += 6;
        d += 4;
        return;
    }
    d += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
}

// "AWS4-HMAC-SHA256 Credential=…": the signature algorithms of SigV4.
bool is_sigv4(std::string_view v) { return istarts_with(v, "AWS4-HMAC-SHA256") || istarts_with(v, "AWS4-ECDSA-P256"); }

// The value of `name=` in a SigV4 Authorization header (up to ',' or a blank), as an offset and length.
bool sigv4_field(std::string_view v, std::string_view name, size_t& offset, size_t& length) {
    size_t p = 0;
    while ((p = v.find(name, p)) != std::string_view::npos) {
        const bool boundary = p == 0 || v[p - 1] == ' ' || v[p - 1] == ',' || v[p - 1] == '\t';
        if (boundary && p + name.size() < v.size() && v[p + name.size()] == '=') {
            offset = p + name.size() + 1;
            size_t end = offset;
            while (end < v.size() && v[end] != ',' && !is_blank(v[end])) ++end;
            length = end - offset;
            return true;
        }
        p += name.size();
    }
    return false;
}

// Where the access key id of a SigV4 credential scope ends: "AKIA…/20240101/…"
// (or "%2F" in a URL). The whole value when there is no scope. A value that
// starts with the replacement as written (which may hold a '/') ends there,
// so a second run sees the replacement and leaves it.
size_t access_key_end(std::string_view v, std::string_view written = {}) {
    if (!written.empty() && starts_with(v, written)) {
        std::string_view rest = v.substr(written.size());
        if (rest.empty() || rest.front() == '/' || istarts_with(rest, "%2F")) return written.size();
    }
    for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '/') return i;
        if (v[i] == '%' && i + 2 < v.size() && v[i + 1] == '2' && ascii_lower(v[i + 2]) == 'f') return i;
    }
    return v.size();
}

// A marker line "-----BEGIN <LABEL> PRIVATE KEY-----" at `p` (which points
// at "-----BEGIN "): the offset just past it, or npos; `label` gets the label.
size_t pem_begin_end(std::string_view s, size_t p, std::string_view& label) {
    const size_t start = p + 11;  // past "-----BEGIN "
    size_t q = start;
    while (q < s.size() && q - start <= 64 && ((s[q] >= 'A' && s[q] <= 'Z') || s[q] == ' ')) ++q;
    if (s.substr(q, 5) != "-----") return std::string_view::npos;
    label = s.substr(start, q - start);
    if (!ends_with(label, "PRIVATE KEY")) return std::string_view::npos;
    return q + 5;
}

// Trims blanks and written-out line ends ("\n" as two characters, as a PEM
// shows inside text that was itself escaped) from both ends of [b, e).
void trim_material(std::string_view s, size_t& b, size_t& e) {
    for (;;) {
        if (b < e && is_blank(s[b]))
            ++b;
        else if (e - b >= 2 && s[b] == '\\' && (s[b + 1] == 'n' || s[b + 1] == 'r'))
            b += 2;
        else
            break;
    }
    for (;;) {
        if (e > b && is_blank(s[e - 1]))
            --e;
        else if (e - b >= 2 && s[e - 2] == '\\' && (s[e - 1] == 'n' || s[e - 1] == 'r'))
            e -= 2;
        else
            break;
    }
}

}  // namespace

std::string apply_edits(std::string_view text, std::vector<TextEdit> edits) {
    std::sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.offset < b.offset; });
    std::string out;
    out.reserve(text.size());
    size_t at = 0;
    for (const TextEdit& e : edits) {
        // Overlapping or out-of-range edits are a caller's bug; the value is
        // never cut short because of one.
        if (e.offset < at || e.offset > text.size() || e.length > text.size() - e.offset) continue;
        out.append(text.substr(at, e.offset - at));
        out += e.replacement;
        at = e.offset + e.length;
    }
    out.append(text.substr(at));
    return out;
}

Rules::Rules(const Policy& policy) : policy_(policy), impl_(std::make_unique<Impl>()) {
    for (const std::string& pattern : policy_.patterns) {
        RE2::Options options;
        options.set_log_errors(false);
        auto re = std::make_unique<RE2>(pattern, options);
        if (!re->ok()) throw std::invalid_argument("invalid pattern '" + pattern + "': " + re->error());
        impl_->patterns.push_back(std::move(re));
    }
}

Rules::~Rules() = default;

namespace {

// Whether a value in a credential place is left as it is: a redaction
// marker, or the replacement itself (already scrubbed).
bool already_clean(std::string_view value, const std::string& replacement) {
    return trim(value) == replacement || is_redaction_marker(value);
}

}  // namespace

std::vector<TextEdit> Rules::text(std::string_view text) const {
    std::vector<TextEdit> edits;
    const std::string& repl = policy_.replacement;
    if (policy_.enabled("pem")) {
        static constexpr std::string_view kBegin = "-----BEGIN ";
        size_t p = 0;
        while ((p = text.find(kBegin, p)) != std::string_view::npos) {
            std::string_view label;
            const size_t body = pem_begin_end(text, p, label);
            if (body == std::string_view::npos) {
                p += kBegin.size();
                continue;
            }
            const std::string end_marker = "-----END " + std::string(label) + "-----";
            const size_t end = text.find(end_marker, body);
            if (end == std::string_view::npos) break;  // no END marker: not a key block we can bound
            size_t b = body, e = end;
            trim_material(text, b, e);
            std::string_view material = text.substr(b, e - b);
            if (!material.empty() && !already_clean(material, repl))
                edits.push_back(make_edit(b, material, repl, "pem", std::string(label)));
            p = end + end_marker.size();
        }
    }
    if (policy_.enabled("key-shape")) {
        for (const SecretHit& h : find_key_shapes(text, std::numeric_limits<size_t>::max())) {
            std::string_view token = text.substr(h.offset, h.length);
            if (already_clean(token, repl)) continue;
            edits.push_back(make_edit(h.offset, token, repl, "key-shape", h.kind, h.kind));
        }
    }
    if (policy_.enabled("pattern")) {
        for (size_t k = 0; k < impl_->patterns.size(); ++k) {
            const RE2& re = *impl_->patterns[k];
            const int groups = std::min(re.NumberOfCapturingGroups(), 1);
            re2::StringPiece m[2];
            const re2::StringPiece input(text.data(), text.size());
            size_t pos = 0;
            while (pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, m, groups + 1)) {
                const re2::StringPiece whole = m[0];
                const re2::StringPiece piece = groups ? m[1] : m[0];
                if (piece.data() != nullptr && !piece.empty()) {
                    std::string_view secret(piece.data(), piece.size());
                    if (!already_clean(secret, repl))
                        edits.push_back(make_edit(static_cast<size_t>(piece.data() - text.data()), secret, repl,
                                                  "pattern", "pattern " + policy_.patterns[k]));
                }
                const size_t whole_end = static_cast<size_t>(whole.data() - text.data()) + whole.size();
                pos = whole.empty() ? whole_end + 1 : whole_end;
            }
        }
    }
    return finish(text, std::move(edits));
}

std::vector<TextEdit> Rules::header_value(std::string_view name, std::string_view value, bool response) const {
    std::vector<TextEdit> edits;
    const std::string& repl = policy_.replacement;
    const std::string header(trim(name));
    const bool set_cookie = iequal(header, "Set-Cookie");
    const bool cookie = iequal(header, "Cookie");
    // A response header is a credential by its name only when the name says so
    // outright (Set-Cookie, Authorization, X-Api-Key …, --header); a name that
    // merely ends like one (x-time-per-token: 12) needs a credential's shape.
    static constexpr std::string_view kResponseNames[] = {
        "authorization", "proxy-authorization", "cookie",        "x-amz-security-token",
        "api-key",       "x-api-key",           "x-goog-api-key"};
    bool named = set_cookie || listed(policy_.headers, header);
    if (!named && is_credential_header(header)) {
        named = !response;
        for (std::string_view n : kResponseNames) named = named || iequal(header, n);
        if (!named) named = classify_credential(value).level == SecretLevel::credential;
    }
    if (policy_.enabled("header") && named) {
        if (cookie || set_cookie) {
            // "a=1; b=2" (Cookie: every value) or "a=1; Path=/; HttpOnly"
            // (Set-Cookie: the first pair only; the rest are attributes).
            size_t pos = 0;
            while (pos <= value.size()) {
                size_t end = value.find(';', pos);
                if (end == std::string_view::npos) end = value.size();
                std::string_view pair = value.substr(pos, end - pos);
                // A pair without '=' is all value (browsers read it so, and
                // validate judges it so).
                const size_t eq = pair.find('=');
                const size_t vstart = eq == std::string_view::npos ? 0 : eq + 1;
                size_t b = pos + vstart, e = pos + pair.size();
                trim_material(value, b, e);
                std::string_view v = value.substr(b, e - b);
                // A quoted cookie value keeps its quotes.
                if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
                    ++b;
                    --e;
                    v = value.substr(b, e - b);
                }
                const std::string cname(eq == std::string_view::npos ? std::string_view{} : trim(pair.substr(0, eq)));
                if (!v.empty() && !already_clean(v, repl))
                    edits.push_back(make_edit(b, v, repl, "header", cname.empty() ? header : header + " " + cname,
                                              classify_credential(v).kind));
                if (set_cookie) break;
                pos = end + 1;
            }
        } else if (is_sigv4(trim(value))) {
            // Keep the algorithm, the scope and SignedHeaders: they say how
            // the request was signed. The access key id and the signature go.
            size_t off = 0, len = 0;
            if (sigv4_field(value, "Credential", off, len)) {
                std::string_view id = value.substr(off, access_key_end(value.substr(off, len), repl));
                if (!id.empty() && !already_clean(id, repl))
                    edits.push_back(make_edit(off, id, repl, "header", header + " access key id"));
            }
            if (sigv4_field(value, "Signature", off, len)) {
                std::string_view sig = value.substr(off, len);
                if (!sig.empty() && !already_clean(sig, repl))
                    edits.push_back(make_edit(off, sig, repl, "header", header + " signature"));
            }
        } else {
            // "Bearer x", "Basic x", "Token x": the scheme stays.
            size_t b = 0, e = value.size();
            trim_material(value, b, e);
            std::string_view v = value.substr(b, e - b);
            const size_t sp = v.find(' ');
            if (sp != std::string_view::npos && sp > 0 && sp <= 12 &&
                std::all_of(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(sp),
                            [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'; })) {
                b += sp;
                trim_material(value, b, e);
                v = value.substr(b, e - b);
            }
            if (!v.empty() && !already_clean(v, repl) && classify_credential(v).level != SecretLevel::none)
                edits.push_back(make_edit(b, v, repl, "header", header, classify_credential(v).kind));
        }
    }
    for (TextEdit& e : text(value)) edits.push_back(std::move(e));
    return finish(value, std::move(edits));
}

namespace {

// The credential parameters of a query string or form body at `base` in
// the value: only the value of each changes, percent-encoded.
void scan_params(const Policy& policy, std::string_view s, size_t base, const char* what_prefix,
                 std::vector<TextEdit>& edits) {
    const std::string& repl = policy.replacement;
    size_t pos = 0;
    while (pos <= s.size()) {
        size_t end = s.find('&', pos);
        if (end == std::string_view::npos) end = s.size();
        std::string_view pair = s.substr(pos, end - pos);
        const size_t eq = pair.find('=');
        if (eq != std::string_view::npos) {
            const std::string name = percent_decode(pair.substr(0, eq), PercentMode::form);
            const bool user_listed = listed(policy.query, name);
            if (user_listed || is_credential_param(name)) {
                std::string_view raw = pair.substr(eq + 1);
                size_t offset = base + pos + eq + 1;
                // X-Amz-Credential keeps its scope, as a SigV4 header does.
                if (iequal(name, "X-Amz-Credential")) raw = raw.substr(0, access_key_end(raw, percent_encode(repl)));
                const std::string decoded = percent_decode(raw, PercentMode::form);
                const SecretVerdict v = classify_credential(decoded);
                const bool ambiguous = is_ambiguous_param(name) && !user_listed;
                const bool scrub = !raw.empty() && !already_clean(decoded, repl) &&
                                   (ambiguous ? v.level == SecretLevel::credential : v.level != SecretLevel::none);
                if (scrub) {
                    TextEdit e =
                        make_edit(offset, raw, percent_encode(repl), "query", std::string(what_prefix) + name, v.kind);
                    e.masked = masked_for(decoded, v.kind);
                    edits.push_back(std::move(e));
                }
            }
        }
        pos = end + 1;
    }
}

}  // namespace

std::vector<TextEdit> Rules::url(std::string_view url) const {
    std::vector<TextEdit> edits;
    const std::string& repl = policy_.replacement;
    const UrlParts parts = split_url(url);
    if (policy_.enabled("url-password") && !parts.userinfo.empty()) {
        const size_t colon = parts.userinfo.find(':');
        if (colon != std::string_view::npos) {
            std::string_view raw = parts.userinfo.substr(colon + 1);
            const std::string decoded = percent_decode(raw, PercentMode::path);
            if (!raw.empty() && !already_clean(decoded, repl)) {
                TextEdit e = make_edit(static_cast<size_t>(raw.data() - url.data()), raw, percent_encode(repl),
                                       "url-password", "URL password");
                e.masked = mask_secret(decoded);
                edits.push_back(std::move(e));
            }
        }
    }
    if (policy_.enabled("query") && parts.has_query)
        scan_params(policy_, parts.query, static_cast<size_t>(parts.query.data() - url.data()), "query parameter ",
                    edits);
    // Key shapes and patterns anywhere in the URL; the replacement is
    // percent-encoded so the URL stays a URL.
    for (TextEdit& e : text(url)) {
        e.replacement = percent_encode(e.replacement);
        edits.push_back(std::move(e));
    }
    return finish(url, std::move(edits));
}

std::vector<TextEdit> Rules::form(std::string_view body) const {
    std::vector<TextEdit> edits;
    if (policy_.enabled("query")) scan_params(policy_, body, 0, "form field ", edits);
    for (TextEdit& e : text(body)) {
        e.replacement = percent_encode(e.replacement);
        edits.push_back(std::move(e));
    }
    return finish(body, std::move(edits));
}

namespace {

bool is_credential_json_key(const Policy& policy, std::string_view key) {
    static const std::vector<std::string> defaults{"password",     "accesstoken", "refreshtoken", "idtoken",
                                                   "clientsecret", "apikey",      "privatekey"};
    const std::string k = json_key_form(key);
    if (std::find(defaults.begin(), defaults.end(), k) != defaults.end()) return true;
    return std::any_of(policy.json_keys.begin(), policy.json_keys.end(),
                       [&](const std::string& n) { return json_key_form(trim(n)) == k; });
}

}  // namespace

std::vector<TextEdit> Rules::json_member(std::string_view key, std::string_view value) const {
    if (policy_.enabled("json-key") && is_credential_json_key(policy_, key)) {
        if (value.empty() || already_clean(value, policy_.replacement)) return {};
        std::vector<TextEdit> edits;
        edits.push_back(make_edit(0, value, policy_.replacement, "json-key", "JSON key " + std::string(key),
                                  classify_credential(value).kind));
        return finish(value, std::move(edits));
    }
    return text(value);
}

std::optional<std::vector<TextEdit>> Rules::json_text(std::string_view json) const {
    Document doc;
    try {
        doc = parse_json_document("<body>", json);
    } catch (const InputError&) {
        return std::nullopt;
    }
    std::vector<TextEdit> edits;

    // One JSON string node: `decoded_edits` are on its decoded value; they
    // become edits on its raw bytes between the quotes.
    auto map_string = [&](const Node& n, std::vector<TextEdit> decoded_edits) {
        if (decoded_edits.empty()) return;
        const size_t content = n.begin + 1;
        std::string_view raw = json.substr(content, n.end - n.begin - 2);
        if (raw.find('\\') == std::string_view::npos) {
            for (TextEdit& e : decoded_edits) {
                e.offset += content;
                e.replacement = json_escape(e.replacement);
                edits.push_back(std::move(e));
            }
            return;
        }
        // Escapes in the raw bytes: walk the raw text and the value in
        // step (one escape or byte at a time) and map each edit's ends to
        // the raw text, so an escaped secret (`sk\u002d…`) is replaced in
        // place too; the result is checked by decoding it again.
        std::vector<TextEdit> mapped;
        bool ok = true;
        {
            size_t r = 0, d = 0;
            for (const TextEdit& e : decoded_edits) {  // finish() sorted them
                TextEdit m = e;
                while (d < e.offset && r < raw.size()) json_unit(raw, r, d);
                if (d != e.offset) {
                    ok = false;
                    break;
                }
                m.offset = r;
                while (d < e.offset + e.length && r < raw.size()) json_unit(raw, r, d);
                if (d != e.offset + e.length) {
                    ok = false;
                    break;
                }
                m.length = r - m.offset;
                m.replacement = json_escape(e.replacement);
                mapped.push_back(std::move(m));
            }
        }
        const std::string wanted = apply_edits(n.value, decoded_edits);
        if (ok) {
            try {
                const std::string again = "\"" + apply_edits(raw, mapped) + "\"";
                ok = parse_json_document("<body>", again).root.value == wanted;
            } catch (const InputError&) {
                ok = false;
            }
        }
        if (ok) {
            for (TextEdit& m : mapped) {
                m.offset += content;
                edits.push_back(std::move(m));
            }
            return;
        }
        // The pieces cannot be found one by one: the whole string is
        // written anew, escaped only where JSON requires.
        TextEdit whole = decoded_edits.front();
        for (size_t k = 1; k < decoded_edits.size(); ++k)
            if (whole.what.find(decoded_edits[k].what) == std::string::npos) whole.what += ", " + decoded_edits[k].what;
        whole.offset = content;
        whole.length = raw.size();
        whole.replacement = json_escape(wanted);
        edits.push_back(std::move(whole));
    };

    // Depth-first over an explicit stack: the parser's depth limit is
    // configurable, the call stack is not.
    struct Item {
        const Node* node;
        // The member name when the node is a mapping value, or an item of
        // an array that is a credential key's value.
        const Node* key;
    };
    std::vector<Item> stack{{&doc.root, nullptr}};
    while (!stack.empty()) {
        const Item item = stack.back();
        stack.pop_back();
        const Node& n = *item.node;
        if (n.is_mapping()) {
            for (auto it = n.members.rbegin(); it != n.members.rend(); ++it) stack.push_back({&it->second, &it->first});
            for (const auto& member : n.members) map_string(member.first, text(member.first.value));
            continue;
        }
        if (n.is_sequence()) {
            const bool cred =
                item.key && policy_.enabled("json-key") && is_credential_json_key(policy_, item.key->value);
            for (auto it = n.items.rbegin(); it != n.items.rend(); ++it)
                stack.push_back({&*it, cred ? item.key : nullptr});
            continue;
        }
        if (!n.json_string) continue;  // numbers, true, false, null
        std::vector<TextEdit> found = item.key ? json_member(item.key->value, n.value) : text(n.value);
        // A credential key's value: the whole raw content goes.
        if (found.size() == 1 && found.front().rule == "json-key") {
            TextEdit e = found.front();
            e.line = 0;
            e.offset = n.begin + 1;
            e.length = n.end - n.begin - 2;
            e.replacement = json_escape(e.replacement);
            edits.push_back(std::move(e));
            continue;
        }
        map_string(n, std::move(found));
    }
    return finish(json, std::move(edits));
}

}  // namespace cassette::scrub
