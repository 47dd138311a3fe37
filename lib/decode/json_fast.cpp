#include "decode/json_fast.hpp"

#include <simdjson.h>

#include <cstring>
#include <string>

namespace cassette {

namespace {

// Copies `e` into `out`; false when the nesting passes `max_depth` (objects
// and arrays counted as DepthLimitedDom in body.cpp counts them).
template <class J>
bool copy(simdjson::dom::element e, J& out, size_t depth, size_t max_depth) {
    using simdjson::dom::element_type;
    switch (e.type()) {
        case element_type::OBJECT: {
            if (++depth > max_depth) return false;
            out = J::object();
            for (simdjson::dom::key_value_pair kv : simdjson::dom::object(e))
                if (!copy(kv.value, out[std::string(kv.key)], depth, max_depth)) return false;
            return true;
        }
        case element_type::ARRAY: {
            if (++depth > max_depth) return false;
            simdjson::dom::array a(e);
            out = J::array();
            auto& items = out.template get_ref<typename J::array_t&>();
            items.reserve(a.size());
            for (simdjson::dom::element v : a)
                if (!copy(v, items.emplace_back(), depth, max_depth)) return false;
            return true;
        }
        case element_type::STRING: out = std::string(std::string_view(e)); return true;
        case element_type::INT64: {
            int64_t v = int64_t(e);
            // nlohmann reads a non-negative integer as unsigned (and `-0`
            // as signed: parse_into leaves that to nlohmann).
            if (v >= 0)
                out = static_cast<uint64_t>(v);
            else
                out = v;
            return true;
        }
        case element_type::UINT64: out = uint64_t(e); return true;
        case element_type::DOUBLE: out = double(e); return true;
        case element_type::BOOL: out = bool(e); return true;
        case element_type::NULL_VALUE: out = nullptr; return true;
    }
    return false;
}

// simdjson reads `-0` as the integer 0 and nlohmann as a signed 0 (where
// `0` is unsigned): a text that may hold that token goes to nlohmann. Dates
// ("2024-05-01") and `-0.5` do not count; a `-0` inside a string costs only
// the slow path.
bool may_hold_negative_zero(std::string_view text) {
    for (size_t i = text.find("-0"); i != std::string_view::npos; i = text.find("-0", i + 1)) {
        char next = i + 2 < text.size() ? text[i + 2] : ' ';
        if (!(next >= '0' && next <= '9') && next != '.' && next != 'e' && next != 'E') return true;
    }
    return false;
}

template <class J>
bool parse_into(std::string_view text, J& out, size_t max_depth) {
    if (text.size() > kFastParseMax) return false;
    // One parser per thread: it keeps its buffers between events.
    thread_local simdjson::dom::parser parser;
    // and a padded copy of the text (simdjson reads past the end; given an
    // unpadded text it would allocate a copy for every call).
    thread_local std::string padded;
    if (padded.size() < text.size() + simdjson::SIMDJSON_PADDING)
        padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded.data(), text.data(), text.size());
    std::memset(padded.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    simdjson::dom::element root;
    if (parser.parse(padded.data(), text.size(), false).get(root) != simdjson::SUCCESS) return false;
    if (may_hold_negative_zero(text)) return false;
    return copy(root, out, 0, max_depth);
}

}  // namespace

bool fast_parse(std::string_view text, nlohmann::json& out, size_t max_depth) {
    return parse_into(text, out, max_depth);
}

bool fast_parse(std::string_view text, nlohmann::ordered_json& out, size_t max_depth) {
    return parse_into(text, out, max_depth);
}

}  // namespace cassette
