// What the smaller APIs' reassemblers (bedrock.cpp, ollama.cpp, cohere.cpp)
// share: JSON paths, argument text, the request's model and the usual shapes
// of an error body. Internal to lib/providers.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "decode/json_read.hpp"
#include "model.hpp"
#include "providers/provider_error.hpp"

namespace cassette::small_api {

using namespace json_read;

// field(field(field(o, a), b), c) as path(o, {a, b, c}).
inline const OJ* path(const OJ* o, std::initializer_list<const char*> keys) {
    const OJ* cur = o;
    for (const char* k : keys) cur = field(cur, k);
    return cur;
}
inline const OJ* path(const OJ& o, std::initializer_list<const char*> keys) { return path(&o, keys); }

inline bool truthy(const OJ* v) { return v && v->is_boolean() && v->get<bool>(); }

// Arguments given as an object (or already as JSON text) -> JSON text.
inline std::string arguments_text(const OJ* v) {
    if (!v || v->is_null()) return "{}";
    if (v->is_string()) return v->get<std::string>();
    return v->dump();
}

inline std::string request_model(const Interaction& ix) {
    if (auto j = parse(ix.request.body.bytes)) return str(field(*j, "model"));
    return {};
}

// Error bodies: {"error": "text"} (Ollama), {"error": {...}}, or {"message": ...}
// with an error status (Bedrock, with the type in x-amzn-ErrorType; Cohere).
inline std::optional<ProviderError> error_of(const OJ& j, const Interaction& ix) {
    if (const OJ* e = field(j, "error"); e && !e->is_null()) {
        ProviderError err;
        err.raw = nlohmann::json(j);
        if (e->is_string()) {
            err.message = e->get<std::string>();
        } else {
            err.type = str(field(*e, "type"));
            if (err.type.empty()) err.type = str(field(*e, "code"));
            err.message = str(field(*e, "message"));
        }
        return err;
    }
    if (ix.response.code.value_or(0) >= 400 && field(j, "message")) {
        return message_body_error(j, ix);
    }
    return std::nullopt;
}

}  // namespace cassette::small_api
