// The command table and the command line built from it: the dispatcher in
// cli/main.cpp, `cassette --help` and the shell completions all read the
// subcommands from here, so they cannot disagree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"

namespace cassette {

// The subcommands, in the order `--help` lists them.
const std::vector<const CommandInfo*>& command_table();

// Fills `app` (named "cassette"): description, footer, version flag, every
// command of the table (with --no-pager where it pages), and the hidden
// `completion SHELL` command. A chosen command stores its action in `action`;
// --no-pager sets `no_pager`. Both must outlive `app`'s parse.
void build_app(CLI::App& app, Action& action, bool& no_pager);

// The table row of the subcommand `app` parsed, or nullptr.
const CommandInfo* chosen_command(CLI::App& app);

// The --help paragraph about the limits on hostile input, from limit_specs().
std::string limits_help();

// The completion script for `shell` (bash, zsh or fish), generated from the
// subcommands and options of the live `app`. Throws std::invalid_argument
// for another shell.
std::string completion_script(CLI::App& app, std::string_view shell);

}  // namespace cassette
