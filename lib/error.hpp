// Errors that reach the user as `cassette: error: FILE:LINE:COL: message`.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "model.hpp"

namespace cassette {

// Exit statuses, in one place (the man pages: 0 ok, 1 findings/differences, 2 trouble).
enum ExitCode : int { exit_ok = 0, exit_findings = 1, exit_trouble = 2 };

// Input that cannot be read or parsed. `pos` is 1-based (0 = unknown);
// `source_line` is the text of that line when known, for the caret display.
class InputError : public std::runtime_error {
public:
    InputError(std::string file, Position pos, const std::string& message, std::string source_line = {},
               std::string rule = "yaml-syntax")
        : std::runtime_error(message),
          file_(std::move(file)),
          pos_(pos),
          source_line_(std::move(source_line)),
          rule_(std::move(rule)) {}

    const std::string& file() const { return file_; }
    Position pos() const { return pos_; }
    const std::string& source_line() const { return source_line_; }
    // The validation rule this maps to: "yaml-syntax", "schema", or "io".
    const std::string& rule() const { return rule_; }

private:
    std::string file_;
    Position pos_;
    std::string source_line_;
    std::string rule_;
};

// "FILE:LINE:COL: message" followed, when the line is known, by the quoted
// line and a caret under the column (ninja-style). No trailing newline.
std::string format_input_error(const InputError& e);

}  // namespace cassette

namespace cassette {

// The text of line `line` (1-based) of file `path`, without its newline; empty
// when unknown (standard input, missing file).
std::string source_line_of(const std::string& path, int line);

// A schema problem as an InputError, with its source line for the caret.
InputError problem_error(const std::string& path, const Problem& p);

// The first `limit` problems as InputErrors with their source lines, the file
// read once for all of them (a file of many broken interactions is reported
// in time linear in its size, not in size times problems).
std::vector<InputError> problem_errors(const std::string& path, const std::vector<Problem>& problems, size_t limit);

}  // namespace cassette
