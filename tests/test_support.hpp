// Helpers shared by the tests: paths to the source tree, the shared corpus,
// running the built `cassette` binary, and hand-built interactions and
// decoded bodies for the reassembly tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decode/body.hpp"
#include "model.hpp"

namespace testsupport {

std::string source_dir();       // the project root
std::string corpus_dir();       // ../shared/corpus
std::string corpus_next_dir();  // ../shared/corpus-next
// Both shared corpora are beside the source tree. Tests that read them are
// tagged [corpus]; without them the runner (tests/main.cpp) leaves those out,
// or exits with kSkipExitCode when nothing else was selected.
bool have_corpus();
inline constexpr int kSkipExitCode = 77;
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
// the environment it rewrites the golden file instead (the approval step). A
// mismatch is shown as a unified diff of the two, not as both documents.
void check_golden(const std::string& name, const std::string& actual);

// A unified diff (3 lines of context) from `expected` to `actual`, headed by
// the two labels; empty when they are equal.
std::string unified_diff(const std::string& expected, const std::string& actual, const std::string& expected_label,
                         const std::string& actual_label);

// ---- Bytes as recorders store them ----------------------------------------

// `in` gzipped (zlib, best compression).
std::string gzip(std::string_view in);
// One AWS event-stream header of string type (7) or another 2-byte-length type.
std::string es_string_header(const std::string& name, const std::string& value, uint8_t type = 7);
// An AWS event-stream message around `headers` (encoded) and `payload`, with
// correct prelude and message CRCs.
std::string es_frame(const std::string& headers, const std::string& payload);

// ---- Fixtures for the reassembly tests --------------------------------------

// A POST to `url` answered with `code` (status text the bare number); with
// `request_body`, that body is recorded as present.
cassette::Interaction make_ix(const std::string& url, int64_t code = 200);
cassette::Interaction make_ix(const std::string& url, const std::string& request_body, int64_t code = 200);

// A JSON body; `text` must be JSON (nlohmann throws on a broken fixture).
cassette::DecodedBody json_body(const std::string& text);
// An SSE body: `text` and its events as parse_sse reads them.
cassette::DecodedBody sse_body(const std::string& text);
// SSE text with one `data:` event per string.
std::string sse_text(const std::vector<std::string>& datas);
// A stream body of `kind` with one event per (name, data) pair, no text.
cassette::DecodedBody events(cassette::BodyKind kind, const std::vector<std::pair<std::string, std::string>>& evs);
// An NDJSON body, one line (and `message` event) per string.
cassette::DecodedBody ndjson(const std::vector<std::string>& lines);

}  // namespace testsupport
