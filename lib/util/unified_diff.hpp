// Line diffs in the unified format `diff -u` and `git diff` print, for
// showing what a rewrite of a file would change before it is made.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cassette {

struct DiffLine {
    enum Kind : char { context = ' ', removed = '-', added = '+' };
    Kind kind = context;
    std::string_view text;  // the line without its '\n'
    bool newline = true;    // false for a last line with no '\n' ("\ No newline at end of file")
};

// One hunk. Starts are 1-based; when a side has no lines its start is the
// line before the hunk (0 at the top of the file), as `diff -u` writes it.
struct DiffHunk {
    size_t old_start = 0, old_count = 0;
    size_t new_start = 0, new_count = 0;
    std::vector<DiffLine> lines;
};

// The hunks that turn `a` into `b`, with `context` unchanged lines around each
// change (hunks whose context would touch are merged). Lines are compared
// with their '\n', so a missing final newline is a change, as in git. The
// DiffLine texts point into `a` and `b`.
//
// The edit script is the shortest one (Myers) while finding it costs at most
// `max_work` steps and 2048 edits; past that, the lines that occur once on
// each side anchor the stretch (as patience diff does) and the pieces between
// are diffed alone; a piece with no anchor is one removal and one addition.
// Always a correct diff; only its length depends on the bounds.
std::vector<DiffHunk> diff_lines(std::string_view a, std::string_view b, size_t context = 3,
                                 size_t max_work = 50'000'000);

// "@@ -l,n +l,n @@" (",1" left out, as diff -u and git do).
std::string hunk_header(const DiffHunk& h);

// "--- a_label\n+++ b_label\n" and the hunks; empty when `a` equals `b`.
std::string unified_diff(std::string_view a, std::string_view b, std::string_view a_label, std::string_view b_label,
                         size_t context = 3);

// The text of one hunk's lines, each prefixed by ' ', '-' or '+'.
std::string hunk_body(const DiffHunk& h);

}  // namespace cassette
