// cassetter cassettes (the Rust recorder with Python, Node and Go bindings),
// YAML and TOML (docs/formats.md, "cassetter"):
//
//   version: 1
//   interactions:
//   - request: {method, uri, headers: {name: [values]}, body: {type, content}}
//     response: {status: 200, headers, body: {type, content}}
//     recorded_at: '2026-01-01T00:00:00Z'
//   grpc_interactions: [...]   # gRPC calls
//   ws_interactions: [...]     # WebSocket connections and their frames
//
// A body's `type` says how `content` holds it: `json` (the JSON value written
// as structured YAML; in TOML a JSON string, or a table), `text`, `binary`
// (hex, not base64) or `none`. The status is a bare integer. cassetter stores
// bodies decompressed and drops Content-Encoding.
//
// The gRPC and WebSocket sections are not HTTP: they are kept, as written, as
// cassette-level fields of their own (`grpc_interactions`, `ws_interactions`)
// and never become interactions.
//
// What tells it from VCR.py (which also writes `version: 1` + `interactions`
// with `uri`): a body that is a mapping with `type: json|text|binary|none`,
// or one of the two non-HTTP sections. VCR.py bodies are strings or
// `{string: …}` and its status is `{code, message}`.
#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "error.hpp"
#include "formats/sniff.hpp"
#include "util/http.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

using json = nlohmann::ordered_json;  // JSON bodies keep the order they are written in

// --- sniffing -----------------------------------------------------------------

bool is_body_type_word(std::string_view s) {
    for (std::string_view w : {"json", "text", "binary", "none"})
        if (s.substr(0, w.size()) == w &&
            (s.size() == w.size() || std::string_view(" \t\r\n,}'\"").find(s[w.size()]) != std::string_view::npos))
            return true;
    return false;
}

// `body:` (YAML) or `"body":` (JSON) whose value is a mapping that opens with
// `type: json|text|binary|none`.
bool has_typed_body(std::string_view s) {
    for (size_t at = s.find("body"); at != std::string_view::npos; at = s.find("body", at + 4)) {
        size_t i = at + 4;
        if (i < s.size() && s[i] == '"') ++i;
        if (i >= s.size() || s[i] != ':') continue;
        i = s.find_first_not_of(" \t\r\n{", i + 1);
        if (i == std::string_view::npos) return false;
        std::string_view rest = s.substr(i);
        if (rest.substr(0, 1) == "\"") rest.remove_prefix(1);
        if (rest.substr(0, 4) != "type") continue;
        rest.remove_prefix(4);
        if (rest.substr(0, 1) == "\"") rest.remove_prefix(1);
        if (rest.substr(0, 1) != ":") continue;
        rest.remove_prefix(1);
        size_t v = rest.find_first_not_of(" \t");
        if (v == std::string_view::npos) continue;
        rest.remove_prefix(v);
        if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) rest.remove_prefix(1);
        if (is_body_type_word(rest)) return true;
    }
    return false;
}

bool at_line_start(std::string_view s, size_t pos) { return pos == 0 || s[pos - 1] == '\n'; }

bool has_key_at_line_start(std::string_view s, std::string_view key) {
    for (size_t at = s.find(key); at != std::string_view::npos; at = s.find(key, at + 1))
        if (at_line_start(s, at)) return true;
    return false;
}

// TOML: `version = N` and an array of tables `[[interactions]]` (or of the
// non-HTTP sections) at the start of a line.
bool looks_toml(std::string_view s) {
    if (!has_key_at_line_start(s, "version =") && !has_key_at_line_start(s, "version=")) return false;
    return has_key_at_line_start(s, "[[interactions]]") || has_key_at_line_start(s, "[[grpc_interactions]]") ||
           has_key_at_line_start(s, "[[ws_interactions]]");
}

// --- body decoding --------------------------------------------------------------

std::optional<std::string> hex_decode(std::string_view hex) {
    if (hex.size() % 2) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(hex.size() / 2);
    for (size_t i = 0; i < hex.size(); i += 2) {
        int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

// YAML scalars of a JSON body as serde_yaml reads them: plain null/true/false
// and numbers typed, everything quoted or tagged a string.
json json_scalar(const YamlNode& n) {
    if (n.style != ScalarStyle::plain || !n.tag.empty()) return n.value;
    const std::string& v = n.value;
    if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") return nullptr;
    if (v == "true" || v == "True" || v == "TRUE") return true;
    if (v == "false" || v == "False" || v == "FALSE") return false;
    if (v.find_first_not_of("+-0123456789.eE") == std::string::npos) {
        json num = json::parse(v[0] == '+' ? v.substr(1) : v, nullptr, false);
        if (num.is_number()) return num;
    }
    return v;
}

// The bytes of a `{type, content}` body; a problem (and an empty body) when
// the type is unknown or the content does not decode.
struct BodyIn {
    std::string type;
    std::optional<std::string> text;  // text/binary content as written
    std::optional<json> value;        // json content
    Position pos;
};

void put_body(const BodyIn& in, Body& out, const std::function<void(Position, std::string)>& problem) {
    out.present = true;
    out.pos = in.pos;
    if (in.type == "none" || in.type.empty() || (!in.text && !in.value)) return;
    if (in.type == "json") {
        if (in.value)
            out.bytes = in.value->dump();
        else if (in.text) {
            json v = json::parse(*in.text, nullptr, false);
            if (v.is_discarded())
                problem(in.pos, "body of type json: content is not JSON");
            else
                out.bytes = v.dump();
        }
    } else if (in.type == "text") {
        if (in.text)
            out.bytes = *in.text;
        else if (in.value)
            out.bytes = in.value->is_string() ? in.value->get<std::string>() : in.value->dump();
    } else if (in.type == "binary") {
        std::string hex = in.text ? *in.text : in.value && in.value->is_number() ? in.value->dump() : std::string();
        if (auto b = hex_decode(hex))
            out.bytes = std::move(*b);
        else
            problem(in.pos, "body of type binary: content is not hex (cassetter writes bytes as hex)");
    } else {
        problem(in.pos, "unknown body type `" + in.type + "` (known: json, text, binary, none)");
    }
}

void finish_response(Response& rs) {
    if (rs.code) {
        std::string_view reason = reason_phrase(*rs.code);
        rs.status = std::to_string(*rs.code) + (reason.empty() ? "" : " " + std::string(reason));
    }
    rs.content_length = static_cast<int64_t>(rs.body.bytes.size());
}

std::string non_http_note_text(size_t grpc, size_t ws) {
    std::string s;
    auto plural = [](size_t n, const char* one, const char* many) {
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    if (grpc) s += plural(grpc, "gRPC call", "gRPC calls");
    if (ws) s += (s.empty() ? "" : " and ") + plural(ws, "WebSocket connection", "WebSocket connections");
    return s;
}

// --- YAML -----------------------------------------------------------------------

class YamlInteractions {
public:
    YamlInteractions(Cassette& c) : c_(c) {}

    Interaction convert(const YamlNode& node, size_t index) {
        Interaction ix;
        ix.index = index;
        ix.pos = node.pos;
        FieldConvert conv(c_, index);
        if (!node.is_mapping()) {
            conv.problem(node.pos, std::string("an interaction must be a mapping, found ") + node.kind_name());
            return ix;
        }
        auto problem = [&](Position p, std::string m) { conv.problem(p, std::move(m)); };
        for (size_t i = 0; i + 1 < node.children.size(); i += 2) {
            const YamlNode& k = node.children[i];
            const YamlNode& v = node.children[i + 1];
            if (key_is(k, "request")) {
                ix.request.pos = k.pos;
                request(conv, v, ix.request, problem);
            } else if (key_is(k, "response")) {
                ix.response.pos = k.pos;
                response(conv, v, ix.response, problem);
            } else {
                ix.extra.push_back(ExtraField{k.is_scalar() ? k.value : yaml_node_json(k), yaml_node_json(v), k.pos});
            }
        }
        if (!map_get(node, "request")) conv.problem(node.pos, "interaction has no `request`");
        if (!map_get(node, "response")) conv.problem(node.pos, "interaction has no `response`");
        return ix;
    }

private:
    BodyIn body(FieldConvert& conv, const YamlNode& v) {
        BodyIn in;
        in.pos = v.pos;
        if (v.is_null()) return in;
        if (!v.is_mapping()) {
            conv.problem(v.pos, std::string("`body` must be a mapping {type, content}, found ") + v.kind_name());
            return in;
        }
        if (const YamlNode* t = map_get(v, "type")) in.type = conv.string(*t, "body.type").value_or("");
        if (const YamlNode* ct = map_get(v, "content")) {
            in.pos = ct->pos;
            if (in.type == "json")
                in.value = yaml_tree_json<json>(*ct, json_scalar);
            else if (ct->is_scalar())
                in.text = ct->value;
            else
                conv.problem(ct->pos, "body of type " + in.type + ": content must be a string");
        }
        return in;
    }

    void request(FieldConvert& conv, const YamlNode& n, Request& rq,
                 const std::function<void(Position, std::string)>& problem) {
        if (!n.is_mapping()) {
            conv.problem(n.pos, std::string("`request` must be a mapping, found ") + n.kind_name());
            return;
        }
        for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
            const YamlNode& k = n.children[i];
            const YamlNode& v = n.children[i + 1];
            if (key_is(k, "method"))
                rq.method = conv.string(v, "method").value_or("");
            else if (key_is(k, "uri")) {
                rq.url = conv.string(v, "uri").value_or("");
                rq.url_pos = v.pos;
            } else if (key_is(k, "headers"))
                conv.any_headers(v, rq.headers, &rq.headers_pos);
            else if (key_is(k, "body")) {
                rq.body.key_pos = k.pos;
                put_body(body(conv, v), rq.body, problem);
            } else
                rq.extra.push_back(ExtraField{k.is_scalar() ? k.value : yaml_node_json(k), yaml_node_json(v), k.pos});
        }
        rq.content_length = static_cast<int64_t>(rq.body.bytes.size());
    }

    void response(FieldConvert& conv, const YamlNode& n, Response& rs,
                  const std::function<void(Position, std::string)>& problem) {
        if (!n.is_mapping()) {
            conv.problem(n.pos, std::string("`response` must be a mapping, found ") + n.kind_name());
            return;
        }
        for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
            const YamlNode& k = n.children[i];
            const YamlNode& v = n.children[i + 1];
            if (key_is(k, "status")) {
                rs.code = conv.integer(v, "status");
                rs.code_pos = rs.status_pos = v.pos;
            } else if (key_is(k, "headers"))
                conv.any_headers(v, rs.headers, &rs.headers_pos);
            else if (key_is(k, "body")) {
                rs.body.key_pos = k.pos;
                put_body(body(conv, v), rs.body, problem);
            } else
                rs.extra.push_back(ExtraField{k.is_scalar() ? k.value : yaml_node_json(k), yaml_node_json(v), k.pos});
        }
        finish_response(rs);
    }

    Cassette& c_;
};

Cassette read_yaml(std::string_view text, const std::string& name, const InteractionSink& sink,
                   const ReadOptions& opts) {
    YamlEventStream ys(name, text, opts.max_depth, opts.max_alias_expansion);
    Cassette c;
    c.path = name;
    c.format = "cassetter";
    c.recorder = "cassetter";
    FieldConvert top(c, std::nullopt);
    YamlInteractions conv(c);
    bool header_sent = false;
    auto send_header = [&] {
        if (!header_sent && opts.on_header) opts.on_header(c);
        header_sent = true;
    };
    size_t index = 0;
    bool sections = false;  // interactions, grpc_interactions or ws_interactions seen
    ys.next();              // STREAM_START
    if (ys.next().type == YAML_STREAM_END_EVENT) ys.fail(Position{1, 1}, "empty file: no YAML document", "schema");
    if (ys.next().type != YAML_MAPPING_START_EVENT)
        ys.fail(ys.position(), "not a cassetter cassette: expected a mapping with `version` and `interactions`",
                "schema");
    while (ys.next().type != YAML_MAPPING_END_EVENT) {
        YamlNode key = ys.build_node();
        ys.next();
        if (key_is(key, "interactions") || key_is(key, "grpc_interactions") || key_is(key, "ws_interactions"))
            sections = true;
        if (key_is(key, "interactions") && ys.current().type == YAML_SEQUENCE_START_EVENT) {
            while (ys.next().type != YAML_SEQUENCE_END_EVENT) {
                YamlNode node = ys.build_node();
                Interaction ix = conv.convert(node, index++);
                send_header();
                sink(std::move(ix));
            }
            continue;
        }
        YamlNode v = ys.build_node();
        if (key_is(key, "version")) {
            c.version_pos = v.pos;
            if (auto n = top.integer(v, "version")) {
                c.version = *n;
                if (*n != 1)
                    top.problem(v.pos, "unknown cassetter cassette version " + std::to_string(*n) + " (known: 1)");
            }
        } else if (key_is(key, "interactions")) {
            if (!v.is_null()) top.problem(v.pos, std::string("`interactions` must be a list, found ") + v.kind_name());
        } else {
            c.extra.push_back(
                ExtraField{key.is_scalar() ? key.value : yaml_node_json(key), yaml_node_json(v), key.pos});
        }
    }
    if (!sections)
        top.problem(Position{1, 1}, "not a cassetter cassette: no `interactions` (nor gRPC or WebSocket sections)");
    c.interaction_count = index;
    send_header();
    return c;
}

// --- TOML -----------------------------------------------------------------------

Position toml_pos(const toml::node& n) {
    const auto& b = n.source().begin;
    return Position{static_cast<int>(b.line), static_cast<int>(b.column)};
}

json toml_json(const toml::node& n) {
    if (auto t = n.as_table()) {
        json o = json::object();
        for (auto&& [k, v] : *t) o[std::string(k.str())] = toml_json(v);
        return o;
    }
    if (auto a = n.as_array()) {
        json arr = json::array();
        for (auto&& v : *a) arr.push_back(toml_json(v));
        return arr;
    }
    if (auto s = n.as_string()) return s->get();
    if (auto i = n.as_integer()) return i->get();
    if (auto f = n.as_floating_point()) return f->get();
    if (auto b = n.as_boolean()) return b->get();
    std::ostringstream os;  // dates and times as TOML writes them
    if (auto d = n.as_date())
        os << d->get();
    else if (auto tm = n.as_time())
        os << tm->get();
    else if (auto dt = n.as_date_time())
        os << dt->get();
    return os.str();
}

class TomlReader {
public:
    TomlReader(Cassette& c) : c_(c) {}

    Interaction convert(const toml::node& node, size_t index) {
        Interaction ix;
        ix.index = index;
        ix.pos = toml_pos(node);
        FieldConvert conv(c_, index);
        const toml::table* t = node.as_table();
        if (!t) {
            conv.problem(ix.pos, "an interaction must be a table");
            return ix;
        }
        auto problem = [&](Position p, std::string m) { conv.problem(p, std::move(m)); };
        for (auto&& [k, v] : *t) {
            std::string key(k.str());
            if (key == "request")
                request(conv, v, ix.request, problem);
            else if (key == "response")
                response(conv, v, ix.response, problem);
            else
                ix.extra.push_back(ExtraField{key, toml_json(v).dump(), toml_pos(v)});
        }
        if (!t->contains("request")) conv.problem(ix.pos, "interaction has no `request`");
        if (!t->contains("response")) conv.problem(ix.pos, "interaction has no `response`");
        return ix;
    }

private:
    std::string string(FieldConvert& conv, const toml::node& v, const char* field) {
        if (auto s = v.as_string()) return s->get();
        conv.problem(toml_pos(v), std::string("`") + field + "` must be a string");
        return {};
    }

    void headers(FieldConvert& conv, const toml::node& v, Headers& out, Position& pos) {
        pos = toml_pos(v);
        const toml::table* t = v.as_table();
        if (!t) {
            conv.problem(pos, "`headers` must be a table of name = [values]");
            return;
        }
        for (auto&& [k, vals] : *t) {
            Header h{std::string(k.str()), {}, toml_pos(vals)};
            if (auto s = vals.as_string())
                h.values.push_back(s->get());
            else if (auto a = vals.as_array()) {
                for (auto&& x : *a) {
                    if (auto s2 = x.as_string())
                        h.values.push_back(s2->get());
                    else
                        conv.problem(toml_pos(x), "header `" + h.name + "`: values must be strings");
                }
            } else
                conv.problem(toml_pos(vals), "header `" + h.name + "`: expected a list of strings");
            out.items.push_back(std::move(h));
        }
    }

    // `body_type` + `body_content` (cassetter's TOML), or a `body` table
    // {type, content} as the YAML form has it.
    BodyIn body(FieldConvert& conv, const toml::table& t) {
        BodyIn in;
        const toml::node* type = t.get("body_type");
        const toml::node* content = t.get("body_content");
        if (const toml::node* b = t.get("body")) {
            if (const toml::table* bt = b->as_table()) {
                type = bt->get("type");
                content = bt->get("content");
                in.pos = toml_pos(*b);
            } else {
                conv.problem(toml_pos(*b), "`body` must be a table {type, content}");
            }
        }
        if (type) {
            in.type = string(conv, *type, "body_type");
            in.pos = toml_pos(*type);
        }
        if (content) {
            in.pos = toml_pos(*content);
            if (auto s = content->as_string())
                in.text = s->get();
            else if (in.type == "json" || in.type == "binary")
                in.value = toml_json(*content);
            else
                conv.problem(in.pos, "body of type " + in.type + ": content must be a string");
        }
        return in;
    }

    void request(FieldConvert& conv, const toml::node& n, Request& rq,
                 const std::function<void(Position, std::string)>& problem) {
        rq.pos = toml_pos(n);
        const toml::table* t = n.as_table();
        if (!t) {
            conv.problem(rq.pos, "`request` must be a table");
            return;
        }
        for (auto&& [k, v] : *t) {
            std::string key(k.str());
            if (key == "method")
                rq.method = string(conv, v, "method");
            else if (key == "uri") {
                rq.url = string(conv, v, "uri");
                rq.url_pos = toml_pos(v);
            } else if (key == "headers")
                headers(conv, v, rq.headers, rq.headers_pos);
            else if (key != "body" && key != "body_type" && key != "body_content")
                rq.extra.push_back(ExtraField{key, toml_json(v).dump(), toml_pos(v)});
        }
        put_body(body(conv, *t), rq.body, problem);
        rq.content_length = static_cast<int64_t>(rq.body.bytes.size());
    }

    void response(FieldConvert& conv, const toml::node& n, Response& rs,
                  const std::function<void(Position, std::string)>& problem) {
        rs.pos = toml_pos(n);
        const toml::table* t = n.as_table();
        if (!t) {
            conv.problem(rs.pos, "`response` must be a table");
            return;
        }
        for (auto&& [k, v] : *t) {
            std::string key(k.str());
            if (key == "status") {
                rs.code_pos = rs.status_pos = toml_pos(v);
                if (auto i = v.as_integer())
                    rs.code = i->get();
                else
                    conv.problem(rs.code_pos, "`status` must be an integer");
            } else if (key == "headers")
                headers(conv, v, rs.headers, rs.headers_pos);
            else if (key != "body" && key != "body_type" && key != "body_content")
                rs.extra.push_back(ExtraField{key, toml_json(v).dump(), toml_pos(v)});
        }
        put_body(body(conv, *t), rs.body, problem);
        finish_response(rs);
    }

    Cassette& c_;
};

Cassette read_toml(std::string_view text, const std::string& name, const InteractionSink& sink,
                   const ReadOptions& opts) {
    toml::table doc;
    try {
        doc = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        const auto& b = e.source().begin;
        throw InputError(name, Position{static_cast<int>(b.line), static_cast<int>(b.column)},
                         "not a cassetter TOML cassette: " + std::string(e.description()), "", "yaml-syntax");
    }
    Cassette c;
    c.path = name;
    c.format = "cassetter";
    c.recorder = "cassetter";
    FieldConvert top(c, std::nullopt);
    for (auto&& [k, v] : doc) {
        std::string key(k.str());
        if (key == "version") {
            c.version_pos = toml_pos(v);
            if (auto i = v.as_integer()) {
                c.version = i->get();
                if (c.version != 1)
                    top.problem(c.version_pos,
                                "unknown cassetter cassette version " + std::to_string(c.version) + " (known: 1)");
            } else {
                top.problem(c.version_pos, "`version` must be an integer");
            }
        } else if (key != "interactions") {
            c.extra.push_back(ExtraField{key, toml_json(v).dump(), toml_pos(v)});
        }
    }
    std::vector<Interaction> all;
    if (!doc.contains("interactions") && !doc.contains("grpc_interactions") && !doc.contains("ws_interactions"))
        top.problem(Position{1, 1}, "not a cassetter cassette: no `interactions` (nor gRPC or WebSocket sections)");
    if (const toml::node* list = doc.get("interactions")) {
        if (const toml::array* a = list->as_array()) {
            TomlReader conv(c);
            for (size_t i = 0; i < a->size(); ++i) all.push_back(conv.convert(*a->get(i), i));
        } else {
            top.problem(toml_pos(*list), "`interactions` must be an array of tables ([[interactions]])");
        }
    }
    c.interaction_count = all.size();
    if (opts.on_header) opts.on_header(c);
    for (auto& ix : all) sink(std::move(ix));
    return c;
}

}  // namespace

bool cassetter_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (s.empty()) return false;
    if (looks_toml(s)) return true;
    if (s.find("interactions") == std::string_view::npos) return false;
    if (has_key_at_line_start(s, "grpc_interactions:") || has_key_at_line_start(s, "ws_interactions:") ||
        s.find("\"grpc_interactions\":") != std::string_view::npos ||
        s.find("\"ws_interactions\":") != std::string_view::npos)
        return true;
    return has_typed_body(s);
}

Cassette cassetter_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                        const ReadOptions& opts) {
    std::string_view s = text;
    if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    if (cassetter_is_toml(s)) return read_toml(s, name, sink, opts);
    return read_yaml(text, name, sink, opts);
}

bool cassetter_is_toml(std::string_view text) {
    std::string_view s = skip_ws(text.substr(0, 64 * 1024));
    return looks_toml(s);
}

std::string non_http_note(const Cassette& c) {
    if (c.format != "cassetter") return {};
    size_t grpc = 0, ws = 0;
    for (const auto& x : c.extra) {
        if (x.key != "grpc_interactions" && x.key != "ws_interactions") continue;
        json v = json::parse(x.json, nullptr, false);
        size_t n = v.is_array() ? v.size() : 0;
        (x.key == "grpc_interactions" ? grpc : ws) += n;
    }
    if (!grpc && !ws) return {};
    return non_http_note_text(grpc, ws) +
           " (not HTTP: kept as written under `grpc_interactions` / `ws_interactions`, "
           "not shown as interactions)";
}

}  // namespace cassette
