#include "convert.hpp"

#include <map>
#include <memory>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "error.hpp"
#include "formats/aquila.hpp"
#include "formats/message_log.hpp"
#include "formats/govcr_writer.hpp"
#include "formats/har_writer.hpp"
#include "formats/json_export.hpp"
#include "reader.hpp"
#include "formats/vcrpy_writer.hpp"
#include "version.hpp"

namespace cassette {

namespace {

const char* kConvertHelp =
    "Reads a cassette of any format `cassette` reads (go-vcr, VCR.py, Ruby VCR,\n"
    "Polly and Playwright HAR, httprr, nock, cassetter; detected from the content,\n"
    "or --input-format) and writes it as:\n\n"
    "  --to go-vcr   go-vcr format 2 YAML, as go-vcr v4 saves it\n"
    "  --to vcrpy    VCR.py version 1 YAML (body, headers, method, uri; body.string, status)\n"
    "  --to har      HAR 1.2; fields HAR has no place for are kept under `_` names\n\n"
    "Request and response bytes, headers, methods, URLs and status codes always\n"
    "survive. Every other field the target cannot hold is named in a warning on\n"
    "standard error (`cassette: warning: vcrpy cannot hold …`). With -o the output\n"
    "is written to a temporary file and renamed into place. Aquila logs keep\n"
    "parsed streams, not HTTP responses, and are refused; a cassetter file's gRPC\n"
    "and WebSocket sections are not HTTP and are named in the warnings.";

// Field name -> number of interactions (or 1 for cassette-level) that had it.
using Lost = std::map<std::string, size_t>;

void lose_extra(Lost& lost, const std::string& where, const std::vector<ExtraField>& extra) {
    std::map<std::string, bool> seen;
    for (const auto& x : extra)
        if (!seen[x.key]) {
            seen[x.key] = true;
            ++lost[where + x.key];
        }
}

void lose_if(Lost& lost, bool present, const std::string& name) {
    if (present) ++lost[name];
}

// What a VCR.py cassette has no place for.
void vcrpy_losses(const Cassette& c, Lost& lost) {
    lose_extra(lost, "", c.extra);
    for (const auto& ix : c.interactions) {
        const Request& rq = ix.request;
        const Response& rs = ix.response;
        lose_if(lost, ix.id.has_value(), "id");
        lose_extra(lost, "", ix.extra);
        lose_if(lost, rq.proto && !rq.proto->empty(), "request.proto");
        lose_if(lost, rq.content_length.has_value() && *rq.content_length != static_cast<int64_t>(rq.body.bytes.size()),
                "request.content_length");
        lose_if(lost, rq.transfer_encoding && !rq.transfer_encoding->empty(), "request.transfer_encoding");
        lose_if(lost, rq.trailer && !rq.trailer->empty(), "request.trailer");
        lose_if(lost, rq.host && !rq.host->empty(), "request.host");
        lose_if(lost, rq.remote_addr && !rq.remote_addr->empty(), "request.remote_addr");
        lose_if(lost, rq.request_uri && !rq.request_uri->empty(), "request.request_uri");
        lose_if(lost, rq.form && !rq.form->empty(), "request.form");
        lose_extra(lost, "request.", rq.extra);
        lose_if(lost, rs.proto && !rs.proto->empty(), "response.proto");
        lose_if(lost, rs.transfer_encoding && !rs.transfer_encoding->empty(), "response.transfer_encoding");
        lose_if(lost, rs.trailer && !rs.trailer->empty(), "response.trailer");
        lose_if(lost, rs.uncompressed.value_or(false), "response.uncompressed");
        lose_if(lost, rs.duration_ms.value_or(0) != 0, "response.duration");
        lose_extra(lost, "response.", rs.extra);
    }
}

// go-vcr format 2 holds every modelled field; only unknown extras are lost.
void govcr_losses(const Cassette& c, Lost& lost) {
    lose_extra(lost, "", c.extra);
    for (const auto& ix : c.interactions) {
        lose_extra(lost, "", ix.extra);
        lose_extra(lost, "request.", ix.request.extra);
        lose_extra(lost, "response.", ix.response.extra);
    }
}

}  // namespace

Converted convert_cassette(const Cassette& c, const std::string& to) {
    if (auto why = not_convertible(c))
        throw InputError(c.path, {}, "cannot be converted to " + to + ": " + *why, "", "schema");
    // A WebSocket or gRPC log has no requests and responses to write.
    if (!c.not_http.empty())
        throw InputError(c.path, {},
                         "a " + not_http_description(c.not_http) +
                             ", not HTTP: it has no requests and responses to write as " + to +
                             " (`cassette show` lists its messages, `export --format json` writes them)",
                         "", "schema");
    Converted out;
    Lost lost;
    if (to == "vcrpy") {
        vcrpy_losses(c, lost);
        out.text = write_vcrpy(c);
    } else if (to == "go-vcr") {
        govcr_losses(c, lost);
        // go-vcr v2 numbers interactions; formats without ids get 0..n-1.
        Cassette copy = c;
        copy.format = "go-vcr";
        copy.version = 2;
        for (auto& ix : copy.interactions)
            if (!ix.id) ix.id = static_cast<int64_t>(ix.index);
        out.text = write_govcr_v2(copy);
    } else if (to == "har") {
        // HAR keeps unknown fields under `_extra`: nothing is lost.
        std::vector<const Cassette*> list{&c};
        out.text = dump_json(cassettes_to_har(list, CASSETTE_VERSION), 2);
        if (out.text.empty() || out.text.back() != '\n') out.text += '\n';
    } else {
        throw std::invalid_argument("unknown target format `" + to + "` (known: go-vcr, vcrpy, har)");
    }
    for (const auto& [field, n] : lost)
        out.warnings.push_back(to + " cannot hold `" + field + "` (" + std::to_string(n) +
                               (n == 1 ? " occurrence" : " occurrences") + "): dropped");
    return out;
}

int run_convert(const ConvertOptions& opts, Terminal& t) {
    refuse_overwriting_input(opts.input, opts.output);
    Cassette c = load_cassette(opts.input, opts.read);
    if (!c.problems.empty()) throw problem_error(opts.input, c.problems.front());
    Converted conv = convert_cassette(c, opts.to);
    for (const auto& w : conv.warnings) t.err("cassette: warning: " + opts.input + ": " + w + "\n");
    write_output(opts.output, conv.text, t);
    return exit_ok;
}

const CommandInfo& convert_command() {
    static const CommandInfo info{
        "convert", "Write a cassette in another format (go-vcr, vcrpy, har)", [](CLI::App& command, Action& action) {
            auto opts = std::make_shared<ConvertOptions>();
            CLI::App* sub = &command;
            sub->footer(kConvertHelp);
            sub->add_option("file", opts->input, "Cassette to read ('-' for standard input)")->required();
            sub->add_option("-o,--output", opts->output, "Write to this file (atomically) instead of standard output");
            sub->add_option("--to", opts->to, "Target format: go-vcr, vcrpy or har")
                ->required()
                ->check(CLI::IsMember({"go-vcr", "vcrpy", "har"}));
            add_input_format_option(*sub, opts->read, true);
            sub->callback([opts, &action] { action = [opts](Terminal& t) { return run_convert(*opts, t); }; });
        }};
    return info;
}

}  // namespace cassette
