#include "formats/field_convert.hpp"

#include <charconv>
#include <system_error>

#include "decode/base64.hpp"
#include "error.hpp"

namespace cassette {

bool is_binary_tag(std::string_view tag) {
    return tag == "tag:yaml.org,2002:binary" || tag == "!binary" || tag == "tag:yaml.org,2002:python/bytes" ||
           tag == "!!python/bytes";
}

const YamlNode* map_get(const YamlNode& n, std::string_view key) {
    if (!n.is_mapping()) return nullptr;
    for (size_t i = 0; i + 1 < n.children.size(); i += 2)
        if (n.children[i].is_scalar() && n.children[i].value == key) return &n.children[i + 1];
    return nullptr;
}

nlohmann::json go_yaml_json(const YamlNode& n) {
    if (!n.is_scalar()) return yaml_tree_json<nlohmann::json>(n, go_yaml_json);
    if (n.style != ScalarStyle::plain || !n.tag.empty()) return n.value;
    if (n.is_null()) return nullptr;
    if (n.value == "true") return true;
    if (n.value == "false") return false;
    int64_t i = 0;
    auto [p, ec] = std::from_chars(n.value.data(), n.value.data() + n.value.size(), i);
    if (ec == std::errc() && p == n.value.data() + n.value.size()) return i;
    return n.value;
}

void FieldConvert::problem(Position pos, std::string message) {
    c_.problems.push_back(Problem{"schema", pos, ix_, std::move(message)});
}

bool FieldConvert::is_bytes_tag(std::string_view tag) const {
    if (dialect_ == YamlDialect::go_vcr) return tag == "tag:yaml.org,2002:binary" || tag == "!binary";
    return is_binary_tag(tag);
}

std::string FieldConvert::describe(const YamlNode& n) const {
    if (!n.is_scalar()) return n.kind_name();
    if (dialect_ == YamlDialect::go_vcr && n.value.size() > 40) return "\"" + n.value.substr(0, 40) + "…\"";
    return "\"" + n.value.substr(0, 40) + "\"";
}

std::optional<std::string> FieldConvert::string(const YamlNode& n, std::string_view field) {
    if (n.is_null()) return std::string();
    if (!n.is_scalar()) {
        problem(n.pos, "`" + std::string(field) + "` must be a string, found " + n.kind_name());
        return std::nullopt;
    }
    if (is_bytes_tag(n.tag)) {
        auto bytes = base64_decode(n.value);
        if (!bytes) {
            problem(n.pos, "`" + std::string(field) + "` is tagged " +
                               (dialect_ == YamlDialect::go_vcr ? "!!binary" : "binary") + " but is not valid base64");
            return std::nullopt;
        }
        return bytes;
    }
    return n.value;
}

std::optional<int64_t> FieldConvert::integer(const YamlNode& n, std::string_view field) {
    // go-vcr: a plain scalar, an optional `+`; the VCR family: any scalar style, padded with spaces.
    const bool go = dialect_ == YamlDialect::go_vcr;
    if (n.is_scalar() && (!go || n.style == ScalarStyle::plain)) {
        std::string_view v = n.value;
        if (go) {
            if (!v.empty() && v.front() == '+') v.remove_prefix(1);
        } else {
            while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
            while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
        }
        int64_t out = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
        if (!v.empty() && ec == std::errc() && p == v.data() + v.size()) return out;
    }
    problem(n.pos, "`" + std::string(field) + "` must be an integer, found " + describe(n));
    return std::nullopt;
}

std::optional<bool> FieldConvert::boolean(const YamlNode& n, std::string_view field) {
    if (n.is_scalar() && n.style == ScalarStyle::plain) {
        const std::string& v = n.value;
        if (v == "true" || v == "True" || v == "TRUE" || v == "yes" || v == "on") return true;
        if (v == "false" || v == "False" || v == "FALSE" || v == "no" || v == "off") return false;
    }
    problem(n.pos, "`" + std::string(field) + "` must be true or false, found " + describe(n));
    return std::nullopt;
}

std::optional<std::vector<std::string>> FieldConvert::string_list(const YamlNode& n, std::string_view field) {
    std::vector<std::string> out;
    if (n.is_null()) return out;
    if (!n.is_sequence()) {
        problem(n.pos, "`" + std::string(field) + "` must be a list of strings, found " + n.kind_name());
        return std::nullopt;
    }
    for (const auto& item : n.children)
        if (auto s = string(item, field)) out.push_back(std::move(*s));
    return out;
}

std::optional<ValuesMap> FieldConvert::values_map(const YamlNode& n, std::string_view field) {
    ValuesMap out;
    if (n.is_null()) return out;
    if (!n.is_mapping()) {
        problem(n.pos, "`" + std::string(field) + "` must be a mapping of names to lists, found " + n.kind_name());
        return std::nullopt;
    }
    for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
        const YamlNode& k = n.children[i];
        const YamlNode& v = n.children[i + 1];
        auto key = string(k, field);
        if (!key) continue;
        // Values are lists; a scalar is read as a one-item list (hand-edited
        // fixtures do this) rather than dropped.
        if (v.is_scalar() && !v.is_null()) {
            out.emplace_back(*key, std::vector<std::string>{v.value});
        } else if (auto list = string_list(v, *key)) {
            out.emplace_back(*key, std::move(*list));
        }
    }
    return out;
}

void FieldConvert::headers(const YamlNode& n, Headers& out) {
    if (n.is_null()) return;
    if (!n.is_mapping()) {
        problem(n.pos, std::string("`headers` must be a mapping of names to lists, found ") + n.kind_name());
        return;
    }
    for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
        const YamlNode& k = n.children[i];
        const YamlNode& v = n.children[i + 1];
        auto key = string(k, "headers");
        if (!key) continue;
        Header h;
        h.name = *key;
        h.pos = k.pos;
        if (v.is_scalar() && !v.is_null()) {
            if (auto s = string(v, *key)) h.values.push_back(std::move(*s));
        } else if (auto list = string_list(v, *key)) {
            h.values = std::move(*list);
        }
        out.items.push_back(std::move(h));
    }
}

namespace {

// PyYAML's full dumper writes what it cannot represent safely as a call:
// `!!python/object/apply:F [args…]` or `!!python/object/new:C [args…]`
// (or their mapping form `{args: [...], state: …}`). multidict's
// case-insensitive header names (`istr`) and VCR.py 0.x's frozenset of header
// tuples come this way; their data is the first argument. Nothing is
// constructed: the node is only looked into.
const YamlNode* python_call_arg(const YamlNode& n) {
    std::string_view tag = n.tag;
    if (tag.substr(0, 38) != "tag:yaml.org,2002:python/object/apply:" &&
        tag.substr(0, 36) != "tag:yaml.org,2002:python/object/new:")
        return nullptr;
    if (n.is_sequence() && !n.children.empty()) return &n.children[0];
    if (const YamlNode* a = map_get(n, "args"); a && a->is_sequence() && !a->children.empty()) return &a->children[0];
    return nullptr;
}

const YamlNode& python_call_data(const YamlNode& n) {
    const YamlNode* p = &n;
    for (int depth = 0; depth < 8; ++depth) {
        const YamlNode* a = python_call_arg(*p);
        if (!a) break;
        p = a;
    }
    return *p;
}

}  // namespace

void FieldConvert::any_headers(const YamlNode& n_in, Headers& out, Position* headers_pos) {
    const YamlNode& n = python_call_data(n_in);
    if (headers_pos) *headers_pos = n_in.pos;
    if (n.is_null()) return;
    auto add = [&](std::string name, Position pos, std::vector<std::string> values) {
        for (auto& h : out.items) {
            if (h.name == name) {
                for (auto& v : values) h.values.push_back(std::move(v));
                return;
            }
        }
        out.items.push_back(Header{std::move(name), std::move(values), pos});
    };
    auto values_of = [&](const YamlNode& v, const std::string& name) {
        std::vector<std::string> vals;
        if (v.is_sequence()) {
            for (const auto& item : v.children)
                if (auto s = string(item, name)) vals.push_back(std::move(*s));
        } else if (v.is_scalar()) {
            // R vcr and hand-written fixtures: a scalar value; null -> one empty value.
            if (auto s = string(v, name)) vals.push_back(std::move(*s));
        } else {
            problem(v.pos, "header `" + name + "` must be a string or a list of strings, found " + v.kind_name());
        }
        return vals;
    };
    if (n.is_mapping()) {
        for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
            const YamlNode& k = n.children[i];
            auto name = string(python_call_data(k), "headers");  // `? !!python/object/apply:…istr [Name]`
            if (!name) continue;
            add(*name, k.pos, values_of(n.children[i + 1], *name));
        }
        return;
    }
    if (n.is_sequence()) {
        for (const auto& item : n.children) {
            if (item.is_sequence() && item.children.size() == 2) {  // (name, [values]) tuples
                auto name = string(python_call_data(item.children[0]), "headers");
                if (name) add(*name, item.pos, values_of(item.children[1], *name));
            } else if (item.is_scalar()) {  // "Name: value\r\n" (vcrpy < 1.0)
                std::string line = item.value;
                while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
                size_t colon = line.find(':');
                if (colon == std::string::npos) {
                    problem(item.pos, "header line has no `:`");
                    continue;
                }
                std::string value = line.substr(colon + 1);
                size_t start = value.find_first_not_of(" \t");
                value = start == std::string::npos ? "" : value.substr(start);
                add(line.substr(0, colon), item.pos, {value});
            } else if (item.is_mapping()) {  // [{name: value}] lists
                for (size_t i = 0; i + 1 < item.children.size(); i += 2) {
                    auto name = string(item.children[i], "headers");
                    if (name) add(*name, item.children[i].pos, values_of(item.children[i + 1], *name));
                }
            } else {
                problem(item.pos, "a header must be a name and values");
            }
        }
        return;
    }
    problem(n.pos, std::string("`headers` must be a mapping of names to values, found ") + n.kind_name());
}

bool FieldConvert::body_start(const YamlNode& key, const YamlNode& value, Body& out) {
    out.present = true;
    out.key_pos = key.pos;
    out.pos = value.pos;
    out.style = value.style;
    if (value.is_null()) return false;
    if (!value.is_scalar()) {
        problem(value.pos, std::string(dialect_ == YamlDialect::go_vcr ? "`body` must be a string, found "
                                                                       : "a body must be a string, found ") +
                               value.kind_name());
        return false;
    }
    out.binary_tag = is_bytes_tag(value.tag);
    return true;
}

void FieldConvert::body(const YamlNode& key, YamlNode& value, Body& out) {
    if (!body_start(key, value, out)) return;
    if (!out.binary_tag) {
        out.bytes = std::move(value.value);
    } else if (auto bytes = string(value, "body")) {
        out.bytes = std::move(*bytes);
    }
}

void FieldConvert::scalar_body(const YamlNode& key, const YamlNode& value, Body& out) {
    if (!body_start(key, value, out)) return;
    if (auto s = string(value, "body")) out.bytes = std::move(*s);
}

Position JsonPositions::at(std::string_view path) {
    if (!built_) {
        built_ = true;
        try {
            YamlEventStream ys("json", text_, max_depth_, 0);
            ys.next();  // STREAM_START
            if (ys.next().type == YAML_DOCUMENT_START_EVENT) {
                ys.next();
                root_ = ys.build_node();
            }
        } catch (const InputError&) {
            root_.reset();  // not YAML-readable (deeper than max_depth, …): positions unknown
        }
    }
    if (!root_) return {};
    const YamlNode* n = &*root_;
    if (!path.empty() && path.front() == '$') path.remove_prefix(1);
    while (!path.empty()) {
        const YamlNode* next = nullptr;
        if (path.front() == '[') {
            size_t close = path.find(']');
            size_t i = 0;
            auto [p, ec] =
                std::from_chars(path.data() + 1, path.data() + (close == std::string_view::npos ? 1 : close), i);
            (void)p;
            if (close == std::string_view::npos || ec != std::errc()) break;
            if (n->is_sequence() && i < n->children.size()) next = &n->children[i];
            path.remove_prefix(close + 1);
        } else if (path.front() == '.') {
            path.remove_prefix(1);
            size_t end = path.find_first_of(".[");
            next = map_get(*n, path.substr(0, end));
            path.remove_prefix(end == std::string_view::npos ? path.size() : end);
        } else {
            break;
        }
        if (!next) break;
        n = next;
    }
    return n->pos;
}

}  // namespace cassette
