// cassette: read, check and convert HTTP cassettes.
//
// This file is wiring only: the subcommand table, the terminal, and turning
// every failure into `cassette: error: …` and an exit status from one place.
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "command.hpp"
#include "convert.hpp"
#include "diff.hpp"
#include "error.hpp"
#include "export.hpp"
#include "import.hpp"
#include "limits.hpp"
#include "reader.hpp"
#include "scrub.hpp"
#include "show.hpp"
#include "usage.hpp"
#include "validate.hpp"
#include "version.hpp"

namespace {

class StdTerminal final : public cassette::Terminal {
public:
    void out(std::string_view text) override { std::cout.write(text.data(), static_cast<std::streamsize>(text.size())); }
    void err(std::string_view text) override {
        std::cout.flush();
        std::cerr.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    bool out_is_tty() const override { return isatty(STDOUT_FILENO) != 0; }
    bool err_is_tty() const override { return isatty(STDERR_FILENO) != 0; }
    std::optional<std::string> env(const char* name) const override {
        const char* v = std::getenv(name);
        return v ? std::optional<std::string>(v) : std::nullopt;
    }
    unsigned cores() const override {
        unsigned n = std::thread::hardware_concurrency();
        return n ? n : 1;
    }
};

// The subcommands, in the order `--help` lists them.
const cassette::CommandInfo* const kCommands[] = {
    &cassette::show_command(),
    &cassette::usage_command(),
    &cassette::validate_command(),
    &cassette::diff_command(),
    &cassette::export_command(),
    &cassette::import_command(),
    &cassette::convert_command(),
    &cassette::scrub_command(),
};

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    StdTerminal terminal;
    CLI::App app{"cassette " CASSETTE_VERSION
                  ": read, check and convert HTTP cassettes (go-vcr YAML fixtures),\n"
                  "above all recorded LLM API traffic: streamed responses are shown as the message\n"
                  "the client library would have rebuilt, with its token usage.\n",
                  "cassette"};
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
        "Exit status: 0 ok, 1 findings or differences, 2 usage errors or unreadable input.\n\n"
        "Limits on hostile input can be raised through the environment (see docs/limits.md):\n"
        "  CASSETTE_MAX_YAML_DEPTH (256), CASSETTE_MAX_YAML_ALIAS_NODES (1M),\n"
        "  CASSETTE_MAX_JSON_DEPTH (512), CASSETTE_MAX_BODY_BYTES (1G); e.g. CASSETTE_MAX_BODY_BYTES=4G.");
    app.set_version_flag("-V,--version", "cassette " CASSETTE_VERSION);
    app.require_subcommand(1);
    app.fallthrough(false);

    cassette::Action action;
    for (const auto* command : kCommands) command->setup(app, action);
    // --input-format on every subcommand that reads cassettes: forces one
    // reader instead of detecting the format from the content.
    std::string input_format = "auto";
    // Listed in --help only where the man page documents it (docs/formats.md).
    for (CLI::App* sub : app.get_subcommands({}))
        if (sub->get_name() != "import")
            sub->add_option("--input-format", input_format,
                            "Read inputs as this format instead of detecting it: auto, go-vcr, vcrpy, ruby-vcr, har, "
                            "httprr, nock")
                ->check(CLI::IsMember(cassette::known_input_formats()))
                ->group(sub->get_name() == "convert" ? "Options" : "");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        terminal.err(cassette::error_line(std::string(e.what()) + "\nRun 'cassette --help' for usage."));
        return cassette::exit_trouble;
    }
    if (!action) return cassette::exit_trouble;
    cassette::set_default_input_format(input_format);
    // Limits from the environment, set once before anything is read (lib/
    // never reads the environment itself).
    for (const auto& spec : cassette::limit_specs()) {
        if (auto value = terminal.env(spec.name)) {
            if (auto problem = cassette::set_limit(spec.name, *value)) {
                terminal.err(cassette::error_line(*problem));
                return cassette::exit_trouble;
            }
        }
    }
    try {
        return action(terminal);
    } catch (const cassette::InputError& e) {
        terminal.err(cassette::error_line(cassette::format_input_error(e)));
    } catch (const std::exception& e) {
        terminal.err(cassette::error_line(e.what()));
    }
    return cassette::exit_trouble;
}
