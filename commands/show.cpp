#include "show.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "decode/body.hpp"
#include "error.hpp"
#include "formats/json_export.hpp"
#include "formats/json_export_stream.hpp"
#include "reader.hpp"
#include "providers/reassemble.hpp"
#include "render.hpp"
#include "render_log.hpp"
#include "formats/message_log.hpp"
#include "util/utf8.hpp"

namespace cassette {

namespace {

const char* kShowHelp =
    "Shows each interaction: the request line, headers and body (JSON pretty-printed),\n"
    "then the response status, duration, headers and body. A streamed LLM response\n"
    "(server-sent events, AWS event stream, NDJSON) is shown as the message the\n"
    "client library would have rebuilt: text, reasoning, tool calls, finish reason\n"
    "and token usage.\n\n"
    "  --events  list the decoded stream events instead of the message\n"
    "  --raw     print bodies exactly as recorded\n"
    "  -i N      only interaction N (0-based; repeatable)\n\n"
    "Examples:\n"
    "  cassette show fixtures/chat.yaml\n"
    "  cassette show fixtures/chat.yaml -i 1 --events\n"
    "  cassette show fixtures/chat.yaml --format json | jq .interactions[0].message";

constexpr size_t kEventPreviewChars = 160;

bool is_stream(BodyKind k) {
    return k == BodyKind::sse || k == BodyKind::eventstream || k == BodyKind::ndjson || k == BodyKind::json_stream;
}

std::string one_line(std::string_view s) {
    std::string out;
    for (char c : s) out += (c == '\n' || c == '\r') ? ' ' : c;
    return out;
}

class ShowRenderer {
public:
    ShowRenderer(const ShowOptions& opts, Palette p) : opts_(opts), p_(p) {}

    // "path  go-vcr v2 · recorded with VCR 6.2.0 · 3 interactions"; the count
    // is left out when the header goes out before the file has been read.
    std::string file_header(const Cassette& c, std::optional<size_t> count) const {
        std::string facts = c.format;
        if (c.version) facts += fmt::format(" v{}", c.version);
        if (!c.recorder.empty()) facts += " · recorded with " + printable(c.recorder);
        if (!c.not_http.empty()) facts += " · " + not_http_description(c.not_http) + ", not HTTP";
        const char* noun = c.not_http.empty() ? "interaction" : "message";
        if (count) facts += fmt::format(" · {} {}{}", *count, noun, *count == 1 ? "" : "s");
        return p_.bold(c.path) + p_.dim("  " + facts) + "\n";
    }

    std::string file_footer(const Cassette& c, size_t count) const {
        const char* noun = c.not_http.empty() ? "interaction" : "message";
        return "\n" + p_.dim(fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s")) + "\n";
    }

    std::string interaction(const Interaction& ix) const {
        std::string out;
        const Request& rq = ix.request;
        const Response& rs = ix.response;
        std::string id = ix.id && static_cast<size_t>(*ix.id) != ix.index ? fmt::format(" (id {})", *ix.id) : "";
        out += "\n" + p_.bold(fmt::format("#{}{}", ix.index, id)) + "  " + p_.bold(p_.yellow(rq.method)) + " " +
               rq.url + "\n";

        // Request.
        out += p_.dim("request") + (rq.proto && !rq.proto->empty() ? "  " + *rq.proto : "") + "\n";
        out += headers(rq.headers);
        DecodedBody rq_body = decode_body(rq.headers, rq.body.bytes);
        out += body(rq.body, rq_body, nullptr);

        // Response.
        int64_t code = rs.code.value_or(0);
        std::string status = rs.status.empty() ? std::to_string(code) : rs.status;
        std::string status_text = code >= 400 ? p_.red(status) : code >= 300 ? p_.yellow(status) : p_.green(status);
        std::string facts;
        if (rs.proto && !rs.proto->empty()) facts += "  " + *rs.proto;
        if (rs.duration_ms) facts += "  " + human_duration_ms(*rs.duration_ms);
        out += p_.dim("response") + "  " + p_.bold(status_text) + facts + "\n";
        out += headers(rs.headers);
        DecodedBody rs_body = decode_body(rs.headers, rs.body.bytes);
        std::optional<Message> message;
        if (!opts_.raw) message = reassemble(ix, rs_body);
        out += body(rs.body, rs_body, message ? &*message : nullptr);
        return out;
    }

private:
    std::string headers(const Headers& h) const {
        if (opts_.no_headers) return {};
        std::string out;
        for (const auto& item : h.items) {
            for (const auto& v : item.values) out += "  " + p_.cyan(item.name) + ": " + printable(v) + "\n";
            if (item.values.empty()) out += "  " + p_.cyan(item.name) + ":\n";
        }
        return out;
    }

    std::string body(const Body& b, const DecodedBody& d, const Message* message) const {
        if (b.bytes.empty()) return "";
        std::string out;
        std::string size = fmt::format("{} bytes", with_thousands(static_cast<int64_t>(b.bytes.size())));
        if (opts_.raw) {
            out += "  " + p_.dim("body (" + size + ", as recorded):") + "\n";
            if (is_valid_utf8(b.bytes)) {
                out += indent(b.bytes, "    ");
                if (b.bytes.back() != '\n') out += "\n";
            } else {
                out += "    " + p_.dim("(not UTF-8: use `cassette export --format json` for its base64)") + "\n";
            }
            return out;
        }
        std::string decoded;
        if (d.compression != Compression::none) decoded = std::string(", ") + compression_name(d.compression) + " decoded";
        if (message && !opts_.events) {
            std::string what = is_stream(d.kind) ? fmt::format("{} events", d.events.size()) : size;
            out += "  " + p_.dim("message (" + message->api + (message->streamed ? ", streamed, " : ", ") + what +
                                 decoded + "):") +
                   "\n";
            out += render_message(*message);
            return out;
        }
        switch (d.kind) {
            case BodyKind::json:
                out += "  " + p_.dim("body (JSON, " + size + decoded + "):") + "\n";
                // Keys in recorded order: people compare what they see with the file.
                if (auto ordered = parse_ordered_json(d.text)) out += pretty_json(*ordered, p_, "    ") + "\n";
                else out += pretty_json(*d.json, p_, "    ") + "\n";
                break;
            case BodyKind::sse:
            case BodyKind::eventstream:
            case BodyKind::ndjson:
            case BodyKind::json_stream: {
                out += "  " + p_.dim(fmt::format("body ({}, {} events, {}{}):", body_kind_name(d.kind), d.events.size(),
                                                 size, decoded)) +
                       "\n";
                size_t width = std::to_string(d.events.size()).size();
                for (size_t i = 0; i < d.events.size(); ++i) {
                    const BodyEvent& e = d.events[i];
                    std::string data = printable(one_line(e.data));
                    if (!opts_.events) data = truncate_utf8(data, kEventPreviewChars);
                    out += fmt::format("    {} {} {}\n", p_.dim(fmt::format("{:>{}}", i, width)), p_.magenta(e.event), data);
                }
                for (const auto& problem : d.problems)
                    out += "    " + p_.red("! " + problem.rule + ": " + problem.message) + "\n";
                break;
            }
            case BodyKind::text:
                out += "  " + p_.dim("body (text, " + size + decoded + "):") + "\n";
                out += indent(printable(d.text), "    ");
                if (!d.text.empty() && d.text.back() != '\n') out += "\n";
                break;
            case BodyKind::binary:
                out += "  " + p_.dim("body (binary, " + size + decoded + "; --raw or export to see it)") + "\n";
                break;
            case BodyKind::empty: break;
        }
        return out;
    }

    std::string render_message(const Message& m) const {
        std::string out;
        auto field = [&](std::string_view name, const std::string& value) {
            if (!value.empty()) out += "    " + p_.dim(fmt::format("{:<9}", name)) + value + "\n";
        };
        field("model", m.model);
        field("id", m.id);
        if (m.error) {
            out += "    " + p_.red(p_.bold("error")) + "    " + p_.red(m.error->type.empty() ? m.error->message
                                                                      : m.error->type + ": " + m.error->message) +
                   "\n";
        }
        if (!m.reasoning.empty()) {
            out += "    " + p_.dim("reasoning") + "\n";
            out += p_.dim(indent(printable(m.reasoning), "      ")) + "\n";
        }
        if (!m.text.empty()) {
            out += "    " + p_.dim("text") + "\n";
            out += indent(printable(m.text), "      ") + "\n";
        }
        auto calls = [&](const std::vector<ToolCall>& list, std::string_view label) {
            for (const auto& call : list) {
                out += "    " + p_.dim(std::string(label)) + " " + p_.bold(call.name) +
                       (call.id.empty() ? "" : p_.dim(" (" + call.id + ")")) + "\n";
                auto args = parse_ordered_json(call.arguments);
                if (args) out += pretty_json(*args, p_, "      ") + "\n";
                else if (!call.arguments.empty()) out += indent(printable(call.arguments), "      ") + "\n";
            }
        };
        calls(m.tool_calls, "tool call");
        calls(m.server_tool_calls, "server tool");
        field("finish", m.finish_reason);
        if (!m.complete) out += "    " + p_.red("stream ended before its terminal event") + "\n";
        if (m.usage) {
            const Usage& u = *m.usage;
            std::string s = fmt::format("input {}", with_thousands(u.input_tokens));
            if (u.cache_read_tokens || u.cache_write_tokens)
                s += p_.dim(fmt::format(" (cache read {}, write {})", with_thousands(u.cache_read_tokens),
                                        with_thousands(u.cache_write_tokens)));
            s += fmt::format(" · output {}", with_thousands(u.output_tokens));
            if (u.reasoning_tokens) s += p_.dim(fmt::format(" (reasoning {})", with_thousands(u.reasoning_tokens)));
            s += fmt::format(" · total {}", with_thousands(u.total_tokens));
            field("usage", s);
        } else {
            field("usage", p_.dim("not reported"));
        }
        if (m.choices.size() > 1) field("choices", fmt::format("{} (showing choice 0; --format json has all)", m.choices.size()));
        return out;
    }

    const ShowOptions& opts_;
    Palette p_;
};

// One file's output, held back while it is small so that a file that turns
// out to be unreadable prints nothing but its error; past `limit` bytes it
// is streamed, so memory stays one interaction however large the file.
class HeldOutput {
public:
    HeldOutput(Terminal& t, size_t limit, std::function<std::string()> preamble)
        : t_(t), limit_(limit), preamble_(std::move(preamble)) {}

    void write(std::string_view s) {
        if (streaming_) return t_.out(s);
        held_ += s;
        if (held_.size() > limit_) {
            t_.out(preamble_() + held_);
            held_.clear();
            held_.shrink_to_fit();
            streaming_ = true;
        }
    }
    bool streaming() const { return streaming_; }
    std::string take() { return std::move(held_); }

private:
    Terminal& t_;
    size_t limit_;
    std::function<std::string()> preamble_;
    std::string held_;
    bool streaming_ = false;
};

}  // namespace

int run_show(const ShowOptions& opts, Terminal& t) {
    size_t missing = 0;
    std::vector<std::string> files = expand_each(opts.paths, t, missing);
    Palette palette{use_color(opts.color, t)};
    ShowRenderer renderer(opts, palette);
    const std::set<long long> wanted(opts.indexes.begin(), opts.indexes.end());
    auto keep = [&](const Interaction& ix) { return wanted.empty() || wanted.count(static_cast<long long>(ix.index)); };
    const bool json = opts.format == "json";
    int status = missing ? exit_trouble : exit_ok;
    for (size_t fi = 0; fi < files.size(); ++fi) {
        const std::string& path = files[fi];
        const std::string separator = !json && fi > 0 ? "\n" : "";
        Cassette header;
        HeldOutput held(t, opts.hold_bytes,
                        [&] { return json ? std::string() : separator + renderer.file_header(header, std::nullopt); });
        Cassette c;
        try {
            if (json) {
                c = stream_cassette_json(path, files.size() == 1, [&](std::string_view s) { held.write(s); }, keep);
            } else {
                ReadOptions ropts;
                ropts.on_header = [&](const Cassette& h) {
                    header.path = h.path;
                    header.format = h.format;
                    header.version = h.version;
                    header.recorder = h.recorder;
                    header.not_http = h.not_http;
                };
                // Rendering runs on worker threads past the first MiB
                // (lib/util/ordered_work.hpp); the text is written in file order.
                OrderedWork<Interaction, std::string> work(
                    [&](const Interaction& ix) {
                        // A WebSocket or gRPC log is listed as its messages, never as HTTP.
                        return header.not_http.empty() ? renderer.interaction(ix)
                                                       : render_log_record(ix, header.not_http, palette);
                    },
                    [&](Interaction&&, std::string&& text) { held.write(text); });
                c = read_cassette_through(path, work, ropts, keep);
                if (!c.problems.empty()) {
                    for (const auto& line : problem_error_lines(path, c.problems)) t.err(line);
                    status = exit_trouble;
                    continue;
                }
            }
        } catch (const InputError& e) {
            t.err(error_line(format_input_error(e)));
            status = exit_trouble;
            continue;
        }
        for (long long want : opts.indexes) {
            if (want < 0 || static_cast<size_t>(want) >= c.interaction_count) {
                size_t n = c.interaction_count;
                t.err(error_line(fmt::format("{}: no interaction {} (the file has {}{})", path, want, n,
                                             n == 0 ? "" : fmt::format(": 0 to {}", n - 1))));
                return exit_trouble;
            }
        }
        if (held.streaming()) {
            if (!json) t.out(renderer.file_footer(c, c.interaction_count));
        } else {
            t.out(json ? held.take() : separator + renderer.file_header(c, c.interaction_count) + held.take());
        }
    }
    return status;
}

const CommandInfo& show_command() {
    static const CommandInfo info{"show", "Show interactions as a person reads them, streams reassembled",
                                  [](CLI::App& command, Action& action) {
                                      auto opts = std::make_shared<ShowOptions>();
                                      CLI::App* sub = &command;
                                      sub->footer(kShowHelp);
                                      sub->add_option("paths", opts->paths,
                                                      "Cassette files or directories ('-' for standard input)")
                                          ->required();
                                      sub->add_option("-i,--interaction", opts->indexes,
                                                      "Only interaction N (0-based; repeatable)");
                                      sub->add_flag("--raw", opts->raw, "Print bodies exactly as recorded");
                                      sub->add_flag("--events", opts->events,
                                                    "List decoded stream events in full instead of the message");
                                      sub->add_flag("--no-headers", opts->no_headers, "Leave out the HTTP headers");
                                      sub->add_option("-f,--format", opts->format, "Output format")
                                          ->check(CLI::IsMember({"text", "json"}))
                                          ->default_str("text");
                                      add_color_option(*sub, opts->color);
                                      add_input_format_option(*sub, false);
                                      sub->callback([opts, &action] {
                                          action = [opts](Terminal& t) { return run_show(*opts, t); };
                                      });
                                  },
        true};
    return info;
}

}  // namespace cassette
