// Word-level difference of two texts, for showing how a message changed
// ("[-Oi-]{+Olá+}!") rather than two whole lines.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cassette {

struct WordOp {
    enum Kind { equal, removed, added };
    Kind kind = equal;
    std::string text;
};

// Splits text into tokens: runs of word characters (ASCII letters, digits,
// `_`, and every byte of a multi-byte UTF-8 sequence, so "Olá" is one word),
// runs of whitespace, and single punctuation characters. Concatenating the
// tokens gives the text back.
std::vector<std::string_view> split_words(std::string_view text);

// The edit script from `a` to `b` on word tokens; adjacent operations of the
// same kind are merged. Common leading and trailing tokens are stripped first;
// the middle is aligned by LCS when it fits in `max_cells` table cells
// (memory stays bounded), else it is shown as one removal and one addition.
std::vector<WordOp> word_diff(std::string_view a, std::string_view b, size_t max_cells = 4'000'000);

}  // namespace cassette
