#include "show.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "decode/body.hpp"
#include "error.hpp"
#include "formats/sniff.hpp"
#include "formats/json_export.hpp"
#include "formats/json_export_writer.hpp"
#include "pricing.hpp"
#include "usage_report.hpp"
#include "prompt.hpp"
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
    "and token usage, with what the call cost in USD when the installed price data\n"
    "prices it (--prices FILE or CASSETTE_PRICES for another copy; docs/cost.md).\n\n"
    "The request of an LLM call is shown as the conversation the client sent:\n"
    "model, the parameters that were set, the tools offered, the system text and\n"
    "one block per message (text folded to a few lines, media as type and size,\n"
    "tool calls as name(arguments), tool results under their call id). Messages\n"
    "that repeat the previous call's conversation are summed up in one line.\n\n"
    "  --events  list the decoded stream events instead of the message\n"
    "  --raw     print bodies exactly as recorded\n"
    "  -v        tools with their descriptions and parameters\n"
    "  --full    every text in full, tools as with -v, no messages collapsed\n"
    "  -i N      only interaction N (0-based; repeatable)\n\n"
    "Examples:\n"
    "  cassette show fixtures/chat.yaml\n"
    "  cassette show fixtures/chat.yaml -i 1 --events\n"
    "  cassette show fixtures/chat.yaml --format json | jq .interactions[0].message";

constexpr size_t kEventPreviewChars = 160;

constexpr size_t kFoldLines = 4;
constexpr size_t kLineChars = 200;

// The request of an LLM call as rendered, in pieces that the in-order
// delivery compares with the previous call's (collapsing what repeats).
struct PromptView {
    std::string head;  // "prompt (…)" and model/params/tools lines
    std::string system_fp, system_block;
    std::vector<std::string> msg_fp, msg_block;
    std::string tail;  // extra
};

struct ShownInteraction {
    std::string before;  // up to the request headers
    std::optional<PromptView> prompt;
    std::string after;  // the request body (when no prompt) and the response
};

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
    ShowRenderer(const ShowOptions& opts, Palette p, std::shared_ptr<const PriceData> prices = nullptr)
        : opts_(opts), p_(p), prices_(std::move(prices)) {}

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

    std::string note(const std::string& text) const { return p_.dim(text); }

    std::string file_footer(const Cassette& c, size_t count) const {
        const char* noun = c.not_http.empty() ? "interaction" : "message";
        return "\n" + p_.dim(fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s")) + "\n";
    }

    ShownInteraction interaction(const Interaction& ix) const {
        ShownInteraction shown;
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
        DecodedBody rs_body = decode_body(rs.headers, rs.body.bytes);
        std::optional<Prompt> prompt;
        if (!opts_.raw) prompt = read_prompt(ix, rs_body, &rq_body);
        if (prompt) {
            shown.before = std::move(out);
            out.clear();
            shown.prompt = prompt_view(*prompt, rq.body.bytes.size());
        } else {
            out += body(rq.body, rq_body, nullptr);
        }

        // Response.
        int64_t code = rs.code.value_or(0);
        std::string status = rs.status.empty() ? std::to_string(code) : rs.status;
        std::string status_text = code >= 400 ? p_.red(status) : code >= 300 ? p_.yellow(status) : p_.green(status);
        // No status: a request that got no answer (HAR status 0), or a log that keeps none (Aquila).
        if (!rs.code) status_text = p_.dim(rs.status.empty() ? "(no status recorded)" : rs.status);
        std::string facts;
        if (rs.proto && !rs.proto->empty()) facts += "  " + *rs.proto;
        if (rs.duration_ms) facts += "  " + human_duration_ms(*rs.duration_ms);
        out += p_.dim("response") + "  " + p_.bold(status_text) + facts + "\n";
        out += headers(rs.headers);
        std::optional<Message> message;
        if (!opts_.raw) message = reassemble(ix, rs_body);
        out += body(rs.body, rs_body, message ? &*message : nullptr, &ix);
        if (shown.prompt)
            shown.after = std::move(out);
        else
            shown.before = std::move(out);
        return shown;
    }

    // The request as text, messages that repeat `prev`'s (the previous call
    // shown, at interaction `prev_index`) summed up in one line.
    std::string prompt_text(const PromptView& v, const PromptView* prev, size_t prev_index) const {
        std::string out = v.head;
        size_t same = 0;
        if (prev && !opts_.full)
            while (same < v.msg_fp.size() && same < prev->msg_fp.size() && v.msg_fp[same] == prev->msg_fp[same]) ++same;
        if (prev && !opts_.full && !v.system_fp.empty() && v.system_fp == prev->system_fp)
            out += "    " + p_.dim(fmt::format("{:<9}unchanged from #{}", "system", prev_index)) + "\n";
        else
            out += v.system_block;
        if (same > 0) {
            std::string range = same == 1 ? "message 1" : fmt::format("messages 1–{}", same);
            out += "    " + p_.dim(fmt::format("#{} {} unchanged", prev_index, range)) + "\n";
        }
        for (size_t i = same; i < v.msg_block.size(); ++i) out += v.msg_block[i];
        out += v.tail;
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

    // `ix`: the interaction a response body belongs to, for the cost on the usage line.
    std::string body(const Body& b, const DecodedBody& d, const Message* message,
                     const Interaction* ix = nullptr) const {
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
        if (d.compression != Compression::none)
            decoded = std::string(", ") + compression_name(d.compression) + " decoded";
        if (message && !opts_.events) {
            std::string what = is_stream(d.kind) ? fmt::format("{} events", d.events.size()) : size;
            out += "  " +
                   p_.dim("message (" + message->api + (message->streamed ? ", streamed, " : ", ") + what + decoded +
                          "):") +
                   "\n";
            out += render_message(*message, ix);
            return out;
        }
        switch (d.kind) {
            case BodyKind::json:
                out += "  " + p_.dim("body (JSON, " + size + decoded + "):") + "\n";
                // Keys in recorded order: people compare what they see with the file.
                if (auto ordered = parse_ordered_json(d.text))
                    out += pretty_json(*ordered, p_, "    ") + "\n";
                else
                    out += pretty_json(*d.json, p_, "    ") + "\n";
                break;
            case BodyKind::sse:
            case BodyKind::eventstream:
            case BodyKind::ndjson:
            case BodyKind::json_stream: {
                out += "  " +
                       p_.dim(fmt::format("body ({}, {} events, {}{}):", body_kind_name(d.kind), d.events.size(), size,
                                          decoded)) +
                       "\n";
                size_t width = std::to_string(d.events.size()).size();
                for (size_t i = 0; i < d.events.size(); ++i) {
                    const BodyEvent& e = d.events[i];
                    std::string data = printable(one_line(e.data));
                    if (!opts_.events) data = truncate_utf8(data, kEventPreviewChars);
                    out += fmt::format("    {} {} {}\n", p_.dim(fmt::format("{:>{}}", i, width)), p_.magenta(e.event),
                                       data);
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

    // Text folded to kFoldLines lines of at most kLineChars characters
    // (everything with --full), each line prefixed by `pad`.
    std::string folded(std::string_view text, std::string_view pad) const {
        std::string out;
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
        size_t lines = 0, shown = 0;
        size_t start = 0;
        while (start <= text.size()) {
            size_t end = text.find('\n', start);
            std::string_view line =
                text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
            ++lines;
            if (opts_.full || shown < kFoldLines) {
                std::string l = printable(line);
                out += l.empty() ? "\n" : std::string(pad) + (opts_.full ? l : truncate_utf8(l, kLineChars)) + "\n";
                ++shown;
            }
            if (end == std::string_view::npos) break;
            start = end + 1;
        }
        if (lines > shown) out += std::string(pad) + p_.dim(fmt::format("… ({} more lines)", lines - shown)) + "\n";
        return out;
    }

    std::string one_liner(std::string_view s) const {
        std::string l = printable(one_line(s));
        return opts_.full ? l : truncate_utf8(l, kLineChars);
    }

    std::string compact(const nlohmann::json& v) const {
        return v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }

    std::string part_text(const PromptPart& part) const {
        const std::string pad = "      ";
        std::string out;
        if (part.type == "text") {
            out += folded(part.text, pad);
        } else if (part.type == "reasoning") {
            std::string sig = part.signature ? (*part.signature ? " (signed)" : " (no signature)") : "";
            out += pad + p_.dim("reasoning" + sig) + "\n";
            if (!part.text.empty()) out += p_.dim(folded(part.text, pad + "  "));
        } else if (part.type == "refusal") {
            out += pad + p_.red("refusal") + "\n" + folded(part.text, pad + "  ");
        } else if (part.type == "tool_call") {
            std::string args = part.arguments;
            if (auto j = parse_ordered_json(args))
                args = j->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            out += pad + (part.server ? p_.dim("server ") : "") + p_.bold(printable(part.name)) + "(" +
                   one_liner(args) + ")" + (part.id.empty() ? "" : p_.dim("  " + printable(part.id))) + "\n";
        } else if (part.type == "tool_result") {
            std::string label = part.server ? "server result" : "result";
            std::string who = part.id.empty() ? part.name : part.id + (part.name.empty() ? "" : " (" + part.name + ")");
            out += pad + p_.dim(label) + " " + printable(who) + (part.is_error ? " " + p_.red("error") : "") + "\n";
            out += folded(part.text, pad + "  ");
        } else if (part.type == "image" || part.type == "audio" || part.type == "document") {
            out += pad + p_.cyan("[" + printable(media_label(part)) + "]") + "\n";
            if (!part.text.empty() && opts_.full) out += folded(part.text, pad + "  ");
        } else {
            std::string what = part.name.empty() ? part.type : part.type + ": " + part.name;
            out += pad + p_.dim("[" + printable(what) + "]") +
                   (part.extra.is_null() ? "" : " " + p_.dim(one_liner(compact(part.extra)))) + "\n";
            return out;
        }
        if (!part.extra.is_null() && (opts_.verbose || opts_.full))
            out += pad + p_.dim("  extra " + one_liner(compact(part.extra))) + "\n";
        return out;
    }

    PromptView prompt_view(const Prompt& pr, size_t bytes) const {
        PromptView v;
        auto line = [&](std::string_view name, const std::string& value) {
            return "    " + p_.dim(fmt::format("{:<9}", name)) + value + "\n";
        };
        v.head += "  " +
                  p_.dim(fmt::format("prompt ({}, {} bytes, {} message{}):", pr.api,
                                     with_thousands(static_cast<int64_t>(bytes)), pr.messages.size(),
                                     pr.messages.size() == 1 ? "" : "s")) +
                  "\n";
        if (!pr.model.empty()) v.head += line("model", printable(pr.model));
        std::vector<std::string> params;
        for (auto it = pr.params.begin(); it != pr.params.end(); ++it) {
            if (it.key() == "cache_control" && it->is_array()) {
                std::string marks;
                for (const auto& m : *it) {
                    if (!marks.empty()) marks += ", ";
                    marks += compact(m.value("where", nlohmann::json("")));
                    if (m.contains("ttl") && m["ttl"].is_string()) marks += " " + m["ttl"].get<std::string>();
                }
                params.push_back("cache " + marks);
                continue;
            }
            params.push_back(it.key() + " " + compact(*it));
        }
        if (!params.empty()) {
            std::string joined;
            for (const auto& s : params) joined += (joined.empty() ? "" : " · ") + s;
            v.head += line("params", printable(joined));
        }
        if (!pr.tools.empty()) {
            if (opts_.verbose || opts_.full) {
                v.head += line("tools", std::to_string(pr.tools.size()));
                for (const auto& t : pr.tools) {
                    std::string sig;
                    for (const auto& prm : t.parameters)
                        sig += (sig.empty() ? "" : ", ") + prm.name + (prm.required ? "" : "?");
                    std::string kind = t.server || t.type != "function"
                                           ? p_.dim(" [" + t.type + (t.server ? ", server" : "") + "]")
                                           : "";
                    v.head += "      " + p_.bold(printable(t.name)) + "(" + printable(sig) + ")" + kind + "\n";
                    if (!t.description.empty()) v.head += p_.dim(folded(t.description, "        "));
                }
            } else {
                std::string names;
                for (const auto& t : pr.tools)
                    names += (names.empty() ? "" : ", ") + t.name + (t.server ? " (server)" : "");
                v.head += line("tools", printable(names));
            }
        }
        if (!pr.tool_choice.is_null()) v.head += line("choice", printable(one_liner(compact(pr.tool_choice))));
        if (!pr.system.empty()) {
            v.system_fp = pr.system;
            size_t n = static_cast<size_t>(std::count(pr.system.begin(), pr.system.end(), '\n')) + 1;
            v.system_block = "    " +
                             p_.dim(fmt::format("system   ({} line{}, {} chars)", n, n == 1 ? "" : "s",
                                                with_thousands(static_cast<int64_t>(pr.system.size())))) +
                             "\n" + folded(pr.system, "      ");
        }
        for (size_t i = 0; i < pr.messages.size(); ++i) {
            const PromptMessage& m = pr.messages[i];
            std::string block = "    " + p_.dim(fmt::format("{}", i + 1)) + " " + p_.bold(printable(m.role)) + "\n";
            for (const auto& part : m.parts) block += part_text(part);
            if (!m.extra.is_null()) block += "      " + p_.dim("extra " + one_liner(compact(m.extra))) + "\n";
            v.msg_block.push_back(std::move(block));
            v.msg_fp.push_back(nlohmann::json{
                {"role", m.role},
                {"parts",
                 [&] {
                     nlohmann::json a = nlohmann::json::array();
                     for (const auto& part : m.parts) a.push_back(to_json(part));
                     return a;
                 }()},
                {"extra", m.extra}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
        if (!pr.extra.empty()) {
            std::string keys;
            for (auto it = pr.extra.begin(); it != pr.extra.end(); ++it)
                keys += (keys.empty() ? "" : " · ") + it.key() + " " + compact(*it);
            v.tail = line("extra", one_liner(keys));
        }
        return v;
    }

    std::string render_message(const Message& m, const Interaction* ix) const {
        std::string out;
        auto field = [&](std::string_view name, const std::string& value) {
            if (!value.empty()) out += "    " + p_.dim(fmt::format("{:<9}", name)) + value + "\n";
        };
        field("model", m.model);
        field("id", m.id);
        if (m.error) {
            out += "    " + p_.red(p_.bold("error")) + "    " +
                   p_.red(m.error->type.empty() ? m.error->message : m.error->type + ": " + m.error->message) + "\n";
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
                if (args)
                    out += pretty_json(*args, p_, "      ") + "\n";
                else if (!call.arguments.empty())
                    out += indent(printable(call.arguments), "      ") + "\n";
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
            if (prices_ && ix) {
                PriceResult cost = prices_->price(ix->request.url, usage_model(*ix, m), m.usage, recorded_time_ms(*ix));
                if (cost.price) s += " · " + format_usd(cost.price->nanos);
            }
            field("usage", s);
        } else {
            field("usage", p_.dim("not reported"));
        }
        if (m.choices.size() > 1)
            field("choices", fmt::format("{} (showing choice 0; --format json has all)", m.choices.size()));
        return out;
    }

    const ShowOptions& opts_;
    Palette p_;
    std::shared_ptr<const PriceData> prices_;
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
    // Costs on the usage lines: from the installed price data when there is
    // one; a file given with --prices must load.
    std::shared_ptr<const PriceData> prices;
    if (opts.format != OutputFormat::json) {
        std::string path = find_price_data(opts.prices);
        if (!path.empty()) {
            try {
                prices = PriceData::load(path);
            } catch (const InputError& e) {
                if (!opts.prices.empty() || std::getenv("CASSETTE_PRICES")) {
                    t.err(error_line(format_input_error(e)));
                    return exit_trouble;
                }
            }
        }
    }
    ShowRenderer renderer(opts, palette, prices);
    const std::set<long long> wanted(opts.indexes.begin(), opts.indexes.end());
    auto keep = [&](const Interaction& ix) { return wanted.empty() || wanted.count(static_cast<long long>(ix.index)); };
    const bool json = opts.format == OutputFormat::json;
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
                c = stream_cassette_json(
                    path, files.size() == 1, [&](std::string_view s) { held.write(s); }, keep, opts.read);
            } else {
                ReadOptions ropts = opts.read;
                ropts.on_header = [&](const Cassette& h) {
                    header.path = h.path;
                    header.format = h.format;
                    header.version = h.version;
                    header.recorder = h.recorder;
                    header.not_http = h.not_http;
                };
                // Rendering runs on worker threads past the first MiB
                // (lib/util/ordered_work.hpp); the text is written in file order.
                // The request's messages are compared with the previous
                // call's here, in file order.
                std::optional<PromptView> prev;
                size_t prev_index = 0;
                OrderedWork<Interaction, ShownInteraction> work(
                    [&](const Interaction& ix) {
                        // A WebSocket or gRPC log is listed as its messages, never as HTTP.
                        if (!header.not_http.empty())
                            return ShownInteraction{render_log_record(ix, header.not_http, palette), std::nullopt, {}};
                        return renderer.interaction(ix);
                    },
                    [&](Interaction&& ix, ShownInteraction&& shown) {
                        if (shown.prompt) {
                            shown.before += renderer.prompt_text(*shown.prompt, prev ? &*prev : nullptr, prev_index);
                            shown.before += shown.after;
                            prev = std::move(shown.prompt);
                            prev_index = ix.index;
                        }
                        held.write(shown.before);
                    },
                    work_options(ropts));
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
        // What the file holds beside HTTP (cassetter's gRPC and WebSocket sections).
        if (std::string note = non_http_note(c); !note.empty() && !json)
            t.out("\n" + renderer.note("also " + note) + "\n");
    }
    return status;
}

const CommandInfo& show_command() {
    static const CommandInfo info{
        "show", "Show interactions as a person reads them, streams reassembled",
        [](CLI::App& command, Action& action) {
            auto opts = std::make_shared<ShowOptions>();
            CLI::App* sub = &command;
            sub->footer(kShowHelp);
            sub->add_option("paths", opts->paths, "Cassette files or directories ('-' for standard input)")->required();
            sub->add_option("-i,--interaction", opts->indexes, "Only interaction N (0-based; repeatable)");
            sub->add_flag("--raw", opts->raw, "Print bodies exactly as recorded");
            sub->add_flag("--events", opts->events, "List decoded stream events in full instead of the message");
            sub->add_flag("--no-headers", opts->no_headers, "Leave out the HTTP headers");
            sub->add_option("--prices", opts->prices,
                            "Price data for the cost on usage lines (a genai-prices data.json)")
                ->type_name("FILE");
            sub->add_flag("-v,--verbose", opts->verbose,
                          "Show the request's tools with their descriptions and parameters");
            sub->add_flag("--full", opts->full, "Show every text of the request in full, repeated messages included");
            add_format_option(*sub, opts->format, {OutputFormat::text, OutputFormat::json}, "Output format");
            add_color_option(*sub, opts->color);
            add_input_format_option(*sub, opts->read, false);
            sub->callback([opts, &action] { action = [opts](Terminal& t) { return run_show(*opts, t); }; });
        },
        true};
    return info;
}

}  // namespace cassette
