#include "formats/har_reader.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "decode/base64.hpp"
#include "error.hpp"
#include "formats/har_writer.hpp"

namespace cassette {

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& name, const std::string& where, const std::string& what) {
    throw InputError(name, {}, where + ": " + what, "", "schema");
}

// Reads HAR fields. Strict (no problem list): the first malformed field
// throws InputError, as `import` wants. Lenient: each one is a HarProblem and
// the accessor answers "absent", so every entry is read as far as it goes.
class Reader {
public:
    Reader(const std::string& name, std::vector<HarProblem>* problems) : name_(name), problems_(problems) {}
    const std::string& name() const { return name_; }
    void set_entry(std::optional<size_t> entry) { entry_ = entry; }

    void fail(const std::string& where, const std::string& what) const {
        if (!problems_) cassette::fail(name_, where, what);
        problems_->push_back(HarProblem{entry_, where, what});
    }

    // nullptr (after a problem) when the key is missing or not an object.
    const json* object(const json& parent, const char* key, const std::string& where) const {
        auto it = parent.find(key);
        if (it != parent.end() && it->is_object()) return &*it;
        fail(where + "." + key, "expected an object");
        return nullptr;
    }
    const json* optional_object(const json& parent, const char* key, const std::string& where) const {
        auto it = parent.find(key);
        if (it == parent.end() || it->is_null()) return nullptr;
        if (!it->is_object()) {
            fail(where + "." + key, "expected an object");
            return nullptr;
        }
        return &*it;
    }
    const json* array(const json& parent, const char* key, const std::string& where) const {
        auto it = parent.find(key);
        if (it != parent.end() && it->is_array()) return &*it;
        fail(where + "." + key, "expected an array");
        return nullptr;
    }
    std::string string(const json& parent, const char* key, const std::string& where) const {
        auto it = parent.find(key);
        if (it != parent.end() && it->is_string()) return it->get<std::string>();
        fail(where + "." + key, "expected a string");
        return {};
    }
    std::optional<std::string> optional_string(const json& parent, const char* key, const std::string& where) const {
        auto it = parent.find(key);
        if (it == parent.end() || it->is_null()) return std::nullopt;
        if (!it->is_string()) {
            fail(where + "." + key, "expected a string");
            return std::nullopt;
        }
        return it->get<std::string>();
    }
    std::optional<int64_t> optional_int(const json& parent, const char* key, const std::string& where) const {
        auto it = parent.find(key);
        if (it == parent.end() || it->is_null()) return std::nullopt;
        if (it->is_number_integer()) return it->get<int64_t>();
        if (it->is_number_unsigned() && it->get<uint64_t>() <= uint64_t(INT64_MAX)) return it->get<int64_t>();
        if (it->is_number_float()) {
            double d = it->get<double>();
            if (std::isfinite(d) && std::fabs(d) < 9e18 && d == std::floor(d)) return static_cast<int64_t>(d);
        }
        fail(where + "." + key, "expected an integer");
        return std::nullopt;
    }
    std::optional<double> optional_number(const json& parent, const char* key, const std::string& where) const {
        auto it = parent.find(key);
        if (it == parent.end() || it->is_null()) return std::nullopt;
        if (!it->is_number()) {
            fail(where + "." + key, "expected a number");
            return std::nullopt;
        }
        return it->get<double>();
    }
    std::optional<bool> optional_bool(const json& parent, const char* key, const std::string& where) const {
        auto it = parent.find(key);
        if (it == parent.end() || it->is_null()) return std::nullopt;
        if (!it->is_boolean()) {
            fail(where + "." + key, "expected true or false");
            return std::nullopt;
        }
        return it->get<bool>();
    }
    std::optional<std::vector<std::string>> optional_strings(const json& parent, const char* key,
                                                             const std::string& where) const {
        auto it = parent.find(key);
        if (it == parent.end() || it->is_null()) return std::nullopt;
        std::vector<std::string> out;
        bool ok = it->is_array();
        if (ok)
            for (const auto& v : *it) {
                if (!v.is_string())
                    ok = false;
                else
                    out.push_back(v.get<std::string>());
            }
        if (!ok) {
            fail(where + "." + key, "expected an array of strings");
            return std::nullopt;
        }
        return out;
    }
    std::optional<ValuesMap> optional_values(const json& parent, const char* key, const std::string& where) const {
        const json* o = optional_object(parent, key, where);
        if (!o) return std::nullopt;
        ValuesMap out;
        for (auto it = o->begin(); it != o->end(); ++it) {
            auto vs = optional_strings(*o, it.key().c_str(), where + "." + key);
            out.emplace_back(it.key(), vs.value_or(std::vector<std::string>{}));
        }
        return out;
    }
    // HAR name/value lists -> headers, values of one name merged in order of
    // first appearance (an http.Header map); pseudo headers dropped.
    Headers headers(const json& parent, const std::string& where) const {
        Headers h;
        const json* list = array(parent, "headers", where);
        if (!list) return h;
        for (size_t i = 0; i < list->size(); ++i) {
            std::string w = where + ".headers[" + std::to_string(i) + "]";
            const json& item = (*list)[i];
            if (!item.is_object()) {
                fail(w, "expected an object");
                continue;
            }
            std::string n = string(item, "name", w);
            std::string v = string(item, "value", w);
            if (auto it = item.find("name"); it == item.end() || !it->is_string()) continue;  // reported above
            if (!n.empty() && n[0] == ':') continue;
            Header* slot = nullptr;
            for (auto& entry : h.items)
                if (entry.name == n) slot = &entry;
            if (!slot) {
                h.items.push_back(Header{n, {}, {}});
                slot = &h.items.back();
            }
            slot->values.push_back(std::move(v));
        }
        return h;
    }
    std::string decode_base64(const std::string& text, const std::string& where) const {
        auto bytes = base64_decode(text);
        if (bytes) return *bytes;
        fail(where, "not valid base64");
        return {};
    }

private:
    const std::string& name_;
    std::vector<HarProblem>* problems_;
    std::optional<size_t> entry_;
};

// time.ParseDuration accepts it (a bare number other than 0 it does not).
bool is_go_duration(const std::string& s) {
    if (!parse_go_duration_ms(s)) return false;
    if (s == "0" || s == "-0" || s == "+0") return true;
    return s.find_first_not_of("+-0123456789.") != std::string::npos;
}

Request read_request(const Reader& r, const json& e, const std::string& where) {
    Request rq;
    const json* jp = r.object(e, "request", where);
    if (!jp) return rq;
    const json& j = *jp;
    std::string w = where + ".request";
    rq.method = r.string(j, "method", w);
    rq.url = r.string(j, "url", w);
    ProtoVersion pv = normalize_http_version(r.optional_string(j, "httpVersion", w).value_or(""));
    rq.proto = pv.proto;
    rq.proto_major = pv.major;
    rq.proto_minor = pv.minor;
    rq.headers = r.headers(j, w);
    rq.body.present = true;
    if (const json* pd = r.optional_object(j, "postData", w)) {
        std::string text = r.optional_string(*pd, "text", w + ".postData").value_or("");
        auto enc = r.optional_string(*pd, "_encoding", w + ".postData");
        rq.body.bytes = enc && *enc == "base64" ? r.decode_base64(text, w + ".postData.text") : text;
    }
    rq.content_length = r.optional_int(j, "_content_length", w).value_or(static_cast<int64_t>(rq.body.bytes.size()));
    rq.host = r.optional_string(j, "_host", w).value_or("");
    rq.remote_addr = r.optional_string(j, "_remote_addr", w);
    rq.request_uri = r.optional_string(j, "_request_uri", w);
    rq.transfer_encoding = r.optional_strings(j, "_transfer_encoding", w);
    rq.trailer = r.optional_values(j, "_trailer", w);
    rq.form = r.optional_values(j, "_form", w);
    return rq;
}

Response read_response(const Reader& r, const json& e, const std::string& where) {
    Response rs;
    const json* jp = r.object(e, "response", where);
    if (!jp) return rs;
    const json& j = *jp;
    std::string w = where + ".response";
    // HAR 1.2: `status` is a number, and required.
    rs.code = r.optional_int(j, "status", w);
    if (!rs.code && !(j.contains("status") && !j["status"].is_null())) r.fail(w + ".status", "expected an integer");
    std::string text = r.optional_string(j, "statusText", w).value_or("");
    auto recorded = r.optional_string(j, "_status", w);
    rs.status = recorded ? *recorded : rs.code ? har_status_line(*rs.code, text) : std::string();
    ProtoVersion pv = normalize_http_version(r.optional_string(j, "httpVersion", w).value_or(""));
    rs.proto = pv.proto;
    rs.proto_major = pv.major;
    rs.proto_minor = pv.minor;
    rs.headers = r.headers(j, w);
    rs.body.present = true;
    if (const json* c = r.optional_object(j, "content", w)) {
        std::string cw = w + ".content";
        if (auto raw = r.optional_string(*c, "_raw_base64", cw)) {
            rs.body.bytes = r.decode_base64(*raw, cw + "._raw_base64");
        } else {
            std::string t = r.optional_string(*c, "text", cw).value_or("");
            auto enc = r.optional_string(*c, "encoding", cw);
            rs.body.bytes = enc && *enc == "base64" ? r.decode_base64(t, cw + ".text") : t;
        }
    }
    rs.content_length = r.optional_int(j, "_content_length", w).value_or(har_default_response_length(rs.headers));
    rs.uncompressed = r.optional_bool(j, "_uncompressed", w);
    rs.transfer_encoding = r.optional_strings(j, "_transfer_encoding", w);
    rs.trailer = r.optional_values(j, "_trailer", w);
    return rs;
}

}  // namespace

ProtoVersion normalize_http_version(std::string_view v) {
    std::string s;
    for (char c : v) s += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    // Go records "" (0.0) for requests it built itself, e.g. redirect follow-ups.
    if (s.empty()) return {"", 0, 0};
    if (s == "H2" || s == "H2C") return {"HTTP/2.0", 2, 0};
    if (s == "H3" || s.rfind("H3-", 0) == 0) return {"HTTP/3.0", 3, 0};
    if (s.rfind("HTTP/", 0) == 0 && s.size() >= 6 && s[5] >= '0' && s[5] <= '9') {
        int64_t major = s[5] - '0';
        int64_t minor = 0;
        if (s.size() == 8 && s[6] == '.' && s[7] >= '0' && s[7] <= '9')
            minor = s[7] - '0';
        else if (s.size() != 6)
            return {"HTTP/1.1", 1, 1};
        return {"HTTP/" + std::to_string(major) + "." + std::to_string(minor), major, minor};
    }
    return {"HTTP/1.1", 1, 1};
}

namespace {

Cassette read_har(std::string_view har_text, const std::string& name, std::vector<HarProblem>* problems) {
    json doc;
    try {
        doc = json::parse(har_text.begin(), har_text.end());
    } catch (const json::parse_error& e) {
        // Line and column of the byte where parsing stopped.
        Position pos{1, 1};
        size_t end = std::min(static_cast<size_t>(e.byte > 0 ? e.byte - 1 : 0), har_text.size());
        for (size_t i = 0; i < end; ++i) {
            if (har_text[i] == '\n') {
                ++pos.line;
                pos.column = 1;
            } else {
                ++pos.column;
            }
        }
        throw InputError(name, pos, "not a HAR file: invalid JSON", "", "schema");
    } catch (const json::exception& e) {
        // A number out of range (1e999) and the like: nlohmann gives no offset.
        std::string_view what = e.what();  // "[json.exception.out_of_range.406] number overflow ..."
        if (size_t close = what.find("] "); close != std::string_view::npos) what.remove_prefix(close + 2);
        throw InputError(name, {}, "not a HAR file: " + std::string(what), "", "schema");
    }
    if (!doc.is_object()) fail(name, "$", "expected a HAR object {\"log\": ...}");
    // Without a log and its entries there is no HAR to read: that throws in
    // either mode.
    Reader strict(name, nullptr);
    const json& log = *strict.object(doc, "log", "$");
    const json& entries = *strict.array(log, "entries", "$.log");
    Reader r(name, problems);

    Cassette c;
    c.path = name;
    c.format = "go-vcr";
    c.version = 2;
    for (size_t i = 0; i < entries.size(); ++i) {
        std::string where = "$.log.entries[" + std::to_string(i) + "]";
        const json& e = entries[i];
        Interaction ix;
        ix.index = i;
        ix.id = static_cast<int64_t>(i);
        r.set_entry(i);
        if (!e.is_object()) {
            r.fail(where, "expected an object");
            c.interactions.push_back(std::move(ix));  // kept: a problem, not a dropped entry
            continue;
        }
        ix.request = read_request(r, e, where);
        ix.response = read_response(r, e, where);
        auto recorded = r.optional_string(e, "_duration", where);
        if (recorded && is_go_duration(*recorded)) {
            ix.response.duration = *recorded;
        } else {
            double ms = r.optional_number(e, "time", where).value_or(0);
            double ns = ms * 1e6;
            if (!std::isfinite(ns) || ns < 0) ns = 0;
            if (ns > 9e18) ns = 9e18;
            ix.response.duration = format_go_duration(std::llround(ns));
        }
        ix.response.duration_ms = parse_go_duration_ms(*ix.response.duration);
        c.interactions.push_back(std::move(ix));
    }
    c.interaction_count = c.interactions.size();
    return c;
}

}  // namespace

Cassette har_to_cassette(std::string_view har_text, const std::string& name) {
    return read_har(har_text, name, nullptr);
}

Cassette har_to_cassette(std::string_view har_text, const std::string& name, std::vector<HarProblem>& problems) {
    return read_har(har_text, name, &problems);
}

}  // namespace cassette
