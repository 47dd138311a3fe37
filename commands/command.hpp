// What every subcommand shares: the terminal it writes through (implemented
// in cli/, the only place that touches stdout/stderr), colour choice, and the
// registration shape.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <string_view>

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace cassette {
struct Problem;
struct ReadOptions;
}  // namespace cassette

namespace cassette {

class Terminal {
public:
    virtual ~Terminal() = default;
    virtual void out(std::string_view text) = 0;  // standard output
    virtual void err(std::string_view text) = 0;  // standard error
    virtual bool out_is_tty() const = 0;
    virtual bool err_is_tty() const = 0;
    virtual std::optional<std::string> env(const char* name) const = 0;
    virtual unsigned cores() const = 0;
};

// What a subcommand leaves behind after parsing: the action to run.
using Action = std::function<int(Terminal&)>;

// One row of the command table (commands/app.hpp): the dispatcher, `--help`
// and the shell completions all read the subcommands from it.
struct CommandInfo {
    const char* name;
    const char* summary;
    // Adds the options to `command`, the subcommand already made from name and
    // summary; when it is chosen, stores its action in `action`.
    void (*setup)(CLI::App& command, Action& action);
    // Long text output a person reads: on a terminal it goes through a pager
    // (--no-pager turns that off).
    bool pages = false;
};

enum class ColorMode { auto_, always, never };

// Adds --color=auto|always|never to `app`, bound to `mode`.
void add_color_option(CLI::App& app, ColorMode& mode);
// auto: colour when stdout is a terminal and NO_COLOR is unset or empty.
bool use_color(ColorMode mode, const Terminal& t);

// A CLI11 transform for an option bound to an enum: takes exactly the names
// listed (no others, not the numbers), turns each into its enum value, and
// refuses anything else as "X not in {a,b}" (the names in this order, which
// the completions read from its description).
CLI::Validator enum_names(const std::vector<std::pair<std::string, int>>& names);

// What a command's --format writes; each command accepts its own few.
enum class OutputFormat { text, json, github, table, csv, har };
// The name a person types: "text", "json", "github", "table", "csv", "har".
const char* output_format_name(OutputFormat f);
// Adds -f,--format to `app`, bound to `format` (whose value is the default),
// accepting the names of `allowed` in that order (enum_names); --help and the
// completions list them.
void add_format_option(CLI::App& app, OutputFormat& format, std::vector<OutputFormat> allowed, const std::string& help);

// Adds --input-format to a command that reads cassettes: forces one reader
// instead of detecting the format from the content. `listed`: shown in --help
// (only where the man page documents it).
void add_input_format_option(CLI::App& command, ReadOptions& read, bool listed);

// The pager for long output, or nothing: only when stdout is a terminal;
// CASSETTE_PAGER, else PAGER, else `less -FRX`; an empty value or `cat` means none.
std::optional<std::string> pager_command(const Terminal& t);

// Formats an InputError / other failure as the one-line `cassette: error:` text.
std::string error_line(const std::string& message);

// The `cassette: error:` lines for a file's schema problems, as a person
// reads them: the first 20, then `… and N more (cassette validate FILE lists
// all)`, as compilers' -fmax-errors does.
std::vector<std::string> problem_error_lines(const std::string& path, const std::vector<Problem>& problems);

// Expands each command-line path on its own (lib expand_paths): a path that
// does not exist or holds no cassette is reported on `t` and counted in
// `failed`, and the others go on.
std::vector<std::string> expand_each(const std::vector<std::string>& paths, Terminal& t, size_t& failed);

// The directory every path is under ("fixtures/llm/"), for tables that name
// it once and list files by what differs; "" for fewer than two paths or
// none shared.
std::string common_directory(const std::vector<std::string>& paths);

// For the one-input, one-output commands (convert, import): `output` empty
// or "-" means standard output. Throws (exit 2) when `output` is `input`
// itself; only scrub writes to its input.
void refuse_overwriting_input(const std::string& input, const std::string& output);
// Writes `text` to `output` atomically (a reader never sees half a file), or
// to standard output.
void write_output(const std::string& output, const std::string& text, Terminal& t);

// Calls work(i) once for every i < count, on up to `jobs` threads (the
// caller's among them); work(i) must touch only its own slot. On a terminal,
// with 20 or more items, stderr counts them off ("cassette NAME: 12/40 files")
// and the line is cleared at the end.
void for_each_file(size_t count, unsigned jobs, const std::function<void(size_t)>& work, Terminal& t,
                   std::string_view name);

}  // namespace cassette
