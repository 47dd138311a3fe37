#include "util/unified_diff.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

namespace cassette {

namespace {

// Lines with their '\n' (the last may have none).
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        lines.push_back(text.substr(start, end - start));
        start = end;
    }
    return lines;
}

struct Op {
    DiffLine::Kind kind;
    size_t a;  // lines of `a` before this one
    size_t b;  // lines of `b` before this one
};

// Beyond this many edits the trace Myers keeps (one slice per edit, (d+1)^2
// values in all) would pass 32 MB; such a stretch is split at anchors instead.
constexpr size_t kMaxEdits = 2048;
// Splitting at anchors nests at most this deep before a stretch is written
// as one removal and one addition.
constexpr int kMaxSplitDepth = 64;

using Kinds = std::vector<DiffLine::Kind>;

// Myers' greedy shortest edit script between x[0, n) and y[0, m) (line ids),
// appended to `ops`; false (and nothing appended) when it would take more
// than kMaxEdits edits or more than `budget` steps. Steps taken are
// subtracted from `budget` either way.
bool myers(const int* x, long n, const int* y, long m, size_t& budget, Kinds& ops) {
    const long max = n + m;
    std::vector<long> v(static_cast<size_t>(2 * max + 3), 0);
    auto at = [&](long k) -> long& { return v[static_cast<size_t>(k + max + 1)]; };
    std::vector<std::vector<long>> trace;
    size_t work = 0;
    long found = -1;
    auto spend = [&] { budget -= std::min(budget, work); };
    for (long d = 0; d <= max; ++d) {
        if (static_cast<size_t>(d) > kMaxEdits) {
            spend();
            return false;
        }
        std::vector<long> slice(static_cast<size_t>(2 * d + 1));
        for (long k = -d; k <= d; ++k) slice[static_cast<size_t>(k + d)] = at(k);
        trace.push_back(std::move(slice));
        for (long k = -d; k <= d; k += 2) {
            long px = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
            long py = px - k;
            while (px < n && py < m && x[px] == y[py]) {
                ++px;
                ++py;
                ++work;
            }
            at(k) = px;
            if (px >= n && py >= m) {
                found = d;
                break;
            }
        }
        work += static_cast<size_t>(2 * d + 1);
        if (found >= 0) break;
        if (work > budget) {
            spend();
            return false;
        }
    }
    spend();
    // Walk back from (n, m) through the saved states.
    Kinds rev;
    long px = n, py = m;
    for (long d = found; d > 0; --d) {
        const std::vector<long>& prev = trace[static_cast<size_t>(d)];
        auto pv = [&](long k) { return prev[static_cast<size_t>(k + d)]; };
        long k = px - py;
        long prev_k = (k == -d || (k != d && pv(k - 1) < pv(k + 1))) ? k + 1 : k - 1;
        long prev_x = pv(prev_k), prev_y = prev_x - prev_k;
        while (px > prev_x && py > prev_y) {
            rev.push_back(DiffLine::context);
            --px;
            --py;
        }
        rev.push_back(px == prev_x ? DiffLine::added : DiffLine::removed);
        px = prev_x;
        py = prev_y;
    }
    while (px > 0 && py > 0) {
        rev.push_back(DiffLine::context);
        --px;
        --py;
    }
    ops.insert(ops.end(), rev.rbegin(), rev.rend());
    return true;
}

// The edit script of x[xlo, xhi) and y[ylo, yhi): Myers when it fits the
// budget; else the stretch is cut at anchors (lines that occur once on each
// side, the longest run of them in the same order, as patience diff does) and
// each piece diffed on its own, so a long file with many scattered edits (a
// cookie in every entry of a HAR) still gets a line-by-line diff.
void diff_range(const std::vector<int>& x, size_t xlo, size_t xhi, const std::vector<int>& y, size_t ylo, size_t yhi,
                size_t& budget, int depth, Kinds& ops) {
    size_t head = 0;
    while (xlo + head < xhi && ylo + head < yhi && x[xlo + head] == y[ylo + head]) ++head;
    ops.insert(ops.end(), head, DiffLine::context);
    xlo += head;
    ylo += head;
    size_t tail = 0;
    while (xhi - tail > xlo && yhi - tail > ylo && x[xhi - 1 - tail] == y[yhi - 1 - tail]) ++tail;
    xhi -= tail;
    yhi -= tail;
    const long n = static_cast<long>(xhi - xlo), m = static_cast<long>(yhi - ylo);
    if (n == 0 || m == 0 || !myers(x.data() + xlo, n, y.data() + ylo, m, budget, ops)) {
        std::vector<std::pair<size_t, size_t>> anchors;
        if (n > 0 && m > 0 && depth < kMaxSplitDepth) {
            struct Seen {
                size_t in_x = 0, in_y = 0, at_x = 0, at_y = 0;
            };
            std::unordered_map<int, Seen> seen;
            for (size_t i = xlo; i < xhi; ++i) {
                Seen& s = seen[x[i]];
                ++s.in_x;
                s.at_x = i;
            }
            for (size_t j = ylo; j < yhi; ++j) {
                auto it = seen.find(y[j]);
                if (it == seen.end()) continue;
                ++it->second.in_y;
                it->second.at_y = j;
            }
            std::vector<std::pair<size_t, size_t>> unique;  // (x, y), in x order
            for (size_t i = xlo; i < xhi; ++i) {
                const Seen& s = seen[x[i]];
                if (s.in_x == 1 && s.in_y == 1) unique.push_back({i, s.at_y});
            }
            // Longest increasing run of y positions (patience sorting).
            std::vector<size_t> piles, prev(unique.size(), SIZE_MAX);
            for (size_t k = 0; k < unique.size(); ++k) {
                auto it = std::lower_bound(piles.begin(), piles.end(), unique[k].second,
                                           [&](size_t pile, size_t yv) { return unique[pile].second < yv; });
                if (it != piles.begin()) prev[k] = *(it - 1);
                if (it == piles.end())
                    piles.push_back(k);
                else
                    *it = k;
            }
            for (size_t k = piles.empty() ? SIZE_MAX : piles.back(); k != SIZE_MAX; k = prev[k])
                anchors.push_back(unique[k]);
            std::reverse(anchors.begin(), anchors.end());
        }
        if (anchors.empty()) {
            ops.insert(ops.end(), static_cast<size_t>(n), DiffLine::removed);
            ops.insert(ops.end(), static_cast<size_t>(m), DiffLine::added);
        } else {
            size_t px = xlo, py = ylo;
            for (const auto& [ax, ay] : anchors) {
                diff_range(x, px, ax, y, py, ay, budget, depth + 1, ops);
                ops.push_back(DiffLine::context);
                px = ax + 1;
                py = ay + 1;
            }
            diff_range(x, px, xhi, y, py, yhi, budget, depth + 1, ops);
        }
    }
    ops.insert(ops.end(), tail, DiffLine::context);
}

}  // namespace

std::vector<DiffHunk> diff_lines(std::string_view a, std::string_view b, size_t context, size_t max_work) {
    std::vector<std::string_view> la = split_lines(a), lb = split_lines(b);
    Kinds kinds;
    {
        std::unordered_map<std::string_view, int> ids;
        auto id_of = [&](std::string_view line) {
            return ids.emplace(line, static_cast<int>(ids.size())).first->second;
        };
        std::vector<int> x, y;
        x.reserve(la.size());
        y.reserve(lb.size());
        for (std::string_view l : la) x.push_back(id_of(l));
        for (std::string_view l : lb) y.push_back(id_of(l));
        size_t budget = max_work;
        diff_range(x, 0, x.size(), y, 0, y.size(), budget, 0, kinds);
    }

    std::vector<Op> ops;
    ops.reserve(kinds.size());
    size_t ia = 0, ib = 0;
    for (DiffLine::Kind k : kinds) {
        ops.push_back({k, ia, ib});
        if (k != DiffLine::added) ++ia;
        if (k != DiffLine::removed) ++ib;
    }

    auto line = [&](const Op& op) {
        std::string_view text = op.kind == DiffLine::added ? lb[op.b] : la[op.a];
        DiffLine dl;
        dl.kind = op.kind;
        dl.newline = !text.empty() && text.back() == '\n';
        dl.text = dl.newline ? text.substr(0, text.size() - 1) : text;
        return dl;
    };

    std::vector<DiffHunk> hunks;
    size_t i = 0;
    while (i < ops.size()) {
        if (ops[i].kind == DiffLine::context) {
            ++i;
            continue;
        }
        // A change at i: the hunk runs from `context` lines before it to
        // `context` lines after the last change that is no more than
        // 2 * context unchanged lines from the one before.
        size_t begin = i > context ? i - context : 0;
        size_t last = i;
        size_t j = i + 1;
        while (j < ops.size()) {
            if (ops[j].kind != DiffLine::context) {
                last = j;
                ++j;
                continue;
            }
            size_t run = j;
            while (run < ops.size() && ops[run].kind == DiffLine::context) ++run;
            if (run == ops.size() || run - j > 2 * context) break;
            j = run;
        }
        size_t end = std::min(ops.size(), last + 1 + context);
        DiffHunk h;
        for (size_t k = begin; k < end; ++k) {
            h.lines.push_back(line(ops[k]));
            if (ops[k].kind != DiffLine::added) ++h.old_count;
            if (ops[k].kind != DiffLine::removed) ++h.new_count;
        }
        h.old_start = ops[begin].a + (h.old_count ? 1 : 0);
        h.new_start = ops[begin].b + (h.new_count ? 1 : 0);
        hunks.push_back(std::move(h));
        i = end;
    }
    return hunks;
}

std::string hunk_header(const DiffHunk& h) {
    auto range = [](size_t start, size_t count) {
        return count == 1 ? std::to_string(start) : std::to_string(start) + "," + std::to_string(count);
    };
    return "@@ -" + range(h.old_start, h.old_count) + " +" + range(h.new_start, h.new_count) + " @@";
}

std::string hunk_body(const DiffHunk& h) {
    std::string out;
    for (const DiffLine& l : h.lines) {
        out += static_cast<char>(l.kind);
        out += l.text;
        out += '\n';
        if (!l.newline) out += "\\ No newline at end of file\n";
    }
    return out;
}

std::string unified_diff(std::string_view a, std::string_view b, std::string_view a_label, std::string_view b_label,
                         size_t context) {
    if (a == b) return {};
    std::vector<DiffHunk> hunks = diff_lines(a, b, context);
    std::string out = "--- " + std::string(a_label) + "\n+++ " + std::string(b_label) + "\n";
    for (const DiffHunk& h : hunks) out += hunk_header(h) + "\n" + hunk_body(h);
    return out;
}

}  // namespace cassette
