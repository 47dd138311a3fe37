#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "command.hpp"
#include "error.hpp"
#include "reader.hpp"
#include "render.hpp"

namespace cassette {

void add_color_option(CLI::App& app, ColorMode& mode) {
    static const std::map<std::string, ColorMode> names{
        {"auto", ColorMode::auto_}, {"always", ColorMode::always}, {"never", ColorMode::never}};
    app.add_option("--color", mode, "Colour output: auto (on a terminal, unless NO_COLOR is set), always, never")
        ->transform(CLI::CheckedTransformer(names, CLI::ignore_case))
        ->option_text("auto|always|never (default: auto)");
}

bool use_color(ColorMode mode, const Terminal& t) {
    switch (mode) {
        case ColorMode::always: return true;
        case ColorMode::never: return false;
        case ColorMode::auto_: {
            auto no_color = t.env("NO_COLOR");
            if (no_color && !no_color->empty()) return false;
            auto term = t.env("TERM");
            if (term && *term == "dumb") return false;
            return t.out_is_tty();
        }
    }
    return false;
}

const char* output_format_name(OutputFormat f) {
    switch (f) {
        case OutputFormat::text: return "text";
        case OutputFormat::json: return "json";
        case OutputFormat::github: return "github";
        case OutputFormat::table: return "table";
        case OutputFormat::csv: return "csv";
        case OutputFormat::har: return "har";
    }
    return "";
}

CLI::Validator enum_names(const std::vector<std::pair<std::string, int>>& names) {
    std::string listed;
    for (const auto& n : names) listed += (listed.empty() ? "{" : ",") + n.first;
    listed += "}";
    return CLI::Validator(
        [names, listed](std::string& input) -> std::string {
            for (const auto& n : names) {
                if (input == n.first) {
                    input = std::to_string(n.second);
                    return {};
                }
            }
            return input + " not in " + listed;
        },
        listed);
}

void add_format_option(CLI::App& app, OutputFormat& format, std::vector<OutputFormat> allowed,
                       const std::string& help) {
    std::vector<std::pair<std::string, int>> names;
    std::string listed;
    for (OutputFormat f : allowed) {
        names.emplace_back(output_format_name(f), static_cast<int>(f));
        listed += (listed.empty() ? "" : ",") + std::string(output_format_name(f));
    }
    app.add_option("-f,--format", format, help)
        ->transform(enum_names(names))
        ->option_text("TEXT:{" + listed + "}=" + output_format_name(format));
}

void add_input_format_option(CLI::App& command, ReadOptions& read, bool listed) {
    command
        .add_option(
            "--input-format", read.input_format,
            "Read inputs as this format instead of detecting it: auto, go-vcr, vcrpy, ruby-vcr, har, httprr, nock, "
            "exvcr, betamax, php-vcr, dvr, talkback, dd-trace, cassetter, aquila")
        ->check(CLI::IsMember(known_input_formats()))
        ->group(listed ? "Options" : "");
}

std::optional<std::string> pager_command(const Terminal& t) {
    if (!t.out_is_tty()) return std::nullopt;
    auto pager = t.env("CASSETTE_PAGER");
    if (!pager) pager = t.env("PAGER");
    if (!pager) return "less -FRX";
    auto first = pager->find_first_not_of(" \t");
    auto last = pager->find_last_not_of(" \t");
    std::string trimmed = first == std::string::npos ? "" : pager->substr(first, last - first + 1);
    if (trimmed.empty() || trimmed == "cat") return std::nullopt;
    return trimmed;
}

std::string error_line(const std::string& message) { return "cassette: error: " + message + "\n"; }

std::vector<std::string> problem_error_lines(const std::string& path, const std::vector<Problem>& problems) {
    constexpr size_t kShown = 20;
    std::vector<std::string> lines;
    for (const InputError& e : problem_errors(path, problems, kShown))
        lines.push_back(error_line(format_input_error(e)));
    if (problems.size() > kShown)
        lines.push_back(error_line(path + ": … and " + with_thousands(static_cast<int64_t>(problems.size() - kShown)) +
                                   " more (cassette validate " + path + " lists all)"));
    return lines;
}

std::vector<std::string> expand_each(const std::vector<std::string>& paths, Terminal& t, size_t& failed) {
    std::vector<std::string> files;
    for (const auto& p : paths) {
        try {
            auto found = expand_paths({p});
            if (found.empty()) {
                t.err(error_line(p + ": no cassette files found"));
                ++failed;
            }
            files.insert(files.end(), found.begin(), found.end());
        } catch (const InputError& e) {
            t.err(error_line(format_input_error(e)));
            ++failed;
        }
    }
    return files;
}

std::string common_directory(const std::vector<std::string>& paths) {
    if (paths.size() < 2) return {};
    std::string_view prefix = paths.front();
    for (const auto& path : paths) {
        size_t n = 0;
        while (n < prefix.size() && n < path.size() && prefix[n] == path[n]) ++n;
        prefix = prefix.substr(0, n);
    }
    size_t slash = prefix.rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(prefix.substr(0, slash + 1));
}

namespace {
bool names_a_file(const std::string& output) { return !output.empty() && output != "-"; }
}  // namespace

void refuse_overwriting_input(const std::string& input, const std::string& output) {
    if (names_a_file(output) && input != "-" && same_file(input, output))
        throw InputError(output, {}, "refusing to write over the input file", "", "io");
}

void write_output(const std::string& output, const std::string& text, Terminal& t) {
    if (!names_a_file(output)) {
        t.out(text);
        return;
    }
    AtomicFile out(output);
    out.write(text);
    out.commit();
}

void for_each_file(size_t count, unsigned jobs, const std::function<void(size_t)>& work, Terminal& t,
                   std::string_view name) {
    std::atomic<size_t> next{0}, done{0};
    std::mutex err_mutex;
    const bool progress = t.err_is_tty() && count >= 20;
    auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < count;) {
            work(i);
            size_t n = ++done;
            if (progress) {
                std::lock_guard<std::mutex> lock(err_mutex);
                t.err(fmt::format("\rcassette {}: {}/{} files", name, n, count));
            }
        }
    };
    jobs = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(std::max<size_t>(1, count))));
    std::vector<std::thread> threads;
    for (unsigned k = 1; k < jobs; ++k) threads.emplace_back(worker);
    worker();
    for (auto& th : threads) th.join();
    if (progress) t.err("\r\033[K");
}

}  // namespace cassette
