#include "render_log.hpp"

#include <fmt/format.h>

#include "decode/base64.hpp"
#include "formats/message_log.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

namespace cassette {

namespace {

using json = nlohmann::ordered_json;

constexpr size_t kChunkPreviewChars = 160;

std::string scalar_text(const json& v) {
    return v.is_string() ? printable(v.get<std::string>())
                         : printable(v.dump(-1, ' ', false, json::error_handler_t::replace));
}

// A value as a block under a label: pretty JSON for objects and lists,
// text (a text frame, decoded) for strings.
std::string block(const json& v, const Palette& p, const std::string& pad) {
    if (v.is_object() || v.is_array()) return pretty_json(v, p, pad) + "\n";
    std::string text = scalar_text(v);
    std::string out = indent(text, pad);
    if (out.empty() || out.back() != '\n') out += "\n";
    return out;
}

std::string websocket(const json& e, const Palette& p) {
    std::string head = fmt::format("#{}", e.value("index", size_t{0}));
    std::string what = e.contains("direction") && e["direction"].is_string() ? e["direction"].get<std::string>()
                       : e.contains("kind") && e["kind"].is_string()         ? e["kind"].get<std::string>()
                                                                             : std::string("message");
    const json* data = e.contains("data_json") ? &e["data_json"] : e.contains("data") ? &e["data"] : nullptr;
    std::string type;
    if (data && data->is_object() && data->contains("type") && (*data)["type"].is_string())
        type = (*data)["type"].get<std::string>();
    std::string out = "\n" + p.bold(head) + "  " + p.bold(p.yellow(printable(what))) +
                      (type.empty() ? "" : "  " + printable(type)) + "\n";
    for (auto it = e.begin(); it != e.end(); ++it) {
        const std::string& k = it.key();
        if (k == "index" || k == "direction" || k == "data" || k == "data_json") continue;
        // `kind: message` is every frame's; `kind: close` is already the heading.
        if (k == "kind" && it->is_string() && (it->get<std::string>() == "message" || it->get<std::string>() == what))
            continue;
        if (it->is_object() || it->is_array())
            out += "  " + p.dim(k) + "\n" + block(*it, p, "    ");
        else
            out += "  " + p.dim(k + ":") + " " + scalar_text(*it) + "\n";
    }
    if (data) {
        const bool text_frame = e.contains("data_json") || data->is_string();
        out += "  " + p.dim(text_frame && !e.contains("data_json") ? "text" : "data") + "\n" + block(*data, p, "    ");
    }
    return out;
}

// Protobuf bytes kept as base64 beside their JSON form: counted, not shown.
std::string bytes_note(const json& v) {
    if (!v.is_string()) return scalar_text(v);
    auto bytes = base64_decode(v.get<std::string>());
    if (!bytes) return scalar_text(v);
    return fmt::format("protobuf, {} bytes", with_thousands(static_cast<int64_t>(bytes->size())));
}

bool is_bytes_key(const std::string& k) { return k == "raw" || ends_with(k, "_raw"); }

std::string grpc_part(const std::string& name, const json& v, const Palette& p) {
    std::string out = "  " + p.dim(name) + "\n";
    if (!v.is_object()) return out + block(v, p, "    ");
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string& k = it.key();
        if (is_bytes_key(k)) {
            out += "    " + p.dim(k + ":") + " " + bytes_note(*it) + "\n";
        } else if (it->is_array() && (k == "chunks_json" || k == "chunks")) {
            out += "    " + p.dim(fmt::format("{} ({} chunks)", k, it->size())) + "\n";
            size_t width = std::to_string(it->size()).size();
            for (size_t i = 0; i < it->size(); ++i) {
                const json& chunk = (*it)[i];
                std::string line =
                    is_bytes_key(k) ? bytes_note(chunk) : truncate_utf8(scalar_text(chunk), kChunkPreviewChars);
                out += fmt::format("      {} {}\n", p.dim(fmt::format("{:>{}}", i, width)), line);
            }
        } else if (it->is_object() || it->is_array()) {
            out += "    " + p.dim(k) + "\n" + block(*it, p, "      ");
        } else {
            out += "    " + p.dim(k + ":") + " " + scalar_text(*it) + "\n";
        }
    }
    return out;
}

std::string grpc(const json& e, const Palette& p) {
    std::string parts;
    for (auto it = e.begin(); it != e.end(); ++it)
        if (it.key() != "index") parts += (parts.empty() ? "" : " + ") + it.key();
    std::string out = "\n" + p.bold(fmt::format("#{}", e.value("index", size_t{0}))) + "  " + p.bold(p.yellow("gRPC")) +
                      "  " + printable(parts) + "\n";
    for (auto it = e.begin(); it != e.end(); ++it)
        if (it.key() != "index") out += grpc_part(it.key(), *it, p);
    return out;
}

}  // namespace

std::string render_log_record(const Interaction& ix, const std::string& kind, const Palette& p) {
    json e = not_http_entry(ix);
    return kind == "websocket" ? websocket(e, p) : grpc(e, p);
}

}  // namespace cassette
