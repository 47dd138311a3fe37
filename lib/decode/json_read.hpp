// Small, total readers over provider JSON: every accessor answers "absent"
// rather than throwing on a missing key or a wrong type, so hostile bodies
// can't take reassembly down. Documents are ordered_json so tool arguments
// keep the key order they had on the wire.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/text.hpp"

#include "decode/json_fast.hpp"
#include "limits.hpp"

namespace cassette::json_read {

using OJ = nlohmann::ordered_json;

inline std::optional<OJ> parse(std::string_view text) {
    if (OJ j; fast_parse(text, j, limits().json_depth)) return j;
    OJ j = OJ::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

// The accessors take either document type: ordered_json (parsed here) or the
// nlohmann::json that body decoding gives (DecodedBody::json).
template <typename J>
concept JsonDoc = std::same_as<J, OJ> || std::same_as<J, nlohmann::json>;

template <JsonDoc J>
const J* field(const J& o, const char* key) {
    if (!o.is_object()) return nullptr;
    auto it = o.find(key);
    return it == o.end() ? nullptr : &*it;
}

template <JsonDoc J>
const J* field(const J* o, const char* key) {
    return o ? field(*o, key) : nullptr;
}

// As field, but a JSON null reads as absent: OpenAI-compatible servers send
// `"error": null`, `"usage": null` on ordinary chunks.
template <JsonDoc J>
const J* member(const J& o, const char* key) {
    const J* v = field(o, key);
    return v && !v->is_null() ? v : nullptr;
}

template <JsonDoc J>
const J* member(const J* o, const char* key) {
    return o ? member(*o, key) : nullptr;
}

template <JsonDoc J>
std::string str(const J* v) {
    return v && v->is_string() ? v->template get<std::string>() : std::string();
}

// A token count as int64, clamped; nullopt when absent, null or not a number.
template <JsonDoc J>
std::optional<int64_t> count(const J* v) {
    if (!v) return std::nullopt;
    if (v->is_number_unsigned()) {
        auto u = v->template get<uint64_t>();
        return u > uint64_t(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max() : int64_t(u);
    }
    if (v->is_number_integer()) return v->template get<int64_t>();
    if (v->is_number_float()) {
        double d = v->template get<double>();
        if (!std::isfinite(d)) return std::nullopt;
        if (d >= 9.2e18) return std::numeric_limits<int64_t>::max();
        if (d <= -9.2e18) return std::numeric_limits<int64_t>::min();
        return int64_t(d);
    }
    return std::nullopt;
}

// An integer taken only when it is one: a whole number in int64 range, or a
// float within ±9e18 (truncated); nullopt otherwise. For indexes, where a
// clamped value would be a wrong one.
template <JsonDoc J>
std::optional<int64_t> integer(const J* v) {
    if (!v) return std::nullopt;
    if (v->is_number_unsigned()) {
        auto u = v->template get<uint64_t>();
        if (u > uint64_t(std::numeric_limits<int64_t>::max())) return std::nullopt;
        return int64_t(u);
    }
    if (v->is_number_integer()) return v->template get<int64_t>();
    if (v->is_number_float()) {
        double d = v->template get<double>();
        if (d >= -9e18 && d <= 9e18) return int64_t(d);
    }
    return std::nullopt;
}

// Saturating addition: hostile counts must not overflow (UB).
inline int64_t add(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
    return r;
}

}  // namespace cassette::json_read
