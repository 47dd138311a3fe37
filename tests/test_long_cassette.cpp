// Long cassettes are read on two threads past their first megabyte (the YAML
// parse on one, the sink on the caller's): these check that results stay
// exactly what a one-thread read gives: order, bodies, problems seen by the
// sink when it runs, errors after the switch, and a sink that throws.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "decode/body.hpp"
#include "error.hpp"
#include "export.hpp"
#include "fake_terminal.hpp"
#include "formats/govcr_writer.hpp"
#include "util/ordered_work.hpp"
#include "reader.hpp"
#include "providers/reassemble.hpp"
#include "show.hpp"
#include "test_support.hpp"
#include "usage_report.hpp"
#include "validate.hpp"

using namespace cassette;

namespace {

constexpr size_t kItems = 3000;  // ~3.5 MB: well past the 1 MB switch

std::string body_of(size_t k) { return std::string(1000, static_cast<char>('a' + k % 26)) + std::to_string(k); }

// A long cassette; `bad_code` gets a non-integer code (a schema problem),
// `broken` (if < kItems) gets a YAML syntax error.
std::string long_cassette(size_t bad_code, size_t broken = kItems) {
    std::string s = "version: 2\ninteractions:\n";
    for (size_t k = 0; k < kItems; ++k) {
        s += "- id: " + std::to_string(k) + "\n";
        s += "  request:\n    url: https://api.example.com/v1/x\n    method: POST\n    body: '{\"n\":" +
             std::to_string(k) + "}'\n";
        s += "  response:\n    status: 200 OK\n";
        s += k == bad_code ? "    code: abc\n" : "    code: 200\n";
        s += k == broken ? "    body: [unclosed\n" : "    body: \"" + body_of(k) + "\"\n";
    }
    return s;
}

size_t line_of_item(const std::string& text, size_t k) {
    size_t at = text.find("- id: " + std::to_string(k) + "\n");
    return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(at), '\n'));
}

}  // namespace

TEST_CASE("long cassette: order, bodies and problems as a one-thread read gives them", "[threads]") {
    const std::string text = long_cassette(2000);
    REQUIRE(text.size() > 3'000'000);
    const Cassette* live = nullptr;
    ReadOptions opts;
    opts.on_header = [&](const Cassette& c) { live = &c; };
    size_t seen = 0;
    size_t problems_at_2000 = 99, problems_at_1999 = 99;
    // load_cassette_from_string keeps them all; read through a sink to see the live state too.
    Cassette all = load_cassette_from_string(text, "long.yaml");
    REQUIRE(all.interactions.size() == kItems);
    REQUIRE(all.problems.size() == 1);
    CHECK(all.problems[0].interaction == size_t(2000));
    CHECK(all.problems[0].pos.line == static_cast<int>(line_of_item(text, 2000)) + 7);
    for (size_t k = 0; k < kItems; k += 7) {
        const Interaction& ix = all.interactions[k];
        CHECK(ix.index == k);
        CHECK(ix.id == static_cast<int64_t>(k));
        CHECK(ix.response.body.bytes == body_of(k));
        CHECK(ix.request.body.bytes == "{\"n\":" + std::to_string(k) + "}");
        CHECK(ix.pos.line == static_cast<int>(line_of_item(text, k)));
    }

    // The streaming form: the sink sees each interaction's problems when it runs.
    const std::string path = "bench_long_cassette.yaml";
    {
        FILE* f = std::fopen(path.c_str(), "wb");
        REQUIRE(f);
        std::fwrite(text.data(), 1, text.size(), f);
        std::fclose(f);
    }
    Cassette c = read_cassette(
        path,
        [&](Interaction&& ix) {
            CHECK(ix.index == seen);
            ++seen;
            REQUIRE(live);
            if (ix.index == 1999) problems_at_1999 = live->problems.size();
            if (ix.index == 2000) problems_at_2000 = live->problems.size();
        },
        opts);
    std::remove(path.c_str());
    CHECK(seen == kItems);
    CHECK(c.interaction_count == kItems);
    CHECK(problems_at_1999 == 0);
    CHECK(problems_at_2000 == 1);
    REQUIRE(c.problems.size() == 1);
    CHECK(c.problems[0].interaction == size_t(2000));
}

TEST_CASE("long cassette: a syntax error past the first megabyte after every earlier interaction", "[threads]") {
    const std::string text = long_cassette(kItems, 2500);
    size_t seen = 0;
    const std::string path = "bench_broken_cassette.yaml";
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    bool threw = false;
    try {
        read_cassette(path, [&](Interaction&& ix) {
            CHECK(ix.index == seen);
            ++seen;
        });
    } catch (const InputError& e) {
        threw = true;
        CHECK(e.pos().line > static_cast<int>(line_of_item(text, 2500)));
        CHECK(e.pos().line <= static_cast<int>(line_of_item(text, 2501)));
    }
    std::remove(path.c_str());
    CHECK(threw);
    CHECK(seen == 2500);
}

TEST_CASE("long cassette: a sink that throws stops the read with its own exception", "[threads]") {
    const std::string text = long_cassette(kItems);
    size_t seen = 0;
    const std::string path = "bench_throwing_sink.yaml";
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    CHECK_THROWS_WITH(read_cassette(path,
                                    [&](Interaction&& ix) {
                                        ++seen;
                                        if (ix.index == 1500) throw std::runtime_error("enough");
                                    }),
                      "enough");
    std::remove(path.c_str());
    CHECK(seen == 1501);
}

// ---- usage and validate on a long LLM cassette ---------------------------------
// Past the first megabyte both spread the per-interaction work over worker
// threads (lib/util/ordered_work.hpp); the report must be the one computed here one
// interaction at a time.

namespace {

// Every interaction of the go-vcr corpus (streamed and not, every provider),
// three times over: a few MB of real traffic in one file.
std::string write_long_llm_cassette(const std::string& path) {
    Cassette all;
    all.format = "go-vcr";
    all.version = 2;
    for (int round = 0; round < 3; ++round)
        for (const std::string& file : testsupport::corpus_files(testsupport::corpus_dir() + "/fantasy")) {
            Cassette c = load_cassette(file);
            for (Interaction& ix : c.interactions) {
                ix.index = all.interactions.size();
                ix.id = static_cast<int64_t>(ix.index);
                all.interactions.push_back(std::move(ix));
            }
        }
    std::string text = write_govcr_v2(all);
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write " + path);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return text;
}

}  // namespace

TEST_CASE("long LLM cassette: usage and validate match a one-interaction-at-a-time run", "[threads][corpus]") {
    const std::string path = "bench_long_llm.yaml";
    const std::string text = write_long_llm_cassette(path);
    REQUIRE(text.size() > 2'000'000);
    Cassette loaded = load_cassette(path);
    REQUIRE(loaded.interactions.size() > 300);

    SECTION("usage") {
        FileUsage f = file_usage(path);
        std::vector<UsageRow> expected;
        for (const Interaction& ix : loaded.interactions) {
            DecodedBody body = decode_body(ix.response.headers, ix.response.body.bytes);
            if (auto m = reassemble(ix, body)) {
                UsageRow row;
                row.index = ix.index;
                row.api = m->api;
                row.usage = m->usage;
                expected.push_back(row);
            }
        }
        REQUIRE(f.interactions.size() == expected.size());
        size_t with_usage = 0;
        for (size_t k = 0; k < expected.size(); ++k) {
            const UsageRow& got = f.interactions[k];
            CHECK(got.index == expected[k].index);
            CHECK(got.api == expected[k].api);
            REQUIRE(got.usage.has_value() == expected[k].usage.has_value());
            if (!got.usage) continue;
            ++with_usage;
            CHECK(got.usage->input_tokens == expected[k].usage->input_tokens);
            CHECK(got.usage->output_tokens == expected[k].usage->output_tokens);
            CHECK(got.usage->cache_read_tokens == expected[k].usage->cache_read_tokens);
            CHECK(got.usage->total_tokens == expected[k].usage->total_tokens);
        }
        CHECK(with_usage > 100);
        CHECK(f.total.with_usage == with_usage);
    }
    SECTION("validate") {
        FileReport r = validate_file(path);
        CassetteValidator v;
        for (const Interaction& ix : loaded.interactions) v.check(ix);
        v.add_problems(loaded.problems);
        v.finish(loaded);
        std::vector<Finding> expected = v.take();
        CHECK(!r.trouble);
        REQUIRE(r.findings.size() == expected.size());
        CHECK(!expected.empty());  // the corpus has genuine findings: they must all come out
        for (size_t k = 0; k < expected.size(); ++k) {
            CHECK(r.findings[k].rule == expected[k].rule);
            CHECK(r.findings[k].pos.line == expected[k].pos.line);
            CHECK(r.findings[k].interaction == expected[k].interaction);
            CHECK(r.findings[k].message == expected[k].message);
        }
    }
    std::remove(path.c_str());
}

TEST_CASE("long cassette: validate past the first megabyte keeps what came before a syntax error", "[threads]") {
    const std::string text = long_cassette(2000, 2500);
    const std::string path = "bench_broken_validate.yaml";
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    FileReport r = validate_file(path);
    std::remove(path.c_str());
    std::vector<std::string> rules;
    for (const Finding& x : r.findings) rules.push_back(x.rule);
    // The bad code of interaction 2000 (read by then) and the syntax error.
    REQUIRE(rules == std::vector<std::string>{"schema", "yaml-syntax"});
    CHECK(r.findings[0].interaction == size_t(2000));
    CHECK(r.findings[1].pos.line > static_cast<int>(line_of_item(text, 2500)));
}

TEST_CASE("long LLM cassette: show and export write what a one-thread run writes", "[threads][corpus]") {
    const std::string path = "bench_long_llm_show.yaml";
    write_long_llm_cassette(path);
    // The thread count travels in each command's ReadOptions: 3 workers, then none.
    auto run_both = [&](auto&& run) {
        std::string threaded = run(size_t{3});
        std::string alone = run(size_t{0});
        CHECK(threaded.size() > 1'000'000);
        CHECK(threaded == alone);
    };
    SECTION("show") {
        run_both([&](size_t threads) {
            ShowOptions opts;
            opts.paths = {path};
            opts.read.threads = threads;
            testsupport::FakeTerminal t;
            CHECK(run_show(opts, t) == 0);
            return t.out_text;
        });
    }
    SECTION("show --format json") {
        run_both([&](size_t threads) {
            ShowOptions opts;
            opts.paths = {path};
            opts.read.threads = threads;
            opts.format = OutputFormat::json;
            testsupport::FakeTerminal t;
            CHECK(run_show(opts, t) == 0);
            return t.out_text;
        });
    }
    SECTION("export") {
        run_both([&](size_t threads) {
            ExportOptions opts;
            opts.paths = {path};
            opts.read.threads = threads;
            testsupport::FakeTerminal t;
            CHECK(run_export(opts, t) == 0);
            return t.out_text;
        });
    }
    std::remove(path.c_str());
}
