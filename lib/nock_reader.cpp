// nock fixtures (nock.recorder with output_objects, nockBack): a JSON array
// of {scope, method, path, body, status, response, headers | rawHeaders,
// reqheaders, responseIsBinary}. Bodies that nock stored as parsed JSON are
// written back as JSON.stringify would (compact); `responseIsBinary: true`
// means `response` is the body in hex.
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "formats.hpp"

namespace cassette {

namespace {

using json = nlohmann::json;

std::string_view skip_ws(std::string_view s) {
    size_t i = s.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos) return {};
    if (s.substr(i, 3) == "\xEF\xBB\xBF") return skip_ws(s.substr(i + 3));
    return s.substr(i);
}

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

void read_headers(YamlConvert& cv, const json& h, Headers& out) {
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
        for (size_t i = 0; i + 1 < h.size(); i += 2)
            if (h[i].is_string()) add(h[i].get<std::string>(), h[i + 1]);
    } else if (!h.is_null()) {
        cv.problem({}, "headers must be an object or a rawHeaders list");
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
        throw InputError(name, Position{1, 1}, "not a nock fixture: expected a JSON array of definitions", "", "schema");
    c.interaction_count = doc.size();
    if (opts.on_header) opts.on_header(c);
    for (size_t i = 0; i < doc.size(); ++i) {
        const json& d = doc[i];
        Interaction ix;
        ix.index = i;
        YamlConvert cv(c, i);
        if (!d.is_object()) {
            cv.problem({}, "a nock definition must be an object");
            sink(std::move(ix));
            continue;
        }
        std::string scope = d.value("scope", "");
        if (!d.contains("scope")) cv.problem({}, "definition has no `scope`");
        // nock writes the port always ("http://host:80"); a client's URL has it only when not the default.
        for (auto [scheme, port] : {std::pair{"http://", ":80"}, std::pair{"https://", ":443"}}) {
            std::string s = scheme, p = port;
            if (scope.rfind(s, 0) == 0 && scope.size() > p.size() && scope.compare(scope.size() - p.size(), p.size(), p) == 0)
                scope.resize(scope.size() - p.size());
        }
        if (d.contains("path") && !d["path"].is_string()) cv.problem({}, "`path` must be a string");
        ix.request.url = scope + (d.contains("path") && d["path"].is_string() ? d["path"].get<std::string>() : "");
        if (d.contains("method") && d["method"].is_string()) ix.request.method = d["method"].get<std::string>();
        else cv.problem({}, "definition has no `method`");
        if (d.contains("body")) {
            ix.request.body.present = true;
            ix.request.body.bytes = body_text(d["body"]);
        }
        if (d.contains("reqheaders")) read_headers(cv, d["reqheaders"], ix.request.headers);
        if (d.contains("status") && d["status"].is_number_integer()) {
            ix.response.code = d["status"].get<int64_t>();
            std::string_view reason = reason_phrase(*ix.response.code);
            ix.response.status = std::to_string(*ix.response.code) + (reason.empty() ? "" : " " + std::string(reason));
        } else {
            // nock replies 200 when no status was recorded.
            ix.response.code = 200;
            ix.response.status = "200 OK";
            if (d.contains("status")) cv.problem({}, "`status` must be an integer");
        }
        if (d.contains("response")) {
            ix.response.body.present = true;
            const json& r = d["response"];
            if (d.value("responseIsBinary", false) && r.is_string()) {
                if (auto b = unhex(r.get<std::string>())) {
                    ix.response.body.bytes = std::move(*b);
                    ix.response.body.binary_tag = true;
                } else {
                    cv.problem({}, "`responseIsBinary` is set but `response` is not hex");
                }
            } else {
                ix.response.body.bytes = body_text(r);
            }
        }
        if (d.contains("rawHeaders")) read_headers(cv, d["rawHeaders"], ix.response.headers);
        else if (d.contains("headers")) read_headers(cv, d["headers"], ix.response.headers);
        static const char* const known[] = {"scope", "method", "path", "body", "reqheaders", "status",
                                            "response", "rawHeaders", "headers", "responseIsBinary"};
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
