#include "ls.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "error.hpp"
#include "reader.hpp"
#include "render.hpp"
#include "util/utf8.hpp"

namespace cassette {

namespace {

const char* kLsHelp =
    "Lists the interactions of each cassette, one line each: file, index, method,\n"
    "host and path, status, and for an LLM call its API, model, whether it was\n"
    "streamed and its tokens (input/output as the response reports them), then\n"
    "the response body's size as recorded and the time it was recorded when the\n"
    "format keeps one. Files are named relative to the directory they share,\n"
    "said once above the table.\n\n"
    "  --files          one line per file: interactions, LLM calls, tokens, bytes, format\n"
    "  --sort size      biggest response first (tokens: most tokens first; time: oldest first)\n"
    "  --model 'gpt-5*' only interactions whose model matches (also --api, --host,\n"
    "                   --status 4xx, --tool NAME; shared with `cassette grep`)\n\n"
    "Examples:\n"
    "  cassette ls fixtures/\n"
    "  cassette ls fixtures/ --model 'gpt-5*' --files\n"
    "  cassette ls fixtures/ --sort tokens --format csv";

// The URL column of the table is cut here ("…"); csv and json have it whole.
constexpr size_t kUrlChars = 72;

struct FileResult {
    std::optional<FileListing> listing;
    std::vector<std::string> errors;
};

FileResult read_one(const std::string& path, const InteractionFilter& filter, const ReadOptions& ropts) {
    FileResult r;
    try {
        FileListing l = list_file(path, filter, ropts);
        if (!l.problems.empty()) {
            for (const auto& p : l.problems) r.errors.push_back(error_line(format_input_error(problem_error(path, p))));
        } else {
            r.listing = std::move(l);
        }
    } catch (const InputError& e) {
        r.errors.push_back(error_line(format_input_error(e)));
    } catch (const std::exception& e) {
        r.errors.push_back(error_line(path + ": " + e.what()));
    }
    return r;
}

struct Row {
    const FileListing* file;
    const InteractionFacts* facts;
};

// Columns line up by code points, not bytes (a model or path may be UTF-8).
size_t utf8_width(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

int64_t tokens(const InteractionFacts& f) { return f.input_tokens.value_or(0) + f.output_tokens.value_or(0); }

std::string opt_number(const std::optional<int64_t>& n) { return n ? with_thousands(*n) : "-"; }

// One table: `right` marks the columns aligned right (numbers); the header
// row is bold.
std::string render_table(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right,
                         const Palette& p) {
    std::vector<size_t> width(right.size(), 0);
    for (const auto& r : rows)
        for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], utf8_width(r[c]));
    std::string out;
    for (size_t i = 0; i < rows.size(); ++i) {
        std::string line;
        for (size_t c = 0; c < rows[i].size(); ++c) {
            const std::string& cell = rows[i][c];
            std::string pad(width[c] - utf8_width(cell), ' ');
            if (c) line += "  ";
            line += right[c] ? pad + cell : cell + pad;
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += (i == 0 ? p.bold(line) : line) + "\n";
    }
    return out;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string csv_opt(const std::optional<int64_t>& n) { return n ? std::to_string(*n) : ""; }

struct FileTotals {
    const FileListing* file;
    size_t calls = 0;
    int64_t input = 0, output = 0;
    size_t bytes = 0;
    std::string first_time;
};

FileTotals totals(const FileListing& f) {
    FileTotals t;
    t.file = &f;
    for (const auto& r : f.rows) {
        if (!r.api.empty()) ++t.calls;
        t.input += r.input_tokens.value_or(0);
        t.output += r.output_tokens.value_or(0);
        t.bytes += r.response_bytes;
        if (!r.recorded_at.empty() && (t.first_time.empty() || r.recorded_at < t.first_time))
            t.first_time = r.recorded_at;
    }
    return t;
}

std::string format_name(const FileListing& f) {
    return f.recorder.empty() ? f.format : f.format + " (" + f.recorder + ")";
}

int list_files(const LsOptions& opts, const std::vector<const FileListing*>& files, Terminal& t, const Palette& p) {
    std::vector<FileTotals> rows;
    for (const FileListing* f : files)
        if (opts.filter.empty() || !f->rows.empty()) rows.push_back(totals(*f));
    if (opts.sort == "size")
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.bytes > b.bytes; });
    else if (opts.sort == "tokens")
        std::stable_sort(rows.begin(), rows.end(),
                         [](const auto& a, const auto& b) { return a.input + a.output > b.input + b.output; });
    else if (opts.sort == "time")
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
            if (a.first_time.empty() != b.first_time.empty()) return b.first_time.empty();
            return a.first_time < b.first_time;
        });
    if (opts.format == OutputFormat::json) {
        nlohmann::ordered_json out = {{"files", nlohmann::ordered_json::array()}};
        for (const auto& r : rows)
            out["files"].push_back({{"path", r.file->path},
                                    {"format", r.file->format},
                                    {"recorder", r.file->recorder},
                                    {"interactions", r.file->rows.size()},
                                    {"calls", r.calls},
                                    {"input_tokens", r.input},
                                    {"output_tokens", r.output},
                                    {"response_bytes", r.bytes}});
        t.out(out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
        return exit_ok;
    }
    if (opts.format == OutputFormat::csv) {
        std::string out = "file,format,recorder,interactions,calls,input_tokens,output_tokens,response_bytes\n";
        for (const auto& r : rows)
            out += fmt::format("{},{},{},{},{},{},{},{}\n", csv_field(r.file->path), csv_field(r.file->format),
                               csv_field(r.file->recorder), r.file->rows.size(), r.calls, r.input, r.output, r.bytes);
        t.out(out);
        return exit_ok;
    }
    std::vector<std::string> paths;
    for (const auto& r : rows) paths.push_back(r.file->path);
    const std::string dir = common_directory(paths);
    std::vector<std::vector<std::string>> table{{"FILE", "INTERACTIONS", "CALLS", "IN", "OUT", "BYTES", "FORMAT"}};
    for (const auto& r : rows)
        table.push_back(
            {printable(r.file->path.substr(dir.size())), with_thousands(static_cast<int64_t>(r.file->rows.size())),
             with_thousands(static_cast<int64_t>(r.calls)), with_thousands(r.input), with_thousands(r.output),
             with_thousands(static_cast<int64_t>(r.bytes)), printable(format_name(*r.file))});
    std::string out = dir.empty() ? std::string() : p.dim("in " + printable(dir)) + "\n";
    t.out(out + render_table(table, {false, true, true, true, true, true, false}, p));
    return exit_ok;
}

}  // namespace

void add_filter_options(CLI::App& command, InteractionFilter& filter) {
    command.add_option("--model", filter.model, "Only interactions whose model matches this glob (e.g. 'gpt-5*')");
    command.add_option(
        "--api", filter.api,
        "Only this LLM API: openai-chat, openai-responses, anthropic, gemini, bedrock-converse, ollama, cohere");
    command.add_option("--host", filter.host, "Only requests to a host matching this glob (e.g. '*.openai.com')");
    command.add_option("--status", filter.status, "Only responses with this status code (404) or class (4xx)")
        ->check(CLI::Validator([](std::string& s) { return status_filter_error(s); }, "CODE|Nxx"));
    command.add_option("--tool", filter.tool,
                       "Only interactions with a call of this tool, in the response or the request");
}

int run_ls(const LsOptions& opts, Terminal& t) {
    int status = exit_ok;
    size_t missing = 0;
    std::vector<std::string> files = expand_each(opts.paths, t, missing);
    if (missing) status = exit_trouble;
    unsigned jobs = opts.jobs ? opts.jobs : t.cores();
    std::vector<FileResult> results(files.size());
    for_each_file(
        files.size(), jobs, [&](size_t i) { results[i] = read_one(files[i], opts.filter, opts.read); }, t, "ls");

    std::vector<const FileListing*> read;
    for (auto& r : results) {
        for (const auto& e : r.errors) t.err(e);
        if (!r.errors.empty()) status = exit_trouble;
        if (r.listing) read.push_back(&*r.listing);
    }
    Palette palette{use_color(opts.color, t)};
    if (opts.files) {
        list_files(opts, read, t, palette);
        return status;
    }

    std::vector<Row> rows;
    for (const FileListing* f : read)
        for (const auto& r : f->rows) rows.push_back({f, &r});
    if (opts.sort == "size")
        std::stable_sort(rows.begin(), rows.end(),
                         [](const Row& a, const Row& b) { return a.facts->response_bytes > b.facts->response_bytes; });
    else if (opts.sort == "tokens")
        std::stable_sort(rows.begin(), rows.end(),
                         [](const Row& a, const Row& b) { return tokens(*a.facts) > tokens(*b.facts); });
    else if (opts.sort == "time")
        std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
            const auto &x = a.facts->recorded_at, &y = b.facts->recorded_at;
            if (x.empty() != y.empty()) return y.empty();
            return x < y;
        });

    if (opts.format == OutputFormat::json) {
        nlohmann::ordered_json out = {{"interactions", nlohmann::ordered_json::array()}};
        for (const Row& r : rows) {
            const InteractionFacts& f = *r.facts;
            nlohmann::ordered_json j = {
                {"file", r.file->path},
                {"index", f.index},
                {"method", f.method},
                {"url", f.url},
                {"host", f.host},
                {"path", f.path},
                {"status", f.status ? nlohmann::ordered_json(*f.status) : nullptr},
                {"api", f.api.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.api)},
                {"model", f.model.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.model)},
                {"streamed", f.streamed},
                {"input_tokens", f.input_tokens ? nlohmann::ordered_json(*f.input_tokens) : nullptr},
                {"output_tokens", f.output_tokens ? nlohmann::ordered_json(*f.output_tokens) : nullptr},
                {"response_bytes", f.response_bytes},
                {"recorded_at",
                 f.recorded_at.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.recorded_at)}};
            out["interactions"].push_back(std::move(j));
        }
        t.out(out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
        return status;
    }
    if (opts.format == OutputFormat::csv) {
        std::string out =
            "file,index,method,url,status,api,model,streamed,input_tokens,output_tokens,response_bytes,recorded_at\n";
        for (const Row& r : rows) {
            const InteractionFacts& f = *r.facts;
            out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(r.file->path), f.index,
                               csv_field(f.method), csv_field(f.url), csv_opt(f.status), csv_field(f.api),
                               csv_field(f.model), f.streamed ? "true" : "false", csv_opt(f.input_tokens),
                               csv_opt(f.output_tokens), f.response_bytes, csv_field(f.recorded_at));
        }
        t.out(out);
        return status;
    }

    std::vector<std::string> paths;
    for (const FileListing* f : read) paths.push_back(f->path);
    const std::string dir = common_directory(paths);
    bool any_time = false;
    for (const Row& r : rows) any_time = any_time || !r.facts->recorded_at.empty();
    std::vector<std::vector<std::string>> table{
        {"FILE", "#", "METHOD", "URL", "STATUS", "API", "MODEL", "STREAM", "IN", "OUT", "BYTES"}};
    std::vector<bool> right{false, true, false, false, false, false, false, false, true, true, true};
    if (any_time) {
        table[0].push_back("RECORDED");
        right.push_back(false);
    }
    for (const Row& r : rows) {
        const InteractionFacts& f = *r.facts;
        bool llm = !f.api.empty();
        std::vector<std::string> cells{printable(r.file->path.substr(dir.size())),
                                       std::to_string(f.index),
                                       printable(f.method),
                                       printable(truncate_utf8(f.host + f.path, kUrlChars)),
                                       f.status ? std::to_string(*f.status) : "-",
                                       llm ? f.api : "-",
                                       llm && !f.model.empty() ? printable(f.model) : "-",
                                       llm ? (f.streamed ? "yes" : "no") : "-",
                                       opt_number(f.input_tokens),
                                       opt_number(f.output_tokens),
                                       with_thousands(static_cast<int64_t>(f.response_bytes))};
        if (any_time) cells.push_back(f.recorded_at.empty() ? "-" : printable(f.recorded_at));
        table.push_back(std::move(cells));
    }
    std::string out = dir.empty() ? std::string() : palette.dim("in " + printable(dir)) + "\n";
    out += render_table(table, right, palette);
    if (rows.empty() && !read.empty())
        out = palette.dim(opts.filter.empty() ? "no interactions\n" : "no interaction matches the filters\n");
    t.out(out);
    return status;
}

const CommandInfo& ls_command() {
    static const CommandInfo info{
        "ls", "One line per interaction (or per file): method, host, status, API, model, tokens, size",
        [](CLI::App& command, Action& action) {
            auto opts = std::make_shared<LsOptions>();
            CLI::App* sub = &command;
            sub->footer(kLsHelp);
            sub->add_option("paths", opts->paths, "Cassette files or directories ('-' for standard input)")->required();
            add_format_option(*sub, opts->format, {OutputFormat::table, OutputFormat::json, OutputFormat::csv},
                              "Output format");
            sub->add_option("--sort", opts->sort,
                            "Order of the lines: file order, biggest response, most tokens, oldest")
                ->check(CLI::IsMember({"file", "size", "tokens", "time"}))
                ->default_str("file");
            sub->add_flag("--files", opts->files, "One line per file: interactions, LLM calls, tokens, bytes, format");
            add_filter_options(*sub, opts->filter);
            sub->add_option("-j,--jobs", opts->jobs, "Files read in parallel (default: one per core)")
                ->check(CLI::Range(1u, 256u));
            add_color_option(*sub, opts->color);
            add_input_format_option(*sub, opts->read, false);
            sub->callback([opts, &action] { action = [opts](Terminal& t) { return run_ls(*opts, t); }; });
        }};
    return info;
}

}  // namespace cassette
