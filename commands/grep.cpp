#include "grep.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "error.hpp"
#include "ls.hpp"
#include "reader.hpp"
#include "render.hpp"
#include "search.hpp"

namespace cassette {

namespace {

const char* kGrepHelp =
    "Searches what a person would read in each interaction, not the stored bytes:\n"
    "bodies decompressed and base64-decoded, JSON strings unescaped (\\n a line\n"
    "break, \\u00e9 an é), streamed responses reassembled into the message.\n\n"
    "  --in url        the URL              --in response   the decoded response body\n"
    "  --in header     each header          --in text       the reassembled message text\n"
    "  --in request    the decoded request  --in reasoning  its reasoning\n"
    "  --in prompt     the request's text   --in tool       its tool calls (name arguments)\n\n"
    "A match is printed as FILE:LINE #N FIELD: ...match..., LINE being the\n"
    "cassette line where the field or its body starts and N the interaction.\n"
    "Text matched in the message (or prompt) is not reported again from the body\n"
    "it was read from, however often the body repeats it (--in response shows\n"
    "the body's own matches). Patterns are RE2 regular expressions\n"
    "(linear time: no pattern can hang on a hostile fixture).\n"
    "Exit status: 0 a match, 1 none, 2 an error (an unreadable file is reported\n"
    "and the others searched).\n\n"
    "Examples:\n"
    "  cassette grep 'get_weather' fixtures/ --in tool\n"
    "  cassette grep -i 'rate limit' fixtures/ --status 4xx\n"
    "  cassette grep -l Paris fixtures/ --model 'gpt-5*'\n"
    "  cassette grep --json 'error' fixtures/ | jq .file";

constexpr size_t kLineWindow = 240;  // bytes of a long line shown around its first match
constexpr size_t kLead = 80;         // of which before the match

struct FileResult {
    std::optional<FileSearch> search;
    std::vector<std::string> errors;
};

FileResult search_one(const std::string& path, const Pattern& p, FieldSet fields, const InteractionFilter& filter,
                      const ReadOptions& ropts) {
    FileResult r;
    try {
        FileSearch s = search_file(path, p, fields, filter, ropts);
        if (!s.problems.empty()) {
            for (const auto& pr : s.problems)
                r.errors.push_back(error_line(format_input_error(problem_error(path, pr))));
        } else {
            r.search = std::move(s);
        }
    } catch (const InputError& e) {
        r.errors.push_back(error_line(format_input_error(e)));
    } catch (const std::exception& e) {
        r.errors.push_back(error_line(path + ": " + e.what()));
    }
    return r;
}

size_t back_to_char_start(std::string_view s, size_t i) {
    while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    return i;
}

// The part of `line` worth showing: leading indentation dropped, a long line
// cut to a window around its first match ("…" where cut), the matches
// highlighted.
std::string excerpt(const std::string& line, const std::vector<std::pair<size_t, size_t>>& spans, const Palette& p) {
    size_t begin = line.find_first_not_of(" \t");
    if (begin == std::string::npos) begin = line.size();
    if (!spans.empty()) begin = std::min(begin, spans.front().first);
    size_t end = line.size();
    if (end - begin > kLineWindow) {
        size_t first = spans.empty() ? begin : spans.front().first;
        if (first > begin + kLead) begin = back_to_char_start(line, first - kLead);
        size_t want = std::max(begin + kLineWindow, spans.empty() ? begin : spans.front().second);
        end = std::min(line.size(), want);
        end = back_to_char_start(line, end);
        if (end < begin) end = begin;
    }
    const size_t indent = std::min(line.find_first_not_of(" \t"), line.size());
    std::string out = begin > indent ? "…" : "";
    size_t at = begin;
    for (const auto& [b, e] : spans) {
        size_t from = std::max(b, at), to = std::min(e, end);
        if (from >= end) break;
        if (to <= from) continue;
        out += printable(std::string_view(line).substr(at, from - at));
        out += p.paint("1;31", printable(std::string_view(line).substr(from, to - from)));
        at = to;
    }
    out += printable(std::string_view(line).substr(at, end - at));
    if (end < line.size()) out += "…";
    return out;
}

class Printer {
public:
    Printer(const GrepOptions& opts, Palette p) : opts_(opts), p_(p) {}

    std::string file(const FileSearch& s) const {
        if (opts_.files_with_matches) return p_.magenta(printable(s.path)) + "\n";
        if (opts_.count) return p_.magenta(printable(s.path)) + ":" + std::to_string(s.matching_lines) + "\n";
        std::string out;
        bool first_group = true;
        for (const auto& ix : s.interactions)
            for (const auto& f : ix.fields) out += field(s.path, ix.index, f, first_group);
        return out;
    }

    std::string json(const FileSearch& s) const {
        std::string out;
        for (const auto& ix : s.interactions)
            for (const auto& f : ix.fields)
                for (const auto& h : f.hits)
                    for (const auto& [b, e] : h.spans) {
                        const std::string& line = f.lines[h.line];
                        nlohmann::ordered_json j = {{"file", s.path},
                                                    {"interaction", ix.index},
                                                    {"field", field_name(f.field)},
                                                    {"line", f.line > 0 ? nlohmann::ordered_json(f.line) : nullptr},
                                                    {"text_line", h.line + 1},
                                                    {"text", line},
                                                    {"offsets", {b, e}},
                                                    {"match", line.substr(b, e - b)}};
                        out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
                    }
        return out;
    }

private:
    std::string head(const std::string& path, int line, size_t index, Field f, char sep) const {
        std::string out = p_.magenta(printable(path));
        if (line > 0) out += p_.paint("2", std::string(1, sep)) + p_.green(std::to_string(line));
        return out + " " + p_.bold(fmt::format("#{}", index)) + " " + p_.cyan(field_name(f)) + std::string(1, sep) +
               " ";
    }

    std::string field(const std::string& path, size_t index, const FieldHits& f, bool& first_group) const {
        std::string out;
        const size_t c = opts_.context;
        size_t next = 0;  // first line not yet printed
        bool open = false;
        for (size_t k = 0; k < f.hits.size(); ++k) {
            const LineHit& h = f.hits[k];
            size_t from = h.line >= c ? h.line - c : 0;
            if (open && from < next) from = next;
            if (c > 0 && (!open || from > next) && !first_group) out += p_.dim("--") + "\n";
            first_group = false;
            open = true;
            for (size_t l = from; l < h.line; ++l)
                out += head(path, f.line, index, f.field, '-') + excerpt(f.lines[l], {}, p_) + "\n";
            out += head(path, f.line, index, f.field, ':') + excerpt(f.lines[h.line], h.spans, p_) + "\n";
            next = h.line + 1;
            // After-context up to the next hit (which prints itself).
            size_t until = std::min(f.lines.size(), h.line + 1 + c);
            if (k + 1 < f.hits.size()) until = std::min(until, f.hits[k + 1].line);
            for (size_t l = next; l < until; ++l)
                out += head(path, f.line, index, f.field, '-') + excerpt(f.lines[l], {}, p_) + "\n";
            next = std::max(next, until);
        }
        return out;
    }

    const GrepOptions& opts_;
    Palette p_;
};

}  // namespace

int run_grep(const GrepOptions& opts, Terminal& t) {
    PatternOptions po;
    po.ignore_case = opts.ignore_case;
    po.fixed = opts.fixed;
    po.word = opts.word;
    Pattern pattern(opts.pattern, po);
    if (!pattern.ok()) {
        t.err(error_line("invalid pattern '" + opts.pattern + "': " + pattern.error()));
        return exit_trouble;
    }
    FieldSet fields = opts.in.empty() ? kAllFields : 0;
    for (const auto& name : opts.in) {
        Field f;
        if (field_from_name(name, f)) fields |= field_bit(f);
    }

    bool trouble = false;
    size_t missing = 0;
    std::vector<std::string> files = expand_each(opts.paths, t, missing);
    if (missing) trouble = true;
    unsigned jobs = opts.jobs ? opts.jobs : t.cores();
    std::vector<FileResult> results(files.size());
    for_each_file(
        files.size(), jobs,
        [&](size_t i) { results[i] = search_one(files[i], pattern, fields, opts.filter, opts.read); }, t, "grep");

    Printer printer(opts, Palette{use_color(opts.color, t)});
    bool found = false;
    for (auto& r : results) {
        for (const auto& e : r.errors) t.err(e);
        if (!r.errors.empty()) trouble = true;
        if (!r.search || r.search->matches == 0) continue;
        found = true;
        t.out(opts.json ? printer.json(*r.search) : printer.file(*r.search));
    }
    if (trouble) return exit_trouble;
    return found ? exit_ok : exit_findings;
}

const CommandInfo& grep_command() {
    static const CommandInfo info{
        "grep", "Search decoded bodies, reassembled messages and prompts (RE2 patterns)",
        [](CLI::App& command, Action& action) {
            auto opts = std::make_shared<GrepOptions>();
            CLI::App* sub = &command;
            sub->footer(kGrepHelp);
            sub->add_option("pattern", opts->pattern, "RE2 regular expression (with -F: a literal string)")->required();
            sub->add_option("paths", opts->paths, "Cassette files or directories ('-' for standard input)")->required();
            sub->add_option("--in", opts->in, "Search only these fields (repeatable, or comma-separated)")
                ->check(CLI::IsMember(field_names()))
                ->delimiter(',');
            sub->add_option("-C,--context", opts->context, "Lines of decoded text shown around each match")
                ->check(CLI::Range(0u, 1000u));
            auto* l = sub->add_flag("-l,--files-with-matches", opts->files_with_matches,
                                    "Only the names of files with a match");
            auto* c = sub->add_flag("-c,--count", opts->count, "Only the number of matching lines per file");
            auto* j = sub->add_flag("--json", opts->json,
                                    "One JSON object per match: file, interaction, field, line, text, offsets, match");
            l->excludes(c)->excludes(j);
            c->excludes(j);
            sub->add_flag("-i,--ignore-case", opts->ignore_case, "Match upper and lower case alike");
            sub->add_flag("-F,--fixed-strings", opts->fixed,
                          "The pattern is a literal string, not a regular expression");
            sub->add_flag("-w,--word-regexp", opts->word, "Match whole words only");
            add_filter_options(*sub, opts->filter);
            sub->add_option("-j,--jobs", opts->jobs, "Files searched in parallel (default: one per core)")
                ->check(CLI::Range(1u, 256u));
            add_color_option(*sub, opts->color);
            add_input_format_option(*sub, opts->read, false);
            sub->callback([opts, &action] { action = [opts](Terminal& t) { return run_grep(*opts, t); }; });
        },
        true};
    return info;
}

}  // namespace cassette
