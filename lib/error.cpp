#include "error.hpp"

namespace cassette {

std::string format_input_error(const InputError& e) {
    std::string s = e.file();
    if (e.pos().line > 0) {
        s += ":" + std::to_string(e.pos().line);
        if (e.pos().column > 0) s += ":" + std::to_string(e.pos().column);
    }
    s += ": ";
    s += e.what();
    if (!e.source_line().empty() && e.pos().line > 0) {
        // Quote the line with tabs kept (so the caret lines up) and a caret
        // under the column, as ninja does.
        std::string line = e.source_line();
        if (line.size() > 200) line = line.substr(0, 200) + "…";
        s += "\n    " + line + "\n    ";
        int col = e.pos().column > 0 ? e.pos().column : 1;
        for (int i = 1; i < col && static_cast<size_t>(i - 1) < line.size(); ++i) s += line[i - 1] == '\t' ? '\t' : ' ';
        s += "^";
    }
    return s;
}

}  // namespace cassette

#include <algorithm>
#include <fstream>

namespace cassette {

std::string source_line_of(const std::string& path, int line) {
    if (path == "-" || line <= 0) return {};
    std::ifstream in(path, std::ios::binary);
    std::string s;
    for (int i = 1; std::getline(in, s); ++i) {
        if (i == line) {
            if (!s.empty() && s.back() == '\r') s.pop_back();
            return s;
        }
    }
    return {};
}

namespace {

InputError make_problem_error(const std::string& path, const Problem& p, std::string source_line) {
    std::string message = p.message;
    if (p.interaction) message = "interaction " + std::to_string(*p.interaction) + ": " + message;
    return InputError(path, p.pos, message, std::move(source_line), p.rule);
}

}  // namespace

InputError problem_error(const std::string& path, const Problem& p) {
    return make_problem_error(path, p, source_line_of(path, p.pos.line));
}

std::vector<InputError> problem_errors(const std::string& path, const std::vector<Problem>& problems, size_t limit) {
    const size_t n = std::min(limit, problems.size());
    // The lines wanted, sorted, then one pass over the file picks them up.
    std::vector<int> wanted;
    for (size_t i = 0; i < n; ++i)
        if (problems[i].pos.line > 0) wanted.push_back(problems[i].pos.line);
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    std::vector<std::string> text(wanted.size());
    if (path != "-" && !wanted.empty()) {
        std::ifstream in(path, std::ios::binary);
        std::string s;
        size_t next = 0;
        for (int i = 1; next < wanted.size() && std::getline(in, s); ++i) {
            if (i != wanted[next]) continue;
            if (!s.empty() && s.back() == '\r') s.pop_back();
            text[next++] = std::move(s);
        }
    }
    std::vector<InputError> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const Problem& p = problems[i];
        std::string line;
        if (p.pos.line > 0) {
            auto it = std::lower_bound(wanted.begin(), wanted.end(), p.pos.line);
            line = text[static_cast<size_t>(it - wanted.begin())];
        }
        out.push_back(make_problem_error(path, p, std::move(line)));
    }
    return out;
}

}  // namespace cassette
