// `show` on files larger than what it holds back: the same interactions,
// written as they are read, the count moved from the header to a footer.
#include <string>

#include <catch2/catch.hpp>

#include "error.hpp"
#include "fake_terminal.hpp"
#include "show.hpp"
#include "test_support.hpp"

using namespace cassette;
using testsupport::FakeTerminal;

namespace {

const std::string kFile = "/testdata/fantasy/openai_streaming.yaml";

FakeTerminal show(ShowOptions opts) {
    FakeTerminal t;
    CHECK(run_show(opts, t) == exit_ok);
    CHECK(t.err_text.empty());
    return t;
}

}  // namespace

TEST_CASE("show streams a file larger than it holds back, same interactions", "[cli][show]") {
    ShowOptions opts;
    opts.paths = {testsupport::source_dir() + kFile};
    opts.color = ColorMode::never;
    FakeTerminal held = show(opts);
    opts.hold_bytes = 16;
    FakeTerminal streamed = show(opts);

    const std::string path = opts.paths.front();
    const std::string held_header = path + "  go-vcr v2 · 1 interaction\n";
    const std::string streamed_header = path + "  go-vcr v2\n";
    REQUIRE(held.out_text.rfind(held_header, 0) == 0);
    REQUIRE(streamed.out_text.rfind(streamed_header, 0) == 0);
    const std::string footer = "\n1 interaction\n";
    REQUIRE(streamed.out_text.size() > footer.size());
    CHECK(streamed.out_text.substr(streamed.out_text.size() - footer.size()) == footer);
    // Between header and footer, byte for byte what the held output shows.
    CHECK(streamed.out_text.substr(streamed_header.size(),
                                   streamed.out_text.size() - streamed_header.size() - footer.size()) ==
          held.out_text.substr(held_header.size()));
    CHECK(held.out_calls == 1);
    CHECK(streamed.out_calls == 2);

    opts.format = OutputFormat::json;
    FakeTerminal json_streamed = show(opts);
    opts.hold_bytes = ShowOptions{}.hold_bytes;
    FakeTerminal json_held = show(opts);
    CHECK(json_streamed.out_text == json_held.out_text);
    CHECK(json_streamed.out_calls > 1);
}

TEST_CASE("show: an unreadable file held back prints only its error", "[cli][show]") {
    ShowOptions opts;
    opts.paths = {testsupport::source_dir() + "/testdata/malformed/truncated.yaml"};
    opts.color = ColorMode::never;
    FakeTerminal t;
    CHECK(run_show(opts, t) == exit_trouble);
    CHECK(t.out_text.empty());
    CHECK(t.err_text.find("cassette: error: ") == 0);
}
