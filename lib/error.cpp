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

InputError problem_error(const std::string& path, const Problem& p) {
    std::string message = p.message;
    if (p.interaction) message = "interaction " + std::to_string(*p.interaction) + ": " + message;
    return InputError(path, p.pos, message, source_line_of(path, p.pos.line), p.rule);
}

}  // namespace cassette
