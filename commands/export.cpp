#include "export.hpp"

#include <functional>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "error.hpp"
#include "formats/aquila.hpp"
#include "formats/har_writer.hpp"
#include "formats/json_export.hpp"
#include "formats/message_log.hpp"
#include "formats/json_export_writer.hpp"
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
    "it is never left partial.\n\n"
    "A file that cannot be read is reported and left out; the others are still\n"
    "exported (and -o still written) and the exit status is 2.";

// A file's output is held in memory up to this many bytes, so a file that
// fails to read contributes nothing (only whole documents / whole files).
// Past it the output streams, and a later failure leaves that file cut.
constexpr size_t kHoldBytes = size_t{8} << 20;

// One input file's output: held until the file has read cleanly (or until
// kHoldBytes), then passed on.
class FileHold {
public:
    explicit FileHold(const std::function<void(std::string_view)>& write) : write_(write) {}
    void write(std::string_view s) {
        if (streaming_) return write_(s);
        held_ += s;
        if (held_.size() > kHoldBytes) {
            write_(held_);
            held_.clear();
            held_.shrink_to_fit();
            streaming_ = true;
        }
    }
    // The file read cleanly: what is held goes out.
    void flush() {
        if (!held_.empty()) write_(held_);
        held_.clear();
    }
    bool streaming() const { return streaming_; }

private:
    const std::function<void(std::string_view)>& write_;
    std::string held_;
    bool streaming_ = false;
};

// How the files went: `read` files whose output is whole, `cut` files that
// failed after part of their output had already gone out.
struct Outcome {
    size_t read = 0;
    size_t failed = 0;
    std::vector<std::string> cut;
};

void report_failure(const InputError& e, bool streamed, Outcome& outcome, Terminal& t) {
    t.err(error_line(format_input_error(e)));
    ++outcome.failed;
    if (streamed) outcome.cut.push_back(e.file());
}

// Streams the HAR document: the entries of every file as they are read, then
// the pages (JSON key order is free, and the pages' start times are only
// known once their first entry is seen). Memory stays one interaction (plus a
// file's entries up to kHoldBytes). A file that fails leaves no entry and no
// page (the log and its clock are rolled back to before it).
void export_har(const std::vector<std::string>& files, const ReadOptions& read, bool pretty,
                const std::function<void(std::string_view)>& write, Outcome& outcome, Terminal& t) {
    HarLog log(CASSETTE_VERSION);
    const std::string nl = pretty ? "\n" : "";
    const std::string entry_pad = "      ";
    write("{" + nl +
          (pretty ? "  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": "
                  : "\"log\":{\"version\":\"1.2\",\"creator\":") +
          dump_json(log.creator()) + (pretty ? ",\n    \"entries\": [" : ",\"entries\":["));
    bool first = true;
    for (const auto& path : files) {
        const HarLog log_before = log;
        const bool first_before = first;
        FileHold hold(write);
        try {
            log.begin_page(path);
            ReadOptions ropts = read;
            ropts.on_header = [&](const Cassette& c) {
                if (auto why = not_convertible(c))
                    throw InputError(path, {}, "cannot be exported as HAR: " + *why, "", "schema");
                if (!c.not_http.empty())
                    throw InputError(path, {},
                                     "a " + not_http_description(c.not_http) +
                                         ", not HTTP: HAR holds HTTP requests and responses (--format json writes it)",
                                     "", "schema");
                log.page_header(c);
            };
            Cassette c = read_cassette(
                path,
                [&](Interaction&& ix) {
                    std::string text = first ? "" : ",";
                    if (pretty) text += "\n" + entry_pad;
                    append_json(text, log.entry(ix), pretty ? 2 : -1, pretty ? 6 : 0);
                    hold.write(text);
                    first = false;
                },
                ropts);
            if (!c.problems.empty()) throw problem_error(path, c.problems.front());
            hold.flush();
            ++outcome.read;
        } catch (const InputError& e) {
            // Entries already streamed stay (each is whole, the log stays
            // valid) and so does their page; otherwise the file leaves no trace.
            if (!hold.streaming()) {
                log = log_before;
                first = first_before;
            }
            report_failure(e, hold.streaming(), outcome, t);
        }
    }
    if (pretty) {
        write(std::string(first ? "]" : "\n    ]") +
              ",\n    \"pages\": " + indent_lines(dump_json(log.pages(), 2), "    ").substr(4) + "\n  }\n}\n");
    } else {
        write("],\"pages\":" + dump_json(log.pages()) + "}}\n");
    }
}

// One JSON document per file (JSON Lines for several); a file that fails
// leaves no line, unless it failed past kHoldBytes: then its line is cut, and
// ended so the next document starts on a line of its own.
void export_json(const std::vector<std::string>& files, const ReadOptions& read, bool pretty,
                 const std::function<void(std::string_view)>& write, Outcome& outcome, Terminal& t) {
    for (const auto& f : files) {
        FileHold hold(write);
        try {
            stream_cassette_json(
                f, pretty, [&](std::string_view s) { hold.write(s); }, {}, read);
            hold.flush();
            ++outcome.read;
        } catch (const InputError& e) {
            if (hold.streaming()) write("\n");
            report_failure(e, hold.streaming(), outcome, t);
        }
    }
}

}  // namespace

// Files that cannot be read are reported (`cassette: error: FILE:LINE:COL:
// ...`) and the others still exported; the exit status is then 2. With -o the
// output of the files that read cleanly is written (atomically), unless no
// file read, or a file failed after part of its output had been written (over
// kHoldBytes): then the target is left as it was. See cassette-export(1).
int run_export(const ExportOptions& opts, Terminal& t) {
    Outcome outcome;
    std::vector<std::string> files = expand_each(opts.paths, t, outcome.failed);
    if (files.empty()) return exit_trouble;
    std::unique_ptr<AtomicFile> out;
    if (!opts.output.empty() && opts.output != "-") {
        for (const auto& f : files) {
            if (same_file(f, opts.output))
                throw InputError(opts.output, {}, "refusing to write over an input file", "", "io");
        }
        out = std::make_unique<AtomicFile>(opts.output);
    }
    std::function<void(std::string_view)> write = [&](std::string_view s) {
        if (out)
            out->write(s);
        else
            t.out(s);
    };
    if (opts.format == OutputFormat::har) {
        export_har(files, opts.read, !opts.compact, write, outcome, t);
    } else {
        export_json(files, opts.read, files.size() == 1 && !opts.compact, write, outcome, t);
    }
    const size_t failed = outcome.failed;
    if (out) {
        if (outcome.read == 0) {
            t.err(error_line(opts.output + ": not written: no input file could be read"));
        } else if (!outcome.cut.empty()) {
            t.err(error_line(fmt::format("{}: not written: {} failed after part of its output had been written",
                                         opts.output, outcome.cut.front())));
        } else {
            out->commit();
            if (failed)
                t.err(fmt::format("cassette: note: {}: written with the {} of {} files that could be read\n",
                                  opts.output, outcome.read, outcome.read + failed));
        }
    } else {
        for (const auto& f : outcome.cut)
            t.err(error_line(f + ": its output above is incomplete (it failed after part had been written)"));
    }
    return failed ? exit_trouble : exit_ok;
}

const CommandInfo& export_command() {
    static const CommandInfo info{
        "export", "Write cassettes as JSON (the whole model, nothing lost) or HAR 1.2",
        [](CLI::App& command, Action& action) {
            auto opts = std::make_shared<ExportOptions>();
            CLI::App* sub = &command;
            sub->footer(kExportHelp);
            sub->add_option("paths", opts->paths, "Cassette files or directories ('-' for standard input)")->required();
            add_format_option(*sub, opts->format, {OutputFormat::json, OutputFormat::har}, "Output format");
            sub->add_option("-o,--output", opts->output, "Write to this file (atomically) instead of standard output");
            sub->add_flag("--compact", opts->compact,
                          "json: one line per cassette even for a single file (JSON Lines); har: no indentation");
            add_input_format_option(*sub, opts->read, false);
            sub->callback([opts, &action] { action = [opts](Terminal& t) { return run_export(*opts, t); }; });
        }};
    return info;
}

}  // namespace cassette
