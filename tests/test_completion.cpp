// The command line as one table: --help, the dispatcher and the shell
// completions list the same commands; the checked-in completion scripts are
// what the binary prints; bash completes with them; the pager choice.
#include <cstdio>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

#include "app.hpp"
#include "fake_terminal.hpp"
#include "test_support.hpp"

using testsupport::run_cassette;

namespace {

bool have_program(const std::string& name) {
    return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// Standard output of `sh -c script` run in the source dir.
std::string shell_output(const std::string& script) {
    std::string out;
    FILE* p = popen(script.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    pclose(p);
    return out;
}

// What bash's completion function offers for `words` (the last one is
// being completed).
std::string bash_complete(const std::string& words) {
    return shell_output("bash -c 'source completions/cassette.bash; COMP_WORDS=(" + words +
                        "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _cassette; echo \"${COMPREPLY[@]}\"' 2>&1");
}

}  // namespace

TEST_CASE("command table: --help lists every command, each dispatches", "[cli][completion]") {
    auto help = run_cassette({"--help"});
    REQUIRE(help.exit_code == 0);
    for (const cassette::CommandInfo* info : cassette::command_table()) {
        CAPTURE(info->name);
        CHECK(help.out.find(std::string(info->name) + " ") != std::string::npos);
        CHECK(help.out.find(info->summary) != std::string::npos);
        CHECK(run_cassette({info->name, "--help"}).exit_code == 0);
    }
    // The hidden completion command is not advertised.
    CHECK(help.out.find("completion") == std::string::npos);
    // The limits paragraph comes from the limits table, defaults included.
    CHECK(help.out.find("CASSETTE_MAX_YAML_DEPTH=256") != std::string::npos);
    CHECK(help.out.find("CASSETTE_MAX_BODY_BYTES=1G") != std::string::npos);
    CHECK(help.out.find("CASSETTE_MAX_YAML_ALIAS_NODES=1M") != std::string::npos);
}

TEST_CASE("command table: --input-format on each command that reads cassettes, not on import", "[cli][completion]") {
    CLI::App app{"", "cassette"};
    cassette::Action action;
    bool no_pager = false;
    cassette::build_app(app, action, no_pager);
    for (const cassette::CommandInfo* info : cassette::command_table()) {
        CAPTURE(info->name);
        CLI::App* sub = app.get_subcommand(info->name);
        bool has = false;
        for (const CLI::Option* opt : sub->get_options())
            if (opt->check_lname("input-format")) has = true;
        CHECK(has == (std::string(info->name) != "import"));
        bool pager_flag = false;
        for (const CLI::Option* opt : sub->get_options())
            if (opt->check_lname("no-pager")) pager_flag = true;
        CHECK(pager_flag == info->pages);
    }
    CHECK(cassette::chosen_command(app) == nullptr);
    app.parse(std::vector<std::string>{"x.yaml", "--no-pager", "show"});  // CLI11 takes argv reversed
    REQUIRE(cassette::chosen_command(app) != nullptr);
    CHECK(std::string(cassette::chosen_command(app)->name) == "show");
    CHECK(no_pager);
}

TEST_CASE("completions: the checked-in scripts are what the binary prints", "[cli][completion]") {
    for (const auto& [shell, file] :
         std::vector<std::pair<std::string, std::string>>{{"bash", "completions/cassette.bash"},
                                                          {"zsh", "completions/_cassette"},
                                                          {"fish", "completions/cassette.fish"}}) {
        CAPTURE(shell);
        auto printed = run_cassette({"completion", shell});
        REQUIRE(printed.exit_code == 0);
        INFO("regenerate with: build/cassette completion " << shell << " > " << file);
        CHECK(testsupport::unified_diff(testsupport::read_file(file), printed.out, file,
                                        "cassette completion " + shell) == "");
    }
    auto bad = run_cassette({"completion", "tcsh"});
    CHECK(bad.exit_code == 2);
}

TEST_CASE("completions: every command and option is in each script", "[cli][completion]") {
    CLI::App app{"", "cassette"};
    cassette::Action action;
    bool no_pager = false;
    cassette::build_app(app, action, no_pager);
    for (const std::string shell : {"bash", "zsh", "fish"}) {
        std::string script = cassette::completion_script(app, shell);
        for (const cassette::CommandInfo* info : cassette::command_table()) {
            CAPTURE(shell, info->name);
            CHECK(script.find(info->name) != std::string::npos);
            for (const CLI::Option* opt : app.get_subcommand(info->name)->get_options())
                for (const auto& l : opt->get_lnames()) {
                    CAPTURE(l);
                    CHECK(script.find((shell == "fish" ? "-l " : "--") + l) != std::string::npos);
                }
        }
    }
    CHECK_THROWS_AS(cassette::completion_script(app, "tcsh"), std::invalid_argument);
}

TEST_CASE("completions: bash completes commands, options and their values", "[cli][completion]") {
    if (!have_program("bash")) return;
    CHECK(bash_complete("cassette sh") == "show\n");
    CHECK(bash_complete("cassette us") == "usage\n");
    CHECK(bash_complete("cassette usage --b") == "--by\n");
    CHECK(bash_complete("cassette usage x.yaml --by \"\"") == "interaction file model\n");
    CHECK(bash_complete("cassette show -f j") == "json\n");
    CHECK(bash_complete("cassette diff --no-p") == "--no-pager\n");
    CHECK(bash_complete("cassette show --input-format h") == "httprr har\n");  // in known_input_formats() order
    CHECK(bash_complete("cassette --ver") == "--version\n");
}

TEST_CASE("completions: zsh and fish accept their scripts", "[cli][completion]") {
    if (have_program("zsh")) CHECK(std::system("zsh -n completions/_cassette") == 0);
    if (have_program("fish")) CHECK(std::system("fish -n completions/cassette.fish") == 0);
    CHECK(std::system("bash -n completions/cassette.bash") == 0);
}

TEST_CASE("pager: only on a terminal, CASSETTE_PAGER over PAGER, empty or cat means none", "[cli][pager]") {
    testsupport::FakeTerminal t;
    CHECK_FALSE(cassette::pager_command(t).has_value());  // not a terminal
    t.vars["PAGER"] = "more";
    CHECK_FALSE(cassette::pager_command(t).has_value());
    t.out_tty = true;
    CHECK(cassette::pager_command(t) == "more");
    t.vars["CASSETTE_PAGER"] = "most -s";
    CHECK(cassette::pager_command(t) == "most -s");
    t.vars["CASSETTE_PAGER"] = "";
    CHECK_FALSE(cassette::pager_command(t).has_value());  // empty: no pager, PAGER not consulted
    t.vars["CASSETTE_PAGER"] = " cat ";
    CHECK_FALSE(cassette::pager_command(t).has_value());
    t.vars.clear();
    CHECK(cassette::pager_command(t) == "less -FRX");
    t.vars["PAGER"] = "cat";
    CHECK_FALSE(cassette::pager_command(t).has_value());
}

TEST_CASE("pager: not used when standard output is not a terminal", "[cli][pager]") {
    // A pager that would leave a mark if it ran.
    std::filesystem::path mark = std::filesystem::temp_directory_path() / "cassette-pager-mark";
    std::filesystem::remove(mark);
    setenv("CASSETTE_PAGER", ("touch " + mark.string() + "; cat").c_str(), 1);
    auto r = run_cassette({"show", "testdata/fantasy/openai_streaming.yaml"});
    unsetenv("CASSETTE_PAGER");
    CHECK(r.exit_code == 0);
    CHECK(!r.out.empty());
    CHECK_FALSE(std::filesystem::exists(mark));
}
