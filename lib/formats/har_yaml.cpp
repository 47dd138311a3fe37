#include "formats/har_yaml.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "error.hpp"
#include "formats/sniff.hpp"
#include "formats/yaml_stream.hpp"

namespace cassette {

namespace {

using json = nlohmann::json;

bool digits(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

// A scalar as js-yaml's default (YAML 1.2 core) schema reads it: plain
// null/true/false/numbers typed, everything quoted or tagged a string.
json scalar_json(const YamlNode& n) {
    const std::string& v = n.value;
    if (n.tag == "tag:yaml.org,2002:null") return nullptr;
    if (n.style != ScalarStyle::plain || (!n.tag.empty() && n.tag != "tag:yaml.org,2002:int" &&
                                          n.tag != "tag:yaml.org,2002:float" && n.tag != "tag:yaml.org,2002:bool"))
        return v;
    if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") return nullptr;
    if (v == "true" || v == "True" || v == "TRUE") return true;
    if (v == "false" || v == "False" || v == "FALSE") return false;
    std::string_view body = v;
    if (body[0] == '-' || body[0] == '+') body.remove_prefix(1);
    if (digits(body)) {
        int64_t i = 0;
        const char* b = v.data() + (v[0] == '+');
        auto [p, ec] = std::from_chars(b, v.data() + v.size(), i);
        if (ec == std::errc() && p == v.data() + v.size()) return i;
    }
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    size_t e = body.find_first_of("eE");
    std::string_view mant = body.substr(0, e), exp = e == std::string_view::npos ? "" : body.substr(e + 1);
    size_t dot = mant.find('.');
    bool mant_ok = dot == std::string_view::npos ? digits(mant)
                                                 : (mant.size() > 1 && (dot == 0 || digits(mant.substr(0, dot))) &&
                                                    (dot + 1 == mant.size() || digits(mant.substr(dot + 1))));
    if (!exp.empty() && (exp[0] == '-' || exp[0] == '+')) exp.remove_prefix(1);
    if (mant_ok && (e == std::string_view::npos || digits(exp))) {
        double d = std::strtod(v.c_str(), nullptr);
        if (std::isfinite(d)) return d;
    }
    return v;
}

json node_json(const YamlNode& n) {
    switch (n.kind) {
        case YamlNode::Kind::scalar: return scalar_json(n);
        case YamlNode::Kind::sequence: {
            json a = json::array();
            for (const auto& c : n.children) a.push_back(node_json(c));
            return a;
        }
        case YamlNode::Kind::mapping: {
            json o = json::object();
            for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
                const YamlNode& k = n.children[i];
                o[k.is_scalar() ? k.value : node_json(k).dump()] = node_json(n.children[i + 1]);
            }
            return o;
        }
    }
    return nullptr;
}

// JSON.stringify of a parsed value (a string stays itself).
std::string text_of(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

void undo_postdata(json& pd) {
    if (!pd.is_object()) return;
    auto tj = pd.find("textJSON");
    if (tj == pd.end()) return;
    if (!pd.contains("text") || pd["text"].is_null()) pd["text"] = text_of(*tj);
    pd.erase("textJSON");
}

void undo_content(json& content) {
    if (!content.is_object()) return;
    auto text = content.find("text");
    if (text != content.end() && text->is_array()) *text = text->dump();  // Polly's chunk list
    auto dec = content.find("textDecoded");
    if (dec == content.end()) return;
    json decoded = std::move(*dec);
    content.erase("textDecoded");
    // Beside the raw `text` it is a copy for people to read: the body is `text`.
    if (!content.contains("text") || content["text"].is_null()) {
        content["text"] = text_of(decoded);
        content.erase("encoding");  // the decoded text is not base64
    }
}

}  // namespace

bool har_yaml_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (s.empty() || s[0] == '{' || s[0] == '[') return false;
    // `log:` at the top level (column 1), `entries:` indented under it.
    bool in_log = false;
    size_t pos = 0;
    while (pos < head.size()) {
        size_t nl = head.find('\n', pos);
        std::string_view line = head.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? head.size() : nl + 1;
        if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
        size_t k = line.find_first_not_of(" \t\r");
        if (k == std::string_view::npos || line[k] == '#') continue;
        if (k == 0) {
            if (line.substr(0, 3) != "---") in_log = line.substr(0, 4) == "log:";
        } else if (in_log && line.substr(k, 8) == "entries:") {
            return true;
        }
    }
    return false;
}

json har_yaml_document(std::string_view text, const std::string& name, const ReadOptions& opts) {
    YamlEventStream ys(name, text, opts.max_depth, opts.max_alias_expansion);
    ys.next();  // STREAM_START
    if (ys.next().type == YAML_STREAM_END_EVENT) ys.fail(Position{1, 1}, "empty file: no YAML document", "schema");
    ys.next();
    YamlNode root = ys.build_node();
    ys.next();  // DOCUMENT_END
    if (ys.next().type != YAML_STREAM_END_EVENT)
        ys.fail(ys.position(), "more than one YAML document in the file; a HAR log is one document", "schema");
    json doc = node_json(root);
    if (doc.is_object() && doc.contains("log") && doc["log"].is_object()) {
        json& log = doc["log"];
        if (log.contains("entries") && log["entries"].is_array()) {
            for (auto& e : log["entries"]) {
                if (!e.is_object()) continue;
                if (e.contains("request") && e["request"].is_object() && e["request"].contains("postData"))
                    undo_postdata(e["request"]["postData"]);
                if (e.contains("response") && e["response"].is_object() && e["response"].contains("content"))
                    undo_content(e["response"]["content"]);
            }
        }
    }
    return doc;
}

}  // namespace cassette
