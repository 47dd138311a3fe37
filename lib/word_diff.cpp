#include "word_diff.hpp"

#include <algorithm>
#include <cstdint>

namespace cassette {

namespace {

enum class Class { word, space, punct };

Class class_of(unsigned char c) {
    if (c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return Class::word;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return Class::space;
    return Class::punct;
}

void push(std::vector<WordOp>& ops, WordOp::Kind kind, std::string_view text) {
    if (text.empty()) return;
    if (!ops.empty() && ops.back().kind == kind) {
        ops.back().text += text;
        return;
    }
    ops.push_back(WordOp{kind, std::string(text)});
}

}  // namespace

std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < text.size()) {
        Class c = class_of(static_cast<unsigned char>(text[i]));
        size_t j = i + 1;
        if (c != Class::punct)
            while (j < text.size() && class_of(static_cast<unsigned char>(text[j])) == c) ++j;
        out.push_back(text.substr(i, j - i));
        i = j;
    }
    return out;
}

std::vector<WordOp> word_diff(std::string_view a, std::string_view b, size_t max_cells) {
    std::vector<std::string_view> ta = split_words(a);
    std::vector<std::string_view> tb = split_words(b);
    size_t prefix = 0;
    while (prefix < ta.size() && prefix < tb.size() && ta[prefix] == tb[prefix]) ++prefix;
    size_t suffix = 0;
    while (suffix < ta.size() - prefix && suffix < tb.size() - prefix &&
           ta[ta.size() - 1 - suffix] == tb[tb.size() - 1 - suffix])
        ++suffix;

    std::vector<WordOp> ops;
    for (size_t i = 0; i < prefix; ++i) push(ops, WordOp::equal, ta[i]);

    const size_t n = ta.size() - prefix - suffix;
    const size_t m = tb.size() - prefix - suffix;
    auto A = [&](size_t i) { return ta[prefix + i]; };
    auto B = [&](size_t j) { return tb[prefix + j]; };
    if (n == 0 || m == 0 || (n + 1) > max_cells / (m + 1)) {
        // Nothing to align, or too big to align within the memory bound.
        for (size_t i = 0; i < n; ++i) push(ops, WordOp::removed, A(i));
        for (size_t j = 0; j < m; ++j) push(ops, WordOp::added, B(j));
    } else {
        // LCS lengths of suffixes; min(n, m) <= sqrt(max_cells) keeps them small,
        // but use 32 bits so any max_cells is safe.
        std::vector<uint32_t> L((n + 1) * (m + 1), 0);
        auto at = [&](size_t i, size_t j) -> uint32_t& { return L[i * (m + 1) + j]; };
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;)
                at(i, j) = A(i) == B(j) ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
        size_t i = 0, j = 0;
        // Removals before additions at each divergence, as git's word diff does.
        while (i < n || j < m) {
            if (i < n && j < m && A(i) == B(j)) {
                push(ops, WordOp::equal, A(i));
                ++i;
                ++j;
            } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
                push(ops, WordOp::removed, A(i++));
            } else {
                push(ops, WordOp::added, B(j++));
            }
        }
    }
    for (size_t k = tb.size() - suffix; k < tb.size(); ++k) push(ops, WordOp::equal, tb[k]);
    return ops;
}

}  // namespace cassette
