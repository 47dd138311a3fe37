#include "validate.hpp"

#include <algorithm>
#include <memory>

#include <CLI/CLI.hpp>

#include "error.hpp"
#include "reader.hpp"
#include "render.hpp"

#include <nlohmann/json.hpp>

namespace cassette {

namespace {

const char* kValidateHelp =
    "Checks structure and bodies of every cassette and reports every finding of\n"
    "every file (it never stops at the first). Rules (stable ids):\n"
    "  yaml-syntax schema interaction-id status content-length json-body sse-syntax\n"
    "  stream-truncated eventstream-crc usage-mismatch secret duration\n\n"
    "Formats:\n"
    "  text    FILE:LINE:COL: error: interaction N: message [rule]  (default)\n"
    "  json    {\"files\":[{\"path\",\"valid\",\"findings\":[…]}],\"errors\":N,\"warnings\":N}\n"
    "  github  ::error file=…,line=…,col=…,title=RULE::message  (GitHub Actions annotations)\n\n"
    "Exit status: 0 clean (warnings allowed unless --strict), 1 an error finding,\n"
    "2 usage trouble or a path that cannot be read.\n\n"
    "Examples:\n"
    "  cassette validate testdata/                       every *.yaml / *.yml below\n"
    "  cassette validate --format github --strict fixtures/\n"
    "  cassette validate --ignore duration --ignore usage-mismatch FILE";

size_t count(const FileReport& r, Severity s) {
    return static_cast<size_t>(
        std::count_if(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.severity == s; }));
}

bool file_valid(const FileReport& r, bool strict) {
    return count(r, Severity::error) == 0 && (!strict || r.findings.empty());
}

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

// GitHub workflow commands: data escapes %, CR, LF; properties also : and ,.
std::string gh_escape(std::string_view s, bool property) {
    std::string out;
    for (char c : s) {
        if (c == '%')
            out += "%25";
        else if (c == '\r')
            out += "%0D";
        else if (c == '\n')
            out += "%0A";
        else if (property && c == ':')
            out += "%3A";
        else if (property && c == ',')
            out += "%2C";
        else
            out += c;
    }
    return out;
}

std::string location(const std::string& path, const Position& pos) {
    std::string s = path;
    if (pos.line > 0) {
        s += ":" + std::to_string(pos.line);
        if (pos.column > 0) s += ":" + std::to_string(pos.column);
    }
    return s;
}

}  // namespace

std::string format_validate_json(const std::vector<FileReport>& reports, bool strict) {
    // Keys in the documented order (docs/validate-ci.md), so the output reads like the docs.
    using OJ = nlohmann::ordered_json;
    OJ files = OJ::array();
    size_t errors = 0, warnings = 0;
    for (const FileReport& r : reports) {
        if (r.trouble) continue;  // reported on standard error
        if (r.skipped) {
            files.push_back(OJ{{"path", r.path}, {"skipped", *r.skipped}});
            continue;
        }
        OJ findings = OJ::array();
        for (const Finding& f : r.findings) {
            OJ j;
            j["rule"] = f.rule;
            j["severity"] = severity_name(f.severity);
            j["interaction"] = f.interaction ? OJ(*f.interaction) : OJ(nullptr);
            j["line"] = f.pos.line;
            j["column"] = f.pos.column;
            j["message"] = f.message;
            findings.push_back(std::move(j));
        }
        errors += count(r, Severity::error);
        warnings += count(r, Severity::warning);
        OJ file;
        file["path"] = r.path;
        file["valid"] = file_valid(r, strict);
        file["findings"] = std::move(findings);
        files.push_back(std::move(file));
    }
    OJ doc;
    doc["files"] = std::move(files);
    doc["errors"] = errors;
    doc["warnings"] = warnings;
    // Paths and messages may hold bytes that are not UTF-8: replace, never throw.
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string format_validate_github(const std::vector<FileReport>& reports) {
    std::string out;
    for (const FileReport& r : reports) {
        for (const Finding& f : r.findings) {
            out += f.severity == Severity::error ? "::error " : "::warning ";
            out += "file=" + gh_escape(r.path, true);
            if (f.pos.line > 0) out += ",line=" + std::to_string(f.pos.line);
            if (f.pos.column > 0) out += ",col=" + std::to_string(f.pos.column);
            out += ",title=" + gh_escape(f.rule, true) + "::";
            std::string msg =
                f.interaction ? "interaction " + std::to_string(*f.interaction) + ": " + f.message : f.message;
            out += gh_escape(msg, false) + "\n";
        }
    }
    return out;
}

std::string format_validate_text(const std::vector<FileReport>& reports, bool strict, bool quiet, bool color) {
    Palette p{color};
    std::string out;
    size_t errors = 0, warnings = 0, files = 0, failing = 0, skipped = 0;
    for (const FileReport& r : reports) {
        if (r.trouble) continue;
        if (r.skipped) {
            ++skipped;
            if (!quiet) out += p.bold(r.path) + ": " + p.dim("skipped: " + *r.skipped) + "\n";
            continue;
        }
        ++files;
        if (!file_valid(r, strict)) ++failing;
        for (const Finding& f : r.findings) {
            const bool error = f.severity == Severity::error;
            (error ? errors : warnings)++;
            if (quiet && !error && !strict) continue;
            out += p.bold(location(r.path, f.pos)) + ": ";
            out += error ? p.red(p.bold("error")) : p.yellow(p.bold("warning"));
            out += ": ";
            if (f.interaction) out += "interaction " + std::to_string(*f.interaction) + ": ";
            out += printable(f.message) + " " + p.dim("[" + f.rule + "]") + "\n";
        }
    }
    if (!quiet) {
        std::string summary =
            "checked " + plural(files, "file") + ": " + plural(errors, "error") + ", " + plural(warnings, "warning");
        if (failing) summary += " (" + plural(failing, "file") + " failing" + (strict ? " under --strict" : "") + ")";
        if (skipped) summary += "; " + plural(skipped, "file") + " skipped (not HTTP)";
        out += (failing ? p.red(summary) : p.green(summary)) + "\n";
    }
    return out;
}

int run_validate(const ValidateOptions& opts, Terminal& t) {
    bool trouble = false;
    size_t missing = 0;
    std::vector<std::string> files = expand_each(opts.paths, t, missing);
    if (missing) trouble = true;

    std::vector<FileReport> reports(files.size());
    const unsigned jobs = opts.jobs ? opts.jobs : t.cores();
    for_each_file(
        files.size(), jobs,
        [&](size_t i) {
            FileReport r = validate_file(files[i], opts.read);
            auto& fs = r.findings;
            fs.erase(std::remove_if(fs.begin(), fs.end(),
                                    [&](const Finding& f) {
                                        return std::find(opts.ignore.begin(), opts.ignore.end(), f.rule) !=
                                               opts.ignore.end();
                                    }),
                     fs.end());
            reports[i] = std::move(r);
        },
        t, "validate");

    bool failed = false;
    for (const FileReport& r : reports) {
        if (r.trouble) {
            t.err(error_line(*r.trouble));
            trouble = true;
        } else if (!file_valid(r, opts.strict)) {
            failed = true;
        }
    }
    if (opts.format == OutputFormat::json)
        t.out(format_validate_json(reports, opts.strict));
    else if (opts.format == OutputFormat::github)
        t.out(format_validate_github(reports));
    else
        t.out(format_validate_text(reports, opts.strict, opts.quiet, use_color(opts.color, t)));

    if (trouble) return exit_trouble;
    return failed ? exit_findings : exit_ok;
}

const CommandInfo& validate_command() {
    static const CommandInfo info{
        "validate", "Check cassettes: structure, bodies, streams, usage, leaked secrets",
        [](CLI::App& command, Action& action) {
            auto opts = std::make_shared<ValidateOptions>();
            CLI::App* sub = &command;
            sub->footer(kValidateHelp);
            sub->add_option("paths", opts->paths, "Cassette files or directories ('-' for standard input)")->required();
            add_format_option(*sub, opts->format, {OutputFormat::text, OutputFormat::json, OutputFormat::github},
                              "Output format: text, json or github");
            sub->add_flag("--strict", opts->strict, "Warnings fail too (exit 1)");
            std::vector<std::string> rules(validation_rules().begin(), validation_rules().end());
            sub->add_option("--ignore", opts->ignore, "Leave out findings of this rule (repeatable)")
                ->check(CLI::IsMember(rules))
                ->allow_extra_args(false);  // `--ignore RULE FILE`: FILE stays a path
            sub->add_flag("-q,--quiet", opts->quiet, "Text: print only failing findings, no summary");
            sub->add_option("-j,--jobs", opts->jobs, "Files checked in parallel (default: all cores)")
                ->check(CLI::NonNegativeNumber);
            add_color_option(*sub, opts->color);
            add_input_format_option(*sub, opts->read, false);
            sub->callback([opts, &action] { action = [opts](Terminal& t) { return run_validate(*opts, t); }; });
        }};
    return info;
}

}  // namespace cassette
