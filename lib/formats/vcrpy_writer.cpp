#include "formats/vcrpy_writer.hpp"

#include "util/utf8.hpp"
#include "formats/yaml_emit.hpp"

namespace cassette {

namespace {

// vcrpy's quoting on top of the shared emitter.
class Emitter : public YamlEmitter {
public:
    void begin() {
        stream_start();
        document_start(false);
    }
    void end() {
        document_end();
        stream_end();
    }
    void null() { plain("null"); }
    // A string value: always double-quoted, so it never resolves to a
    // number/bool/null; bytes that are not UTF-8 as one-line !!binary.
    void str(std::string_view s) {
        if (!is_valid_utf8(s)) {
            binary(s, 0);
            return;
        }
        double_quoted(s);
    }
    // A key: plain unless a YAML indicator or edge space would change it.
    void key(std::string_view s) {
        if (s.empty() || s.find_first_of(":#'\"{}[],&*!|>%@`\n\r\t") != std::string_view::npos || s.front() == ' ' ||
            s.front() == '-' || s.front() == '?' || s.back() == ' ')
            double_quoted(s);
        else
            plain(s);
    }
};

void headers(Emitter& e, const Headers& h) {
    e.key("headers");
    e.map_start();
    for (const auto& item : h.items) {
        e.key(item.name);
        e.seq_start();
        for (const auto& v : item.values) e.str(v);
        e.seq_end();
    }
    e.map_end();
}

}  // namespace

std::string write_vcrpy(const Cassette& c) {
    Emitter e;
    e.begin();
    e.map_start();
    e.key("interactions");
    e.seq_start();
    for (const auto& ix : c.interactions) {
        e.map_start();
        e.key("request");
        e.map_start();
        e.key("body");
        if (ix.request.body.present && !ix.request.body.bytes.empty())
            e.str(ix.request.body.bytes);
        else
            e.null();
        headers(e, ix.request.headers);
        e.key("method");
        e.str(ix.request.method);
        e.key("uri");
        e.str(ix.request.url);
        e.map_end();
        e.key("response");
        e.map_start();
        e.key("body");
        e.map_start();
        e.key("string");
        e.str(ix.response.body.bytes);
        e.map_end();
        headers(e, ix.response.headers);
        e.key("status");
        e.map_start();
        int64_t code = ix.response.code.value_or(0);
        e.key("code");
        e.plain(std::to_string(code));
        // "200 OK" -> "OK"
        std::string message = ix.response.status;
        std::string prefix = std::to_string(code);
        if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
        if (!message.empty() && message[0] == ' ') message.erase(0, 1);
        e.key("message");
        e.str(message);
        e.map_end();
        e.map_end();
        e.map_end();
    }
    e.seq_end();
    e.key("version");
    e.plain("1");
    e.map_end();
    e.end();
    return e.take();
}

}  // namespace cassette
