// VCR.py cassettes (kevin1024/vcrpy), YAML and JSON serializers, and the
// shapes its users write:
//   version 1:  {interactions: [{request: {body, headers, method, uri},
//                                response: {body: {string}, headers, status: {code, message}}}], version: 1}
//   httpx before vcrpy 4.2: response {content, headers, http_version, status_code}
//   before vcrpy 1.0 (vcr/migration.py): a top-level list, request {protocol, host, port, path},
//                    response headers as "Name: value\r\n" strings
//   pydantic-ai:     `parsed_body` instead of `body` (replayed as json.dumps(parsed_body))
//   langchain-aws:   top-level `requests:` and `responses:` lists (pytest-recording's
//                    compressed persister), usually gzipped
// Python tags (!!python/unicode, !!python/tuple, !!python/object/new:…) are
// read as plain data: nothing is constructed, nothing executed.
#include <charconv>
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

#include "decode/base64.hpp"
#include "formats/sniff.hpp"
#include "util/http.hpp"

namespace cassette {

// ---------------------------------------------------------------- helpers --

void set_proto(std::string_view text, std::optional<std::string>& proto, std::optional<int64_t>& major,
               std::optional<int64_t>& minor) {
    proto = std::string(text);
    // "HTTP/1.1", "HTTP/2", "HTTP/2.0"
    if (text.substr(0, 5) != "HTTP/") return;
    std::string_view v = text.substr(5);
    int64_t ma = 0, mi = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), ma);
    if (ec != std::errc()) return;
    if (p != v.data() + v.size() && *p == '.') {
        auto [p2, ec2] = std::from_chars(p + 1, v.data() + v.size(), mi);
        if (ec2 != std::errc()) return;
        (void)p2;
    }
    major = ma;
    minor = mi;
}

namespace {

bool is_python_text_tag(std::string_view tag) {
    return tag == "tag:yaml.org,2002:python/unicode" || tag == "tag:yaml.org,2002:python/str" ||
           tag == "tag:yaml.org,2002:str" || tag == "!";
}

// What a PyYAML SafeLoader makes of a scalar.
enum class ScalarType { null, boolean_true, boolean_false, integer, floating, string };

bool all_of(std::string_view s, const char* set) {
    return !s.empty() && s.find_first_not_of(set) == std::string_view::npos;
}

ScalarType resolve_scalar(const YamlNode& n) {
    if (!n.tag.empty() || n.style != ScalarStyle::plain) {
        if (n.tag == "tag:yaml.org,2002:int") return ScalarType::integer;
        if (n.tag == "tag:yaml.org,2002:float") return ScalarType::floating;
        if (n.tag == "tag:yaml.org,2002:null") return ScalarType::null;
        return ScalarType::string;
    }
    const std::string& v = n.value;
    if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") return ScalarType::null;
    static const char* const yes[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
    static const char* const no[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
    for (const char* s : yes)
        if (v == s) return ScalarType::boolean_true;
    for (const char* s : no)
        if (v == s) return ScalarType::boolean_false;
    std::string_view body = v;
    if (body[0] == '+' || body[0] == '-') body.remove_prefix(1);
    if (body == "0" || (all_of(body, "0123456789_") && body[0] != '0' && body[0] != '_')) return ScalarType::integer;
    if (body == ".inf" || body == ".Inf" || body == ".INF" || v == ".nan" || v == ".NaN" || v == ".NAN")
        return ScalarType::floating;
    // [0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)? | \.[0-9_]+([eE][-+][0-9]+)?
    size_t dot = body.find('.');
    if (dot != std::string_view::npos) {
        std::string_view mant = body, exp;
        size_t e = body.find_first_of("eE");
        if (e != std::string_view::npos) {
            mant = body.substr(0, e);
            exp = body.substr(e + 1);
            if (exp.size() < 2 || (exp[0] != '+' && exp[0] != '-') || !all_of(exp.substr(1), "0123456789"))
                return ScalarType::string;
        }
        std::string_view ip = mant.substr(0, dot), fp = mant.substr(dot + 1);
        bool ip_ok = ip.empty()
                         ? !fp.empty() && fp[0] != '_' && all_of(fp, "0123456789_")
                         : (ip[0] != '_' && all_of(ip, "0123456789_") && (fp.empty() || all_of(fp, "0123456789_")));
        if (ip_ok) return ScalarType::floating;
    }
    return ScalarType::string;
}

std::string strip_underscores(std::string_view s) {
    std::string out;
    for (char ch : s)
        if (ch != '_') out += ch;
    return out;
}

// float.__repr__: the shortest round-trip digits, fixed notation when the
// decimal exponent is in [-4, 16), else d.ddde±XX.
std::string python_float_repr(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
    if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    if (ec != std::errc()) return "0.0";
    std::string s(buf, p);
    bool neg = s[0] == '-';
    if (neg) s.erase(0, 1);
    size_t e = s.find('e');
    int exp = std::atoi(s.c_str() + e + 1);
    std::string digits;
    for (size_t i = 0; i < e; ++i)
        if (s[i] != '.') digits += s[i];
    std::string out = neg ? "-" : "";
    int decpt = exp + 1;
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            out += "0." + std::string(static_cast<size_t>(-decpt), '0') + digits;
        } else if (static_cast<size_t>(decpt) >= digits.size()) {
            out += digits + std::string(static_cast<size_t>(decpt) - digits.size(), '0') + ".0";
        } else {
            out += digits.substr(0, static_cast<size_t>(decpt)) + "." + digits.substr(static_cast<size_t>(decpt));
        }
    } else {
        out += digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        out += exp < 0 ? "e-" : "e+";
        int a = exp < 0 ? -exp : exp;
        if (a < 10) out += '0';
        out += std::to_string(a);
    }
    return out;
}

void append_hex4(std::string& out, unsigned v) {
    static const char* hex = "0123456789abcdef";
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += hex[(v >> shift) & 0xF];
}

// json.dumps(str) with ensure_ascii=True.
void python_json_string(std::string_view s, std::string& out) {
    out += '"';
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                default:
                    if (c < 0x20 || c == 0x7f)
                        append_hex4(out, c);
                    else
                        out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        // Decode one UTF-8 sequence (libyaml hands us valid UTF-8; anything
        // else is escaped byte-wise as U+FFFD would lose information).
        unsigned cp = 0;
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (len == 1 || i + len > s.size()) {
            append_hex4(out, 0xFFFD);
            ++i;
            continue;
        }
        cp = c & (0x3F >> (len - 1));
        for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            append_hex4(out, 0xD800 + (cp >> 10));
            append_hex4(out, 0xDC00 + (cp & 0x3FF));
        } else {
            append_hex4(out, cp);
        }
    }
    out += '"';
}

void python_dumps_into(const YamlNode& n, std::string& out, bool as_key) {
    switch (n.kind) {
        case YamlNode::Kind::scalar: {
            ScalarType t = is_binary_tag(n.tag) || is_python_text_tag(n.tag) ? ScalarType::string : resolve_scalar(n);
            std::string text;
            switch (t) {
                case ScalarType::null: text = "null"; break;
                case ScalarType::boolean_true: text = "true"; break;
                case ScalarType::boolean_false: text = "false"; break;
                case ScalarType::integer: {
                    std::string v = strip_underscores(n.value);
                    if (!v.empty() && v[0] == '+') v.erase(0, 1);
                    text = v;
                    break;
                }
                case ScalarType::floating: {
                    std::string v = strip_underscores(n.value);
                    if (v.find("inf") != std::string::npos || v.find("Inf") != std::string::npos ||
                        v.find("INF") != std::string::npos) {
                        text = v[0] == '-' ? "-Infinity" : "Infinity";
                    } else if (v.find("nan") != std::string::npos || v.find("NaN") != std::string::npos ||
                               v.find("NAN") != std::string::npos) {
                        text = "NaN";
                    } else {
                        text = python_float_repr(std::strtod(v.c_str(), nullptr));
                    }
                    break;
                }
                case ScalarType::string: python_json_string(n.value, out); return;
            }
            if (as_key)
                python_json_string(text, out);
            else
                out += text;
            return;
        }
        case YamlNode::Kind::sequence: {
            out += '[';
            for (size_t i = 0; i < n.children.size(); ++i) {
                if (i) out += ", ";
                python_dumps_into(n.children[i], out, false);
            }
            out += ']';
            return;
        }
        case YamlNode::Kind::mapping: {
            out += '{';
            for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
                if (i) out += ", ";
                python_dumps_into(n.children[i], out, true);
                out += ": ";
                python_dumps_into(n.children[i + 1], out, false);
            }
            out += '}';
            return;
        }
    }
}

nlohmann::json node_to_json(const YamlNode& n) {
    if (!n.is_scalar()) return yaml_tree_json<nlohmann::json>(n, node_to_json);
    if (is_binary_tag(n.tag)) return n.value;  // base64 text as written
    switch (is_python_text_tag(n.tag) ? ScalarType::string : resolve_scalar(n)) {
        case ScalarType::null: return nullptr;
        case ScalarType::boolean_true: return true;
        case ScalarType::boolean_false: return false;
        case ScalarType::integer: {
            int64_t i = 0;
            std::string v = strip_underscores(n.value);
            const char* b = v.data() + (!v.empty() && v[0] == '+');
            auto [p, ec] = std::from_chars(b, v.data() + v.size(), i);
            if (ec == std::errc() && p == v.data() + v.size()) return i;
            return n.value;
        }
        case ScalarType::floating: {
            double d = std::strtod(strip_underscores(n.value).c_str(), nullptr);
            if (std::isfinite(d)) return d;
            return n.value;
        }
        case ScalarType::string: return n.value;
    }
    return n.value;
}

nlohmann::ordered_json ordered_scalar(const YamlNode& n) {
    nlohmann::json j = node_to_json(n);
    if (j.is_string()) return j.get<std::string>();
    if (j.is_boolean()) return j.get<bool>();
    if (j.is_number_integer()) return j.get<int64_t>();
    if (j.is_number_float()) return j.get<double>();
    return nullptr;
}

}  // namespace

std::string python_json_dumps(const YamlNode& node) {
    std::string out;
    python_dumps_into(node, out, false);
    return out;
}

std::string yaml_node_json(const YamlNode& node) {
    return node_to_json(node).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// ------------------------------------------------------------------ VCR.py --

namespace {

// `s` from its first line that is not blank, a `#` comment or `---`
// (VCR.py 0.x's own fixtures open with comments).
std::string_view first_content_line(std::string_view s) {
    while (!s.empty()) {
        size_t nl = s.find('\n');
        std::string_view line = s.substr(0, nl);
        size_t k = line.find_first_not_of(" \t\r");
        if (k != std::string_view::npos && line[k] != '#' && line.substr(0, 3) != "---") return s;
        if (nl == std::string_view::npos) return {};
        s.remove_prefix(nl + 1);
    }
    return s;
}

bool line_key(std::string_view head, std::string_view key, bool indented) {
    size_t pos = 0;
    while ((pos = head.find(key, pos)) != std::string_view::npos) {
        size_t ls = head.rfind('\n', pos == 0 ? 0 : pos - 1);
        ls = (ls == std::string_view::npos || pos == 0) ? 0 : ls + 1;
        std::string_view prefix = head.substr(ls, pos - ls);
        bool ok =
            indented ? !prefix.empty() && prefix.find_first_not_of(" -") == std::string_view::npos : prefix.empty();
        if (ok) return true;
        pos += key.size();
    }
    return false;
}

// First position of an indented key (a line "   key" or "  - key"), or npos.
size_t first_indented_key(std::string_view head, std::string_view key) {
    size_t pos = 0;
    while ((pos = head.find(key, pos)) != std::string_view::npos) {
        if (pos > 0) {
            size_t ls = head.rfind('\n', pos - 1);
            ls = ls == std::string_view::npos ? 0 : ls + 1;
            std::string_view prefix = head.substr(ls, pos - ls);
            if (!prefix.empty() && prefix.find_first_not_of(" -") == std::string_view::npos) return pos;
        }
        pos += key.size();
    }
    return std::string_view::npos;
}

void convert_request(FieldConvert& cv, YamlNode& node, Request& r) {
    if (!node.is_mapping()) {
        cv.problem(node.pos, std::string("`request` must be a mapping, found ") + node.kind_name());
        return;
    }
    bool has_uri = false, has_method = false;
    std::string protocol, host, path;
    std::optional<int64_t> port;
    for (size_t i = 0; i + 1 < node.children.size(); i += 2) {
        YamlNode& k = node.children[i];
        YamlNode& v = node.children[i + 1];
        const std::string& key = k.value;
        if (!k.is_scalar()) {
            cv.problem(k.pos, "mapping keys in `request` must be strings");
        } else if (key == "body") {
            if (v.is_mapping()) {
                // {string: …} as responses have, or a mapping body (pydantic-ai form data).
                if (const YamlNode* s = map_get(v, "string")) {
                    cv.scalar_body(k, *s, r.body);
                } else {
                    r.body.present = true;
                    r.body.key_pos = k.pos;
                    r.body.pos = v.pos;
                    r.body.bytes = python_json_dumps(v);
                }
            } else {
                cv.scalar_body(k, v, r.body);
            }
        } else if (key == "parsed_body") {
            // pydantic-ai: replayed as json.dumps(parsed_body).
            r.body.present = true;
            r.body.key_pos = k.pos;
            r.body.pos = v.pos;
            r.body.bytes = python_json_dumps(v);
            r.extra.push_back(ExtraField{key, yaml_node_json(v), k.pos});
        } else if (key == "uri" || key == "url") {
            has_uri = true;
            r.url_pos = v.pos;
            if (auto s = cv.string(v, key)) r.url = *s;
        } else if (key == "method") {
            has_method = true;
            if (auto s = cv.string(v, key)) r.method = *s;
        } else if (key == "headers") {
            cv.any_headers(v, r.headers, &r.headers_pos);
            r.headers_pos = k.pos;
        } else if (key == "protocol") {
            protocol = cv.string(v, key).value_or("");
        } else if (key == "host") {
            host = cv.string(v, key).value_or("");
        } else if (key == "path") {
            path = cv.string(v, key).value_or("");
        } else if (key == "port") {
            port = cv.integer(v, key);
        } else {
            r.extra.push_back(ExtraField{key, yaml_node_json(v), k.pos});
        }
    }
    if (!has_uri && !host.empty()) {
        // vcr/migration.py build_uri: the port is shown unless it is the scheme's default.
        if (protocol.empty()) protocol = "http";
        int64_t def = protocol == "https" ? 443 : 80;
        r.url = protocol + "://" + host + (port && *port != def ? ":" + std::to_string(*port) : "") + path;
        r.url_pos = node.pos;
        has_uri = true;
    }
    if (!has_uri) cv.problem(node.pos, "`request` has no `uri`");
    if (!has_method) cv.problem(node.pos, "`request` has no `method`");
}

void convert_response(FieldConvert& cv, YamlNode& node, Response& r) {
    if (!node.is_mapping()) {
        cv.problem(node.pos, std::string("`response` must be a mapping, found ") + node.kind_name());
        return;
    }
    bool has_status = false;
    std::string message;
    for (size_t i = 0; i + 1 < node.children.size(); i += 2) {
        YamlNode& k = node.children[i];
        YamlNode& v = node.children[i + 1];
        const std::string& key = k.value;
        if (!k.is_scalar()) {
            cv.problem(k.pos, "mapping keys in `response` must be strings");
        } else if (key == "body") {
            if (v.is_mapping()) {
                const YamlNode* s = map_get(v, "string");
                if (s) {
                    cv.scalar_body(k, *s, r.body);
                } else {
                    r.body.present = true;
                    r.body.key_pos = k.pos;
                    r.body.pos = v.pos;
                    if (!v.children.empty()) cv.problem(v.pos, "response `body` has no `string`");
                }
            } else {
                cv.scalar_body(k, v, r.body);  // bare string (hand-written)
            }
        } else if (key == "content") {  // httpx layout before vcrpy 4.2
            cv.scalar_body(k, v, r.body);
        } else if (key == "parsed_body") {
            r.body.present = true;
            r.body.key_pos = k.pos;
            r.body.pos = v.pos;
            r.body.bytes = python_json_dumps(v);
            r.extra.push_back(ExtraField{key, yaml_node_json(v), k.pos});
        } else if (key == "headers") {
            cv.any_headers(v, r.headers, &r.headers_pos);
            r.headers_pos = k.pos;
        } else if (key == "status") {
            has_status = true;
            r.status_pos = v.pos;
            if (v.is_mapping()) {
                if (const YamlNode* c = map_get(v, "code")) {
                    r.code_pos = c->pos;
                    r.code = cv.integer(*c, "status.code");
                } else {
                    cv.problem(v.pos, "`status` has no `code`");
                }
                if (const YamlNode* m = map_get(v, "message")) message = cv.string(*m, "status.message").value_or("");
            } else if (v.is_scalar()) {
                r.code_pos = v.pos;
                r.code = cv.integer(v, "status");
            } else {
                cv.problem(v.pos, "`status` must be a mapping {code, message}");
            }
        } else if (key == "status_code") {
            has_status = true;
            r.status_pos = r.code_pos = v.pos;
            r.code = cv.integer(v, key);
        } else if (key == "http_version") {
            if (auto s = cv.string(v, key); s && !s->empty()) set_proto(*s, r.proto, r.proto_major, r.proto_minor);
        } else {
            r.extra.push_back(ExtraField{key, yaml_node_json(v), k.pos});
        }
    }
    if (r.code) {
        std::string text = message.empty() ? std::string(reason_phrase(*r.code)) : message;
        r.status = std::to_string(*r.code) + (text.empty() ? "" : " " + text);
    }
    if (!has_status) cv.problem(node.pos, "`response` has no `status`");
}

// Records that are VCR-shaped but not HTTP: pydantic-ai's WebSocket logs
// (`kind`/`direction`/`data`) are "websocket", xAI gRPC samples
// (`request_sample`, `response_stream`, `collections_method` …) "grpc";
// nullptr for anything else.
const char* non_http_record(const YamlNode& node) {
    const char* kind = nullptr;
    for (size_t i = 0; i < node.children.size(); i += 2) {
        const YamlNode& k = node.children[i];
        if (!k.is_scalar()) continue;
        std::string_view v = k.value;
        if (v == "kind" || v == "direction") return "websocket";
        if (v == "collections_method" || v.substr(0, 8) == "request_" || v.substr(0, 9) == "response_") kind = "grpc";
    }
    return kind;
}

Interaction convert_interaction(Cassette& c, YamlNode& node, size_t index) {
    Interaction ix;
    ix.index = index;
    ix.pos = node.pos;
    FieldConvert cv(c, index);
    if (!node.is_mapping()) {
        cv.problem(node.pos, std::string("an interaction must be a mapping, found ") + node.kind_name());
        return ix;
    }
    bool has_request = false, has_response = false;
    for (size_t i = 0; i + 1 < node.children.size(); i += 2) {
        YamlNode& k = node.children[i];
        YamlNode& v = node.children[i + 1];
        if (key_is(k, "request")) {
            has_request = true;
            ix.request.pos = k.pos;
            convert_request(cv, v, ix.request);
        } else if (key_is(k, "response")) {
            has_response = true;
            ix.response.pos = k.pos;
            convert_response(cv, v, ix.response);
        } else {
            ix.extra.push_back(ExtraField{k.is_scalar() ? k.value : yaml_node_json(k), yaml_node_json(v), k.pos});
        }
    }
    if (!has_request && !has_response) {
        if (const char* kind = non_http_record(node)) {
            if (c.not_http.empty()) c.not_http = kind;
            // Its fields are the message: kept with their keys in recorded order.
            for (size_t i = 0; i + 1 < node.children.size() && i / 2 < ix.extra.size(); i += 2)
                ix.extra[i / 2].json = yaml_tree_json<nlohmann::ordered_json>(node.children[i + 1], ordered_scalar)
                                           .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            return ix;
        }
    }
    if (!has_request) cv.problem(node.pos, "interaction has no `request`");
    if (!has_response) cv.problem(node.pos, "interaction has no `response`");
    return ix;
}

}  // namespace

int vcr_yaml_flavour(std::string_view head) {
    // The column of the keys of the first request/response mapping: a line
    // "- request:" (any indent) puts them two columns right of `request`.
    // Keys at exactly that column are the mapping's own keys: body text and
    // nested parsed_body keys are always indented further.
    size_t at = std::string_view::npos;
    for (std::string_view key : {"- request:", "- response:"}) {
        size_t p = 0;
        while ((p = head.find(key, p)) != std::string_view::npos) {
            size_t ls = p == 0 ? 0 : head.rfind('\n', p - 1);
            ls = (p == 0 || ls == std::string_view::npos) ? 0 : ls + 1;
            if (head.substr(ls, p - ls).find_first_not_of(' ') == std::string_view::npos) break;
            p += key.size();
        }
        if (p != std::string_view::npos && p < at) at = p;
    }
    if (at == std::string_view::npos) return -1;
    size_t ls = at == 0 ? 0 : head.rfind('\n', at - 1);
    ls = (at == 0 || ls == std::string_view::npos) ? 0 : ls + 1;
    size_t indent = (at - ls) + 4;
    size_t pos = ls;
    while (pos < head.size()) {
        size_t nl = head.find('\n', pos);
        if (nl == std::string_view::npos) break;  // a partial last line decides nothing
        std::string_view line = head.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.size() <= indent || line.find_first_not_of(' ') != indent) continue;
        std::string_view k = line.substr(indent);
        if (k.substr(0, 2) == "- ") continue;
        for (std::string_view v : {"uri:", "parsed_body:", "status_code:", "content:"})
            if (k.substr(0, v.size()) == v) return 1;
        for (std::string_view g : {"url:", "code:", "proto:", "form:", "duration:", "proto_major:"})
            if (k.substr(0, g.size()) == g) return 0;
        if (k.substr(0, 7) == "status:") {
            std::string_view rest = k.substr(7);
            size_t f = rest.find_first_not_of(' ');
            return (f == std::string_view::npos || rest[f] == '{') ? 1 : 0;
        }
    }
    return -1;
}

bool vcrpy_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (s.empty()) return false;
    if (s[0] == '{' || s[0] == '[') {
        // JSON serializer: {"version": 1, "interactions": [...]}, or the pre-1.0 list.
        if (s[0] == '{')
            return head.find("\"interactions\"") != std::string_view::npos &&
                   head.find("\"http_interactions\"") == std::string_view::npos;
        return head.find("\"request\"") != std::string_view::npos && head.find("\"scope\"") == std::string_view::npos;
    }
    if (line_key(head, "http_interactions:", false)) return false;
    if (line_key(head, "requests:", false) && line_key(head, "responses:", false)) return true;
    // Pre-1.0 VCR.py: the whole file is a list of interactions. Only at the
    // top of the file: go-vcr format 1 writes `interactions:\n- request:` too.
    if (first_content_line(s).substr(0, 10) == "- request:") return true;
    if (!line_key(head, "interactions:", false)) return false;
    if (int f = vcr_yaml_flavour(head); f >= 0) return f == 1;
    // go-vcr writes `url:` and `code:`; VCR.py `uri:` and `status: {code}`.
    // The first of the two keys to appear decides.
    size_t uri = first_indented_key(head, "uri:");
    size_t url = first_indented_key(head, "url:");
    if (uri != std::string_view::npos && (url == std::string_view::npos || uri < url)) return true;
    // pydantic-ai's non-HTTP logs and files whose first body is long.
    if (url == std::string_view::npos) {
        if (first_indented_key(head, "parsed_body:") != std::string_view::npos) return true;
        if (first_indented_key(head, "kind:") != std::string_view::npos &&
            first_indented_key(head, "direction:") != std::string_view::npos)
            return true;
        if (first_indented_key(head, "request_sample:") != std::string_view::npos ||
            first_indented_key(head, "request_stream:") != std::string_view::npos ||
            first_indented_key(head, "collections_method:") != std::string_view::npos)
            return true;
        if (first_indented_key(head, "status_code:") != std::string_view::npos) return true;
        if (first_indented_key(head, "string:") != std::string_view::npos &&
            first_indented_key(head, "code:") == std::string_view::npos)
            return true;
    }
    return false;
}

Cassette vcrpy_read(YamlEventStream& ys, const std::string& name, const InteractionSink& sink,
                    const ReadOptions& opts) {
    bool header_sent = false;
    auto send_header = [&](const Cassette& c) {
        if (!header_sent && opts.on_header) opts.on_header(c);
        header_sent = true;
    };
    Cassette c;
    c.path = name;
    c.format = "vcrpy";
    FieldConvert top(c, std::nullopt);
    size_t index = 0;
    auto emit = [&](YamlNode& node) {
        Interaction ix = convert_interaction(c, node, index++);
        send_header(c);
        sink(std::move(ix));
    };

    ys.next();  // STREAM_START
    if (ys.next().type == YAML_STREAM_END_EVENT) ys.fail(Position{1, 1}, "empty file: no YAML document", "schema");
    const yaml_event_t& root = ys.next();
    if (root.type == YAML_SEQUENCE_START_EVENT) {
        // vcrpy < 1.0: the interactions are the document.
        while (ys.next().type != YAML_SEQUENCE_END_EVENT) {
            YamlNode node = ys.build_node();
            emit(node);
        }
    } else if (root.type == YAML_MAPPING_START_EVENT) {
        bool has_interactions = false;
        std::optional<YamlNode> requests, responses;
        while (ys.next().type != YAML_MAPPING_END_EVENT) {
            YamlNode key = ys.build_node();
            ys.next();
            if (key_is(key, "interactions")) {
                has_interactions = true;
                if (ys.current().type == YAML_SEQUENCE_START_EVENT) {
                    while (ys.next().type != YAML_SEQUENCE_END_EVENT) {
                        YamlNode node = ys.build_node();
                        emit(node);
                    }
                } else {
                    YamlNode v = ys.build_node();
                    if (!v.is_null())
                        top.problem(v.pos, std::string("`interactions` must be a list, found ") + v.kind_name());
                }
            } else if (key_is(key, "version")) {
                YamlNode v = ys.build_node();
                c.version_pos = v.pos;
                if (auto n = top.integer(v, "version")) {
                    c.version = *n;
                    if (*n != 1)
                        top.problem(v.pos, "unknown VCR.py cassette version " + std::to_string(*n) + " (known: 1)");
                }
            } else if (key_is(key, "requests")) {
                requests = ys.build_node();
            } else if (key_is(key, "responses")) {
                responses = ys.build_node();
            } else {
                YamlNode v = ys.build_node();
                c.extra.push_back(
                    ExtraField{key.is_scalar() ? key.value : yaml_node_json(key), yaml_node_json(v), key.pos});
            }
        }
        if (requests || responses) {
            // Parallel lists: interaction i is requests[i] with responses[i].
            has_interactions = true;
            YamlNode empty;
            empty.kind = YamlNode::Kind::sequence;
            YamlNode& rq = requests ? *requests : empty;
            YamlNode& rs = responses ? *responses : empty;
            if (!rq.is_sequence() || !rs.is_sequence()) {
                top.problem(rq.is_sequence() ? rs.pos : rq.pos, "`requests` and `responses` must be lists");
            } else {
                if (rq.children.size() != rs.children.size())
                    top.problem(rs.pos, "`requests` has " + std::to_string(rq.children.size()) +
                                            " items but `responses` " + std::to_string(rs.children.size()));
                size_t n = std::max(rq.children.size(), rs.children.size());
                for (size_t i = 0; i < n; ++i) {
                    YamlNode pair;
                    pair.kind = YamlNode::Kind::mapping;
                    pair.pos = i < rq.children.size() ? rq.children[i].pos : rs.children[i].pos;
                    YamlNode k;
                    if (i < rq.children.size()) {
                        k.value = "request";
                        k.pos = rq.children[i].pos;
                        pair.children.push_back(k);
                        pair.children.push_back(std::move(rq.children[i]));
                    }
                    if (i < rs.children.size()) {
                        k.value = "response";
                        k.pos = rs.children[i].pos;
                        pair.children.push_back(k);
                        pair.children.push_back(std::move(rs.children[i]));
                    }
                    emit(pair);
                }
            }
        }
        if (!has_interactions) top.problem(Position{1, 1}, "no `interactions` key");
    } else {
        ys.fail(ys.position(), "expected a mapping with `interactions` (or a list of interactions) at the top level",
                "schema");
    }
    c.interaction_count = index;
    send_header(c);
    ys.next();  // DOCUMENT_END
    if (ys.next().type != YAML_STREAM_END_EVENT)
        ys.fail(ys.position(), "more than one YAML document in the file; a cassette is one document", "schema");
    return c;
}

}  // namespace cassette
