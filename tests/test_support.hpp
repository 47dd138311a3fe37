// Helpers shared by the tests: paths to the source tree, the shared corpus,
// and running the built `cassette` binary.
#pragma once

#include <string>
#include <vector>

namespace testsupport {

std::string source_dir();                 // the project root
std::string corpus_dir();                 // ../shared/corpus
std::string read_file(const std::string& path);
std::vector<std::string> corpus_files(const std::string& dir);  // *.yaml/*.yml recursively, sorted

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};
// Runs the built binary with `args` (shell-quoted for you), stdin from /dev/null
// unless `stdin_text` is given; NO_COLOR and TERM are cleared.
RunResult run_cassette(const std::vector<std::string>& args, const std::string* stdin_text = nullptr);

// Compares `actual` with tests/golden/<name>; with CASSETTE_UPDATE_GOLDEN=1 in
// the environment it rewrites the golden file instead (the approval step).
void check_golden(const std::string& name, const std::string& actual);

}  // namespace testsupport
