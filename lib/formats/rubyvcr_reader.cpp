// Ruby VCR cassettes (vcr/vcr), YAML and JSON serializers, and the dialects
// that copy its layout:
//   VCR 2+:   {http_interactions: [{request: {method, uri, body: {encoding, string | base64_string},
//              headers: {Name: [values]}}, response: {status: {code, message}, headers, body,
//              http_version}, recorded_at}], recorded_with: "VCR 6.4.0"}
//   VCR 1.x:  `body` a bare string
//   R vcr:    `status: 200`, `status: {status_code: '200', message, explanation}`, scalar header
//             values, `headers: []`, multipart `body: {fields: …}`, `recorded_with` per interaction
//   rvcr (Rust): the JSON form with "encoding": null and lowercase methods
// Psych writes binary strings as `!binary |` (a single `!`), read as base64.
#include <algorithm>
#include <cctype>

#include "decode/base64.hpp"
#include "formats/sniff.hpp"
#include "util/http.hpp"

namespace cassette {

namespace {

std::string upper(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return s;
}

// `recorded_with` as written ("VCR 6.4.0", "vcr/1.7.0.91, webmockr/2.0.0",
// "rVCR 0.1.0"); "" when it is not a scalar.
std::string recorder_name(const YamlNode& v) { return v.is_scalar() && !v.is_null() ? v.value : std::string(); }

// body: {encoding, string} | {encoding, base64_string} | "bare" | null | {fields: …}
void convert_body(FieldConvert& cv, const YamlNode& key, const YamlNode& v, Body& out, std::vector<ExtraField>& extra) {
    if (!v.is_mapping()) {
        cv.scalar_body(key, v, out);
        return;
    }
    out.present = true;
    out.key_pos = key.pos;
    out.pos = v.pos;
    const YamlNode* s = map_get(v, "string");
    const YamlNode* b64 = map_get(v, "base64_string");
    if (b64 && !b64->is_null()) {
        out.pos = b64->pos;
        out.binary_tag = true;
        auto bytes = b64->is_scalar() ? base64_decode(b64->value) : std::nullopt;
        if (!bytes)
            cv.problem(b64->pos, "`base64_string` is not valid base64");
        else
            out.bytes = std::move(*bytes);
    } else if (s) {
        cv.scalar_body(key, *s, out);
        out.key_pos = key.pos;
    } else if (!v.children.empty() && !map_get(v, "encoding")) {
        // R vcr multipart forms: {fields: …} kept as data, no bytes to show.
        extra.push_back(ExtraField{"body", yaml_node_json(v), key.pos});
        return;
    } else if (!v.children.empty()) {
        // VCR's body_from reads `base64_string` or `string`; a body it wrote always has one.
        cv.problem(v.pos, "`body` has no `string` or `base64_string`");
    }
    for (size_t i = 0; i + 1 < v.children.size(); i += 2) {
        const YamlNode& k = v.children[i];
        if (key_is(k, "string") || key_is(k, "base64_string")) continue;
        if (key_is(k, "encoding") && (v.children[i + 1].is_null() || v.children[i + 1].is_scalar())) {
            extra.push_back(ExtraField{"body.encoding", yaml_node_json(v.children[i + 1]), k.pos});
            continue;
        }
        extra.push_back(ExtraField{"body." + (k.is_scalar() ? k.value : yaml_node_json(k)),
                                   yaml_node_json(v.children[i + 1]), k.pos});
    }
}

void convert_request(FieldConvert& cv, YamlNode& node, Request& r) {
    if (!node.is_mapping()) {
        cv.problem(node.pos, std::string("`request` must be a mapping, found ") + node.kind_name());
        return;
    }
    bool has_uri = false, has_method = false;
    for (size_t i = 0; i + 1 < node.children.size(); i += 2) {
        YamlNode& k = node.children[i];
        YamlNode& v = node.children[i + 1];
        const std::string& key = k.value;
        if (!k.is_scalar()) {
            cv.problem(k.pos, "mapping keys in `request` must be strings");
        } else if (key == "body") {
            convert_body(cv, k, v, r.body, r.extra);
        } else if (key == "uri") {
            has_uri = true;
            r.url_pos = v.pos;
            if (auto s = cv.string(v, key)) r.url = *s;
        } else if (key == "method") {
            has_method = true;
            // VCR writes the Ruby symbol (`post`); HTTP methods are upper case.
            if (auto s = cv.string(v, key)) r.method = upper(*s);
        } else if (key == "headers") {
            cv.any_headers(v, r.headers, nullptr);
            r.headers_pos = k.pos;
        } else {
            r.extra.push_back(ExtraField{key, yaml_node_json(v), k.pos});
        }
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
            convert_body(cv, k, v, r.body, r.extra);
        } else if (key == "headers") {
            cv.any_headers(v, r.headers, nullptr);
            r.headers_pos = k.pos;
        } else if (key == "status") {
            has_status = true;
            r.status_pos = v.pos;
            if (v.is_mapping()) {
                const YamlNode* c = map_get(v, "code");
                if (!c) c = map_get(v, "status_code");  // R vcr before 2.0
                if (c) {
                    r.code_pos = c->pos;
                    r.code = cv.integer(*c, "status.code");
                } else {
                    cv.problem(v.pos, "`status` has no `code`");
                }
                if (const YamlNode* m = map_get(v, "message")) message = cv.string(*m, "status.message").value_or("");
                if (const YamlNode* e = map_get(v, "explanation"))
                    r.extra.push_back(ExtraField{"status.explanation", yaml_node_json(*e), e->pos});
            } else if (v.is_scalar()) {  // R vcr 2.x: a bare number
                r.code_pos = v.pos;
                r.code = cv.integer(v, "status");
            } else {
                cv.problem(v.pos, "`status` must be a mapping {code, message}");
            }
        } else if (key == "http_version") {
            if (auto s = cv.string(v, key); s && !s->empty()) {
                std::string text = *s;
                if (text.rfind("HTTP/", 0) != 0) text = "HTTP/" + text;  // VCR writes "1.1"
                set_proto(text, r.proto, r.proto_major, r.proto_minor);
            }
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
            // Older R vcr writes `recorded_with` in each interaction: the first
            // one names the recorder until a top-level one says otherwise.
            if (key_is(k, "recorded_with") && c.recorder.empty()) c.recorder = recorder_name(v);
            // recorded_at (a string, or an unquoted YAML timestamp in R files: kept as written).
            ix.extra.push_back(ExtraField{k.is_scalar() ? k.value : yaml_node_json(k), yaml_node_json(v), k.pos});
        }
    }
    if (!has_request) cv.problem(node.pos, "interaction has no `request`");
    if (!has_response) cv.problem(node.pos, "interaction has no `response`");
    return ix;
}

}  // namespace

bool rubyvcr_sniff(std::string_view head) {
    size_t pos = 0;
    while ((pos = head.find("http_interactions", pos)) != std::string_view::npos) {
        // `http_interactions:` at a line start (YAML), or "http_interactions" as a JSON key.
        if ((pos == 0 || head[pos - 1] == '\n') && head.substr(pos + 17, 1) == ":") return true;
        if (pos > 0 && head[pos - 1] == '"' && head.substr(pos + 17, 1) == "\"") return true;
        pos += 17;
    }
    return false;
}

Cassette rubyvcr_read(YamlEventStream& ys, const std::string& name, const InteractionSink& sink,
                      const ReadOptions& opts) {
    bool header_sent = false;
    auto send_header = [&](const Cassette& c) {
        if (!header_sent && opts.on_header) opts.on_header(c);
        header_sent = true;
    };
    Cassette c;
    c.path = name;
    c.format = "ruby-vcr";
    FieldConvert top(c, std::nullopt);
    size_t index = 0;

    ys.next();  // STREAM_START
    if (ys.next().type == YAML_STREAM_END_EVENT) ys.fail(Position{1, 1}, "empty file: no YAML document", "schema");
    const yaml_event_t& root = ys.next();
    if (root.type != YAML_MAPPING_START_EVENT)
        ys.fail(ys.position(), "expected a mapping with `http_interactions` at the top level", "schema");
    bool has_interactions = false;
    while (ys.next().type != YAML_MAPPING_END_EVENT) {
        YamlNode key = ys.build_node();
        ys.next();
        if (key_is(key, "http_interactions")) {
            has_interactions = true;
            if (ys.current().type == YAML_SEQUENCE_START_EVENT) {
                while (ys.next().type != YAML_SEQUENCE_END_EVENT) {
                    YamlNode node = ys.build_node();
                    Interaction ix = convert_interaction(c, node, index++);
                    send_header(c);
                    sink(std::move(ix));
                }
            } else {
                YamlNode v = ys.build_node();
                if (!v.is_null())
                    top.problem(v.pos, std::string("`http_interactions` must be a list, found ") + v.kind_name());
            }
        } else {
            // recorded_with: "VCR 6.4.0" names the library and its version. VCR
            // writes it after the interactions, so on_header has not seen it;
            // the returned cassette has (json_stream appends late header keys).
            YamlNode v = ys.build_node();
            if (key_is(key, "recorded_with")) c.recorder = recorder_name(v);
            c.extra.push_back(
                ExtraField{key.is_scalar() ? key.value : yaml_node_json(key), yaml_node_json(v), key.pos});
        }
    }
    if (!has_interactions) top.problem(Position{1, 1}, "no `http_interactions` key");
    c.interaction_count = index;
    send_header(c);
    ys.next();  // DOCUMENT_END
    if (ys.next().type != YAML_STREAM_END_EVENT)
        ys.fail(ys.position(), "more than one YAML document in the file; a cassette is one document", "schema");
    return c;
}

}  // namespace cassette
