// nock fixtures (nock.recorder with output_objects, nockBack): a JSON array
// of {scope, method, path, body, status, response, headers | rawHeaders,
// reqheaders, responseIsBinary}. Bodies that nock stored as parsed JSON are
// written back as JSON.stringify would (compact); `responseIsBinary: true`
// means `response` is the body in hex.
#include <functional>

#include <nlohmann/json.hpp>

#include "error.hpp"
#include "formats/sniff.hpp"
#include "util/http.hpp"

namespace cassette {

namespace {

using json = nlohmann::json;

std::string body_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return {};
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> unhex(const std::string& s) {
    if (s.size() % 2) return std::nullopt;
    std::string out;
    out.reserve(s.size() / 2);
    auto val = [](char ch) -> int {
        if (ch >= '0' && ch <= '9') return ch - '0';
        if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
        if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i < s.size(); i += 2) {
        int a = val(s[i]), b = val(s[i + 1]);
        if (a < 0 || b < 0) return std::nullopt;
        out += static_cast<char>(a * 16 + b);
    }
    return out;
}

// `headers` {name: value | [values]} or `rawHeaders` [name, value, …], as
// nock's headersInputToRawArray takes them.
void read_headers(const json& h, Headers& out, const std::function<void(const std::string&)>& problem,
                  std::string_view key) {
    auto add = [&](const std::string& name, const json& v) {
        Header hd{name, {}, {}};
        if (v.is_array()) {
            for (const auto& x : v) hd.values.push_back(x.is_string() ? x.get<std::string>() : x.dump());
        } else {
            hd.values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
        }
        for (auto& e : out.items)
            if (e.name == name) {
                for (auto& x : hd.values) e.values.push_back(std::move(x));
                return;
            }
        out.items.push_back(std::move(hd));
    };
    if (h.is_object()) {
        for (auto it = h.begin(); it != h.end(); ++it) add(it.key(), it.value());
    } else if (h.is_array()) {  // rawHeaders: [name, value, name, value …]
        if (h.size() % 2)
            problem("`" + std::string(key) + "` has " + std::to_string(h.size()) +
                    " items; a raw header list is name, value pairs");
        for (size_t i = 0; i + 1 < h.size(); i += 2) {
            if (h[i].is_string())
                add(h[i].get<std::string>(), h[i + 1]);
            else
                problem("`" + std::string(key) + "` item " + std::to_string(i) + " must be a header name (a string)");
        }
    } else if (!h.is_null()) {
        problem("`" + std::string(key) + "` must be an object or a [name, value, …] list");
    }
}

}  // namespace

bool nock_sniff(std::string_view head) {
    std::string_view s = skip_ws(head);
    if (s.substr(0, 1) != "[") return false;
    return s.find("\"scope\"") != std::string_view::npos;
}

Cassette nock_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                   const ReadOptions& opts) {
    Cassette c;
    c.path = name;
    c.format = "nock";
    json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) throw InputError(name, Position{1, 1}, "not a nock fixture: invalid JSON", "", "schema");
    if (!doc.is_array())
        throw InputError(name, Position{1, 1}, "not a nock fixture: expected a JSON array of definitions", "",
                         "schema");
    c.interaction_count = doc.size();
    if (opts.on_header) opts.on_header(c);
    // nock's define() (lib/scope.js) needs `scope` and `method` (it throws
    // "Method is required"); `path` is the interceptor's path; `status` a
    // number (200 when absent); `responseIsBinary` means `response` is hex.
    JsonPositions where(text, opts.max_depth);
    for (size_t i = 0; i < doc.size(); ++i) {
        const json& d = doc[i];
        Interaction ix;
        ix.index = i;
        FieldConvert cv(c, i);
        const std::string at = "[" + std::to_string(i) + "]";
        auto problem = [&](const std::string& field, const std::string& message) {
            cv.problem(where.at(at + (field.empty() ? "" : "." + field)), message);
        };
        ix.pos = d.is_object() ? Position{} : where.at(at);
        if (!d.is_object()) {
            problem("", std::string("a nock definition must be an object, found ") + d.type_name());
            sink(std::move(ix));
            continue;
        }
        auto text_field = [&](const char* key) -> std::optional<std::string> {
            auto it = d.find(key);
            if (it == d.end()) {
                problem("", std::string("definition has no `") + key + "`");
                return std::nullopt;
            }
            if (!it->is_string()) {
                problem(key, std::string("`") + key + "` must be a string, found " + it->type_name());
                return std::nullopt;
            }
            return it->get<std::string>();
        };
        std::string scope = text_field("scope").value_or("");
        // nock writes the port always ("http://host:80"); a client's URL has it only when not the default.
        for (auto [scheme, port] : {std::pair{"http://", ":80"}, std::pair{"https://", ":443"}}) {
            std::string s = scheme, p = port;
            if (scope.rfind(s, 0) == 0 && scope.size() > p.size() &&
                scope.compare(scope.size() - p.size(), p.size(), p) == 0)
                scope.resize(scope.size() - p.size());
        }
        ix.request.url = scope + text_field("path").value_or("");
        ix.request.method = text_field("method").value_or("");
        if (d.contains("body")) {
            ix.request.body.present = true;
            ix.request.body.bytes = body_text(d["body"]);
        }
        if (d.contains("reqheaders"))
            read_headers(
                d["reqheaders"], ix.request.headers, [&](const std::string& m) { problem("reqheaders", m); },
                "reqheaders");
        if (d.contains("status") && d["status"].is_number_integer()) {
            ix.response.code = d["status"].get<int64_t>();
            std::string_view reason = reason_phrase(*ix.response.code);
            ix.response.status = std::to_string(*ix.response.code) + (reason.empty() ? "" : " " + std::string(reason));
        } else if (d.contains("status")) {
            problem("status", std::string("`status` must be an integer, found ") + d["status"].type_name());
        } else {
            // nock replies 200 when no status was recorded.
            ix.response.code = 200;
            ix.response.status = "200 OK";
        }
        bool binary = false;
        if (auto it = d.find("responseIsBinary"); it != d.end()) {
            if (it->is_boolean())
                binary = it->get<bool>();
            else
                problem("responseIsBinary",
                        std::string("`responseIsBinary` must be true or false, found ") + it->type_name());
        }
        if (d.contains("response")) {
            ix.response.body.present = true;
            const json& r = d["response"];
            if (binary) {
                auto b = r.is_string() ? unhex(r.get<std::string>()) : std::nullopt;
                if (b) {
                    ix.response.body.bytes = std::move(*b);
                    ix.response.body.binary_tag = true;
                } else {
                    problem("response", "`responseIsBinary` is set but `response` is not a hex string");
                }
            } else {
                ix.response.body.bytes = body_text(r);
            }
        }
        for (const char* key : {"rawHeaders", "headers"})
            if (d.contains(key)) {
                read_headers(
                    d[key], ix.response.headers, [&](const std::string& m) { problem(key, m); }, key);
                break;
            }
        static const char* const known[] = {"scope",  "method",   "path",       "body",    "reqheaders",
                                            "status", "response", "rawHeaders", "headers", "responseIsBinary"};
        for (auto it = d.begin(); it != d.end(); ++it) {
            bool k = false;
            for (const char* n : known) k = k || it.key() == n;
            if (!k) ix.extra.push_back(ExtraField{it.key(), it.value().dump(), {}});
        }
        sink(std::move(ix));
    }
    return c;
}

}  // namespace cassette
