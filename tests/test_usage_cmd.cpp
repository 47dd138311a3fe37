// `cassette usage`: the report data, the renderings (through a fake terminal),
// and the command line (golden outputs).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "fake_terminal.hpp"
#include "test_support.hpp"
#include "usage.hpp"
#include "usage_report.hpp"

using namespace cassette;
using nlohmann::json;

namespace {

using testsupport::FakeTerminal;

// A copy of fantasy's TestOpenAICommon/openai-o4-mini (testdata/fantasy/README.md).
std::string o4_dir() { return testsupport::source_dir() + "/testdata/fantasy/openai-o4-mini"; }

// Relative to the source dir, where run_cassette runs the binary: goldens stay portable.
const std::string kRelO4 = "../shared/corpus/fantasy/TestOpenAICommon/openai-o4-mini";
const std::string kRelSeed = "../shared/corpus/seed";

bool cli_has_usage() {
    auto r = testsupport::run_cassette({"--help"});
    return r.out.find("\n  usage ") != std::string::npos;
}

}  // namespace

TEST_CASE("usage report: per file, per model, totals", "[usage]") {
    FileUsage f = file_usage(o4_dir() + "/simple_streaming.yaml");
    REQUIRE(f.interactions.size() == 1);
    CHECK(f.interactions[0].api == "openai-chat");
    CHECK(f.interactions[0].model == "o4-mini-2025-04-16");
    REQUIRE(f.interactions[0].usage);
    CHECK(f.total.usage.input_tokens == 19);
    CHECK(f.total.usage.output_tokens == 84);

    FileUsage g = file_usage(o4_dir() + "/tool.yaml");
    REQUIRE(g.interactions.size() == 2);
    UsageReport r = build_usage_report({f, g});
    // 19+64+95 input, 84+25+24 output
    CHECK(r.total.usage.input_tokens == 178);
    CHECK(r.total.usage.output_tokens == 133);
    CHECK(r.total.usage.total_tokens == 311);
    CHECK(r.total.interactions == 3);
    REQUIRE(r.models.size() == 1);
    CHECK(r.models[0].model == "o4-mini-2025-04-16");
    CHECK(r.models[0].total.interactions == 3);

    auto j = usage_report_json(r);
    CHECK(j["files"].size() == 2);
    CHECK(j["files"][1]["interactions"][1]["index"] == 1);
    CHECK(j["files"][1]["total"]["input_tokens"] == 159);
    CHECK(j["total"]["output_tokens"] == 133);
    CHECK_FALSE(j.contains("models"));
    CHECK(usage_report_json(r, true)["models"][0]["interactions"] == 3);
}

TEST_CASE("usage report: plain HTTP cassettes have no LLM interactions", "[usage]") {
    for (const auto& path : testsupport::corpus_files(testsupport::source_dir() + "/testdata/go-vcr")) {
        FileUsage f = file_usage(path);
        INFO(path);
        CHECK(f.interactions.empty());
        CHECK(f.total.usage.total_tokens == 0);
    }
}

TEST_CASE("usage command: renders through the terminal, bad files reported, others kept", "[usage]") {
    std::string bad = (std::filesystem::temp_directory_path() / "cassette-usage-bad.yaml").string();
    std::ofstream(bad) << "version: 2\ninteractions:\n- id: 0\n  request: [unclosed\n";

    FakeTerminal t;
    UsageOptions opts;
    opts.paths = {o4_dir(), bad};
    opts.jobs = 2;
    int rc = run_usage(opts, t);
    std::remove(bad.c_str());
    CHECK(rc == 2);
    CHECK(t.err_text.rfind("cassette: error: " + bad + ":", 0) == 0);
    // header, 4 files, total; after the "in DIR/" line when the paths share a
    // directory (a checkout under /tmp shares it with the bad file)
    std::string table = t.out_text;
    if (table.rfind("in ", 0) == 0) table.erase(0, table.find('\n') + 1);
    CHECK(std::count(table.begin(), table.end(), '\n') == 6);
    CHECK(t.out_text.find("TOTAL") != std::string::npos);

    SECTION("json totals equal the sum of the files") {
        FakeTerminal tj;
        opts.paths = {o4_dir()};
        opts.format = OutputFormat::json;
        CHECK(run_usage(opts, tj) == 0);
        json j = json::parse(tj.out_text);
        int64_t sum = 0;
        for (const auto& f : j["files"]) sum += f["total"]["total_tokens"].get<int64_t>();
        CHECK(j["total"]["total_tokens"] == sum);
        CHECK(j["files"].size() == 4);
    }
    SECTION("output does not depend on -j") {
        FakeTerminal a, b;
        opts.paths = {testsupport::source_dir() + "/testdata/fantasy"};
        opts.format = OutputFormat::csv;
        opts.jobs = 1;
        CHECK(run_usage(opts, a) == 0);
        opts.jobs = 4;
        CHECK(run_usage(opts, b) == 0);
        CHECK(a.out_text == b.out_text);
        CHECK(a.out_text.rfind("file,interactions,input_tokens,", 0) == 0);
    }
}

TEST_CASE("usage command line: golden outputs", "[usage][corpus]") {
    if (!cli_has_usage()) {
        WARN("the cassette binary has no `usage` subcommand registered yet (cli/main.cpp)");
        return;
    }
    auto run = [](std::vector<std::string> args) {
        auto r = testsupport::run_cassette(args);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        return r.out;
    };
    testsupport::check_golden("usage/o4-mini-by-file.txt", run({"usage", kRelO4, kRelSeed}));
    testsupport::check_golden("usage/o4-mini-by-interaction.txt", run({"usage", kRelO4, "--by", "interaction"}));
    testsupport::check_golden("usage/o4-mini-by-model.txt", run({"usage", kRelO4, kRelSeed, "--by", "model"}));
    testsupport::check_golden("usage/o4-mini.json", run({"usage", kRelO4, "--format", "json"}));
    testsupport::check_golden("usage/o4-mini-by-interaction.csv",
                              run({"usage", kRelO4, "--by", "interaction", "--format", "csv"}));
    testsupport::check_golden("usage/fantasy-by-model.txt",
                              run({"usage", "../shared/corpus/fantasy", "--by", "model"}));
    // Plain HTTP fixtures beside an LLM one: counted under the table, listed in CSV.
    testsupport::check_golden("usage/with-plain-http.txt", run({"usage", kRelSeed, "../shared/corpus/go-vcr"}));
    testsupport::check_golden("usage/with-plain-http.csv",
                              run({"usage", kRelSeed, "../shared/corpus/go-vcr", "--format", "csv"}));

    SECTION("usage errors exit 2") {
        auto r = testsupport::run_cassette({"usage", kRelO4, "--by", "day"});
        CHECK(r.exit_code == 2);
        auto missing = testsupport::run_cassette({"usage", "no/such/file.yaml"});
        CHECK(missing.exit_code == 2);
        CHECK(missing.err.rfind("cassette: error: ", 0) == 0);
    }
    SECTION("--color=always paints header and total") {
        auto r = testsupport::run_cassette({"usage", kRelO4, "--color=always"});
        CHECK(r.out.find("\x1b[1m") != std::string::npos);
    }
}

TEST_CASE("usage report: the JSON written row by row is the report's dump", "[usage]") {
    auto prices = PriceData::load(testsupport::source_dir() + "/data/prices/data.json");
    std::vector<FileUsage> files;
    for (const auto& path : testsupport::corpus_files(testsupport::source_dir() + "/testdata/fantasy"))
        files.push_back(file_usage(path, prices.get()));
    files.push_back(FileUsage{});  // a file with no LLM interaction
    REQUIRE(files.size() > 3);
    UsageReport r = build_usage_report(std::move(files));
    for (const PriceData* p : {static_cast<const PriceData*>(nullptr), prices.get()}) {
        for (bool by_model : {false, true}) {
            INFO("priced " << (p != nullptr) << ", by model " << by_model);
            std::string streamed;
            write_usage_report_json(r, by_model, p, [&](std::string_view s) { streamed += s; });
            CHECK(streamed == usage_report_json(r, by_model, p)
                                  .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
        }
    }
    std::string empty;
    write_usage_report_json(UsageReport{}, true, nullptr, [&](std::string_view s) { empty += s; });
    CHECK(empty == usage_report_json(UsageReport{}, true, nullptr).dump(2));
}
