#include "formats/json_export_writer.hpp"

#include "error.hpp"
#include "formats/json_export.hpp"
#include "formats/message_log.hpp"
#include "reader.hpp"

namespace cassette {

// Re-indents pretty JSON text by `pad` spaces (for nesting a pretty document).
std::string indent_lines(const std::string& text, const std::string& pad) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    out += pad;
    size_t from = 0;
    for (size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1) {
        out.append(text, from, nl + 1 - from);
        out += pad;
    }
    out.append(text, from, std::string::npos);
    return out;
}

Cassette stream_cassette_json(const std::string& path, bool pretty, const TextSink& write,
                              const std::function<bool(const Interaction&)>& keep, ReadOptions ropts) {
    const JsonExportOptions jopts;
    bool first = true;
    bool opened = false;
    nlohmann::json header_sent;
    // A file that is not HTTP (lib/formats/message_log.hpp): its records go
    // under their own key ("websocket", "grpc"), never as interactions.
    std::string not_http;
    auto open = [&](const Cassette& c) {
        header_sent = cassette_header_to_json(c);
        not_http = c.not_http;
        const std::string key = not_http.empty() ? "interactions" : not_http_key(not_http);
        std::string h = dump_json(header_sent, pretty ? 2 : -1);
        h.pop_back();  // drop the closing brace
        if (pretty) {
            while (!h.empty() && (h.back() == '\n' || h.back() == ' ')) h.pop_back();
            write(h + ",\n  \"" + key + "\": [");
        } else {
            write(h + ",\"" + key + "\":[");
        }
        opened = true;
    };
    ropts.on_header = open;
    // Each interaction's JSON is built on worker threads past the first MiB
    // (lib/util/ordered_work.hpp) and written here, in file order.
    OrderedWork<Interaction, std::string> work(
        [&](const Interaction& ix) {
            if (not_http.empty()) {
                std::string text = pretty ? "    " : "";
                text.reserve(3 * body_bytes(ix) + 4096);
                append_json(text, interaction_to_json(ix, jopts), pretty ? 2 : -1, pretty ? 4 : 0);
                return text;
            }
            std::string text =
                not_http_entry(ix).dump(pretty ? 2 : -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            return pretty ? indent_lines(text, "    ") : text;
        },
        [&](Interaction&&, std::string&& text) {
            if (!first) write(",");
            if (pretty) write("\n");
            write(text);
            first = false;
        },
        work_options(ropts));
    Cassette c = read_cassette_through(path, work, ropts, keep);
    if (!c.problems.empty()) throw problem_error(path, c.problems.front());
    if (!opened) open(c);
    // Header fields that came after the interactions in the file.
    nlohmann::json late = cassette_header_to_json(c);
    std::string tail;
    for (auto it = late.begin(); it != late.end(); ++it) {
        if (header_sent.contains(it.key()) && header_sent[it.key()] == it.value()) continue;
        tail += pretty ? ",\n  " : ",";
        tail += dump_json(it.key()) + (pretty ? ": " : ":") + dump_json(it.value(), -1);
    }
    if (pretty) {
        write(std::string(first ? "]" : "\n  ]") + tail + "\n}\n");
    } else {
        write("]" + tail + "}\n");
    }
    return c;
}

}  // namespace cassette
