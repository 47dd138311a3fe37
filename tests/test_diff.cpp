// `cassette diff`: word diff and path matching units, one golden per case
// (identical, volatile-only, text, tool call, usage, added/removed, format 1
// vs 2), and the git diff driver / textconv forms in a real git repository.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "diff.hpp"
#include "semantic_diff.hpp"
#include "reader.hpp"
#include "test_support.hpp"
#include "word_diff.hpp"

using namespace cassette;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Two recordings of the same OpenAI streamed call (testdata/fantasy/README.md),
// relative to the source tree so goldens hold no machine paths.
const std::string kSeed = "testdata/fantasy/openai_streaming_earlier.yaml";
const std::string kRerecorded = "testdata/fantasy/openai_streaming.yaml";

std::string render(const std::vector<WordOp>& ops) {
    std::string out;
    for (const auto& op : ops) {
        if (op.kind == WordOp::equal)
            out += op.text;
        else if (op.kind == WordOp::removed)
            out += "[-" + op.text + "-]";
        else
            out += "{+" + op.text + "+}";
    }
    return out;
}

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs a shell command in `dir`, returning its exit status and standard output.
std::pair<int, std::string> sh(const fs::path& dir, const std::string& cmd) {
    fs::path out = dir / ".cmd-out";
    std::string full = "cd " + shell_quote(dir.string()) +
                       " && env -u NO_COLOR GIT_CONFIG_NOSYSTEM=1 HOME=" + shell_quote(dir.string()) +
                       " TERM=dumb sh -c " + shell_quote(cmd) + " >" + shell_quote(out.string()) + " 2>&1";
    int status = std::system(full.c_str());
    std::string text = testsupport::read_file(out.string());
    fs::remove(out);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

}  // namespace

TEST_CASE("word diff marks the changed words only", "[diff]") {
    CHECK(render(word_diff("Oi!", "Olá!")) == "[-Oi-]{+Olá+}!");
    CHECK(render(word_diff("The weather in Florence is 40°C.", "The weather in Rome is 38°C.")) ==
          "The weather in [-Florence-]{+Rome+} is [-40°C-]{+38°C+}.");
    CHECK(render(word_diff("same", "same")) == "same");
    CHECK(render(word_diff("", "new text")) == "{+new text+}");
    CHECK(render(word_diff("old text", "")) == "[-old text-]");
    // Too big to align within the bound: one removal, one addition, prefix/suffix kept.
    CHECK(render(word_diff("a b c d", "a x y d", 2)) == "a [-b c-]{+x y+} d");
    // Tokens give the text back, multi-byte characters stay inside words.
    std::string text = "Olá, mundo!\n  fim";
    std::string joined;
    for (auto t : split_words(text)) joined += t;
    CHECK(joined == text);
    CHECK(split_words("Olá!").size() == 2);
}

TEST_CASE("long texts diff in bounded time and memory", "[diff]") {
    std::string a, b;
    for (int i = 0; i < 20000; ++i) {
        a += "word" + std::to_string(i) + " ";
        b += "word" + std::to_string(i % 7 == 0 ? -i : i) + " ";
    }
    auto ops = word_diff(a, b);
    std::string back_a, back_b;
    for (const auto& op : ops) {
        if (op.kind != WordOp::added) back_a += op.text;
        if (op.kind != WordOp::removed) back_b += op.text;
    }
    CHECK(back_a == a);
    CHECK(back_b == b);
}

TEST_CASE("ignore patterns: segments, globs, ** and indexes", "[diff]") {
    CHECK(path_matches("message.id", "message.id"));
    CHECK_FALSE(path_matches("message.id", "message.idx"));
    CHECK_FALSE(path_matches("message", "message.id"));
    CHECK(path_matches("response.headers.X-*", "response.headers.X-Request-Id"));
    CHECK(path_matches("response.headers.x-request-id", "response.headers.X-Request-Id"));
    CHECK_FALSE(path_matches("response.headers.X-*", "response.headers.Content-Type"));
    CHECK(path_matches("message.tool_calls[*].id", "message.tool_calls[3].id"));
    CHECK_FALSE(path_matches("message.tool_calls[*].id", "message.tool_calls[3].name"));
    CHECK(path_matches("**.created", "response.body.created"));
    CHECK(path_matches("**.created", "response.body.events[2].data.created"));
    CHECK_FALSE(path_matches("**.created", "response.body.created_by"));
    CHECK(path_matches("request.body.metadata", "request.body.metadata"));
    CHECK(path_matches("request.body[\"a.b\"]", "request.body[\"a.b\"]"));
    CHECK(split_path("a.b[2][\"x.y\"].c") == std::vector<std::string>{"a", "b", "[2]", "x.y", "c"});
}

TEST_CASE("interactions pair by order, or by method, URL and body when counts differ", "[diff]") {
    Cassette three = load_cassette(testsupport::source_dir() + "/testdata/diff/three.yaml");
    Cassette two = load_cassette(testsupport::source_dir() + "/testdata/diff/two.yaml");
    auto pairs = match_interactions(three.interactions, two.interactions);
    using P = std::pair<std::optional<size_t>, std::optional<size_t>>;
    REQUIRE(pairs.size() == 3);
    CHECK(pairs[0] == P{0, 0});
    CHECK(pairs[1] == P{1, std::nullopt});
    CHECK(pairs[2] == P{2, 1});
    auto same = match_interactions(three.interactions, three.interactions);
    CHECK(same == std::vector<P>{{0, 0}, {1, 1}, {2, 2}});
}

TEST_CASE("identical cassettes: no output, exit 0", "[diff]") {
    auto r = testsupport::run_cassette({"diff", kSeed, kSeed});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
}

TEST_CASE("volatile-only re-recording: equal by default, listed with --no-ignore", "[diff]") {
    auto r = testsupport::run_cassette({"diff", kSeed, "testdata/diff/volatile_b.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    r = testsupport::run_cassette({"diff", kSeed, "testdata/diff/volatile_b.yaml", "--format", "json"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    r = testsupport::run_cassette({"diff", kSeed, "testdata/diff/volatile_b.yaml", "--no-ignore"});
    CHECK(r.exit_code == 1);
    testsupport::check_golden("diff/volatile_no_ignore.txt", r.out);
}

TEST_CASE("the canonical re-recording: the answer and the tokens, nothing else", "[diff]") {
    auto r = testsupport::run_cassette({"diff", kSeed, kRerecorded});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("message.text: \"Oi!\" → \"Olá!\"") != std::string::npos);
    CHECK(r.out.find("148 → 84 (-64)") != std::string::npos);
    CHECK(r.out.find("chatcmpl") == std::string::npos);
    CHECK(r.out.find("obfuscation") == std::string::npos);
    CHECK(r.out.find("User-Agent") == std::string::npos);
    testsupport::check_golden("diff/text_change.txt", r.out);

    r = testsupport::run_cassette({"diff", kSeed, kRerecorded, "--format", "json"});
    CHECK(r.exit_code == 1);
    json j = json::parse(r.out);
    json expected = json::parse(
        R"({"equal":false,"interactions":[{"index":0,"change":"changed","changes":[{"path":"message.text","old":"Oi!","new":"Olá!"},{"path":"message.usage.output_tokens","old":148,"new":84}],"cost":{"old":0.0006721,"new":0.0003905,"currency":"USD"}}]})");
    CHECK(j == expected);
    testsupport::check_golden("diff/text_change.json", r.out);

    r = testsupport::run_cassette({"diff", kSeed, kRerecorded, "--stat"});
    CHECK(r.exit_code == 1);
    testsupport::check_golden("diff/text_change_stat.txt", r.out);
}

TEST_CASE("usage-only change", "[diff]") {
    auto r = testsupport::run_cassette({"diff", kSeed, "testdata/diff/usage_b.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("message.usage.input_tokens: 19 → 25 (+6)") != std::string::npos);
    // Beside it, what the call cost before and after (o4-mini: $1.10 in, $4.40 out per million).
    CHECK(r.out.find("  cost: $0.0006721 → $0.0006787 (+$0.0000066)\n") != std::string::npos);
    CHECK(r.out.find("message.text") == std::string::npos);
    testsupport::check_golden("diff/usage_change.txt", r.out);
}

TEST_CASE("request JSON: key order and whitespace do not count", "[diff]") {
    auto r = testsupport::run_cassette({"diff", kSeed, "testdata/diff/request_reordered.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
}

TEST_CASE("tool-call change: arguments compared as JSON, call ids ignored", "[diff]") {
    auto r = testsupport::run_cassette({"diff", "testdata/diff/tool_a.yaml", "testdata/diff/tool_b.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("call_") == std::string::npos);
    testsupport::check_golden("diff/tool_call_change.txt", r.out);
    r = testsupport::run_cassette(
        {"diff", "testdata/diff/tool_a.yaml", "testdata/diff/tool_b.yaml", "--format", "json"});
    json j = json::parse(r.out);
    REQUIRE(j["interactions"].size() == 1);
    REQUIRE(j["interactions"][0]["changes"].size() == 1);
    CHECK(j["interactions"][0]["changes"][0]["path"] == "message.tool_calls[0].arguments");
    CHECK(j["interactions"][0]["changes"][0]["old"] == json{{"location", "Florence, Italy"}});
    CHECK(j["interactions"][0]["changes"][0]["new"] == json{{"location", "Rome, Italy"}});
}

TEST_CASE("LLM request changes reported per message and per field of the prompt", "[diff]") {
    auto r = testsupport::run_cassette({"diff", "testdata/diff/prompt_a.yaml", "testdata/diff/prompt_b.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("prompt.model: \"o4-mini\" → \"gpt-4.1-mini\"") != std::string::npos);
    CHECK(r.out.find("prompt.messages[1] added (user): Answer in Celsius.") != std::string::npos);
    CHECK(r.out.find("prompt.system: You are a helpful assistant{+. Answer in one short sentence, in the language of "
                     "the question.+}") != std::string::npos);
    CHECK(r.out.find("prompt.messages[0] (user): \"What's the weather in Florence,Italy?\" → \"What's the weather "
                     "in Rome,Italy?\"") != std::string::npos);
    CHECK(r.out.find("prompt.tools: + get_time\n") != std::string::npos);
    CHECK(r.out.find("prompt.params.temperature: 0.2 → 0.7") != std::string::npos);
    // Not as JSON paths into the raw body, and the tool call ids stay out.
    CHECK(r.out.find("request.body") == std::string::npos);
    CHECK(r.out.find("call_") == std::string::npos);
    testsupport::check_golden("diff/prompt_change.txt", r.out);

    r = testsupport::run_cassette({"diff", "testdata/diff/prompt_b.yaml", "testdata/diff/prompt_a.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("prompt.messages[1] removed (user)\n") != std::string::npos);
    CHECK(r.out.find("prompt.tools: - get_time\n") != std::string::npos);

    r = testsupport::run_cassette(
        {"diff", "testdata/diff/prompt_a.yaml", "testdata/diff/prompt_b.yaml", "--format", "json"});
    json j = json::parse(r.out);
    REQUIRE(j["interactions"].size() == 2);
    const json& added = j["interactions"][0]["changes"][1];
    CHECK(added["path"] == "prompt.messages[1]");
    CHECK_FALSE(added.contains("old"));
    CHECK(added["new"] == json{{"role", "user"}, {"text", "Answer in Celsius."}});
    bool temperature = false;
    for (const auto& c : j["interactions"][1]["changes"])
        if (c["path"] == "prompt.params.temperature") temperature = c["old"] == 0.2 && c["new"] == 0.7;
    CHECK(temperature);
    testsupport::check_golden("diff/prompt_change.json", r.out);
}

TEST_CASE("interaction removed and added", "[diff]") {
    auto r = testsupport::run_cassette({"diff", "testdata/diff/three.yaml", "testdata/diff/two.yaml"});
    CHECK(r.exit_code == 1);
    testsupport::check_golden("diff/interaction_removed.txt", r.out);
    r = testsupport::run_cassette({"diff", "testdata/diff/two.yaml", "testdata/diff/three.yaml"});
    CHECK(r.exit_code == 1);
    testsupport::check_golden("diff/interaction_added.txt", r.out);
    r = testsupport::run_cassette({"diff", "testdata/diff/two.yaml", "testdata/diff/three.yaml", "--format", "json"});
    json j = json::parse(r.out);
    REQUIRE(j["interactions"].size() == 1);
    CHECK(j["interactions"][0]["index"] == 1);
    CHECK(j["interactions"][0]["change"] == "added");
    testsupport::check_golden("diff/interaction_added.json", r.out);
}

TEST_CASE("format 1 and format 2 of the same traffic are equal", "[diff]") {
    auto r = testsupport::run_cassette({"diff", "testdata/diff/format1.yaml", "testdata/diff/format2.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    // With nothing ignored only the duration (empty in format 1) shows: header
    // names differ in case only, proto fields and YAML style do not count.
    r = testsupport::run_cassette({"diff", "testdata/diff/format1.yaml", "testdata/diff/format2.yaml", "--no-ignore"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("response.duration: + 1425") != std::string::npos);
    CHECK(r.out.find("headers") == std::string::npos);
}

TEST_CASE("diff options: --ignore, --no-ignore and --list-ignored", "[diff]") {
    auto r = testsupport::run_cassette({"diff", kSeed, kRerecorded, "--ignore", "message.text", "--format", "json"});
    CHECK(r.exit_code == 1);
    json j = json::parse(r.out);
    REQUIRE(j["interactions"][0]["changes"].size() == 1);
    CHECK(j["interactions"][0]["changes"][0]["path"] == "message.usage.output_tokens");
    r = testsupport::run_cassette(
        {"diff", kSeed, kRerecorded, "--ignore", "message.text", "--ignore", "message.usage.*"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    r = testsupport::run_cassette({"diff", "--list-ignored"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("message.id") != std::string::npos);
    CHECK(r.out.find("**.obfuscation") != std::string::npos);
    CHECK(r.out.find("response.headers.Date") != std::string::npos);
    r = testsupport::run_cassette({"diff", "--list-ignored", "--no-ignore", "--ignore", "request.body.metadata"});
    CHECK(r.out.find("message.id") == std::string::npos);
    CHECK(r.out.find("request.body.metadata") != std::string::npos);
}

TEST_CASE("diff trouble exits 2 with a cassette: error line", "[diff]") {
    auto r = testsupport::run_cassette({"diff", "testdata/diff/nope.yaml", "testdata/diff/tool_a.yaml"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("cassette: error:", 0) == 0);
    CHECK(r.out.empty());
    r = testsupport::run_cassette({"diff", "testdata/diff/tool_a.yaml"});
    CHECK(r.exit_code == 2);
    std::string garbage = "version: 2\ninteractions: [ {request: \n";
    r = testsupport::run_cassette({"diff", "-", "testdata/diff/tool_a.yaml"}, &garbage);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("cassette: error:") != std::string::npos);
}

TEST_CASE("textconv view: one line per field, volatile fields left out", "[diff]") {
    auto r = testsupport::run_cassette({"diff", "--textconv", kSeed});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("message.text: Oi!\n") != std::string::npos);
    CHECK(r.out.find("chatcmpl") == std::string::npos);
    testsupport::check_golden("diff/textconv_seed.txt", r.out);
}

TEST_CASE("git diff driver: 7 arguments, /dev/null for an added file", "[diff]") {
    auto r = testsupport::run_cassette(
        {"diff", "cassettes/chat.yaml", kSeed, "abc1234", "100644", kRerecorded, "def5678", "100644"});
    // Git stops at a driver's non-zero exit ("external diff died"): differences exit 0 here.
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("diff --cassette a/cassettes/chat.yaml b/cassettes/chat.yaml\n", 0) == 0);
    CHECK(r.out.find("\"Oi!\" → \"Olá!\"") != std::string::npos);
    r = testsupport::run_cassette(
        {"diff", "new.yaml", "/dev/null", ".", ".", "testdata/diff/tool_a.yaml", "def5678", "100644"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("+ #0 POST") != std::string::npos);
    CHECK(r.out.find("+ #1 POST") != std::string::npos);
}

TEST_CASE("git diff driver and textconv in a real repository", "[diff]") {
    char tmpl[] = "/tmp/cassette-diff-git-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    fs::path repo = tmpl;
    std::string bin = shell_quote(CASSETTE_BINARY);
    std::string git = "git -c user.name=test -c user.email=test@example.com -c init.defaultBranch=main";
    REQUIRE(sh(repo, git + " init -q .").first == 0);
    std::ofstream(repo / ".gitattributes") << "*.yaml diff=cassette\n";
    fs::copy_file(fs::path(testsupport::source_dir()) / kSeed, repo / "chat.yaml");
    REQUIRE(sh(repo, git + " add . && " + git + " commit -q -m one").first == 0);
    fs::copy_file(fs::path(testsupport::source_dir()) / kRerecorded, repo / "chat.yaml",
                  fs::copy_options::overwrite_existing);
    fs::copy_file(fs::path(testsupport::source_dir()) / "testdata/diff/tool_a.yaml", repo / "tool.yaml");
    REQUIRE(sh(repo, git + " add . && " + git + " commit -q -m two").first == 0);

    // diff.<name>.command: git calls `cassette diff` with its 7 arguments.
    auto [status, out] =
        sh(repo, git + " -c diff.cassette.command=" + shell_quote(bin + " diff") + " --no-pager diff HEAD~1 HEAD");
    CHECK(status == 0);
    CHECK(out.find("diff --cassette a/chat.yaml b/chat.yaml") != std::string::npos);
    CHECK(out.find("message.text: \"Oi!\" → \"Olá!\"") != std::string::npos);
    CHECK(out.find("message.usage.output_tokens: 148 → 84 (-64)") != std::string::npos);
    CHECK(out.find("chatcmpl") == std::string::npos);
    CHECK(out.find("data:") == std::string::npos);
    // The added file: git passes /dev/null as the old side.
    CHECK(out.find("diff --cassette /dev/null b/tool.yaml") != std::string::npos);
    CHECK(out.find("+ #1 POST https://api.openai.com/v1/chat/completions (added)") != std::string::npos);

    // diff.<name>.textconv: git diffs the normalized views line by line.
    auto [tstatus, tout] = sh(repo, git + " -c diff.cassette.textconv=" + shell_quote(bin + " diff --textconv") +
                                        " --no-pager diff HEAD~1 HEAD -- chat.yaml");
    CHECK(tstatus == 0);
    CHECK(tout.find("-message.text: Oi!") != std::string::npos);
    CHECK(tout.find("+message.text: Olá!") != std::string::npos);
    CHECK(tout.find("-message.usage.output_tokens: 148") != std::string::npos);
    CHECK(tout.find("+message.usage.output_tokens: 84") != std::string::npos);
    CHECK(tout.find("obfuscation") == std::string::npos);
    CHECK(tout.find("chatcmpl") == std::string::npos);
    fs::remove_all(repo);
}
