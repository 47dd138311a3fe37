// Pricing calls with the genai-prices database (docs/cost.md). The rules are
// the database's own, as its calculator (`calcPrice` in the npm package
// @pydantic/genai-prices) applies them:
//
//  - provider: the first provider whose `api_pattern` (a JavaScript regular
//    expression) matches at the start of the request URL;
//  - model: the first of the provider's models whose `match` rule accepts the
//    lower-cased model name; then the models of its `fallback_model_providers`;
//    then the same again with a `-YYYYMMDD` date in the name written
//    `-YYYY-MM-DD`;
//  - prices: a list of constrained prices is read from the last entry back,
//    the first whose constraint holds at the call's time wins (a start date,
//    or a UTC time-of-day window), else the first entry;
//  - each price key is a unit with dimensions (direction, family, token type,
//    modality, ...); a unit's count is its usage less the counts of the
//    priced units more specific than it, so cache reads are priced at the
//    cache-read rate and only the rest of the prompt at the input rate;
//  - a tiered price applies whole at the rate of the highest tier whose
//    `start` the prompt (input_tokens) exceeds.
//
// Money: every price is a decimal number of dollars per `per` units; it is
// read as an exact decimal and each call is summed exactly in atto-dollars
// (10⁻¹⁸), then rounded half up to nano-dollars.
#include "pricing.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "error.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

__extension__ typedef __int128 i128;

// The calculator's units (its `J` table): usage key, price key, per, dimensions.
struct UnitDef {
    std::string usage_key;
    std::string price_key;
    int64_t per;
    std::vector<std::pair<std::string, std::string>> dims;  // sorted by name
};

const std::vector<UnitDef>& units() {
    using D = std::vector<std::pair<std::string, std::string>>;
    auto tok = [](const char* dir, std::initializer_list<std::pair<std::string, std::string>> more) {
        D d{{"direction", dir}, {"family", "tokens"}};
        d.insert(d.end(), more.begin(), more.end());
        std::sort(d.begin(), d.end());
        return d;
    };
    static const std::vector<UnitDef> table = [&] {
        std::vector<UnitDef> t;
        const int64_t M = 1000000;
        // Tokens in; cache reads and writes (with TTL), per modality.
        t.push_back({"input_tokens", "input_mtok", M, tok("input", {})});
        t.push_back({"cache_read_tokens", "cache_read_mtok", M, tok("input", {{"token_type", "cache_read"}})});
        t.push_back({"cache_write_tokens", "cache_write_mtok", M, tok("input", {{"token_type", "cache_write"}})});
        t.push_back({"cache_write_1h_tokens", "cache_write_1h_mtok", M,
                     tok("input", {{"token_type", "cache_write"}, {"cache_ttl", "1h"}})});
        t.push_back({"cache_write_5m_tokens", "cache_write_5m_mtok", M,
                     tok("input", {{"token_type", "cache_write"}, {"cache_ttl", "5m"}})});
        t.push_back({"input_tool_tokens", "input_tool_mtok", M, tok("input", {{"token_type", "tool"}})});
        for (const char* mod : {"audio", "image", "text", "video"}) {
            std::string m = mod;
            auto key = [&](const std::string& pre, const std::string& post) { return pre + m + post; };
            auto add = [&](const std::string& usage, const std::string& price, D dims) {
                t.push_back({usage, price, M, std::move(dims)});
            };
            add(key("input_", "_tokens"), key("input_", "_mtok"), tok("input", {{"modality", m}}));
            add(key("input_", "_tool_tokens"), key("input_", "_tool_mtok"),
                tok("input", {{"modality", m}, {"token_type", "tool"}}));
            add(key("cache_", "_read_tokens"), key("cache_", "_read_mtok"),
                tok("input", {{"modality", m}, {"token_type", "cache_read"}}));
            add(key("cache_", "_write_tokens"), key("cache_", "_write_mtok"),
                tok("input", {{"modality", m}, {"token_type", "cache_write"}}));
            add(key("cache_", "_write_1h_tokens"), key("cache_", "_write_1h_mtok"),
                tok("input", {{"modality", m}, {"token_type", "cache_write"}, {"cache_ttl", "1h"}}));
            add(key("cache_", "_write_5m_tokens"), key("cache_", "_write_5m_mtok"),
                tok("input", {{"modality", m}, {"token_type", "cache_write"}, {"cache_ttl", "5m"}}));
            add(key("output_", "_tokens"), key("output_", "_mtok"), tok("output", {{"modality", m}}));
            add(key("output_", "_reasoning_tokens"), key("output_", "_reasoning_mtok"),
                tok("output", {{"modality", m}, {"token_type", "reasoning"}}));
            add(key("output_", "_citation_tokens"), key("output_", "_citation_mtok"),
                tok("output", {{"modality", m}, {"token_type", "citation"}}));
        }
        t.push_back({"output_tokens", "output_mtok", M, tok("output", {})});
        t.push_back(
            {"output_reasoning_tokens", "output_reasoning_mtok", M, tok("output", {{"token_type", "reasoning"}})});
        t.push_back({"output_citation_tokens", "output_citation_mtok", M, tok("output", {{"token_type", "citation"}})});
        // Other families.
        auto dims = [](D d) {
            std::sort(d.begin(), d.end());
            return d;
        };
        t.push_back({"audio_seconds", "audio_hours", 3600, dims({{"family", "durations"}, {"modality", "audio"}})});
        t.push_back({"input_audio_seconds", "input_audio_hours", 3600,
                     dims({{"direction", "input"}, {"family", "durations"}, {"modality", "audio"}})});
        t.push_back({"output_audio_seconds", "output_audio_hours", 3600,
                     dims({{"direction", "output"}, {"family", "durations"}, {"modality", "audio"}})});
        t.push_back({"input_characters", "input_mchars", M, dims({{"direction", "input"}, {"family", "characters"}})});
        t.push_back({"input_document_pages", "input_document_kpages", 1000,
                     dims({{"direction", "input"}, {"family", "document_pages"}})});
        t.push_back({"input_annotated_document_pages", "input_annotated_document_kpages", 1000,
                     dims({{"direction", "input"}, {"family", "document_pages"}, {"page_type", "annotated"}})});
        t.push_back(
            {"input_pixels", "input_gpixels", 1000000000, dims({{"direction", "input"}, {"family", "pixels"}})});
        t.push_back({"input_text_messages", "input_text_messages_kcount", 1000,
                     dims({{"direction", "input"}, {"family", "messages"}, {"modality", "text"}})});
        t.push_back({"requests", "requests_kcount", 1000, dims({{"family", "requests"}})});
        t.push_back({"rerank_searches", "rerank_searches_kcount", 1000, dims({{"family", "rerank"}})});
        t.push_back({"code_executions", "code_executions_kcount", 1000,
                     dims({{"family", "tool_calls"}, {"tool_type", "code_execution"}})});
        t.push_back({"social_searches", "social_searches_kcount", 1000,
                     dims({{"family", "tool_calls"}, {"tool_type", "social_search"}})});
        t.push_back({"storage_searches", "storage_searches_kcount", 1000,
                     dims({{"family", "tool_calls"}, {"tool_type", "storage_search"}})});
        t.push_back({"web_searches", "web_searches_kcount", 1000,
                     dims({{"family", "tool_calls"}, {"tool_type", "web_search"}})});
        return t;
    }();
    return table;
}

// Every dimension of `a` is in `b` with the same value (a is b or an ancestor).
bool within(const UnitDef& a, const UnitDef& b) {
    for (const auto& dim : a.dims) {
        auto it = std::find_if(b.dims.begin(), b.dims.end(), [&](const auto& d) { return d.first == dim.first; });
        if (it == b.dims.end() || it->second != dim.second) return false;
    }
    return true;
}

// No dimension the two share has different values.
bool compatible(const UnitDef& a, const UnitDef& b) {
    for (const auto& [k, v] : a.dims)
        for (const auto& [k2, v2] : b.dims)
            if (k == k2 && v != v2) return false;
    return true;
}

const UnitDef* unit_with_dims(const std::vector<std::pair<std::string, std::string>>& dims) {
    for (const auto& u : units())
        if (u.dims == dims) return &u;
    return nullptr;
}

const UnitDef* unit_for_price_key(std::string_view key) {
    for (const auto& u : units())
        if (key == u.price_key) return &u;
    return nullptr;
}

// A price as an exact decimal: mantissa × 10^-scale dollars.
struct Decimal {
    i128 mantissa = 0;
    int scale = 0;
};

// JSON numbers arrive as doubles; their shortest round-trip text is the
// decimal the file wrote.
std::optional<Decimal> decimal_of(double d) {
    if (!(d >= 0) || d > 1e15) return std::nullopt;
    std::string s = fmt::format("{}", d);
    int exp = 0;
    if (auto e = s.find_first_of("eE"); e != std::string::npos) {
        exp = std::atoi(s.c_str() + e + 1);
        s.resize(e);
    }
    Decimal out;
    bool dot = false;
    for (char c : s) {
        if (c == '.') {
            dot = true;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        out.mantissa = out.mantissa * 10 + (c - '0');
        if (dot) ++out.scale;
    }
    out.scale -= exp;
    while (out.scale < 0) {
        out.mantissa *= 10;
        ++out.scale;
    }
    if (out.scale > 18) return std::nullopt;
    return out;
}

struct Tier {
    int64_t start = 0;
    Decimal price;
};

struct UnitPrice {
    const UnitDef* unit = nullptr;
    Decimal base;
    std::vector<Tier> tiers;  // sorted by start; empty: a flat price
    bool tiered = false;
};

struct PriceSet {
    std::vector<UnitPrice> prices;
    bool usable = true;  // every value a number or valid tiers, the calculator's unit checks pass
};

enum class ConstraintKind { none, start_date, time_of_day };

struct Conditional {
    ConstraintKind kind = ConstraintKind::none;
    int64_t start_ms = 0;           // start_date: midnight UTC
    double start_s = 0, end_s = 0;  // time_of_day: seconds after midnight UTC
    PriceSet prices;
};

struct Match {
    enum Kind { never, equals, starts_with, ends_with, contains, regex, any_of, all_of } kind = never;
    std::string text;  // lower-cased, except for regex
    std::shared_ptr<std::regex> re;
    std::vector<Match> children;

    bool operator()(const std::string& id) const {  // `id` is already lower-cased
        switch (kind) {
            case equals: return id == text;
            case starts_with: return starts_with_(id, text);
            case ends_with:
                return id.size() >= text.size() && id.compare(id.size() - text.size(), text.size(), text) == 0;
            case contains: return id.find(text) != std::string::npos;
            case regex:
                // Model names are short; a pathological one is not matched
                // rather than risk std::regex's recursion.
                return re && id.size() <= 512 && std::regex_search(id, *re);
            case any_of:
                for (const auto& c : children)
                    if (c(id)) return true;
                return false;
            case all_of:
                for (const auto& c : children)
                    if (!c(id)) return false;
                return true;
            case never: return false;
        }
        return false;
    }
    static bool starts_with_(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
};

struct ModelEntry {
    std::string id;
    Match match;
    std::vector<Conditional> prices;  // one without a constraint when the file has a plain object
};

struct ProviderEntry {
    std::string id;
    std::unique_ptr<RE2> api;             // ^(?:api_pattern)
    std::shared_ptr<std::regex> api_std;  // when RE2 does not take the pattern
    std::vector<ModelEntry> models;
    std::vector<std::string> fallback;
};

class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

Match parse_match(const nlohmann::json& j, const std::string& where, int depth = 0) {
    if (depth > 32) throw DataError(where + ": match rules nested deeper than 32 levels");
    if (!j.is_object() || j.size() != 1) throw DataError(where + ": a match rule is an object with one key");
    Match m;
    // (not `*j.items().begin()`: its proxy dies at the end of the statement)
    const auto first = j.begin();
    const std::string& key = first.key();
    const nlohmann::json& value = first.value();
    if (key == "or" || key == "and") {
        if (!value.is_array()) throw DataError(where + ": \"" + key + "\" takes a list");
        m.kind = key == "or" ? Match::any_of : Match::all_of;
        for (const auto& c : value) m.children.push_back(parse_match(c, where, depth + 1));
        return m;
    }
    if (!value.is_string()) throw DataError(where + ": \"" + key + "\" takes a string");
    std::string s = value.get<std::string>();
    if (key == "equals")
        m.kind = Match::equals;
    else if (key == "starts_with")
        m.kind = Match::starts_with;
    else if (key == "ends_with")
        m.kind = Match::ends_with;
    else if (key == "contains")
        m.kind = Match::contains;
    else if (key == "regex")
        m.kind = Match::regex;
    else
        return m;  // an unknown rule matches nothing, as in the calculator
    if (m.kind == Match::regex) {
        m.text = s;
        try {
            m.re = std::make_shared<std::regex>(s, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error&) {
            throw DataError(where + ": regular expression " + s + " does not compile");
        }
    } else {
        m.text = lower(s);
    }
    return m;
}

std::optional<int64_t> days_from_civil(int64_t y, unsigned m, unsigned d) {
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// "HH:MM:SS[.fff](Z|±HH:MM)" → seconds after midnight UTC.
std::optional<double> time_of_day(const std::string& s) {
    static const std::regex re(R"(^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$)");
    std::smatch m;
    if (!std::regex_match(s, m, re)) return std::nullopt;
    int h = std::stoi(m[1]), mi = std::stoi(m[2]), se = std::stoi(m[3]);
    int oh = m[7].matched ? std::stoi(m[7]) : 0, om = m[8].matched ? std::stoi(m[8]) : 0;
    if (h > 23 || mi > 59 || se > 59 || oh > 23 || om > 59) return std::nullopt;
    double t = h * 3600 + mi * 60 + se + (m[4].matched ? std::stod("0." + m[4].str()) : 0.0);
    double off = m[5] == "Z" ? 0 : (m[6] == "+" ? 1 : -1) * (oh * 60 + om) * 60.0;
    return std::fmod(t - off + 86400, 86400);
}

std::optional<UnitPrice> parse_unit_price(const UnitDef* unit, const nlohmann::json& v) {
    UnitPrice p;
    p.unit = unit;
    if (v.is_number()) {
        auto d = decimal_of(v.get<double>());
        if (!d) return std::nullopt;
        p.base = *d;
        return p;
    }
    if (!v.is_object() || !v.contains("base") || !v["base"].is_number() || !v.contains("tiers") ||
        !v["tiers"].is_array())
        return std::nullopt;
    auto base = decimal_of(v["base"].get<double>());
    if (!base) return std::nullopt;
    p.base = *base;
    p.tiered = true;
    for (const auto& t : v["tiers"]) {
        if (!t.is_object() || !t.contains("start") || !t.contains("price") || !t["price"].is_number() ||
            !t["start"].is_number_integer() || t["start"].get<int64_t>() < 0)
            return std::nullopt;
        auto price = decimal_of(t["price"].get<double>());
        if (!price) return std::nullopt;
        p.tiers.push_back({t["start"].get<int64_t>(), *price});
    }
    std::stable_sort(p.tiers.begin(), p.tiers.end(), [](const Tier& a, const Tier& b) { return a.start < b.start; });
    return p;
}

PriceSet parse_price_set(const nlohmann::json& j, const std::string& where) {
    if (!j.is_object()) throw DataError(where + ": prices are an object of price keys");
    PriceSet set;
    for (const auto& [key, value] : j.items()) {
        if (value.is_null()) continue;
        const UnitDef* unit = unit_for_price_key(key);
        if (!unit) continue;  // a key this calculator does not know is left out, as the reference does
        auto p = parse_unit_price(unit, value);
        if (!p) {
            set.usable = false;
            continue;
        }
        set.prices.push_back(std::move(*p));
    }
    // The calculator's checks: a priced unit's ancestors are priced, and so is
    // the join of any two compatible priced units.
    auto priced = [&](const UnitDef* u) {
        return std::any_of(set.prices.begin(), set.prices.end(), [&](const UnitPrice& p) { return p.unit == u; });
    };
    for (const auto& p : set.prices)
        for (const auto& u : units())
            if (&u != p.unit && within(u, *p.unit) && !priced(&u)) set.usable = false;
    for (size_t a = 0; a < set.prices.size(); ++a)
        for (size_t b = a + 1; b < set.prices.size(); ++b) {
            const UnitDef& x = *set.prices[a].unit;
            const UnitDef& y = *set.prices[b].unit;
            if (!compatible(x, y)) continue;
            auto dims = x.dims;
            for (const auto& d : y.dims)
                if (std::find(dims.begin(), dims.end(), d) == dims.end()) dims.push_back(d);
            std::sort(dims.begin(), dims.end());
            const UnitDef* join = unit_with_dims(dims);
            if (!join || !priced(join)) set.usable = false;
        }
    return set;
}

std::vector<Conditional> parse_prices(const nlohmann::json& j, const std::string& where) {
    std::vector<Conditional> out;
    if (j.is_object()) {
        out.push_back({ConstraintKind::none, 0, 0, 0, parse_price_set(j, where)});
        return out;
    }
    if (!j.is_array() || j.empty()) throw DataError(where + ": prices are an object or a non-empty list");
    for (const auto& c : j) {
        if (!c.is_object() || !c.contains("prices")) throw DataError(where + ": each conditional price has \"prices\"");
        Conditional cond;
        cond.prices = parse_price_set(c["prices"], where);
        if (c.contains("constraint") && !c["constraint"].is_null()) {
            const auto& k = c["constraint"];
            std::string type =
                k.is_object() && k.contains("type") && k["type"].is_string() ? k["type"].get<std::string>() : "";
            if (k.is_object() && k.contains("start_date") && (type.empty() || type == "start_date") &&
                k["start_date"].is_string()) {
                std::string d = k["start_date"].get<std::string>();
                std::optional<int64_t> days;
                if (d.size() == 10 && d[4] == '-' && d[7] == '-')
                    days = days_from_civil(std::atoi(d.substr(0, 4).c_str()),
                                           static_cast<unsigned>(std::atoi(d.substr(5, 2).c_str())),
                                           static_cast<unsigned>(std::atoi(d.substr(8, 2).c_str())));
                if (!days) throw DataError(where + ": start_date " + d + " is not a YYYY-MM-DD date");
                cond.kind = ConstraintKind::start_date;
                cond.start_ms = *days * 86400000;
            } else if (k.is_object() && k.contains("start_time") && k.contains("end_time") &&
                       (type.empty() || type == "time_of_date") && k["start_time"].is_string() &&
                       k["end_time"].is_string()) {
                auto s = time_of_day(k["start_time"].get<std::string>());
                auto e = time_of_day(k["end_time"].get<std::string>());
                if (!s || !e) throw DataError(where + ": a time-of-day constraint is HH:MM:SS with a zone");
                cond.kind = ConstraintKind::time_of_day;
                cond.start_s = *s;
                cond.end_s = *e;
            } else {
                throw DataError(where + ": a constraint is a start_date or a start_time/end_time window");
            }
        }
        out.push_back(std::move(cond));
    }
    return out;
}

// `-YYYYMMDD` (before `-`, `:` or the end) → `-YYYY-MM-DD`, valid dates only.
std::string dashed_dates(const std::string& id) {
    std::string out;
    size_t i = 0;
    while (i < id.size()) {
        if (id[i] == '-' && i + 9 <= id.size() && id[i + 1] == '2' && id[i + 2] == '0') {
            bool digits = true;
            for (size_t k = 1; k <= 8; ++k) digits = digits && id[i + k] >= '0' && id[i + k] <= '9';
            size_t after = i + 9;
            if (digits && (after == id.size() || id[after] == '-' || id[after] == ':')) {
                int y = std::atoi(id.substr(i + 1, 4).c_str());
                unsigned m = static_cast<unsigned>(std::atoi(id.substr(i + 5, 2).c_str()));
                unsigned d = static_cast<unsigned>(std::atoi(id.substr(i + 7, 2).c_str()));
                if (days_from_civil(y, m, d)) {
                    out += "-" + id.substr(i + 1, 4) + "-" + id.substr(i + 5, 2) + "-" + id.substr(i + 7, 2);
                    i = after;
                    continue;
                }
            }
        }
        out += id[i++];
    }
    return out;
}

std::string js_trim_lower(std::string_view s) { return lower(trim(s)); }

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const PriceSet& in_force(const ModelEntry& m, int64_t at_ms) {
    for (size_t i = m.prices.size(); i-- > 0;) {
        const Conditional& c = m.prices[i];
        switch (c.kind) {
            case ConstraintKind::none: return c.prices;
            case ConstraintKind::start_date:
                if (at_ms >= c.start_ms) return c.prices;
                break;
            case ConstraintKind::time_of_day: {
                int64_t ms = ((at_ms % 86400000) + 86400000) % 86400000;
                double t = static_cast<double>(ms) / 1000.0;
                if (c.end_s < c.start_s ? (t >= c.start_s || t < c.end_s) : (t >= c.start_s && t < c.end_s))
                    return c.prices;
                break;
            }
        }
    }
    return m.prices.front().prices;
}

i128 pow10(int n) {
    i128 r = 1;
    while (n-- > 0) r *= 10;
    return r;
}

// price × count / per, in atto-dollars (10⁻¹⁸), exact for every price in the
// database (per is 10⁶ or 10³ and prices have at most 12 decimals); rounded
// half up otherwise.
i128 atto(const Decimal& price, int64_t count, int64_t per) {
    if (count <= 0 || price.mantissa == 0) return 0;
    i128 num = price.mantissa * static_cast<i128>(count);
    i128 scale = pow10(18 - price.scale);
    // Saturate rather than overflow on absurd counts (counters saturate at 2⁶³).
    // (each term below 2¹¹⁸, so the ~60 units of a price set cannot overflow a sum).
    const i128 limit = (static_cast<i128>(1) << 118) / scale;
    if (num > limit) num = limit;
    num *= scale;
    return (num + per / 2) / per;
}

}  // namespace

struct PriceData::Impl {
    std::vector<ProviderEntry> providers;

    const ProviderEntry* provider_for(std::string_view url) const {
        for (const auto& p : providers) {
            if (p.api) {
                if (RE2::PartialMatch(re2::StringPiece(url.data(), url.size()), *p.api)) return &p;
            } else if (p.api_std && url.size() <= 8192) {
                std::string u(url);
                if (std::regex_search(u, *p.api_std, std::regex_constants::match_continuous)) return &p;
            }
        }
        return nullptr;
    }

    const ProviderEntry* by_id(const std::string& id) const {
        for (const auto& p : providers)
            if (p.id == id) return &p;
        return nullptr;
    }

    const ModelEntry* model_in(const ProviderEntry& p, const std::string& id, bool with_fallback) const {
        for (const auto& m : p.models)
            if (m.match(id)) return &m;
        if (with_fallback)
            for (const auto& f : p.fallback)
                if (const ProviderEntry* fp = by_id(f))
                    if (const ModelEntry* m = model_in(*fp, id, false)) return m;
        return nullptr;
    }

    const ModelEntry* model_for(const ProviderEntry& p, const std::string& id) const {
        if (const ModelEntry* m = model_in(p, id, true)) return m;
        std::string dashed = dashed_dates(id);
        if (dashed != id) return model_in(p, dashed, true);
        return nullptr;
    }
};

PriceData::PriceData() : impl_(std::make_unique<Impl>()) {}
PriceData::~PriceData() = default;

std::shared_ptr<const PriceData> PriceData::parse(std::string_view text, const std::string& path) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // Byte offset → line and column.
        size_t at = std::min<size_t>(e.byte ? e.byte - 1 : 0, text.size());
        int line = 1, col = 1;
        for (size_t i = 0; i < at; ++i) {
            if (text[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        std::string msg = e.what();
        if (auto c = msg.find(": syntax error"); c != std::string::npos) msg = msg.substr(c + 2);
        throw InputError(path, {line, col}, "price data: " + msg, {}, "io");
    }
    auto data = std::make_shared<PriceData>();
    data->path_ = path;
    try {
        if (!j.is_array()) throw DataError("the price data is a list of providers (genai-prices data.json)");
        for (const auto& pj : j) {
            if (!pj.is_object() || !pj.contains("id") || !pj["id"].is_string() || !pj.contains("api_pattern") ||
                !pj["api_pattern"].is_string() || !pj.contains("models") || !pj["models"].is_array())
                throw DataError("each provider has a string id, a string api_pattern and a list of models");
            ProviderEntry p;
            p.id = pj["id"].get<std::string>();
            std::string pattern = "^(?:" + pj["api_pattern"].get<std::string>() + ")";
            RE2::Options o;
            o.set_log_errors(false);
            auto re = std::make_unique<RE2>(pattern, o);
            if (re->ok()) {
                p.api = std::move(re);
            } else {
                try {
                    p.api_std = std::make_shared<std::regex>(pattern, std::regex::ECMAScript);
                } catch (const std::regex_error&) {
                    throw DataError("provider " + p.id + ": api_pattern does not compile");
                }
            }
            if (pj.contains("fallback_model_providers") && pj["fallback_model_providers"].is_array())
                for (const auto& f : pj["fallback_model_providers"])
                    if (f.is_string()) p.fallback.push_back(f.get<std::string>());
            for (const auto& mj : pj["models"]) {
                if (!mj.is_object() || !mj.contains("id") || !mj["id"].is_string() || !mj.contains("match") ||
                    !mj.contains("prices"))
                    throw DataError("provider " + p.id + ": each model has an id, a match rule and prices");
                ModelEntry m;
                m.id = mj["id"].get<std::string>();
                std::string where = "provider " + p.id + " model " + m.id;
                m.match = parse_match(mj["match"], where);
                m.prices = parse_prices(mj["prices"], where);
                p.models.push_back(std::move(m));
            }
            data->impl_->providers.push_back(std::move(p));
        }
    } catch (const DataError& e) {
        throw InputError(path, {}, std::string("price data: ") + e.what(), {}, "io");
    }
    return data;
}

std::shared_ptr<const PriceData> PriceData::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, {}, "cannot read the price data", {}, "io");
    std::ostringstream ss;
    ss << in.rdbuf();
    auto data = parse(ss.str(), path);
    auto* mut = const_cast<PriceData*>(data.get());
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path source = fs::path(path).parent_path() / "SOURCE";
    std::ifstream src(source);
    std::string line;
    if (src && std::getline(src, line) && !trim(line).empty()) {
        mut->description_ = std::string(trim(line));
    } else {
        auto t = fs::last_write_time(path, ec);
        if (!ec) {
            auto sys = std::chrono::time_point_cast<std::chrono::seconds>(t - fs::file_time_type::clock::now() +
                                                                          std::chrono::system_clock::now());
            std::time_t tt = std::chrono::system_clock::to_time_t(sys);
            std::tm tm{};
            gmtime_r(&tt, &tm);
            mut->description_ =
                fmt::format("{}, modified {:04}-{:02}-{:02}", path, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        } else {
            mut->description_ = path;
        }
    }
    return data;
}

PriceResult PriceData::price(std::string_view url, std::string_view model, const std::optional<Usage>& usage,
                             std::optional<int64_t> at_ms) const {
    PriceResult r;
    if (!usage) {
        r.why = Unpriced::no_usage;
        return r;
    }
    const ProviderEntry* provider = impl_->provider_for(url);
    if (!provider) {
        r.why = Unpriced::no_provider;
        return r;
    }
    const ModelEntry* entry = model.empty() ? nullptr : impl_->model_for(*provider, js_trim_lower(model));
    if (!entry) {
        r.why = Unpriced::no_model;
        return r;
    }
    const PriceSet& set = in_force(*entry, at_ms ? *at_ms : now_ms());
    if (!set.usable) {
        r.why = Unpriced::no_model;
        return r;
    }
    // The usage the calculator is given (its usage keys).
    const Usage& u = *usage;
    auto reported = [&](const UnitDef& unit) -> int64_t {
        const std::string& k = unit.usage_key;
        if (k == "input_tokens") return u.input_tokens;
        if (k == "output_tokens") return u.output_tokens;
        if (k == "cache_read_tokens") return u.cache_read_tokens;
        if (k == "cache_write_tokens") return u.cache_write_tokens;
        if (k == "output_reasoning_tokens") return u.reasoning_tokens;
        return 0;
    };
    // Leaf counts: most specific priced units first; each less the leaves of
    // its priced descendants.
    std::vector<const UnitPrice*> order;
    for (const auto& p : set.prices)
        if (p.unit->usage_key != "requests") order.push_back(&p);
    std::stable_sort(order.begin(), order.end(), [](const UnitPrice* a, const UnitPrice* b) {
        if (a->unit->dims.size() != b->unit->dims.size()) return a->unit->dims.size() > b->unit->dims.size();
        return a->unit->usage_key < b->unit->usage_key;
    });
    std::map<const UnitDef*, int64_t> leaf;
    for (const UnitPrice* p : order) {
        i128 inner = 0;  // wide: saturated counters must not overflow
        for (const UnitPrice* q : order)
            if (q != p && within(*p->unit, *q->unit)) inner += leaf.at(q->unit);
        i128 n = reported(*p->unit) - inner;
        if (n < 0) {
            r.why = Unpriced::bad_usage;
            return r;
        }
        leaf[p->unit] = static_cast<int64_t>(n);
    }
    bool any_tiered = std::any_of(set.prices.begin(), set.prices.end(), [](const UnitPrice& p) { return p.tiered; });
    int64_t prompt = any_tiered ? u.input_tokens : 0;
    i128 total = 0;
    for (const auto& p : set.prices) {
        bool requests = p.unit->usage_key == "requests";
        int64_t count = requests ? 1 : leaf[p.unit];
        Decimal rate = p.base;
        for (const auto& t : p.tiers)
            if (prompt > t.start) rate = t.price;
        total += atto(rate, count, p.unit->per);
    }
    Price price;
    i128 nanos = (total + 500000000) / 1000000000;
    price.nanos = nanos > INT64_MAX ? INT64_MAX : static_cast<int64_t>(nanos);
    price.provider = provider->id;
    price.model = entry->id;
    price.at_ms = at_ms;
    r.price = std::move(price);
    return r;
}

std::string find_price_data(const std::string& explicit_path) {
    if (!explicit_path.empty()) return explicit_path;
    if (const char* env = std::getenv("CASSETTE_PRICES"); env && *env) return env;
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    std::vector<fs::path> candidates;
    if (!ec) {
        fs::path dir = exe.parent_path();
        candidates.push_back(dir.parent_path() / "share" / "cassette" / "prices" / "data.json");  // installed
        candidates.push_back(dir / "prices" / "data.json");                                       // build tree
    }
#ifdef CASSETTE_INSTALLED_PRICES
    candidates.emplace_back(CASSETTE_INSTALLED_PRICES);
#endif
    for (const auto& c : candidates)
        if (fs::is_regular_file(c, ec)) return c.string();
    return {};
}

std::optional<int64_t> parse_time_ms(std::string_view text) {
    std::string s(trim(text));
    static const char* months[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    auto month_of = [&](const std::string& m) -> unsigned {
        for (unsigned i = 0; i < 12; ++i)
            if (lower(m) == months[i]) return i + 1;
        return 0;
    };
    std::smatch m;
    // ISO 8601 / RFC 3339: 2025-01-02T03:04:05(.123)?(Z|±hh:mm)? ; a space may stand for T.
    static const std::regex iso(
        R"(^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|z|UTC|[+-]\d{2}:?\d{2})?$)");
    // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" and RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT".
    static const std::regex imf(
        R"(^[A-Za-z]+,\s*(\d{1,2})[ -]([A-Za-z]{3})[ -](\d{2,4})\s+(\d{2}):(\d{2}):(\d{2})\s*(?:GMT|UTC|\+0000)?$)");
    // asctime "Sun Nov  6 08:49:37 1994".
    static const std::regex asc(R"(^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$)");
    int64_t y = 0;
    unsigned mo = 0, d = 0;
    int h = 0, mi = 0, se = 0;
    int64_t frac_ms = 0, offset_s = 0;
    if (s.size() > 64) return std::nullopt;
    if (std::regex_match(s, m, iso)) {
        y = std::stoll(m[1]);
        mo = static_cast<unsigned>(std::stoi(m[2]));
        d = static_cast<unsigned>(std::stoi(m[3]));
        h = std::stoi(m[4]);
        mi = std::stoi(m[5]);
        se = std::stoi(m[6]);
        if (m[7].matched) frac_ms = std::stoi((m[7].str() + "00").substr(0, 3));
        if (m[8].matched && m[8].str().size() >= 5) {
            std::string z = m[8].str();
            int sign = z[0] == '-' ? -1 : 1;
            std::string digits;
            for (char c : z)
                if (c >= '0' && c <= '9') digits += c;
            offset_s = sign * (std::stoi(digits.substr(0, 2)) * 3600 + std::stoi(digits.substr(2, 2)) * 60);
        }
    } else if (std::regex_match(s, m, imf)) {
        d = static_cast<unsigned>(std::stoi(m[1]));
        mo = month_of(m[2]);
        y = std::stoll(m[3]);
        if (m[3].length() == 2) y += y < 70 ? 2000 : 1900;
        h = std::stoi(m[4]);
        mi = std::stoi(m[5]);
        se = std::stoi(m[6]);
    } else if (std::regex_match(s, m, asc)) {
        mo = month_of(m[1]);
        d = static_cast<unsigned>(std::stoi(m[2]));
        h = std::stoi(m[3]);
        mi = std::stoi(m[4]);
        se = std::stoi(m[5]);
        y = std::stoll(m[6]);
    } else {
        return std::nullopt;
    }
    if (h > 23 || mi > 59 || se > 60) return std::nullopt;
    auto days = days_from_civil(y, mo, d);
    if (!days) return std::nullopt;
    return ((*days * 86400) + h * 3600 + mi * 60 + se - offset_s) * 1000 + frac_ms;
}

std::optional<int64_t> recorded_time_ms(const Interaction& ix) {
    for (const auto& e : ix.extra) {
        if (e.key == "recorded_at" || e.key == "startedDateTime") {
            std::string v = e.json;
            if (auto j = nlohmann::json::parse(v, nullptr, false); !j.is_discarded() && j.is_string())
                v = j.get<std::string>();
            if (auto t = parse_time_ms(v)) return t;
        }
    }
    if (const std::string* date = ix.response.headers.first("Date"))
        if (auto t = parse_time_ms(*date)) return t;
    return std::nullopt;
}

std::string exact_usd(int64_t nanos) {
    std::string sign = nanos < 0 ? "-" : "";
    uint64_t n = nanos < 0 ? static_cast<uint64_t>(-(nanos + 1)) + 1 : static_cast<uint64_t>(nanos);
    std::string frac = fmt::format("{:09}", n % 1000000000);
    while (frac.size() > 2 && frac.back() == '0') frac.pop_back();
    return sign + std::to_string(n / 1000000000) + "." + frac;
}

std::string format_usd(int64_t nanos) {
    std::string sign = nanos < 0 ? "-" : "";
    uint64_t n = nanos < 0 ? static_cast<uint64_t>(-(nanos + 1)) + 1 : static_cast<uint64_t>(nanos);
    // Four significant digits, at least two decimals, at most nine.
    int digits = static_cast<int>(std::to_string(n).size());  // of nano-dollars
    int keep_decimals = std::clamp(4 - (digits - 9), 2, 9);
    uint64_t unit = 1;
    for (int i = 0; i < 9 - keep_decimals; ++i) unit *= 10;
    uint64_t rounded = (n + unit / 2) / unit;  // in units of 10^-keep_decimals dollars
    uint64_t whole = rounded;
    for (int i = 0; i < keep_decimals; ++i) whole /= 10;
    uint64_t scale = 1;
    for (int i = 0; i < keep_decimals; ++i) scale *= 10;
    std::string frac = fmt::format("{:0{}}", rounded % scale, keep_decimals);
    // Trailing zeros past the second decimal say nothing.
    while (frac.size() > 2 && frac.back() == '0') frac.pop_back();
    std::string w = std::to_string(whole);
    for (int i = static_cast<int>(w.size()) - 3; i > 0; i -= 3) w.insert(static_cast<size_t>(i), ",");
    return sign + "$" + w + "." + frac;
}

const char* unpriced_reason(Unpriced u) {
    switch (u) {
        case Unpriced::no_usage: return "no usage reported";
        case Unpriced::no_provider: return "no provider in the price data for the URL";
        case Unpriced::no_model: return "no price for the model";
        case Unpriced::bad_usage: return "usage the price rules cannot split";
    }
    return "";
}

}  // namespace cassette
