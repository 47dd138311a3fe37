#include "formats/doc_reader.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "decode/json5.hpp"
#include "error.hpp"
#include "formats/yaml_stream.hpp"
#include "util/http.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

// 1-based line and column (in characters) of byte `offset` of `text`.
Position position_of_byte(std::string_view text, size_t offset) {
    Position p{1, 1};
    if (offset > text.size()) offset = text.size();
    for (size_t i = 0; i < offset; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++p.column;
        }
    }
    return p;
}

// A plain YAML scalar typed as YAML 1.1 (PyYAML, Symfony) reads it, but only
// when the JSON form writes the same text back: `1.10` or `007` stay strings,
// so header values and versions keep their spelling.
DocJson yaml_scalar(const YamlNode& n) {
    const std::string& v = n.value;
    const std::string& tag = n.tag;
    auto number = [&](bool want_float) -> std::optional<DocJson> {
        std::string t = v;
        if (!t.empty() && t[0] == '+') t.erase(0, 1);
        if (!want_float) {
            int64_t i = 0;
            auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
            if (ec == std::errc() && p == t.data() + t.size() && !t.empty()) return DocJson(i);
        }
        char* end = nullptr;
        double d = std::strtod(t.c_str(), &end);
        if (!t.empty() && end == t.c_str() + t.size() && std::isfinite(d)) return DocJson(d);
        return std::nullopt;
    };
    if (tag == "tag:yaml.org,2002:int") {
        if (auto j = number(false)) return *j;
    } else if (tag == "tag:yaml.org,2002:float") {
        if (auto j = number(true)) return DocJson(j->get<double>());
    } else if (tag == "tag:yaml.org,2002:null") {
        return nullptr;
    } else if (tag == "tag:yaml.org,2002:bool") {
        std::string l = lower(v);
        if (l == "true" || l == "yes" || l == "on") return true;
        if (l == "false" || l == "no" || l == "off") return false;
    }
    if (!tag.empty() || n.style != ScalarStyle::plain) return v;
    if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") return nullptr;
    if (v == "true" || v == "True" || v == "TRUE") return true;
    if (v == "false" || v == "False" || v == "FALSE") return false;
    if ((v[0] >= '0' && v[0] <= '9') || v[0] == '-' || v[0] == '+' || v[0] == '.') {
        if (auto j = number(false)) {
            if (j->dump() == (v[0] == '+' ? v.substr(1) : v)) return *j;
        }
        if (auto j = number(true)) {
            if (j->dump() == v) return *j;
        }
    }
    return v;
}

}  // namespace

Doc::Doc(std::string_view text, const std::string& name, DocSyntax syntax, const ReadOptions& opts)
    : text_(text), syntax_(syntax), json_pos_(text, opts.max_depth) {
    if (syntax == DocSyntax::json) {
        try {
            root = DocJson::parse(text.begin(), text.end());
        } catch (const nlohmann::json::parse_error& e) {
            // e.byte is the 1-based offset of the character that failed.
            size_t at = e.byte == 0 ? 0 : e.byte - 1;
            Position p = position_of_byte(text, at);
            std::string what = e.what();
            size_t cut = what.find("syntax error while parsing value - ");
            if (cut != std::string::npos)
                what = what.substr(cut + 35);
            else if ((cut = what.find(": ")) != std::string::npos)
                what = what.substr(cut + 2);
            throw InputError(name, p, "invalid JSON: " + what, nth_line(text, p.line), "schema");
        }
        return;
    }
    if (syntax == DocSyntax::json5) {
        try {
            root = parse_json5(text, opts.max_depth, &json5_pos_);
        } catch (const Json5Error& e) {
            throw InputError(name, e.pos, std::string("invalid JSON5: ") + e.what(), nth_line(text, e.pos.line),
                             "schema");
        }
        return;
    }
    YamlEventStream ys(name, text, opts.max_depth, opts.max_alias_expansion);
    ys.next();                                                // STREAM_START
    if (ys.next().type != YAML_DOCUMENT_START_EVENT) return;  // no document
    ys.next();
    YamlNode node = ys.build_node();
    root = yaml_tree_json<DocJson>(node, yaml_scalar);
}

Position Doc::at(std::string_view path) {
    if (syntax_ != DocSyntax::json5) return json_pos_.at(path);
    // The longest recorded prefix of `path`.
    std::string p(path);
    if (p.empty() || p[0] != '$') p = "$" + p;
    for (;;) {
        auto it = json5_pos_.find(p);
        if (it != json5_pos_.end()) return it->second;
        size_t cut = p.find_last_of(".[");
        if (cut == std::string::npos || cut == 0) {
            auto top = json5_pos_.find("$");
            return top == json5_pos_.end() ? Position{} : top->second;
        }
        p.resize(cut);
    }
}

void DocProblems::operator()(std::optional<size_t> ix, const std::string& path, std::string message) {
    FieldConvert cv(c_, ix);
    cv.problem(doc_.at(path), std::move(message));
}

std::string doc_scalar_text(const DocJson& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return {};
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string doc_body_text(const DocJson& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return {};
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void doc_headers(const DocJson& h, Headers& out, const std::string& sub, const ProblemAt& problem) {
    auto add = [&](const std::string& name, const DocJson& v, const std::string& at) {
        std::vector<std::string> values;
        if (v.is_array()) {
            for (size_t i = 0; i < v.size(); ++i) {
                if (v[i].is_object() || v[i].is_array())
                    problem(at + "[" + std::to_string(i) + "]", "header `" + name + "`: a value must be a string");
                else
                    values.push_back(doc_scalar_text(v[i]));
            }
        } else if (v.is_object()) {
            problem(at, "header `" + name + "`: a value must be a string or a list of strings");
            return;
        } else {
            values.push_back(doc_scalar_text(v));
        }
        for (auto& e : out.items)
            if (e.name == name) {
                for (auto& x : values) e.values.push_back(std::move(x));
                return;
            }
        out.items.push_back(Header{name, std::move(values), {}});
    };
    if (h.is_null()) return;
    if (h.is_object()) {
        for (auto it = h.begin(); it != h.end(); ++it) add(it.key(), it.value(), sub + "." + it.key());
        return;
    }
    if (!h.is_array()) {
        problem(sub, std::string("headers must be an object or a list, found ") + h.type_name());
        return;
    }
    for (size_t i = 0; i < h.size(); ++i) {
        const DocJson& e = h[i];
        std::string at = sub + "[" + std::to_string(i) + "]";
        if (e.is_array() && e.size() == 2 && e[0].is_string()) {
            add(e[0].get<std::string>(), e[1], at + "[1]");
        } else if (e.is_object() && e.contains("name") && e["name"].is_string() && e.contains("value")) {
            add(e["name"].get<std::string>(), e["value"], at + ".value");
        } else if (e.is_object() && e.size() == 1) {
            add(e.begin().key(), e.begin().value(), at + "." + e.begin().key());
        } else {
            problem(at, "a header must be a [name, value] pair or a {name, value} object");
        }
    }
}

void doc_set_status(Response& r, int64_t code, const std::optional<std::string>& message) {
    r.code = code;
    std::string reason = message && !message->empty() ? *message : std::string(reason_phrase(code));
    r.status = std::to_string(code) + (reason.empty() ? "" : " " + reason);
}

std::optional<int64_t> doc_integer(const DocJson& v) {
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float()) {
        double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) return static_cast<int64_t>(d);
        return std::nullopt;
    }
    if (v.is_string()) {
        std::string s(trim(v.get<std::string>()));
        int64_t i = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
        if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) return i;
    }
    return std::nullopt;
}

void doc_keep_unknown(const DocJson& obj, std::initializer_list<std::string_view> known, std::vector<ExtraField>& out,
                      const std::string& prefix) {
    if (!obj.is_object()) return;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        bool k = false;
        for (std::string_view n : known) k = k || it.key() == n;
        if (!k)
            out.push_back(ExtraField{prefix.empty() ? it.key() : prefix + "." + it.key(),
                                     it.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                     {}});
    }
}

std::string_view doc_skip_blank(std::string_view s, bool comments) {
    for (;;) {
        size_t i = s.find_first_not_of(" \t\r\n");
        if (i == std::string_view::npos) return {};
        s.remove_prefix(i);
        if (s.substr(0, 3) == "\xEF\xBB\xBF") {
            s.remove_prefix(3);
        } else if (comments && s.substr(0, 2) == "//") {
            size_t nl = s.find('\n');
            if (nl == std::string_view::npos) return {};
            s.remove_prefix(nl + 1);
        } else if (comments && s.substr(0, 2) == "/*") {
            size_t end = s.find("*/", 2);
            if (end == std::string_view::npos) return {};
            s.remove_prefix(end + 2);
        } else {
            return s;
        }
    }
}

bool doc_first_key_is(std::string_view text, std::string_view key, bool json5) {
    if (text.substr(0, 1) != "{") return false;
    std::string_view s = doc_skip_blank(text.substr(1), json5);
    if (s.empty()) return false;
    char q = s[0];
    if (q == '"' || (json5 && q == '\'')) {
        if (s.substr(1, key.size()) != key || s.substr(1 + key.size(), 1) != std::string_view(&q, 1)) return false;
        s.remove_prefix(key.size() + 2);
    } else {
        if (!json5 || s.substr(0, key.size()) != key) return false;
        s.remove_prefix(key.size());
    }
    s = doc_skip_blank(s, json5);
    return s.substr(0, 1) == ":";
}

}  // namespace cassette
