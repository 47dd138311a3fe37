#include "formats/message_log.hpp"

namespace cassette {

std::string not_http_description(std::string_view kind) {
    if (kind == "websocket") return "WebSocket message log";
    if (kind == "grpc") return "gRPC sample log";
    return std::string(kind) + " log";
}

std::string not_http_key(std::string_view kind) { return std::string(kind); }

nlohmann::ordered_json not_http_entry(const Interaction& ix) {
    using json = nlohmann::ordered_json;
    json o = json::object();
    o["index"] = ix.index;
    for (const ExtraField& f : ix.extra) {
        json v = json::parse(f.json, nullptr, false);
        if (v.is_discarded()) v = f.json;
        o[f.key] = std::move(v);
    }
    // A text frame recorded as the text itself: JSON inside is the message.
    auto data = o.find("data");
    if (o.contains("direction") && data != o.end() && data->is_string()) {
        std::string_view text = data->get_ref<const std::string&>();
        size_t first = text.find_first_not_of(" \t\r\n");
        if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
            json parsed = json::parse(text, nullptr, false);
            if (!parsed.is_discarded()) o["data_json"] = std::move(parsed);
        }
    }
    return o;
}

}  // namespace cassette
