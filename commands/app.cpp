#include "app.hpp"

#include <stdexcept>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "convert.hpp"
#include "diff.hpp"
#include "export.hpp"
#include "grep.hpp"
#include "import.hpp"
#include "limits.hpp"
#include "ls.hpp"
#include "scrub.hpp"
#include "show.hpp"
#include "usage.hpp"
#include "validate.hpp"
#include "version.hpp"

namespace cassette {

const std::vector<const CommandInfo*>& command_table() {
    static const std::vector<const CommandInfo*> table{
        &show_command(),   &usage_command(),   &validate_command(), &diff_command(), &export_command(),
        &import_command(), &convert_command(), &scrub_command(),    &ls_command(),   &grep_command(),
    };
    return table;
}

namespace {

// 1073741824 -> "1G": the spelling set_limit accepts back.
std::string size_text(size_t n) {
    for (auto [shift, suffix] : {std::pair{30, 'G'}, std::pair{20, 'M'}, std::pair{10, 'K'}})
        if (n >= (size_t{1} << shift) && n % (size_t{1} << shift) == 0) return fmt::format("{}{}", n >> shift, suffix);
    return std::to_string(n);
}

}  // namespace

std::string limits_help() {
    std::string out = "Limits on hostile input can be raised through the environment (see docs/limits.md):\n";
    const Limits defaults{};
    for (const auto& spec : limit_specs())
        out +=
            fmt::format("  {:<36}{}\n", fmt::format("{}={}", spec.name, size_text(defaults.*spec.field)), spec.meaning);
    out += "e.g. CASSETTE_MAX_BODY_BYTES=4G (suffixes K, M, G).";
    return out;
}

void build_app(CLI::App& app, Action& action, bool& no_pager) {
    app.description("cassette " CASSETTE_VERSION
                    ": read, check and convert HTTP cassettes (go-vcr YAML fixtures),\n"
                    "above all recorded LLM API traffic: streamed responses are shown as the message\n"
                    "the client library would have rebuilt, with its token usage.\n");
    app.footer(
        "Examples:\n"
        "  cassette show testdata/fantasy/openai_streaming.yaml   a cassette, streams reassembled\n"
        "  cassette show FILE -i 0 --raw                          interaction 0, bodies as recorded\n"
        "  cassette usage fixtures/ --by model                    token usage per model and in total\n"
        "  cassette validate fixtures/ --format github            check fixtures in CI\n"
        "  cassette diff old.yaml new.yaml                        what changed when re-recorded\n"
        "  cassette export FILE --format har -o out.har           hand traffic to other tools\n"
        "  cassette scrub --check fixtures/                       no credentials left? (pre-commit, CI)\n\n"
        "Run 'cassette COMMAND --help' for a command's options; man pages: man/cassette-COMMAND.1.\n"
        "Exit status: 0 ok, 1 findings or differences, 2 usage errors or unreadable input.\n"
        "On a terminal, show and diff page through CASSETTE_PAGER, else PAGER, else 'less -FRX'.\n\n" +
        limits_help());
    app.set_version_flag("-V,--version", "cassette " CASSETTE_VERSION);
    app.require_subcommand(1);
    app.fallthrough(false);

    for (const CommandInfo* info : command_table()) {
        CLI::App* sub = app.add_subcommand(info->name, info->summary);
        info->setup(*sub, action);
        if (info->pages)
            sub->add_flag("--no-pager", no_pager, "Write straight to standard output, not through the pager");
    }

    // Hidden: prints the completion script; completions/ holds its output.
    auto shell = std::make_shared<std::string>();
    CLI::App* completion = app.add_subcommand("completion", "Print the shell completion script");
    completion->group("");
    completion->add_option("shell", *shell, "bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    completion->callback([&app, &action, shell] {
        action = [&app, shell](Terminal& t) {
            t.out(completion_script(app, *shell));
            return 0;
        };
    });
}

const CommandInfo* chosen_command(CLI::App& app) {
    for (CLI::App* sub : app.get_subcommands())
        for (const CommandInfo* info : command_table())
            if (sub->get_name() == info->name) return info;
    return nullptr;
}

// ---- Completions ----------------------------------------------------------

namespace {

struct OptionSpec {
    std::vector<std::string> shorts, longs;  // "f", "format"
    std::string help;
    bool takes_value = false;
    bool repeatable = false;
    std::vector<std::string> choices;  // empty: any value (a file, a number)
};

struct CommandSpec {
    std::string name, summary;
    std::vector<OptionSpec> options;
    bool takes_files = false;  // positional arguments are paths
};

// One line of help, without the long explanations some options carry.
std::string one_line(std::string text) {
    if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
    return text;
}

// The values a validator such as IsMember or CheckedTransformer accepts, read
// from its description "{a,b,c}" or "value in {a->1,b->2} OR {1,2}" (the
// first set: the names a person types).
std::vector<std::string> validator_choices(const CLI::Validator& v) {
    std::string desc = v.get_description();
    auto open = desc.find('{');
    auto close = desc.find('}', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos || close < open) return {};
    std::vector<std::string> out;
    std::string inner = desc.substr(open + 1, close - open - 1);
    size_t start = 0;
    while (start <= inner.size()) {
        size_t comma = inner.find(',', start);
        std::string item = inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (auto arrow = item.find("->"); arrow != std::string::npos) item.resize(arrow);
        if (!item.empty()) out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

OptionSpec option_spec(CLI::Option& opt) {
    OptionSpec o;
    o.shorts = opt.get_snames();
    o.longs = opt.get_lnames();
    o.help = one_line(opt.get_description());
    o.takes_value = opt.get_expected_max() > 0;
    o.repeatable = o.takes_value && opt.get_items_expected_max() > 1;
    for (int i = 0;; ++i) {
        try {
            auto found = validator_choices(*opt.get_validator(i));
            if (!found.empty()) o.choices = found;
        } catch (const CLI::OptionNotFound&) {
            break;
        }
    }
    return o;
}

std::vector<OptionSpec> option_specs(CLI::App& app, bool* takes_files = nullptr) {
    std::vector<OptionSpec> out;
    for (CLI::Option* opt : app.get_options()) {
        if (opt->nonpositional())
            out.push_back(option_spec(*opt));
        else if (takes_files)
            *takes_files = true;
    }
    return out;
}

// Subcommands in table order; the hidden ones (completion) are left out.
std::vector<CommandSpec> command_specs(CLI::App& app) {
    std::vector<CommandSpec> out;
    for (CLI::App* sub : app.get_subcommands({})) {
        if (sub->get_group().empty()) continue;
        CommandSpec c;
        c.name = sub->get_name();
        c.summary = sub->get_description();
        c.options = option_specs(*sub, &c.takes_files);
        out.push_back(std::move(c));
    }
    return out;
}

std::string joined(const std::vector<std::string>& items, std::string_view sep = " ") {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += sep;
        out += item;
    }
    return out;
}

std::vector<std::string> dashed(const OptionSpec& o) {
    std::vector<std::string> out;
    for (const auto& s : o.shorts) out.push_back("-" + s);
    for (const auto& l : o.longs) out.push_back("--" + l);
    return out;
}

std::string bash_script(const std::vector<OptionSpec>& top, const std::vector<CommandSpec>& commands) {
    std::vector<std::string> first;
    for (const auto& c : commands) first.push_back(c.name);
    for (const auto& o : top)
        for (const auto& d : dashed(o)) first.push_back(d);
    std::string out =
        "# bash completion for cassette; generated by `cassette completion bash`, do not edit.\n"
        "_cassette() {\n"
        "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" cmd=\"\" i\n"
        "    (( COMP_CWORD > 0 )) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        "    # --opt=value: bash splits at '=', the option is the word before it\n"
        "    if [[ \"$cur\" == \"=\" ]]; then prev=\"${COMP_WORDS[COMP_CWORD-1]}\"; cur=\"\";\n"
        "    elif [[ \"$prev\" == \"=\" ]] && (( COMP_CWORD > 1 )); then prev=\"${COMP_WORDS[COMP_CWORD-2]}\"; fi\n"
        "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
        "        case \"${COMP_WORDS[i]}\" in\n"
        "            -*) ;;\n"
        "            *) cmd=\"${COMP_WORDS[i]}\"; break ;;\n"
        "        esac\n"
        "    done\n"
        "    if [[ -z \"$cmd\" ]]; then\n"
        "        COMPREPLY=($(compgen -W \"" +
        joined(first) +
        "\" -- \"$cur\"))\n"
        "        return\n"
        "    fi\n"
        "    local opts=\"\" files=0\n"
        "    case \"$cmd\" in\n";
    for (const auto& c : commands) {
        std::vector<std::string> words;
        std::string value_cases;
        for (const auto& o : c.options) {
            auto names = dashed(o);
            words.insert(words.end(), names.begin(), names.end());
            if (!o.takes_value) continue;
            value_cases += "                " + joined(names, "|") + ") ";
            if (o.choices.empty())
                value_cases += "COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
            else
                value_cases += "COMPREPLY=($(compgen -W \"" + joined(o.choices) + "\" -- \"$cur\")); return ;;\n";
        }
        out += "        " + c.name + ")\n";
        if (!value_cases.empty()) out += "            case \"$prev\" in\n" + value_cases + "            esac\n";
        out += "            opts=\"" + joined(words) + "\"";
        if (c.takes_files) out += "; files=1";
        out += " ;;\n";
    }
    out +=
        "        *) return ;;\n"
        "    esac\n"
        "    if [[ \"$cur\" == -* || $files == 0 ]]; then\n"
        "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
        "    else\n"
        "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
        "    fi\n"
        "}\n"
        "complete -o filenames -F _cassette cassette\n";
    return out;
}

// Text inside a zsh single-quoted _arguments spec or _describe entry.
std::string zsh_text(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (ch == '\'')
            out += "'\\''";
        else if (ch == '[' || ch == ']' || ch == ':' || ch == '\\')
            out += std::string("\\") + ch;
        else
            out += ch;
    }
    return out;
}

std::string zsh_option(const OptionSpec& o) {
    auto names = dashed(o);
    std::string exclusion = names.size() > 1 && !o.repeatable ? "(" + joined(names) + ")" : "";
    std::string tail = "[" + zsh_text(o.help) + "]";
    if (o.takes_value) {
        std::string what = o.longs.empty() ? "value" : o.longs.front();
        tail += ":" + what + ":" + (o.choices.empty() ? "_files" : "(" + joined(o.choices) + ")");
    }
    std::string star = o.repeatable ? "*" : "";
    if (names.size() == 1) return "'" + star + names.front() + tail + "'";
    return "'" + exclusion + star + "'{" + joined(names, ",") + "}'" + tail + "'";
}

std::string zsh_script(const std::vector<OptionSpec>& top, const std::vector<CommandSpec>& commands) {
    std::string out =
        "#compdef cassette\n"
        "# zsh completion for cassette; generated by `cassette completion zsh`, do not edit.\n"
        "_cassette() {\n"
        "    local curcontext=\"$curcontext\" state line\n"
        "    typeset -A opt_args\n"
        "    _arguments -C \\\n";
    for (const auto& o : top) out += "        " + zsh_option(o) + " \\\n";
    out +=
        "        '1: :->command' \\\n"
        "        '*:: :->args'\n"
        "    case $state in\n"
        "        command)\n"
        "            local -a commands\n"
        "            commands=(\n";
    for (const auto& c : commands) out += "                '" + zsh_text(c.name) + ":" + zsh_text(c.summary) + "'\n";
    out +=
        "            )\n"
        "            _describe -t commands 'cassette command' commands ;;\n"
        "        args)\n"
        "            case $line[1] in\n";
    for (const auto& c : commands) {
        out += "                " + c.name + ")\n                    _arguments";
        for (const auto& o : c.options) out += " \\\n                        " + zsh_option(o);
        if (c.takes_files) out += " \\\n                        '*:file:_files'";
        out += " ;;\n";
    }
    out +=
        "            esac ;;\n"
        "    esac\n"
        "}\n"
        "_cassette \"$@\"\n";
    return out;
}

// A fish single-quoted string.
std::string fish_quote(const std::string& s) {
    std::string out = "'";
    for (char ch : s) {
        if (ch == '\'' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "'";
}

std::string fish_option(const std::string& condition, const OptionSpec& o) {
    std::string out = "complete -c cassette -n " + fish_quote(condition);
    for (const auto& s : o.shorts) out += " -s " + s;
    for (const auto& l : o.longs) out += " -l " + l;
    if (o.takes_value) out += o.choices.empty() ? " -r -F" : " -x -a " + fish_quote(joined(o.choices));
    return out + " -d " + fish_quote(o.help) + "\n";
}

std::string fish_script(const std::vector<OptionSpec>& top, const std::vector<CommandSpec>& commands) {
    std::string out =
        "# fish completion for cassette; generated by `cassette completion fish`, do not edit.\n"
        "complete -c cassette -f\n";
    for (const auto& o : top) out += fish_option("__fish_use_subcommand", o);
    for (const auto& c : commands)
        out += "complete -c cassette -n __fish_use_subcommand -a " + c.name + " -d " + fish_quote(c.summary) + "\n";
    for (const auto& c : commands) {
        std::string condition = "__fish_seen_subcommand_from " + c.name;
        for (const auto& o : c.options) out += fish_option(condition, o);
        if (c.takes_files) out += "complete -c cassette -n " + fish_quote(condition) + " -F\n";
    }
    return out;
}

}  // namespace

std::string completion_script(CLI::App& app, std::string_view shell) {
    auto top = option_specs(app);
    auto commands = command_specs(app);
    if (shell == "bash") return bash_script(top, commands);
    if (shell == "zsh") return zsh_script(top, commands);
    if (shell == "fish") return fish_script(top, commands);
    throw std::invalid_argument("no completions for shell '" + std::string(shell) + "': bash, zsh or fish");
}

}  // namespace cassette
