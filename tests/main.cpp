// The test runner: Catch2's own, plus one rule for the shared corpus. Tests
// that read ../shared/corpus* are tagged [corpus]; without those folders (a
// plain clone) they are left out of a mixed run, and a run that selects only
// such tests exits with kSkipExitCode, which ctest reports as skipped
// (SKIP_RETURN_CODE in CMakeLists.txt), never as passed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <iostream>

#include "test_support.hpp"

namespace {

bool needs_corpus(const Catch::TestCase& t) {
    const auto& tags = t.getTestCaseInfo().lcaseTags;
    return std::find(tags.begin(), tags.end(), "corpus") != tags.end();
}

}  // namespace

int main(int argc, char* argv[]) {
    Catch::Session session;
    if (int rc = session.applyCommandLine(argc, argv)) return rc;
    if (!testsupport::have_corpus() && !session.configData().listTests && !session.configData().listTestNamesOnly &&
        !session.configData().listTags && !session.configData().showHelp) {
        const Catch::Config& config = session.config();
        auto selected = Catch::filterTests(Catch::getAllTestCasesSorted(config), config.testSpec(), config);
        size_t corpus = static_cast<size_t>(std::count_if(selected.begin(), selected.end(), needs_corpus));
        if (corpus > 0 && corpus == selected.size()) {
            std::cout << "skipped: " << testsupport::corpus_dir() << " is absent (a [corpus] test)\n";
            return testsupport::kSkipExitCode;
        }
        if (corpus > 0) {
            std::cerr << "note: " << corpus << " [corpus] test case(s) left out: " << testsupport::corpus_dir()
                      << " is absent\n";
            Catch::ConfigData data = session.configData();
            data.testsOrTags.push_back("~[corpus]");
            session.useConfigData(data);
        }
    }
    int rc = session.run();
    // Catch2 exits with the number of failed assertions: never let that read as "skipped".
    return rc == testsupport::kSkipExitCode ? 1 : rc;
}
