// The command line as a user meets it: golden output for show and export,
// exit codes, error text for bad input, --help and the man pages agreeing.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

using testsupport::check_golden;
using testsupport::run_cassette;

namespace fs = std::filesystem;

namespace {

const std::string kOpenAI = "testdata/fantasy/openai_streaming.yaml";
const std::string kAnthropic = "testdata/fantasy/anthropic_thinking_streaming.yaml";
const std::string kBedrock = "testdata/fantasy/bedrock_tool_streaming.yaml";
const std::string kGemini = "testdata/fantasy/gemini_tool_streaming.yaml";

std::string temp_file(const std::string& name, const std::string& content) {
    fs::path dir = fs::temp_directory_path() / "cassette-cli-tests";
    fs::create_directories(dir);
    fs::path p = dir / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
}

}  // namespace

TEST_CASE("show: golden text for streamed cassettes of each provider", "[cli][show]") {
    for (const auto& [file, golden] :
         std::vector<std::pair<std::string, std::string>>{{kOpenAI, "show/openai_streaming.txt"},
                                                          {kAnthropic, "show/anthropic_thinking_streaming.txt"},
                                                          {kBedrock, "show/bedrock_tool_streaming.txt"},
                                                          {kGemini, "show/gemini_tool_streaming.txt"}}) {
        INFO(file);
        auto r = run_cassette({"show", file});
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        check_golden(golden, r.out);
    }
}

TEST_CASE("show: --events, --raw, -i, colour", "[cli][show]") {
    auto events = run_cassette({"show", kOpenAI, "--events", "--no-headers"});
    CHECK(events.exit_code == 0);
    check_golden("show/openai_streaming_events.txt", events.out);

    auto raw = run_cassette({"show", kOpenAI, "--raw", "-i", "0"});
    CHECK(raw.exit_code == 0);
    CHECK(raw.out.find("\n    data: [DONE]\n") != std::string::npos);
    CHECK(raw.out.find("\x1b[") == std::string::npos);  // piped: no colour

    auto colour = run_cassette({"show", kOpenAI, "--color=always"});
    CHECK(colour.out.find("\x1b[") != std::string::npos);

    auto missing = run_cassette({"show", kOpenAI, "-i", "3"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err == "cassette: error: " + kOpenAI + ": no interaction 3 (the file has 1: 0 to 0)\n");
}

TEST_CASE("show: reads standard input and several files", "[cli][show]") {
    std::string text = testsupport::read_file(testsupport::source_dir() + "/" + kOpenAI);
    auto r = run_cassette({"show", "-", "--no-headers"}, &text);
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("-  go-vcr v2 · 1 interaction\n", 0) == 0);

    auto two = run_cassette({"show", kOpenAI, kGemini, "--no-headers"});
    CHECK(two.exit_code == 0);
    CHECK(two.out.find(kOpenAI + "  go-vcr v2") != std::string::npos);
    CHECK(two.out.find(kGemini + "  go-vcr v2") != std::string::npos);
}

TEST_CASE("export json: golden document, and the documented shape", "[cli][export]") {
    auto r = run_cassette({"export", kOpenAI, "--format", "json"});
    CHECK(r.exit_code == 0);
    check_golden("export/openai_streaming.json", r.out);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["format"] == "go-vcr");
    CHECK(doc["version"] == 2);
    const auto& ix = doc["interactions"][0];
    CHECK(ix["index"] == 0);
    CHECK(ix["id"] == 0);
    CHECK(ix["request"]["json"]["model"] == "o4-mini");
    CHECK(ix["response"]["code"] == 200);
    CHECK(ix["response"]["duration_ms"].get<double>() == Approx(1210.1485));
    CHECK(ix["response"]["events"].size() == 6);
    CHECK(ix["response"]["events"][5]["data"] == "[DONE]");
    CHECK(ix["message"]["text"] == "Olá!");
}

TEST_CASE("export json: every corpus file exports, bodies byte-exact", "[cli][export][corpus]") {
    auto files = testsupport::corpus_files(testsupport::corpus_dir());
    // One process for the whole corpus: JSON Lines, one document per file, in order.
    std::vector<std::string> args{"export", "--format", "json", testsupport::corpus_dir()};
    auto r = run_cassette(args);
    REQUIRE(r.exit_code == 0);
    std::istringstream lines(r.out);
    std::string line;
    size_t n = 0;
    while (std::getline(lines, line)) {
        REQUIRE(n < files.size());
        auto doc = nlohmann::json::parse(line);
        CHECK(doc["path"] == files[n]);
        ++n;
    }
    CHECK(n == files.size());
}

TEST_CASE("export -o writes atomically and never over an input", "[cli][export]") {
    std::string out = (fs::temp_directory_path() / "cassette-cli-tests" / "out.json").string();
    fs::create_directories(fs::path(out).parent_path());
    fs::remove(out);
    auto r = run_cassette({"export", kOpenAI, "-o", out});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(nlohmann::json::parse(testsupport::read_file(out))["interactions"].size() == 1);

    std::string input = temp_file("input.yaml", testsupport::read_file(testsupport::source_dir() + "/" + kOpenAI));
    auto refuse = run_cassette({"export", input, "-o", input});
    CHECK(refuse.exit_code == 2);
    CHECK(refuse.err == "cassette: error: " + input + ": refusing to write over an input file\n");
    CHECK(testsupport::read_file(input) == testsupport::read_file(testsupport::source_dir() + "/" + kOpenAI));

    // A failing export leaves no file behind.
    std::string bad =
        temp_file("bad.yaml", "version: 2\ninteractions:\n- request: {url: u, method: GET}\n  response: {code: x}\n");
    std::string out2 = (fs::temp_directory_path() / "cassette-cli-tests" / "never.json").string();
    fs::remove(out2);
    auto fail = run_cassette({"export", bad, "-o", out2});
    CHECK(fail.exit_code == 2);
    CHECK_FALSE(fs::exists(out2));
    for (const auto& e : fs::directory_iterator(fs::path(out2).parent_path()))
        CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("bad input: clear error, exit 2, never a crash", "[cli][malformed]") {
    struct Case {
        std::string name, content, expected_err;
    };
    std::vector<Case> cases{
        {"empty.yaml", "", "1:1: empty file: not a cassette\n"},
        {"truncated.yaml", "version: 2\ninteractions:\n- request:\n    body: \"abc",
         "4:15: found unexpected end of stream (while scanning a quoted scalar)\n        body: \"abc\n                 "
         " ^\n"},
        {"indent.yaml", "version: 2\ninteractions:\n- request:\n    url: a\n   method: GET\n",
         "5:4: did not find expected key (while parsing a block mapping)\n       method: GET\n       ^\n"},
        {"escape.yaml", "version: 2\ninteractions:\n- request:\n    body: \"a\\qb\"\n",
         "4:13: found unknown escape character (while parsing a quoted scalar)\n        body: \"a\\qb\"\n              "
         "  ^\n"},
        {"base64.yaml",
         "version: 2\ninteractions:\n- request: {url: u, method: GET}\n  response:\n    code: 200\n    body: !!binary "
         "'#'\n",
         "6:11: interaction 0: `body` is tagged !!binary but is not valid base64\n        body: !!binary '#'\n         "
         "     ^\n"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        std::string path = temp_file(c.name, c.content);
        for (const char* cmd : {"show", "export"}) {
            auto r = run_cassette({cmd, path});
            CHECK(r.exit_code == 2);
            // export streams to standard output: what came before the bad
            // interaction may be out already (-o is all-or-nothing).
            if (std::string(cmd) == "show") CHECK(r.out.empty());
            CHECK(r.err.rfind("cassette: error: " + path + ":" + c.expected_err, 0) == 0);
        }
    }
    auto dir = run_cassette({"show", "testdata/fantasy/../fantasy/LICENSE/.."});
    CHECK(dir.exit_code == 2);
    auto missing = run_cassette({"show", "no/such/file.yaml"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err == "cassette: error: no/such/file.yaml: no such file or directory\n");
    auto directory_in_export = run_cassette({"export", "/tmp/cassette-cli-tests/nothing-here-dir"});
    CHECK(directory_in_export.exit_code == 2);
}

TEST_CASE("usage errors exit 2 with a hint, --help and --version exit 0", "[cli]") {
    auto none = run_cassette({});
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("cassette: error:") == 0);
    auto bogus = run_cassette({"show", kOpenAI, "--format", "yaml"});
    CHECK(bogus.exit_code == 2);
    auto help = run_cassette({"--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("show") != std::string::npos);
    auto version = run_cassette({"--version"});
    CHECK(version.exit_code == 0);
    CHECK(std::regex_search(version.out, std::regex("^cassette [0-9]+\\.[0-9]+\\.[0-9]+")));
}

TEST_CASE("every subcommand has a man page that documents each of its options", "[cli][man]") {
    auto help = run_cassette({"--help"});
    std::regex sub_re("\\n  ([a-z]+)\\s{2,}");
    std::set<std::string> subs;
    for (std::sregex_iterator it(help.out.begin(), help.out.end(), sub_re), end; it != end; ++it) subs.insert((*it)[1]);
    REQUIRE(subs.count("show"));
    REQUIRE(subs.count("export"));
    CHECK(fs::exists(testsupport::source_dir() + "/man/cassette.1"));
    for (const auto& sub : subs) {
        INFO(sub);
        std::string page_path = testsupport::source_dir() + "/man/cassette-" + sub + ".1";
        REQUIRE(fs::exists(page_path));
        std::string page = std::regex_replace(testsupport::read_file(page_path), std::regex("\\\\-"), "-");
        auto sub_help = run_cassette({sub, "--help"});
        CHECK(sub_help.exit_code == 0);
        std::regex opt_re("--([a-z][a-z-]+)");
        for (std::sregex_iterator it(sub_help.out.begin(), sub_help.out.end(), opt_re), end; it != end; ++it) {
            std::string opt = (*it)[1];
            if (opt == "help") continue;
            INFO("--" << opt);
            CHECK(page.find("--" + opt) != std::string::npos);
        }
    }
}
