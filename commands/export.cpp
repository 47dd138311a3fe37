#include "export.hpp"

#include <functional>
#include <memory>

#include <CLI/CLI.hpp>

#include "atomic_file.hpp"
#include "error.hpp"
#include "har.hpp"
#include "json_export.hpp"
#include "json_stream.hpp"
#include "reader.hpp"
#include "version.hpp"

namespace cassette {

namespace {

const char* kExportHelp =
    "Write cassettes in a machine form.\n\n"
    "  --format json  the whole cassette: every recorded field, bodies as recorded\n"
    "                 (base64 under body_base64 when not UTF-8), parsed JSON bodies,\n"
    "                 stream events and the reassembled LLM message.\n"
    "                 One file: one pretty JSON document. Several: JSON Lines.\n"
    "  --format har   HAR 1.2 (passes har-validator, imports into browser dev tools):\n"
    "                 one entry per interaction, one page per file, several files\n"
    "                 merged into one log. Times come from the response Date header,\n"
    "                 else 2000-01-01T00:00:00Z plus the durations before the entry, so\n"
    "                 the output is deterministic. Cassette-only fields are kept in\n"
    "                 `_`-prefixed fields (_id, _duration, _message ...); see\n"
    "                 cassette-export(1).\n\n"
    "With -o the output is written to a temporary file and renamed into place, so\n"
    "it is never left partial.";

// Streams the HAR document: the entries of every file as they are read, then
// the pages (JSON key order is free, and the pages' start times are only
// known once their first entry is seen). Memory stays one interaction.
void export_har(const std::vector<std::string>& files, bool pretty,
                const std::function<void(std::string_view)>& write) {
    HarLog log(CASSETTE_VERSION);
    const std::string nl = pretty ? "\n" : "";
    const std::string entry_pad = "      ";
    write("{" + nl + (pretty ? "  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": " : "\"log\":{\"version\":\"1.2\",\"creator\":") +
          dump_json(log.creator()) + (pretty ? ",\n    \"entries\": [" : ",\"entries\":["));
    bool first = true;
    for (const auto& path : files) {
        log.begin_page(path);
        ReadOptions ropts;
        ropts.on_header = [&](const Cassette& c) { log.page_header(c); };
        Cassette c = read_cassette(
            path,
            [&](Interaction&& ix) {
                std::string text = dump_json(log.entry(ix), pretty ? 2 : -1);
                if (pretty) write(std::string(first ? "\n" : ",\n") + indent_lines(text, entry_pad));
                else write(std::string(first ? "" : ",") + text);
                first = false;
            },
            ropts);
        if (!c.problems.empty()) throw problem_error(path, c.problems.front());
    }
    if (pretty) {
        write(std::string(first ? "]" : "\n    ]") + ",\n    \"pages\": " + indent_lines(dump_json(log.pages(), 2), "    ").substr(4) +
              "\n  }\n}\n");
    } else {
        write("],\"pages\":" + dump_json(log.pages()) + "}}\n");
    }
}

}  // namespace

int run_export(const ExportOptions& opts, Terminal& t) {
    std::vector<std::string> files = expand_paths(opts.paths);
    if (files.empty()) throw InputError(opts.paths.empty() ? "" : opts.paths.front(), {}, "no cassette files found", "", "io");
    std::unique_ptr<AtomicFile> out;
    if (!opts.output.empty() && opts.output != "-") {
        for (const auto& f : files) {
            if (same_file(f, opts.output))
                throw InputError(opts.output, {}, "refusing to write over an input file", "", "io");
        }
        out = std::make_unique<AtomicFile>(opts.output);
    }
    std::function<void(std::string_view)> write = [&](std::string_view s) {
        if (out) out->write(s);
        else t.out(s);
    };
    if (opts.format == "har") {
        export_har(files, !opts.compact, write);
    } else {
        bool pretty = files.size() == 1 && !opts.compact;
        for (const auto& f : files) stream_cassette_json(f, pretty, write);
    }
    if (out) out->commit();
    return exit_ok;
}

const CommandInfo& export_command() {
    static const CommandInfo info{
        "export", "Write cassettes as JSON (the whole model, nothing lost) or HAR 1.2", [](CLI::App& app, Action& action) {
            auto opts = std::make_shared<ExportOptions>();
            CLI::App* sub = app.add_subcommand("export", "Write cassettes as JSON (the whole model, nothing lost) or HAR 1.2");
            sub->footer(kExportHelp);
            sub->add_option("paths", opts->paths, "Cassette files or directories ('-' for standard input)")->required();
            sub->add_option("-f,--format", opts->format, "Output format")
                ->check(CLI::IsMember({"json", "har"}))
                ->default_str("json");
            sub->add_option("-o,--output", opts->output, "Write to this file (atomically) instead of standard output");
            sub->add_flag("--compact", opts->compact, "json: one line per cassette even for a single file (JSON Lines); har: no indentation");
            sub->callback([opts, &action] { action = [opts](Terminal& t) { return run_export(*opts, t); }; });
        }};
    return info;
}

}  // namespace cassette
