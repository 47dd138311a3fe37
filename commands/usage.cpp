#include "usage.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "error.hpp"
#include "pricing.hpp"
#include "reader.hpp"
#include "render.hpp"
#include "formats/message_log.hpp"
#include "usage_report.hpp"

namespace cassette {

namespace {

const char* kUsageHelp =
    "Sums the token usage the responses report, after reassembling each one with\n"
    "its provider's rules (the meanings: docs/usage-semantics.md). input counts\n"
    "every prompt token (cache reads and writes included); output every generated\n"
    "token (reasoning included); total = input + output.\n\n"
    "  --by file         one row per file, then the total (default)\n"
    "  --by interaction  one row per LLM interaction, then the total\n"
    "  --by model        one row per model, then the total\n\n"
    "Tables name the directory all files share once, above the rows, count the\n"
    "files with no LLM call under the rows instead of listing them, and\n"
    "right-align numbers with thousands separators; csv writes full paths, plain\n"
    "numbers and no total row; json always has the files and their interactions\n"
    "(plus \"models\" with --by model).\n\n"
    "--cost adds what the calls cost in USD (a COST column; cost, currency and\n"
    "unpriced in csv and json), priced with the genai-prices database installed\n"
    "with cassette (--prices FILE or CASSETTE_PRICES read another copy of it;\n"
    "docs/cost.md has the rules): the provider from the request URL, the model's\n"
    "price at the recorded time (the Date header), cache reads and writes at their\n"
    "own rates. Sums are exact to the nano-dollar; a call the data cannot price\n"
    "shows as \u2014 and is counted under the table, never as $0.\n\n"
    "Examples:\n"
    "  cassette usage testdata/\n"
    "  cassette usage testdata/ --cost --by model\n"
    "  cassette usage testdata/ --by model\n"
    "  cassette usage testdata/ --format json | jq .total";

struct FileResult {
    std::optional<FileUsage> usage;
    std::vector<std::string> errors;  // already formatted `cassette: error:` lines
    std::string note;                 // a file skipped (not HTTP), said on standard error
};

FileResult read_one(const std::string& path, const PriceData* prices, const ReadOptions& ropts) {
    FileResult r;
    try {
        FileUsage f = file_usage(path, prices, ropts);
        if (!f.problems.empty()) {
            r.errors = problem_error_lines(path, f.problems);
        } else if (!f.not_http.empty()) {
            r.note = "cassette: note: " + path + ": a " + not_http_description(f.not_http) + ", not HTTP: skipped\n";
        } else {
            r.usage = std::move(f);
        }
    } catch (const InputError& e) {
        r.errors.push_back(error_line(format_input_error(e)));
    } catch (const std::exception& e) {
        r.errors.push_back(error_line(path + ": " + e.what()));
    }
    return r;
}

// Reads every file on `jobs` threads; results stay in input order.
std::vector<FileResult> read_all(const std::vector<std::string>& files, unsigned jobs, Terminal& t,
                                 const PriceData* prices, const ReadOptions& ropts) {
    std::vector<FileResult> results(files.size());
    for_each_file(
        files.size(), jobs, [&](size_t i) { results[i] = read_one(files[i], prices, ropts); }, t, "usage");
    return results;
}

// Characters, not bytes, for widths ("—" is one column).
size_t columns(const std::string& s) {
    return static_cast<size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A table: text columns (`text_columns` leading ones, except a "#" column)
// left-aligned, numbers right-aligned.
std::string render_table(const std::vector<std::vector<std::string>>& rows, size_t text_columns, const Palette& p) {
    std::vector<size_t> width;
    for (const auto& r : rows) {
        if (width.size() < r.size()) width.resize(r.size(), 0);
        for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], columns(r[c]));
    }
    std::string out;
    for (size_t i = 0; i < rows.size(); ++i) {
        std::string line;
        for (size_t c = 0; c < rows[i].size(); ++c) {
            const std::string& cell = rows[i][c];
            std::string padding(width[c] - columns(cell), ' ');
            if (c) line += "  ";
            bool left = c < text_columns && rows[0][c] != "#";
            line += left ? cell + (c + 1 == rows[i].size() ? "" : padding) : padding + cell;
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        bool emphasise = i == 0 || i + 1 == rows.size();  // header and total
        out += (emphasise ? p.bold(line) : line) + "\n";
    }
    return out;
}

std::vector<std::string> number_cells(const Usage& u) {
    return {with_thousands(u.input_tokens),       with_thousands(u.output_tokens),
            with_thousands(u.reasoning_tokens),   with_thousands(u.cache_read_tokens),
            with_thousands(u.cache_write_tokens), with_thousands(u.total_tokens)};
}

const std::vector<std::string> kNumberHeads = {"INPUT", "OUTPUT", "REASONING", "CACHE READ", "CACHE WRITE", "TOTAL"};

// The directory every file is under ("fixtures/llm/"), said once above the
// table so that rows name files by what differs; "" for one file or none shared.
std::string shared_directory(const UsageReport& r) {
    if (r.files.size() < 2) return {};
    std::string_view prefix = r.files.front().path;
    for (const auto& f : r.files) {
        size_t n = 0;
        while (n < prefix.size() && n < f.path.size() && prefix[n] == f.path[n]) ++n;
        prefix = prefix.substr(0, n);
    }
    size_t slash = prefix.rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(prefix.substr(0, slash + 1));
}

const char* kUnpriced = "\u2014";

// A COST cell: the priced calls' sum, or "—" when none of them has a price.
std::string cost_cell(const CostSum& c) {
    if (c.priced == 0) return c.unpriced ? kUnpriced : "-";
    return format_usd(c.nanos);
}

std::string row_cost_cell(const UsageRow& ix) {
    return ix.cost && ix.cost->price ? format_usd(ix.cost->price->nanos) : kUnpriced;
}

// Under a priced table: where the prices come from, and the calls without one, by reason.
std::string cost_notes(const UsageReport& r, const PriceData& prices, const Palette& p) {
    std::string out;
    if (r.total.cost.unpriced) {
        std::map<Unpriced, size_t> why;
        for (const auto& f : r.files)
            for (const auto& ix : f.interactions)
                if (ix.cost && !ix.cost->price) ++why[ix.cost->why];
        std::string reasons;
        for (const auto& [w, n] : why)
            reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", n, unpriced_reason(w));
        size_t n = r.total.cost.unpriced;
        out += p.dim(fmt::format("{} {} {} unpriced ({}), left out of COST", kUnpriced, n, n == 1 ? "call" : "calls",
                                 reasons)) +
               "\n";
    }
    out += p.dim("prices: " + prices.description()) + "\n";
    return out;
}

std::string table(const UsageReport& r, UsageBy by, const Palette& p, const PriceData* prices) {
    const std::string dir = by == UsageBy::model ? std::string() : shared_directory(r);
    auto file_cell = [&](const std::string& path) { return path.substr(dir.size()); };
    std::vector<std::vector<std::string>> rows;
    auto row = [&](std::vector<std::string> head, const std::vector<std::string>& nums, std::string cost = {}) {
        head.insert(head.end(), nums.begin(), nums.end());
        if (prices) head.push_back(std::move(cost));
        return head;
    };
    std::vector<std::string> heads = kNumberHeads;
    if (prices) heads.push_back("COST");
    size_t text_columns = 1;
    size_t without_calls = 0;
    if (by == UsageBy::interaction) {
        text_columns = 4;
        rows.push_back(row({"FILE", "#", "API", "MODEL"}, heads));
        for (const auto& f : r.files)
            for (const auto& ix : f.interactions)
                rows.push_back(
                    row({file_cell(f.path), std::to_string(ix.index), ix.api, ix.model.empty() ? "-" : ix.model},
                        ix.usage ? number_cells(*ix.usage) : std::vector<std::string>(6, "-"), row_cost_cell(ix)));
        rows.push_back(row({"TOTAL", "", "", ""}, number_cells(r.total.usage), cost_cell(r.total.cost)));
    } else if (by == UsageBy::model) {
        rows.push_back(row({"MODEL", "CALLS"}, heads));
        for (const auto& m : r.models)
            rows.push_back(row(
                {m.model.empty() ? "(unknown)" : m.model, with_thousands(static_cast<int64_t>(m.total.interactions))},
                number_cells(m.total.usage), cost_cell(m.total.cost)));
        rows.push_back(row({"TOTAL", with_thousands(static_cast<int64_t>(r.total.interactions))},
                           number_cells(r.total.usage), cost_cell(r.total.cost)));
    } else {
        // Files without an LLM call (plain HTTP fixtures beside the LLM
        // ones) would be rows of zeros: they are counted under the table
        // instead. CSV and JSON list every file.
        rows.push_back(row({"FILE", "CALLS"}, heads));
        for (const auto& f : r.files) {
            if (f.total.interactions == 0) {
                ++without_calls;
                continue;
            }
            rows.push_back(row({file_cell(f.path), with_thousands(static_cast<int64_t>(f.total.interactions))},
                               number_cells(f.total.usage), cost_cell(f.total.cost)));
        }
        rows.push_back(row({"TOTAL", with_thousands(static_cast<int64_t>(r.total.interactions))},
                           number_cells(r.total.usage), cost_cell(r.total.cost)));
    }
    std::string out = (dir.empty() ? std::string() : p.dim("in " + dir) + "\n") + render_table(rows, text_columns, p);
    if (without_calls)
        out += p.dim(fmt::format("{} {} no LLM call, not listed", without_calls,
                                 without_calls == 1 ? "file has" : "files have")) +
               "\n";
    if (prices) out += cost_notes(r, *prices, p);
    return out;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string csv_numbers(const Usage& u) {
    return fmt::format("{},{},{},{},{},{}", u.input_tokens, u.output_tokens, u.reasoning_tokens, u.cache_read_tokens,
                       u.cache_write_tokens, u.total_tokens);
}

const char* kCsvNumberHeads =
    "input_tokens,output_tokens,reasoning_tokens,cache_read_tokens,cache_write_tokens,total_tokens";

// cost,currency (an interaction; cost empty when unpriced) or cost,currency,unpriced (a sum).
std::string csv_cost(const UsageRow& ix) {
    return ix.cost && ix.cost->price ? "," + exact_usd(ix.cost->price->nanos) + ",USD" : std::string(",,USD");
}
std::string csv_cost(const CostSum& c) {
    return fmt::format(",{},USD,{}", c.priced ? exact_usd(c.nanos) : std::string(), c.unpriced);
}

std::string csv(const UsageReport& r, UsageBy by, bool cost) {
    std::string out;
    if (by == UsageBy::interaction) {
        out += fmt::format("file,index,api,model,{}{}\n", kCsvNumberHeads, cost ? ",cost,currency" : "");
        for (const auto& f : r.files)
            for (const auto& ix : f.interactions)
                out += fmt::format("{},{},{},{},{}{}\n", csv_field(f.path), ix.index, csv_field(ix.api),
                                   csv_field(ix.model), ix.usage ? csv_numbers(*ix.usage) : std::string(",,,,,"),
                                   cost ? csv_cost(ix) : "");
    } else if (by == UsageBy::model) {
        out += fmt::format("model,interactions,{}{}\n", kCsvNumberHeads, cost ? ",cost,currency,unpriced" : "");
        for (const auto& m : r.models)
            out += fmt::format("{},{},{}{}\n", csv_field(m.model), m.total.interactions, csv_numbers(m.total.usage),
                               cost ? csv_cost(m.total.cost) : "");
    } else {
        out += fmt::format("file,interactions,{}{}\n", kCsvNumberHeads, cost ? ",cost,currency,unpriced" : "");
        for (const auto& f : r.files)
            out += fmt::format("{},{},{}{}\n", csv_field(f.path), f.total.interactions, csv_numbers(f.total.usage),
                               cost ? csv_cost(f.total.cost) : "");
    }
    return out;
}

}  // namespace

int run_usage(const UsageOptions& opts, Terminal& t) {
    int status = exit_ok;
    size_t missing = 0;
    std::vector<std::string> files = expand_each(opts.paths, t, missing);
    if (missing) status = exit_trouble;
    unsigned jobs = opts.jobs ? opts.jobs : t.cores();
    std::shared_ptr<const PriceData> prices;
    if (opts.cost || !opts.prices.empty()) {
        std::string path = find_price_data(opts.prices);
        if (path.empty()) {
            t.err(
                error_line("no price data: it is installed with cassette as share/cassette/prices/data.json; "
                           "give one with --prices FILE or CASSETTE_PRICES (docs/cost.md)"));
            return exit_trouble;
        }
        try {
            prices = PriceData::load(path);
        } catch (const InputError& e) {
            t.err(error_line(format_input_error(e)));
            return exit_trouble;
        }
    }
    std::vector<FileResult> results = read_all(files, jobs, t, prices.get(), opts.read);

    std::vector<FileUsage> read;
    for (auto& r : results) {
        for (const auto& e : r.errors) t.err(e);
        if (!r.note.empty()) t.err(r.note);
        if (!r.errors.empty()) status = exit_trouble;
        if (r.usage) read.push_back(std::move(*r.usage));
    }
    UsageReport report = build_usage_report(std::move(read));
    Palette palette{use_color(opts.color, t)};
    if (opts.format == OutputFormat::json) {
        write_usage_report_json(report, opts.by == UsageBy::model, prices.get(),
                                [&](std::string_view text) { t.out(text); });
        t.out("\n");
    } else if (opts.format == OutputFormat::csv) {
        t.out(csv(report, opts.by, prices != nullptr));
    } else {
        t.out(table(report, opts.by, palette, prices.get()));
    }
    return status;
}

const CommandInfo& usage_command() {
    static const CommandInfo info{
        "usage", "Token usage per interaction, file, model and in total", [](CLI::App& command, Action& action) {
            auto opts = std::make_shared<UsageOptions>();
            CLI::App* sub = &command;
            sub->footer(kUsageHelp);
            sub->add_option("paths", opts->paths, "Cassette files or directories ('-' for standard input)")->required();
            sub->add_option("--by", opts->by, "Rows per interaction, file or model")
                ->transform(enum_names({{"interaction", static_cast<int>(UsageBy::interaction)},
                                        {"file", static_cast<int>(UsageBy::file)},
                                        {"model", static_cast<int>(UsageBy::model)}}))
                ->option_text("TEXT:{interaction,file,model}=file");
            add_format_option(*sub, opts->format, {OutputFormat::table, OutputFormat::json, OutputFormat::csv},
                              "Output format");
            sub->add_option("-j,--jobs", opts->jobs, "Files read in parallel (default: one per core)")
                ->check(CLI::Range(1u, 256u));
            sub->add_flag("--cost", opts->cost, "Price each call in USD (docs/cost.md)");
            sub->add_option("--prices", opts->prices, "Price data to use (a genai-prices data.json; implies --cost)")
                ->type_name("FILE");
            add_color_option(*sub, opts->color);
            add_input_format_option(*sub, opts->read, false);
            sub->callback([opts, &action] { action = [opts](Terminal& t) { return run_usage(*opts, t); }; });
        }};
    return info;
}

}  // namespace cassette
