#include "limits.hpp"

#include <charconv>

namespace cassette {

namespace {

Limits& storage() {
    static Limits l;
    return l;
}

}  // namespace

const Limits& limits() { return storage(); }

const std::vector<LimitSpec>& limit_specs() {
    static const std::vector<LimitSpec> specs = {
        {"CASSETTE_MAX_YAML_DEPTH", "YAML nesting depth, in levels", &Limits::yaml_depth},
        {"CASSETTE_MAX_YAML_ALIAS_NODES", "nodes YAML aliases may produce in one file (billion-laughs guard)",
         &Limits::yaml_alias_nodes},
        {"CASSETTE_MAX_JSON_DEPTH", "JSON body nesting depth, in levels", &Limits::json_depth},
        {"CASSETTE_MAX_BODY_BYTES", "bytes one compressed body may inflate to", &Limits::body_bytes},
    };
    return specs;
}

std::optional<std::string> set_limit(std::string_view name, std::string_view value) {
    const LimitSpec* spec = nullptr;
    for (const auto& s : limit_specs())
        if (name == s.name) spec = &s;
    if (!spec) return "unknown limit " + std::string(name);
    auto bad = [&] {
        return std::string(name) + "=" + std::string(value) +
               ": expected a positive integer, optionally with K, M or G (binary multiples)";
    };
    size_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || n == 0) return bad();
    std::string_view suffix(end, static_cast<size_t>(value.data() + value.size() - end));
    unsigned shift = 0;
    if (suffix == "K" || suffix == "k")
        shift = 10;
    else if (suffix == "M" || suffix == "m")
        shift = 20;
    else if (suffix == "G" || suffix == "g")
        shift = 30;
    else if (!suffix.empty())
        return bad();
    if (shift && n > (static_cast<size_t>(-1) >> shift)) return bad();
    storage().*(spec->field) = n << shift;
    return std::nullopt;
}

std::string limit_hint(size_t Limits::*field) {
    for (const auto& s : limit_specs())
        if (s.field == field) return std::string("raise it with ") + s.name + "=N";
    return {};
}

}  // namespace cassette
