#include "formats/har_writer.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

#include "decode/base64.hpp"
#include "decode/body.hpp"
#include "providers/reassemble.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

namespace cassette {

namespace {

using nlohmann::json;

constexpr int64_t kEpochUnix = 946684800;  // 2000-01-01T00:00:00Z

// Durations past ~100 years are nonsense; clamping keeps the clock arithmetic
// and the calendar conversion in range.
int64_t clamp_ns(double ns) {
    constexpr double kMax = 100.0 * 365 * 86400 * 1e9;
    if (!std::isfinite(ns) || ns <= 0) return 0;
    if (ns > kMax) return static_cast<int64_t>(kMax);
    return std::llround(ns);
}

// Bytes as a JSON string: the text when it is UTF-8 without NUL bytes (the
// body kind's rule for text), else base64 (and the caller marks it). Returns
// true when base64 was used.
bool put_text(json& o, const char* key, std::string_view bytes) {
    if (is_valid_utf8(bytes) && bytes.find('\0') == std::string_view::npos) {
        o[key] = std::string(bytes);
        return false;
    }
    o[key] = base64_encode(bytes);
    return true;
}

json name_values(const Headers& h) {
    json a = json::array();
    for (const auto& item : h.items)
        for (const auto& v : item.values) a.push_back({{"name", item.name}, {"value", v}});
    return a;
}

json values_map_json(const ValuesMap& m) {
    json o = json::object();
    for (const auto& [k, vs] : m) o[k] = vs;
    return o;
}

void put_extra(json& o, const std::vector<ExtraField>& extra) {
    if (extra.empty()) return;
    json x = json::object();
    for (const auto& e : extra) {
        json v = json::parse(e.json, nullptr, false);
        x[e.key] = v.is_discarded() ? json(e.json) : v;
    }
    o["_extra"] = std::move(x);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// application/x-www-form-urlencoded decoding; the raw text when the result
// would not be UTF-8 (HAR strings must be text).
std::string query_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return is_valid_utf8(out) ? out : std::string(s);
}

json query_string(std::string_view url) {
    json a = json::array();
    size_t q = url.find('?');
    if (q == std::string_view::npos) return a;
    std::string_view rest = url.substr(q + 1);
    rest = rest.substr(0, rest.find('#'));
    while (!rest.empty()) {
        size_t amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        std::string_view name = pair.substr(0, eq);
        std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        a.push_back({{"name", query_decode(name)}, {"value", query_decode(value)}});
    }
    return a;
}

// Cookie: a=b; c=d  (RFC 6265 section 4.2).
void request_cookies(const Headers& h, json& out) {
    const auto* values = h.all("Cookie");
    if (!values) return;
    for (const auto& v : *values) {
        std::string_view rest = v;
        while (!rest.empty()) {
            size_t semi = rest.find(';');
            std::string_view pair = trim_ows(rest.substr(0, semi));
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            if (pair.empty()) continue;
            size_t eq = pair.find('=');
            std::string name(trim_ows(pair.substr(0, eq)));
            std::string value(eq == std::string_view::npos ? std::string_view{} : trim_ows(pair.substr(eq + 1)));
            out.push_back({{"name", name}, {"value", value}});
        }
    }
}

// Set-Cookie: name=value; Path=/; Domain=x; Expires=...; HttpOnly; Secure (RFC 6265 section 4.1).
void response_cookies(const Headers& h, json& out) {
    const auto* values = h.all("Set-Cookie");
    if (!values) return;
    for (const auto& v : *values) {
        std::string_view rest = v;
        size_t semi = rest.find(';');
        std::string_view pair = trim_ows(rest.substr(0, semi));
        rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
        size_t eq = pair.find('=');
        json c = {
            {"name", std::string(trim_ows(pair.substr(0, eq)))},
            {"value", std::string(eq == std::string_view::npos ? std::string_view{} : trim_ows(pair.substr(eq + 1)))}};
        while (!rest.empty()) {
            semi = rest.find(';');
            std::string_view attr = trim_ows(rest.substr(0, semi));
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            size_t aeq = attr.find('=');
            std::string_view key = trim_ows(attr.substr(0, aeq));
            std::string_view val = aeq == std::string_view::npos ? std::string_view{} : trim_ows(attr.substr(aeq + 1));
            if (iequals(key, "path"))
                c["path"] = std::string(val);
            else if (iequals(key, "domain"))
                c["domain"] = std::string(val);
            else if (iequals(key, "expires")) {
                if (auto iso = http_date_to_iso(val)) c["expires"] = *iso;
            } else if (iequals(key, "httponly"))
                c["httpOnly"] = true;
            else if (iequals(key, "secure"))
                c["secure"] = true;
        }
        out.push_back(std::move(c));
    }
}

std::string header_or_empty(const Headers& h, std::string_view name) {
    const std::string* v = h.first(name);
    return v ? *v : std::string();
}

template <typename T>
void put_if(json& o, const char* key, bool cond, const T& value) {
    if (cond) o[key] = value;
}

json har_request(const Request& rq) {
    json r = json::object();
    r["method"] = rq.method;
    r["url"] = rq.url;
    r["httpVersion"] = rq.proto ? *rq.proto : std::string("HTTP/1.1");
    json cookies = json::array();
    request_cookies(rq.headers, cookies);
    r["cookies"] = std::move(cookies);
    r["headers"] = name_values(rq.headers);
    r["queryString"] = query_string(rq.url);
    const std::string& body = rq.body.bytes;
    if (!body.empty()) {
        json pd = {{"mimeType", header_or_empty(rq.headers, "Content-Type")}};
        if (put_text(pd, "text", body)) pd["_encoding"] = "base64";
        r["postData"] = std::move(pd);
    }
    r["headersSize"] = -1;
    r["bodySize"] = body.size();
    // Cassette-only facts, left out where the importer infers the same value.
    put_if(r, "_content_length", rq.content_length && *rq.content_length != static_cast<int64_t>(body.size()),
           rq.content_length.value_or(0));
    put_if(r, "_host", rq.host && !rq.host->empty(), rq.host.value_or(""));
    put_if(r, "_remote_addr", rq.remote_addr && !rq.remote_addr->empty(), rq.remote_addr.value_or(""));
    put_if(r, "_request_uri", rq.request_uri && !rq.request_uri->empty(), rq.request_uri.value_or(""));
    if (rq.transfer_encoding && !rq.transfer_encoding->empty()) r["_transfer_encoding"] = *rq.transfer_encoding;
    if (rq.trailer && !rq.trailer->empty()) r["_trailer"] = values_map_json(*rq.trailer);
    if (rq.form && !rq.form->empty()) r["_form"] = values_map_json(*rq.form);
    put_extra(r, rq.extra);
    return r;
}

json har_response(const Response& rs, const DecodedBody& decoded) {
    json r = json::object();
    int64_t code = har_status_code(rs);
    r["status"] = code;
    std::string text = har_status_text(rs.status, code);
    r["statusText"] = text;
    r["httpVersion"] = rs.proto ? *rs.proto : std::string("HTTP/1.1");
    json cookies = json::array();
    response_cookies(rs.headers, cookies);
    r["cookies"] = std::move(cookies);
    r["headers"] = name_values(rs.headers);

    const std::string& raw = rs.body.bytes;
    json content = json::object();
    content["mimeType"] = header_or_empty(rs.headers, "Content-Type");
    if (decoded.compression != Compression::none && decoded.text != raw) {
        // Stored compressed: HAR wants the decoded text; the recorded bytes
        // ride along so the import gives them back exactly.
        content["size"] = decoded.text.size();
        // HAR: "number of bytes saved"; never negative.
        content["compression"] = decoded.text.size() > raw.size() ? decoded.text.size() - raw.size() : size_t(0);
        if (put_text(content, "text", decoded.text)) content["encoding"] = "base64";
        content["_raw_base64"] = base64_encode(raw);
    } else {
        content["size"] = raw.size();
        if (put_text(content, "text", raw)) content["encoding"] = "base64";
    }
    r["content"] = std::move(content);
    r["redirectURL"] = header_or_empty(rs.headers, "Location");
    r["headersSize"] = -1;
    r["bodySize"] = rs.uncompressed.value_or(false) ? json(-1) : json(raw.size());

    std::string rebuilt = har_status_line(code, text);
    put_if(r, "_status", rs.status != rebuilt, rs.status);
    put_if(r, "_content_length", rs.content_length && *rs.content_length != har_default_response_length(rs.headers),
           rs.content_length.value_or(0));
    put_if(r, "_uncompressed", rs.uncompressed.value_or(false), true);
    if (rs.transfer_encoding && !rs.transfer_encoding->empty()) r["_transfer_encoding"] = *rs.transfer_encoding;
    if (rs.trailer && !rs.trailer->empty()) r["_trailer"] = values_map_json(*rs.trailer);
    put_extra(r, rs.extra);
    return r;
}

}  // namespace

// ---- shared with the importer ----

int64_t har_status_code(const Response& rs) {
    if (rs.code) return *rs.code;
    int64_t code = 0;
    for (char c : rs.status) {
        if (c < '0' || c > '9' || code > 99999) break;
        code = code * 10 + (c - '0');
    }
    return code;
}

std::string har_status_text(const std::string& status, int64_t code) {
    std::string prefix = std::to_string(code);
    if (status == prefix) return "";
    if (status.size() > prefix.size() && status.compare(0, prefix.size(), prefix) == 0 && status[prefix.size()] == ' ')
        return status.substr(prefix.size() + 1);
    return status;
}

std::string har_status_line(int64_t code, const std::string& text) {
    return text.empty() ? std::to_string(code) : std::to_string(code) + " " + text;
}

int64_t har_default_response_length(const Headers& h) {
    const std::string* v = h.first("Content-Length");
    if (!v || v->empty() || v->size() > 18) return -1;
    int64_t n = 0;
    for (char c : *v) {
        if (c < '0' || c > '9') return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

// ---- public ----

std::string format_go_duration(int64_t ns) {
    // Port of Go's time.Duration.String (src/time/time.go).
    if (ns == 0) return "0s";
    bool neg = ns < 0;
    uint64_t u = neg ? uint64_t(0) - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
    auto frac = [](uint64_t v, int prec, std::string& out) {
        // v's last `prec` digits as a fraction, trailing zeros dropped; returns v / 10^prec.
        std::string digits;
        bool print = false;
        for (int i = 0; i < prec; ++i) {
            int d = static_cast<int>(v % 10);
            print = print || d != 0;
            if (print) digits.insert(digits.begin(), static_cast<char>('0' + d));
            v /= 10;
        }
        if (print) out = "." + digits + out;
        return v;
    };
    std::string out;
    if (u < 1000000000ULL) {
        int prec = 0;
        if (u < 1000ULL) {
            out = "ns";
        } else if (u < 1000000ULL) {
            prec = 3;
            out = "\xC2\xB5s";  // U+00B5, as Go writes it
        } else {
            prec = 6;
            out = "ms";
        }
        u = frac(u, prec, out);
        out = std::to_string(u) + out;
    } else {
        out = "s";
        u = frac(u, 9, out);
        out = std::to_string(u % 60) + out;
        u /= 60;
        if (u > 0) {
            out = std::to_string(u % 60) + "m" + out;
            u /= 60;
            if (u > 0) out = std::to_string(u) + "h" + out;
        }
    }
    return neg ? "-" + out : out;
}

std::optional<std::string> http_date_to_iso(std::string_view s) {
    // [Www,] DD Mon YYYY HH:MM:SS GMT ; cookies also write DD-Mon-YYYY and 2-digit years.
    s = trim_ows(s);
    size_t comma = s.find(',');
    if (comma != std::string_view::npos) s = trim_ows(s.substr(comma + 1));
    auto number = [&](int min_digits, int max_digits) -> std::optional<int> {
        int n = 0, d = 0;
        while (d < max_digits && !s.empty() && s[0] >= '0' && s[0] <= '9') {
            n = n * 10 + (s[0] - '0');
            s.remove_prefix(1);
            ++d;
        }
        if (d < min_digits) return std::nullopt;
        return n;
    };
    auto sep = [&](bool allow_dash) {
        if (s.empty() || !(s[0] == ' ' || (allow_dash && s[0] == '-'))) return false;
        while (!s.empty() && (s[0] == ' ' || (allow_dash && s[0] == '-'))) s.remove_prefix(1);
        return true;
    };
    auto day = number(1, 2);
    if (!day || !sep(true) || s.size() < 3) return std::nullopt;
    static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    int month = 0;
    for (int i = 0; i < 12; ++i)
        if (iequals(s.substr(0, 3), kMonths[i])) month = i + 1;
    if (!month) return std::nullopt;
    s.remove_prefix(3);
    if (!sep(true)) return std::nullopt;
    size_t before = s.size();
    auto year = number(2, 4);
    if (!year) return std::nullopt;
    if (before - s.size() == 2)
        *year += *year < 70 ? 2000 : 1900;
    else if (before - s.size() != 4)
        return std::nullopt;
    if (!sep(false)) return std::nullopt;
    auto hh = number(2, 2);
    if (!hh || s.empty() || s[0] != ':') return std::nullopt;
    s.remove_prefix(1);
    auto mm = number(2, 2);
    if (!mm || s.empty() || s[0] != ':') return std::nullopt;
    s.remove_prefix(1);
    auto ss = number(2, 2);
    if (!ss) return std::nullopt;
    s = trim_ows(s);
    if (!(iequals(s, "GMT") || iequals(s, "UTC"))) return std::nullopt;
    if (*day < 1 || *day > 31 || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", *year, month, *day, *hh, *mm, *ss);
    return std::string(buf);
}

std::string har_time_after_epoch(int64_t ns) {
    if (ns < 0) ns = 0;
    int64_t ms = ns / 1000000;
    time_t secs = static_cast<time_t>(kEpochUnix + ms / 1000);
    struct tm tm {};
    gmtime_r(&secs, &tm);
    char buf[128];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

HarLog::HarLog(std::string creator_version) : creator_version_(std::move(creator_version)) {}

json HarLog::creator() const { return {{"name", "cassette"}, {"version", creator_version_}}; }

void HarLog::begin_page(const std::string& title) {
    json page = {{"id", "page_" + std::to_string(pages_.size() + 1)},
                 {"title", title},
                 {"startedDateTime", har_time_after_epoch(clock_ns_)},
                 {"pageTimings", {{"onContentLoad", -1}, {"onLoad", -1}}}};
    pages_.push_back(std::move(page));
    page_has_entry_ = false;
}

void HarLog::page_header(const Cassette& c) {
    if (!pages_.empty()) put_extra(pages_.back(), c.extra);
}

json HarLog::entry(const Interaction& ix) {
    const Response& rs = ix.response;
    int64_t ns = rs.duration_ms ? clamp_ns(*rs.duration_ms * 1e6) : 0;
    std::string started;
    if (const std::string* date = rs.headers.first("Date")) {
        if (auto iso = http_date_to_iso(*date)) started = *iso;
    }
    if (started.empty()) started = har_time_after_epoch(clock_ns_);
    // Saturating: ~200 years is the end of this clock (no signed overflow).
    constexpr int64_t kMaxClock = int64_t(200) * 365 * 86400 * 1000000000LL;
    clock_ns_ = ns > kMaxClock - clock_ns_ ? kMaxClock : clock_ns_ + ns;

    json e = json::object();
    if (!pages_.empty()) {
        json& page = pages_.back();
        e["pageref"] = page["id"];
        if (!page_has_entry_) page["startedDateTime"] = started;
        page_has_entry_ = true;
    }
    e["startedDateTime"] = started;
    double ms = static_cast<double>(ns) / 1e6;
    e["time"] = ms;
    e["request"] = har_request(ix.request);
    DecodedBody decoded = decode_body(rs.headers, rs.body.bytes);
    e["response"] = har_response(rs, decoded);
    e["cache"] = json::object();
    e["timings"] = {{"send", 0}, {"wait", ms}, {"receive", 0}};
    if (ix.id) e["_id"] = *ix.id;
    if (rs.duration) e["_duration"] = *rs.duration;
    if (auto message = reassemble(ix, decoded)) e["_message"] = to_json(*message);
    put_extra(e, ix.extra);
    return e;
}

json cassettes_to_har(const std::vector<const Cassette*>& cassettes, const std::string& creator_version) {
    HarLog log(creator_version);
    json entries = json::array();
    for (const Cassette* c : cassettes) {
        log.begin_page(c->path);
        log.page_header(*c);
        for (const auto& ix : c->interactions) entries.push_back(log.entry(ix));
    }
    json l = {{"version", "1.2"}, {"creator", log.creator()}, {"pages", log.pages()}, {"entries", std::move(entries)}};
    return {{"log", std::move(l)}};
}

}  // namespace cassette
