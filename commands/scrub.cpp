#include "scrub.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "decode/encoding.hpp"
#include "error.hpp"
#include "render.hpp"
#include "secrets.hpp"
#include "util/atomic_file.hpp"
#include "util/unified_diff.hpp"

namespace cassette {

namespace fs = std::filesystem;

namespace {

const char* kScrubHelp =
    "Takes credentials out of cassettes and keeps them replayable: header values\n"
    "(the scheme stays: Bearer REDACTED), URL query and form parameters, JSON keys,\n"
    "known key shapes anywhere (also inside gzip, base64, SSE and event-stream\n"
    "bodies), PEM private keys, URL passwords. Lengths that describe a changed body\n"
    "are corrected. Every other byte of the file is kept.\n\n"
    "Rules (stable ids, for --keep): header query json-key key-shape pem url-password pattern\n\n"
    "Each value is reported as FILE:LINE:COL: interaction N: WHERE (RULE): MASKED,\n"
    "never printed itself. Files are rewritten in place atomically (mode kept); a\n"
    "file with nothing to scrub is not touched.\n\n"
    "Settings can live in .cassette.toml (found upward from the working directory,\n"
    "or --config FILE), section [scrub]: header, query, json-key, pattern (lists),\n"
    "replacement, keep.\n\n"
    "Exit status: 0 done or nothing to do, 1 something to scrub (--check, --diff) or\n"
    "a value that could not be scrubbed, 2 usage trouble or an unreadable file.\n\n"
    "Examples:\n"
    "  cassette scrub testdata/                          scrub every cassette below, in place\n"
    "  cassette scrub --check testdata/                  fail (exit 1) if anything is left\n"
    "  cassette scrub --diff FILE                        what scrubbing would change\n"
    "  cassette scrub --header X-Internal-Token --pattern 'acct_[0-9]{12}' FILE\n"
    "  cassette scrub FILE -o clean.yaml                 leave FILE alone, write the copy";

const char* kConfigName = ".cassette.toml";
const char* kSummary = "Take credentials out of cassettes, in place (or --check that none are left)";
const char* kListSettings[] = {"header", "query", "json-key", "pattern", "keep"};

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::string rule_list() {
    std::string s;
    for (const char* r : scrub::kRules) s += std::string(s.empty() ? "" : ", ") + r;
    return s;
}

bool known_rule(const std::string& id) {
    return std::any_of(std::begin(scrub::kRules), std::end(scrub::kRules), [&](const char* r) { return id == r; });
}

std::string read_input(const std::string& path) {
    if (path == "-") return std::string((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, {}, std::string("cannot read: ") + std::strerror(errno), "", "io");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw InputError(path, {}, std::string("cannot read: ") + std::strerror(errno), "", "io");
    return ss.str();
}

// Writes `bytes` over `path` through a temporary file and a rename, keeping
// the file's mode; a symbolic link is followed, so the link stays a link.
void rewrite(const std::string& path, const std::string& bytes) {
    std::error_code ec;
    fs::path target = fs::canonical(path, ec);
    if (ec) target = path;
    AtomicFile out(target.string(), file_mode(target.string()));
    out.write(bytes);
    out.commit();
}

std::string location(const std::string& path, int line, int column) {
    std::string s = path;
    if (line > 0) {
        s += ":" + std::to_string(line);
        if (column > 0) s += ":" + std::to_string(column);
    }
    return s;
}

std::string diff_label(const char* side, const std::string& path) {
    std::string p = path;
    while (p.size() > 2 && p.compare(0, 2, "./") == 0) p.erase(0, 2);
    return std::string(side) + (p.empty() || p[0] != '/' ? "/" : "") + p;
}

void process(const ScrubOptions& opts, const std::string& path, ScrubReport& r) {
    r.path = path;
    const bool write = !opts.check && !opts.diff;
    try {
        std::string bytes = read_input(path);
        r.result = scrub::scrub_cassette(path, bytes, opts.policy, opts.read);
        std::string_view after = r.result.changed ? std::string_view(r.result.output) : std::string_view(bytes);
        if (opts.diff && r.result.changed) {
            // A gzipped cassette (.yaml.gz) is compared as the text inside it:
            // a diff of the compressed bytes would be binary noise.
            Decompressed before_text, after_text;
            if (sniff_compression(bytes, nullptr) == Compression::gzip) {
                before_text = decompress(bytes, Compression::gzip);
                after_text = decompress(after, Compression::gzip);
            }
            r.diff = before_text.ok && after_text.ok ? masked_diff(path, before_text.bytes, after_text.bytes)
                                                     : masked_diff(path, bytes, after);
        }
        if (write) {
            const bool to_output = !opts.output.empty() && opts.output != "-" && !same_file(path, opts.output);
            if (to_output) {
                AtomicFile out(opts.output, path == "-" ? 0644u : file_mode(path));
                out.write(after);
                out.commit();
            } else if (path == "-" || opts.output == "-") {
                r.data = std::string(after);
            } else if (r.result.changed) {
                rewrite(path, r.result.output);
            }
        }
    } catch (const InputError& e) {
        // Without the quoted source line: the line may be the secret's own.
        r.error = format_input_error(InputError(e.file(), e.pos(), e.what(), "", e.rule()));
    } catch (const std::exception& e) {
        r.error = path + ": cannot scrub: " + e.what();
    }
    r.result.output.clear();
    r.result.output.shrink_to_fit();
}

// Where the ordinary report goes: standard output, unless that carries data.
bool report_on_stdout(const ScrubOptions& opts, const std::vector<std::string>& files) {
    if (opts.diff || opts.output == "-") return false;
    if (!opts.check && std::find(files.begin(), files.end(), "-") != files.end() && opts.output.empty()) return false;
    return true;
}

void add_list(std::vector<std::string>& to, const std::vector<std::string>& from) {
    to.insert(to.begin(), from.begin(), from.end());
}

}  // namespace

std::string pattern_error(const std::string& pattern) {
    RE2::Options o;
    o.set_log_errors(false);
    RE2 re(pattern, o);
    return re.ok() ? std::string() : re.error();
}

std::string find_scrub_config(const std::string& explicit_path, const std::string& start) {
    if (!explicit_path.empty()) return explicit_path;
    std::error_code ec;
    fs::path dir = fs::absolute(start, ec);
    if (ec) return {};
    for (;;) {
        fs::path candidate = dir / kConfigName;
        if (fs::is_regular_file(candidate, ec)) return candidate.string();
        if (!dir.has_parent_path() || dir.parent_path() == dir) return {};
        dir = dir.parent_path();
    }
}

void apply_scrub_config(const std::string& path, scrub::Policy& policy, bool replacement_given) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(path + ": cannot read config file: " + std::strerror(errno));
    std::vector<CLI::ConfigItem> items = CLI::ConfigTOML().from_config(in);
    std::vector<std::string> headers, query, json_keys, patterns, keep;
    for (const CLI::ConfigItem& item : items) {
        if (item.parents.empty() || item.parents.front() != "scrub") continue;  // other commands' sections
        if (item.name == "++" || item.name == "--") continue;                   // section markers
        const std::string where = path + ": [" + item.fullname() + "]";
        if (item.parents.size() != 1) throw std::invalid_argument(path + ": unknown section [" + item.fullname() + "]");
        if (item.name == "header")
            headers.insert(headers.end(), item.inputs.begin(), item.inputs.end());
        else if (item.name == "query")
            query.insert(query.end(), item.inputs.begin(), item.inputs.end());
        else if (item.name == "json-key")
            json_keys.insert(json_keys.end(), item.inputs.begin(), item.inputs.end());
        else if (item.name == "pattern")
            patterns.insert(patterns.end(), item.inputs.begin(), item.inputs.end());
        else if (item.name == "keep")
            keep.insert(keep.end(), item.inputs.begin(), item.inputs.end());
        else if (item.name == "replacement") {
            if (item.inputs.size() != 1) throw std::invalid_argument(where + ": takes one string");
            if (!replacement_given) policy.replacement = item.inputs.front();
        } else {
            std::string known;
            for (const char* s : kListSettings) known += std::string(s) + ", ";
            throw std::invalid_argument(path + ": [scrub] " + item.name + ": not a scrub setting (settings: " + known +
                                        "replacement)");
        }
    }
    for (const auto& p : patterns)
        if (auto e = pattern_error(p); !e.empty())
            throw std::invalid_argument(path + ": [scrub] pattern '" + p + "' is not a valid RE2 expression: " + e);
    for (const auto& k : keep)
        if (!known_rule(k))
            throw std::invalid_argument(path + ": [scrub] keep: unknown rule `" + k + "` (rules: " + rule_list() + ")");
    add_list(policy.headers, headers);
    add_list(policy.query, query);
    add_list(policy.json_keys, json_keys);
    add_list(policy.patterns, patterns);
    add_list(policy.keep, keep);
}

std::string masked_diff(const std::string& path, std::string_view before, std::string_view after) {
    std::vector<DiffHunk> hunks = diff_lines(before, after, 3);
    if (hunks.empty()) return {};
    std::string out = "--- " + diff_label("a", path) + "\n+++ " + diff_label("b", path) + "\n";
    for (DiffHunk& h : hunks) {
        std::vector<std::string> masked;  // keeps the rewritten removed lines alive while they are printed
        masked.reserve(h.lines.size());
        for (size_t i = 0; i < h.lines.size();) {
            if (h.lines[i].kind != DiffLine::removed) {
                ++i;
                continue;
            }
            size_t r0 = i, r1 = i;
            while (r1 < h.lines.size() && h.lines[r1].kind == DiffLine::removed) ++r1;
            size_t a1 = r1;
            while (a1 < h.lines.size() && h.lines[a1].kind == DiffLine::added) ++a1;
            // Removed line k is shown against added line k: what both share at
            // the ends stays, the differing middle is masked. A removed line
            // with no partner is masked after its indentation.
            for (size_t k = r0; k < r1; ++k) {
                std::string_view old_text = h.lines[k].text;
                std::string_view new_text = (r1 + (k - r0) < a1) ? h.lines[r1 + (k - r0)].text : std::string_view();
                size_t pre = 0;
                if (r1 + (k - r0) < a1) {
                    while (pre < old_text.size() && pre < new_text.size() && old_text[pre] == new_text[pre]) ++pre;
                } else {
                    while (pre < old_text.size() && (old_text[pre] == ' ' || old_text[pre] == '\t')) ++pre;
                }
                size_t suf = 0;
                if (r1 + (k - r0) < a1)
                    while (suf < old_text.size() - pre && suf < new_text.size() - pre &&
                           old_text[old_text.size() - 1 - suf] == new_text[new_text.size() - 1 - suf])
                        ++suf;
                // Never cut a UTF-8 sequence between what is shown and what is masked.
                auto continuation = [&](size_t i) { return (static_cast<unsigned char>(old_text[i]) & 0xC0) == 0x80; };
                while (pre > 0 && pre < old_text.size() && continuation(pre)) --pre;
                while (suf > 0 && continuation(old_text.size() - suf)) --suf;
                std::string_view middle = old_text.substr(pre, old_text.size() - pre - suf);
                if (middle.empty()) continue;
                masked.push_back(std::string(old_text.substr(0, pre)) + mask_secret(middle) +
                                 std::string(old_text.substr(old_text.size() - suf)));
                h.lines[k].text = masked.back();
            }
            i = a1;
        }
        out += hunk_header(h) + "\n" + hunk_body(h);
    }
    return out;
}

std::string format_scrub_text(const std::vector<ScrubReport>& reports, bool color) {
    Palette p{color};
    std::string out;
    for (const ScrubReport& r : reports) {
        if (r.error) continue;
        for (const auto& s : r.result.scrubbed) {
            out += p.bold(location(r.path, s.line, s.column)) + ": ";
            if (s.interaction) out += "interaction " + std::to_string(*s.interaction) + ": ";
            out += printable(s.where) + " " + p.dim("(" + s.rule + ")") + ": " + printable(s.masked) + "\n";
        }
        for (const auto& u : r.result.unscrubbable) {
            out += p.bold(location(r.path, u.line, u.column)) + ": ";
            if (u.interaction) out += "interaction " + std::to_string(*u.interaction) + ": ";
            out += printable(u.where) + ": " + p.red("not scrubbed") + ": " + printable(u.reason) + "\n";
        }
    }
    return out;
}

std::string format_scrub_counts(const std::vector<ScrubReport>& reports, bool would) {
    std::string out;
    size_t files = 0, changed = 0, values = 0, stuck = 0, unread = 0;
    for (const ScrubReport& r : reports) {
        if (r.error) {
            ++unread;
            continue;
        }
        ++files;
        const size_t n = r.result.scrubbed.size(), u = r.result.unscrubbable.size();
        if (r.result.changed) ++changed;
        values += n;
        stuck += u;
        if (!n && !u) continue;
        std::string line = r.path + ": " + plural(n, "value") + (would ? " to scrub" : " scrubbed");
        if (u) line += ", " + std::to_string(u) + " could not be scrubbed";
        out += line + "\n";
    }
    std::string total;
    if (values == 0 && stuck == 0)
        total = "nothing to scrub in " + plural(files, "file");
    else
        total = plural(values, "value") + (would ? " to scrub in " : " scrubbed in ") + std::to_string(changed) +
                " of " + plural(files, "file");
    if (stuck) total += "; " + plural(stuck, "value") + " could not be scrubbed";
    if (unread) total += "; " + plural(unread, "file") + " could not be read";
    return out + total + "\n";
}

std::string format_scrub_json(const std::vector<ScrubReport>& reports, const ScrubOptions& opts) {
    using OJ = nlohmann::ordered_json;
    auto interaction = [](const std::optional<size_t>& i) { return i ? OJ(*i) : OJ(nullptr); };
    OJ files = OJ::array();
    size_t changed = 0, scrubbed = 0, unscrubbable = 0, errors = 0;
    for (const ScrubReport& r : reports) {
        OJ f;
        f["path"] = r.path;
        f["format"] = r.error ? OJ(nullptr) : OJ(r.result.format);
        f["changed"] = !r.error && r.result.changed;
        OJ list = OJ::array();
        for (const auto& s : r.result.scrubbed) {
            OJ j;
            j["line"] = s.line;
            j["column"] = s.column;
            j["interaction"] = interaction(s.interaction);
            j["where"] = s.where;
            j["rule"] = s.rule;
            j["masked"] = s.masked;
            list.push_back(std::move(j));
        }
        f["scrubbed"] = std::move(list);
        list = OJ::array();
        for (const auto& u : r.result.unscrubbable) {
            OJ j;
            j["line"] = u.line;
            j["column"] = u.column;
            j["interaction"] = interaction(u.interaction);
            j["where"] = u.where;
            j["reason"] = u.reason;
            list.push_back(std::move(j));
        }
        f["unscrubbable"] = std::move(list);
        if (opts.diff) f["diff"] = r.diff;
        if (r.error) {
            f["error"] = *r.error;
            ++errors;
        } else {
            changed += r.result.changed ? 1 : 0;
            scrubbed += r.result.scrubbed.size();
            unscrubbable += r.result.unscrubbable.size();
        }
        files.push_back(std::move(f));
    }
    OJ doc;
    doc["mode"] = opts.diff ? "diff" : opts.check ? "check" : "fix";
    doc["files"] = std::move(files);
    OJ totals;
    totals["files"] = reports.size();
    totals["changed"] = changed;
    totals["scrubbed"] = scrubbed;
    totals["unscrubbable"] = unscrubbable;
    totals["errors"] = errors;
    doc["totals"] = std::move(totals);
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

int run_scrub(const ScrubOptions& opts, Terminal& t) {
    const bool json = opts.format == OutputFormat::json;
    if (!opts.output.empty() && opts.paths.size() != 1)
        throw std::invalid_argument("-o takes a single input (got " + std::to_string(opts.paths.size()) + ")");
    if (json && opts.output.empty() && !opts.check && !opts.diff &&
        std::find(opts.paths.begin(), opts.paths.end(), "-") != opts.paths.end())
        throw std::invalid_argument(
            "--format json with standard input needs -o FILE, --check or --diff "
            "(standard output would carry both the cassette and the report)");
    if (json && opts.output == "-")
        throw std::invalid_argument(
            "--format json with -o - : standard output would carry both the cassette and "
            "the report");

    size_t missing = 0;
    std::vector<std::string> files = expand_each(opts.paths, t, missing);
    if (!opts.output.empty() && files.size() != 1) {
        throw std::invalid_argument("-o takes a single input file; " + opts.paths.front() + " holds " +
                                    plural(files.size(), "cassette"));
    }
    // A file named twice (a directory and a file in it) is scrubbed once:
    // two workers must never rewrite the same file.
    {
        std::set<std::string> seen;
        std::vector<std::string> unique;
        for (const auto& f : files) {
            std::error_code ec;
            std::string key = f == "-" ? f : fs::weakly_canonical(f, ec).string();
            if (ec) key = f;
            if (f == "-" || seen.insert(key).second) unique.push_back(f);
        }
        files = std::move(unique);
    }
    if (std::count(files.begin(), files.end(), "-") > 1)
        throw std::invalid_argument("standard input ('-') can be read only once");

    std::vector<ScrubReport> reports(files.size());
    const unsigned jobs = opts.jobs ? opts.jobs : t.cores();
    for_each_file(
        files.size(), jobs, [&](size_t i) { process(opts, files[i], reports[i]); }, t, "scrub");

    bool trouble = missing > 0, something = false, stuck = false;
    for (const ScrubReport& r : reports) {
        if (r.error) {
            t.err(error_line(*r.error));
            trouble = true;
            continue;
        }
        if (r.result.changed || !r.result.scrubbed.empty()) something = true;
        if (!r.result.unscrubbable.empty()) stuck = true;
    }
    for (const ScrubReport& r : reports)
        if (!r.data.empty()) t.out(r.data);

    if (json) {
        t.out(format_scrub_json(reports, opts));
    } else {
        const bool color = use_color(opts.color, t);
        std::string text = format_scrub_text(reports, color && report_on_stdout(opts, files));
        if (report_on_stdout(opts, files))
            t.out(text);
        else
            t.err(text);
        if (opts.diff)
            for (const ScrubReport& r : reports) t.out(r.diff);
        t.err(format_scrub_counts(reports, opts.check || opts.diff));
    }

    if (trouble) return exit_trouble;
    if ((opts.check || opts.diff) && something) return exit_findings;
    return stuck ? exit_findings : exit_ok;
}

const CommandInfo& scrub_command() {
    static const CommandInfo info{
        "scrub", kSummary, [](CLI::App& command, Action& action) {
            auto opts = std::make_shared<ScrubOptions>();
            CLI::App* sub = &command;
            sub->footer(kScrubHelp);
            sub->add_option("paths", opts->paths, "Cassette files or directories ('-' for standard input)")->required();
            sub->add_option("-o,--output", opts->output,
                            "Write the scrubbed copy of the one input here (atomically) and leave the input alone");
            CLI::Option* check =
                sub->add_flag("--check", opts->check, "Write nothing; list what would be scrubbed; exit 1 if anything");
            CLI::Option* diff = sub->add_flag(
                "--diff", opts->diff, "Write nothing; print the unified diff scrubbing would make; exit 1 if any");
            sub->get_option("--output")->excludes(check)->excludes(diff);
            add_format_option(*sub, opts->format, {OutputFormat::text, OutputFormat::json},
                              "Report format: text or json");
            sub->add_option("--header", opts->policy.headers, "Also scrub this header's values (repeatable)")
                ->allow_extra_args(false);
            sub->add_option("--query", opts->policy.query,
                            "Also scrub this URL query / form parameter's values (repeatable)")
                ->allow_extra_args(false);
            sub->add_option("--json-key", opts->policy.json_keys,
                            "Also scrub the values of this key in JSON bodies (repeatable)")
                ->allow_extra_args(false);
            sub->add_option("--pattern", opts->policy.patterns,
                            "Also scrub matches of this RE2 expression; group 1, if any, is what is replaced "
                            "(repeatable)")
                ->allow_extra_args(false)
                ->check(CLI::Validator(
                    [](std::string& p) {
                        std::string e = pattern_error(p);
                        return e.empty() ? e : "'" + p + "' is not a valid RE2 expression: " + e;
                    },
                    "RE2", "RE2"));
            CLI::Option* replacement = sub->add_option("--replacement", opts->policy.replacement,
                                                       "What a scrubbed value becomes (default: REDACTED)");
            std::vector<std::string> rules(std::begin(scrub::kRules), std::end(scrub::kRules));
            sub->add_option("--keep", opts->policy.keep, "Switch this rule off (repeatable): " + rule_list())
                ->check(CLI::IsMember(rules))
                ->allow_extra_args(false);
            sub->add_option("--config", opts->config,
                            "Read [scrub] settings from this file instead of the nearest .cassette.toml");
            sub->add_option("-j,--jobs", opts->jobs, "Files scrubbed in parallel (default: all cores)")
                ->check(CLI::NonNegativeNumber);
            add_color_option(*sub, opts->color);
            add_input_format_option(*sub, opts->read, false);
            sub->callback([opts, replacement, &action] {
                // Settings from the config file join those of the command line
                // here, at parse time, so a bad file is a usage error (exit 2).
                std::error_code ec;
                std::string cwd = fs::current_path(ec).string();
                std::string config = find_scrub_config(opts->config, ec ? "." : cwd);
                if (!config.empty()) {
                    try {
                        apply_scrub_config(config, opts->policy, replacement->count() > 0);
                    } catch (const std::invalid_argument& e) {
                        throw CLI::ValidationError(e.what());
                    }
                }
                action = [opts](Terminal& t) { return run_scrub(*opts, t); };
            });
        }};
    return info;
}

}  // namespace cassette
