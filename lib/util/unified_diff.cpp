#include "util/unified_diff.hpp"

#include <algorithm>
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
// ints in all) would pass 16 MB; such a diff is written the long way.
constexpr size_t kMaxEdits = 2048;

// Myers' greedy shortest edit script between x and y (line ids), appended to
// `ops` as kinds; false when it would cost more than `max_work` steps.
bool myers(const std::vector<int>& x, const std::vector<int>& y, size_t max_work,
           std::vector<DiffLine::Kind>& ops) {
    const long n = static_cast<long>(x.size()), m = static_cast<long>(y.size());
    const long max = n + m;
    std::vector<long> v(static_cast<size_t>(2 * max + 3), 0);
    auto at = [&](long k) -> long& { return v[static_cast<size_t>(k + max + 1)]; };
    std::vector<std::vector<long>> trace;
    size_t work = 0;
    long found = -1;
    for (long d = 0; d <= max; ++d) {
        if (static_cast<size_t>(d) > kMaxEdits) return false;
        std::vector<long> slice(static_cast<size_t>(2 * d + 1));
        for (long k = -d; k <= d; ++k) slice[static_cast<size_t>(k + d)] = at(k);
        trace.push_back(std::move(slice));
        for (long k = -d; k <= d; k += 2) {
            long px = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
            long py = px - k;
            while (px < n && py < m && x[static_cast<size_t>(px)] == y[static_cast<size_t>(py)]) {
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
        if (work > max_work) return false;
    }
    // Walk back from (n, m) through the saved states.
    std::vector<DiffLine::Kind> rev;
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

}  // namespace

std::vector<DiffHunk> diff_lines(std::string_view a, std::string_view b, size_t context, size_t max_work) {
    std::vector<std::string_view> la = split_lines(a), lb = split_lines(b);
    // Common head and tail first: a rewrite usually touches a few lines.
    size_t head = 0;
    while (head < la.size() && head < lb.size() && la[head] == lb[head]) ++head;
    size_t tail = 0;
    while (tail < la.size() - head && tail < lb.size() - head && la[la.size() - 1 - tail] == lb[lb.size() - 1 - tail])
        ++tail;

    std::vector<DiffLine::Kind> kinds(head, DiffLine::context);
    {
        std::unordered_map<std::string_view, int> ids;
        auto id_of = [&](std::string_view line) {
            return ids.emplace(line, static_cast<int>(ids.size())).first->second;
        };
        std::vector<int> x, y;
        for (size_t i = head; i < la.size() - tail; ++i) x.push_back(id_of(la[i]));
        for (size_t i = head; i < lb.size() - tail; ++i) y.push_back(id_of(lb[i]));
        if (!myers(x, y, max_work, kinds)) {
            kinds.insert(kinds.end(), x.size(), DiffLine::removed);
            kinds.insert(kinds.end(), y.size(), DiffLine::added);
        }
    }
    kinds.insert(kinds.end(), tail, DiffLine::context);

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
