#include "diff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "semantic_diff.hpp"
#include "error.hpp"
#include "formats/message_log.hpp"
#include "reader.hpp"
#include "pricing.hpp"
#include "render.hpp"
#include "usage_report.hpp"
#include "word_diff.hpp"

namespace cassette {

namespace {

using nlohmann::json;

const char* kDiffHelp =
    "Compares two cassettes by meaning. Interactions are paired (by position, or by\n"
    "method, URL and request body when the counts differ). The request of an LLM call\n"
    "is compared as its prompt: per message (prompt.messages[N] added, removed or\n"
    "changed), prompt.system, prompt.model, prompt.tools (+ name / - name) and\n"
    "prompt.params.*; other requests as JSON. Responses are compared as status,\n"
    "headers and the reassembled message (text, reasoning, tool calls, finish reason,\n"
    "usage). Short texts show as \"Oi!\" → \"Olá!\", long ones as a word diff.\n"
    "Volatile fields (ids, timestamps, obfuscation, durations, Date and request-id\n"
    "headers, User-Agent versions) are ignored: see --list-ignored. No output and\n"
    "exit 0 when equal, exit 1 when different, 2 on trouble. When a re-recording\n"
    "changes the usage, the cost change is shown beside it (priced with the\n"
    "installed price data, or --prices FILE; docs/cost.md).\n\n"
    "As a git diff driver (see `man cassette-diff` and docs/diff-git.md):\n"
    "  git config diff.cassette.command 'cassette diff'\n"
    "  git config diff.cassette.textconv 'cassette diff --textconv'\n"
    "  echo '*.yaml diff=cassette' >> .gitattributes\n\n"
    "Examples:\n"
    "  cassette diff old.yaml new.yaml\n"
    "  cassette diff old.yaml new.yaml --format json | jq '.interactions[].changes'\n"
    "  cassette diff old.yaml new.yaml --ignore 'request.body.metadata' --stat";

// Loads a cassette; /dev/null is the empty cassette (git passes it for added
// and deleted files). Returns false after reporting on `t`.
bool load(const std::string& path, Cassette& out, const ReadOptions& ropts, Terminal& t) {
    if (path == "/dev/null") {
        out = Cassette{};
        out.path = path;
        return true;
    }
    try {
        out = load_cassette(path, ropts);
    } catch (const InputError& e) {
        t.err(error_line(format_input_error(e)));
        return false;
    }
    if (!out.problems.empty()) {
        for (const auto& line : problem_error_lines(path, out.problems)) t.err(line);
        return false;
    }
    if (!out.not_http.empty()) {
        t.err(error_line(
            path + ": a " + not_http_description(out.not_http) +
            ", not HTTP: diff compares HTTP interactions (diff two `cassette export --format json` outputs)"));
        return false;
    }
    return true;
}

std::string signed_int(int64_t d) { return (d > 0 ? "+" : d < 0 ? "-" : "±") + with_thousands(d < 0 ? -d : d); }

std::string value_text(const json& v) {
    if (v.is_string()) return printable(v.get<std::string>());
    if (v.is_number_integer()) return with_thousands(v.get<int64_t>());
    return printable(v.dump(-1, ' ', false, json::error_handler_t::replace));
}

class DiffRenderer {
public:
    explicit DiffRenderer(Palette p) : p_(p) {}

    std::string heading(const InteractionDiff& x) const {
        std::string where = fmt::format("#{}", x.index());
        if (x.kind == InteractionChangeKind::changed && x.new_index && x.old_index != x.new_index)
            where = fmt::format("#{} → #{}", *x.old_index, *x.new_index);
        std::string request = x.method + " " + printable(x.url);
        switch (x.kind) {
            case InteractionChangeKind::added: return p_.green(fmt::format("+ {} {} (added)", where, request)) + "\n";
            case InteractionChangeKind::removed: return p_.red(fmt::format("- {} {} (removed)", where, request)) + "\n";
            case InteractionChangeKind::changed: break;
        }
        return p_.cyan("@@ " + where) + " " + p_.bold(request) + "\n";
    }

    std::string change(const FieldChange& c) const {
        if (is_prompt_message(c.path)) return message_change(c);
        if (c.path == "prompt.tools") return tools_change(c);
        std::string label = "  " + p_.bold(c.path) + ":";
        if (!c.old_value) return label + " " + p_.green("+ " + value_text(*c.new_value)) + "\n";
        if (!c.new_value) return label + " " + p_.red("- " + value_text(*c.old_value)) + "\n";
        const json& a = *c.old_value;
        const json& b = *c.new_value;
        std::string out;
        if (a.is_number() && b.is_number()) {
            out = label + " " + numbers(a, b);
            for (const auto& part : c.parts)
                if (part.old_value && part.new_value)
                    out += p_.dim(
                        fmt::format(" · {} {}", last_segment(part.path), numbers(*part.old_value, *part.new_value)));
            return out + "\n";
        }
        if (a.is_string() && b.is_string()) return label + text_change(a.get<std::string>(), b.get<std::string>());
        if (a.is_structured() && b.is_structured()) {
            return label + " " +
                   word_text(a.dump(-1, ' ', false, json::error_handler_t::replace),
                             b.dump(-1, ' ', false, json::error_handler_t::replace)) +
                   "\n";
        }
        return label + " " + p_.red(value_text(a)) + " → " + p_.green(value_text(b)) + "\n";
    }

private:
    // `prompt.messages[3]`, not a field below it.
    static bool is_prompt_message(const std::string& path) {
        return path.rfind("prompt.messages[", 0) == 0 && path.back() == ']' &&
               path.find('.', std::string_view("prompt.messages").size()) == std::string::npos;
    }

    static std::string field(const json& v, const char* key) {
        if (!v.is_object() || !v.contains(key) || !v[key].is_string()) return {};
        return v[key].get<std::string>();
    }

    static bool short_line(const std::string& s) { return s.size() <= 40 && s.find('\n') == std::string::npos; }

    // After the label: a short single-line value as `"a" → "b"`, a long or
    // multi-line one as a word diff (indented below the label when it spans lines).
    std::string text_change(const std::string& a, const std::string& b) const {
        if (short_line(a) && short_line(b))
            return " " + p_.red("\"" + printable(a) + "\"") + " → " + p_.green("\"" + printable(b) + "\"") + "\n";
        std::string words = word_text(a, b);
        if (words.find('\n') == std::string::npos) return " " + words + "\n";
        return "\n" + indent(words, "    ") + "\n";
    }

    // A text shown after a label: on the line when it is one line, else indented below.
    static std::string block(const std::string& text) {
        std::string t = printable(text);
        if (t.find('\n') == std::string::npos) return " " + t + "\n";
        return "\n" + indent(t, "    ") + (t.back() == '\n' ? "" : "\n");
    }

    std::string message_change(const FieldChange& c) const {
        if (!c.old_value) {
            const json& v = *c.new_value;
            return "  " + p_.bold(c.path) + " " +
                   p_.green("added (" + printable(field(v, "role")) + "):" + block(field(v, "text")));
        }
        if (!c.new_value)
            return "  " + p_.bold(c.path) + " " + p_.red("removed (" + printable(field(*c.old_value, "role")) + ")") +
                   "\n";
        const json& a = *c.old_value;
        const json& b = *c.new_value;
        std::string role_a = printable(field(a, "role")), role_b = printable(field(b, "role"));
        std::string role = role_a == role_b ? role_a : p_.red(role_a) + " → " + p_.green(role_b);
        std::string label = "  " + p_.bold(c.path) + " (" + role + "):";
        std::string out;
        std::string text_a = field(a, "text"), text_b = field(b, "text");
        if (text_a != text_b)
            out += label + text_change(text_a, text_b);
        else if (role_a != role_b)
            out += label + block(text_b);
        json extra_a = a.is_object() && a.contains("extra") ? a["extra"] : json();
        json extra_b = b.is_object() && b.contains("extra") ? b["extra"] : json();
        if (extra_a != extra_b)
            out += "  " + p_.bold(c.path + ".extra") + ": " +
                   word_text(extra_a.dump(-1, ' ', false, json::error_handler_t::replace),
                             extra_b.dump(-1, ' ', false, json::error_handler_t::replace)) +
                   "\n";
        return out;
    }

    // `prompt.tools: + get_weather - search`: the tool names offered or withdrawn.
    std::string tools_change(const FieldChange& c) const {
        auto names = [](const json& v) {
            std::vector<std::string> out;
            if (v.is_array())
                for (const auto& n : v)
                    if (n.is_string()) out.push_back(n.get<std::string>());
            return out;
        };
        // No tools on one side: the field is absent there.
        std::vector<std::string> a = c.old_value ? names(*c.old_value) : std::vector<std::string>{};
        std::vector<std::string> b = c.new_value ? names(*c.new_value) : std::vector<std::string>{};
        std::string out;
        for (const auto& n : b)
            if (std::find(a.begin(), a.end(), n) == a.end()) out += " " + p_.green("+ " + printable(n));
        for (const auto& n : a)
            if (std::find(b.begin(), b.end(), n) == b.end()) out += " " + p_.red("- " + printable(n));
        // Same names, another order.
        if (out.empty() && c.old_value && c.new_value)
            return "  " + p_.bold(c.path) + ": " + word_text(c.old_value->dump(), c.new_value->dump()) + "\n";
        return "  " + p_.bold(c.path) + ":" + out + "\n";
    }

    static std::string last_segment(const std::string& path) {
        size_t dot = path.rfind('.');
        return dot == std::string::npos ? path : path.substr(dot + 1);
    }

    std::string numbers(const json& a, const json& b) const {
        if (a.is_number_integer() && b.is_number_integer()) {
            int64_t x = a.get<int64_t>(), y = b.get<int64_t>();
            return fmt::format("{} → {} ({})", p_.red(with_thousands(x)), p_.green(with_thousands(y)),
                               signed_int(y - x));
        }
        double x = a.get<double>(), y = b.get<double>();
        return fmt::format("{} → {} ({:+g})", p_.red(fmt::format("{:g}", x)), p_.green(fmt::format("{:g}", y)), y - x);
    }

    // git --word-diff=plain markers without colour, red/green with it.
    std::string word_text(const std::string& a, const std::string& b) const {
        std::string out;
        for (const auto& op : word_diff(a, b)) {
            std::string text = printable(op.text);
            switch (op.kind) {
                case WordOp::equal: out += text; break;
                case WordOp::removed: out += p_.on ? p_.paint("31;9", text) : "[-" + text + "-]"; break;
                case WordOp::added: out += p_.on ? p_.green(text) : "{+" + text + "+}"; break;
            }
        }
        return out;
    }

    Palette p_;
};

bool usage_changed(const InteractionDiff& x) {
    return std::any_of(x.changes.begin(), x.changes.end(),
                       [](const FieldChange& c) { return c.path.rfind("message.usage", 0) == 0; });
}

// What a changed interaction cost before and after, when both are priced.
struct CostChange {
    int64_t old_nanos = 0;
    int64_t new_nanos = 0;
};

std::optional<CostChange> cost_change(const InteractionDiff& x, const Cassette& a, const Cassette& b,
                                      const PriceData* prices) {
    if (!prices || x.kind != InteractionChangeKind::changed || !x.old_index || !x.new_index || !usage_changed(x))
        return std::nullopt;
    if (*x.old_index >= a.interactions.size() || *x.new_index >= b.interactions.size()) return std::nullopt;
    auto before = price_interaction(a.interactions[*x.old_index], *prices);
    auto after = price_interaction(b.interactions[*x.new_index], *prices);
    if (!before || !after || !before->price || !after->price) return std::nullopt;
    return CostChange{before->price->nanos, after->price->nanos};
}

std::string cost_line(const CostChange& c, const Palette& p) {
    int64_t d = c.new_nanos - c.old_nanos;
    std::string delta = d > 0 ? "+" + format_usd(d) : d < 0 ? "-" + format_usd(-d) : "±$0";
    return "  " + p.bold("cost") + ": " +
           fmt::format("{} → {} ({})", p.red(format_usd(c.old_nanos)), p.green(format_usd(c.new_nanos)), delta) + "\n";
}

std::string stat_text(const CassetteDiff& d, const Palette& p) {
    std::vector<std::pair<std::string, std::string>> rows;
    size_t changed = 0, added = 0, removed = 0, fields = 0;
    for (const auto& x : d.interactions) {
        std::string label = fmt::format("#{} {} {}", x.index(), x.method, printable(x.url));
        std::string what;
        switch (x.kind) {
            case InteractionChangeKind::changed:
                ++changed;
                fields += x.changes.size();
                what = fmt::format("{} field{} ", x.changes.size(), x.changes.size() == 1 ? "" : "s") +
                       p.yellow(std::string(std::min<size_t>(x.changes.size(), 40), '~'));
                break;
            case InteractionChangeKind::added:
                ++added;
                what = p.green("added");
                break;
            case InteractionChangeKind::removed:
                ++removed;
                what = p.red("removed");
                break;
        }
        rows.emplace_back(std::move(label), std::move(what));
    }
    size_t width = 0;
    for (const auto& r : rows) width = std::max(width, r.first.size());
    std::string out;
    for (const auto& r : rows) out += fmt::format(" {:<{}} | {}\n", r.first, width, r.second);
    out += fmt::format(" {} interaction{} changed, {} added, {} removed; {} field{} changed\n", changed,
                       changed == 1 ? "" : "s", added, removed, fields, fields == 1 ? "" : "s");
    return out;
}

// The normalized text view for git's textconv: one line per visible field.
std::string textconv_text(const Cassette& c, const std::vector<IgnoreRule>& rules) {
    std::string out = fmt::format("# cassette {} v{}, {} interaction{}\n", c.format, c.version, c.interactions.size(),
                                  c.interactions.size() == 1 ? "" : "s");
    for (const auto& ix : c.interactions) {
        out += fmt::format("\n#{} {} {}\n", ix.index, ix.request.method, printable(ix.request.url));
        for (const auto& [path, value] : visible_fields(ix, rules)) {
            if (path == "request.method" || path == "request.url") continue;
            // A prompt message: its role, then its text.
            if (value.is_object() && path.rfind("prompt.messages[", 0) == 0 && value.contains("text") &&
                value["text"].is_string() && value.contains("role") && value["role"].is_string()) {
                std::string head = path + " (" + printable(value["role"].get<std::string>()) + ")";
                std::string text = printable(value["text"].get<std::string>());
                if (text.find('\n') != std::string::npos) {
                    out += head + ": |\n" + indent(text, "  ");
                    if (text.back() != '\n') out += "\n";
                } else {
                    out += head + ": " + text + "\n";
                }
                if (value.contains("extra"))
                    out += path +
                           ".extra: " + printable(value["extra"].dump(-1, ' ', false, json::error_handler_t::replace)) +
                           "\n";
                continue;
            }
            // Numbers as written (no thousands separators): a stable, greppable view.
            std::string text = value.is_string()
                                   ? printable(value.get<std::string>())
                                   : printable(value.dump(-1, ' ', false, json::error_handler_t::replace));
            if (value.is_string() && text.find('\n') != std::string::npos) {
                out += path + ": |\n" + indent(text, "  ");
                if (text.back() != '\n') out += "\n";
            } else {
                out += path + ": " + text + "\n";
            }
        }
    }
    return out;
}

}  // namespace

int run_diff(const DiffCommandOptions& opts, Terminal& t) {
    DiffOptions dopts;
    dopts.ignore = opts.ignore;
    dopts.no_ignore = opts.no_ignore;
    std::vector<IgnoreRule> rules = effective_ignore_rules(dopts);
    Palette palette{use_color(opts.color, t)};

    if (opts.list_ignored) {
        std::string out;
        size_t width = 0;
        for (const auto& r : rules) width = std::max(width, r.pattern.size());
        for (const auto& r : rules)
            out += fmt::format("{:<{}}  {}\n", r.pattern, width,
                               palette.dim("# " + r.reason + (r.versions_only ? " (version numbers only)" : "")));
        t.out(out);
        return exit_ok;
    }

    if (opts.textconv) {
        if (opts.files.size() != 1) {
            t.err(error_line("--textconv takes one file"));
            return exit_trouble;
        }
        Cassette c;
        if (!load(opts.files[0], c, opts.read, t)) return exit_trouble;
        t.out(textconv_text(c, rules));
        return exit_ok;
    }

    // `cassette diff A B`, or git's external diff call:
    // path old-file old-hex old-mode new-file new-hex new-mode [new-path xfrm-msg].
    bool git = opts.files.size() == 7 || opts.files.size() == 9;
    if (!git && opts.files.size() != 2) {
        t.err(error_line(
            fmt::format("diff takes two cassettes (A B) or git's 7 diff-driver arguments, got {}", opts.files.size())));
        return exit_trouble;
    }
    std::string path_a = git ? opts.files[1] : opts.files[0];
    std::string path_b = git ? opts.files[4] : opts.files[1];
    std::string name_a = git ? (path_a == "/dev/null" ? path_a : "a/" + opts.files[0]) : path_a;
    std::string name_b =
        git ? (path_b == "/dev/null" ? path_b : "b/" + (opts.files.size() == 9 ? opts.files[7] : opts.files[0]))
            : path_b;

    Cassette a, b;
    if (!load(path_a, a, opts.read, t) || !load(path_b, b, opts.read, t)) return exit_trouble;
    CassetteDiff d = diff_cassettes(a, b, dopts);
    // Git treats any non-zero status of a diff driver as failure ("external
    // diff died"), so differences exit 0 there.
    int differ = git ? exit_ok : exit_findings;
    if (d.equal()) return exit_ok;

    // Price data for the cost beside a usage change: the installed copy when
    // there is one; a file named with --prices or CASSETTE_PRICES must load.
    std::shared_ptr<const PriceData> prices;
    if (!opts.stat && std::any_of(d.interactions.begin(), d.interactions.end(), usage_changed)) {
        std::string path = find_price_data(opts.prices);
        if (!path.empty()) {
            try {
                prices = PriceData::load(path);
            } catch (const InputError& e) {
                if (!opts.prices.empty() || std::getenv("CASSETTE_PRICES")) {
                    t.err(error_line(format_input_error(e)));
                    return exit_trouble;
                }
            }
        }
    }

    if (opts.format == OutputFormat::json) {
        nlohmann::ordered_json j = to_json(d);
        for (size_t i = 0; i < d.interactions.size(); ++i)
            if (auto c = cost_change(d.interactions[i], a, b, prices.get()))
                j["interactions"][i]["cost"] = {{"old", static_cast<double>(c->old_nanos) / 1e9},
                                                {"new", static_cast<double>(c->new_nanos) / 1e9},
                                                {"currency", "USD"}};
        t.out(j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
        return differ;
    }
    std::string out;
    if (git) out += palette.bold(fmt::format("diff --cassette {} {}", name_a, name_b)) + "\n";
    out += palette.bold("--- " + name_a) + "\n" + palette.bold("+++ " + name_b) + "\n";
    if (opts.stat) {
        out += stat_text(d, palette);
    } else {
        DiffRenderer r(palette);
        for (const auto& x : d.interactions) {
            out += r.heading(x);
            auto cost = cost_change(x, a, b, prices.get());
            for (size_t i = 0; i < x.changes.size(); ++i) {
                out += r.change(x.changes[i]);
                // Beside the last usage counter that changed.
                bool last_usage = x.changes[i].path.rfind("message.usage", 0) == 0 &&
                                  (i + 1 == x.changes.size() || x.changes[i + 1].path.rfind("message.usage", 0) != 0);
                if (cost && last_usage) out += cost_line(*cost, palette);
            }
        }
    }
    t.out(out);
    return differ;
}

const CommandInfo& diff_command() {
    static const CommandInfo info{
        "diff", "Semantic difference of two cassettes; a git diff driver",
        [](CLI::App& command, Action& action) {
            auto opts = std::make_shared<DiffCommandOptions>();
            CLI::App* sub = &command;
            sub->footer(kDiffHelp);
            sub->add_option("files", opts->files,
                            "A B (cassettes, '-' for standard input), or the 7 arguments git passes a diff driver");
            sub->add_option("--ignore", opts->ignore,
                            "Also ignore fields matching PATH (e.g. 'request.body.metadata', 'response.headers.X-*', "
                            "'**.seed'; repeatable)")
                ->type_name("PATH");
            sub->add_flag("--no-ignore", opts->no_ignore,
                          "Compare volatile fields too (only --ignore paths are left out)");
            sub->add_flag("--list-ignored", opts->list_ignored, "Print the ignored field patterns and exit");
            sub->add_flag("--stat", opts->stat, "Only a summary: changed fields per interaction, added, removed");
            sub->add_flag("--textconv", opts->textconv,
                          "Print one cassette as normalized text (one line per field, volatile fields left out), "
                          "for git's textconv");
            add_format_option(*sub, opts->format, {OutputFormat::text, OutputFormat::json}, "Output format");
            sub->add_option("--prices", opts->prices,
                            "Price data for the cost beside a usage change (a genai-prices data.json)")
                ->type_name("FILE");
            add_color_option(*sub, opts->color);
            add_input_format_option(*sub, opts->read, false);
            sub->callback([opts, &action] { action = [opts](Terminal& t) { return run_diff(*opts, t); }; });
        },
        true};
    return info;
}

}  // namespace cassette
