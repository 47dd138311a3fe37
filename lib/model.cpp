#include "model.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace cassette {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

const std::vector<std::string>* Headers::all(std::string_view name) const {
    for (const auto& h : items) {
        if (iequals(h.name, name)) return &h.values;
    }
    return nullptr;
}

const std::string* Headers::first(std::string_view name) const {
    const auto* v = all(name);
    return v && !v->empty() ? &v->front() : nullptr;
}

std::optional<double> parse_go_duration_ms(std::string_view s) {
    // time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ ; "0" alone is valid.
    if (s.empty()) return std::nullopt;
    bool negative = false;
    if (s[0] == '-' || s[0] == '+') {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return 0.0;
    if (s.empty()) return std::nullopt;
    double total_ms = 0;
    while (!s.empty()) {
        size_t i = 0;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
        if (i == 0) return std::nullopt;
        std::string number(s.substr(0, i));
        if (number == ".") return std::nullopt;
        char* end = nullptr;
        double value = std::strtod(number.c_str(), &end);
        if (end != number.c_str() + number.size()) return std::nullopt;
        s.remove_prefix(i);
        size_t j = 0;
        while (j < s.size() && !std::isdigit(static_cast<unsigned char>(s[j])) && s[j] != '.') ++j;
        std::string_view unit = s.substr(0, j);
        s.remove_prefix(j);
        double scale;
        if (unit == "ns")
            scale = 1e-6;
        else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
            scale = 1e-3;
        else if (unit == "ms")
            scale = 1;
        else if (unit == "s")
            scale = 1e3;
        else if (unit == "m")
            scale = 60e3;
        else if (unit == "h")
            scale = 3600e3;
        else
            return std::nullopt;
        total_ms += value * scale;
    }
    return negative ? -total_ms : total_ms;
}

}  // namespace cassette
