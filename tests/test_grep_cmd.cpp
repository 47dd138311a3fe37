// `cassette grep` and `cassette ls`: the field texts, the pattern engine, the
// duplicate rule, the filters, and the command line (golden outputs).
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "decode/body.hpp"
#include "listing.hpp"
#include "reader.hpp"
#include "search.hpp"
#include "test_support.hpp"

using namespace cassette;
using testsupport::run_cassette;

namespace {

// Relative to the source dir, where run_cassette runs the binary: goldens stay portable.
const std::string kSse = "testdata/grep/gzip_base64_sse.yaml";
const std::string kEscaped = "testdata/grep/escaped_json.yaml";
const std::string kFantasy = "testdata/fantasy";

std::string src(const std::string& rel) { return testsupport::source_dir() + "/" + rel; }

// Up to 24 bytes of the first line of `text`, not cutting a UTF-8 sequence.
std::string piece_of(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    size_t n = std::min<size_t>(line.size(), 24);
    while (n > 0 && n < line.size() && (static_cast<unsigned char>(line[n]) & 0xC0) == 0x80) --n;
    return line.substr(0, n);
}

size_t count_lines(const std::string& s) {
    size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

}  // namespace

TEST_CASE("grep pattern: regex, fixed, word, case, line anchors", "[grep]") {
    Pattern re("pur+ple", {});
    REQUIRE(re.ok());
    auto m = re.find_all("a purple and purrple");
    REQUIRE(m.size() == 2);
    CHECK(m[0] == std::pair<size_t, size_t>{2, 8});

    Pattern fixed("a.b", {false, true, false});
    CHECK(fixed.find_all("axb a.b").size() == 1);
    Pattern word("cat", {false, false, true});
    CHECK(word.find_all("cat concat cats cat").size() == 2);
    Pattern icase("PARIS", {true, false, false});
    CHECK(icase.find_all("paris Paris").size() == 2);
    Pattern anchored("^b", {});
    CHECK(anchored.find_all("a\nb\nab").size() == 1);
    Pattern empty("", {});
    CHECK(empty.find_all("ab").size() == 3);  // before a, before b, at the end
    Pattern bad("a(", {});
    CHECK_FALSE(bad.ok());
    CHECK_FALSE(bad.error().empty());
}

TEST_CASE("grep decoded text: JSON strings unescaped, streams one line per event", "[grep]") {
    auto j = nlohmann::json::parse(R"({"a":"Caf\u00e9\nnull","b":[1,true]})");
    std::string t = unescaped_json(j, true);
    CHECK(t == "{\n  \"a\": \"Café\nnull\",\n  \"b\": [\n    1,\n    true\n  ]\n}");
    CHECK(t.find("\\n") == std::string::npos);
    CHECK(unescaped_json(j, false) == "{\"a\": \"Café\nnull\", \"b\": [1, true]}");

    DecodedBody sse = testsupport::sse_body("event: delta\ndata: {\"t\":\"x\\u00e9\"}\n\ndata: plain\n\n");
    CHECK(decoded_body_text(sse) == "event: delta\ndata: {\"t\": \"xé\"}\ndata: plain\n");
}

TEST_CASE("grep finds text only there after base64, gzip and SSE reassembly", "[grep]") {
    // The stored bytes do not hold it, not even a word of it.
    std::string raw = testsupport::read_file(src(kSse));
    CHECK(raw.find("purple") == std::string::npos);
    CHECK(raw.find("elephant") == std::string::npos);

    auto r = run_cassette({"grep", "purple elephant", kSse});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    testsupport::check_golden("grep/gzip_base64_sse.txt", r.out);

    // In the decoded body it is split over events: only the message has it.
    auto body_only = run_cassette({"grep", "purple elephant", kSse, "--in", "response"});
    CHECK(body_only.exit_code == 1);
    CHECK(body_only.out.empty());
    auto tokens = run_cassette({"grep", "phant", kSse, "--in", "response"});
    CHECK(tokens.exit_code == 0);
    CHECK(count_lines(tokens.out) == 1);
}

TEST_CASE("grep: no false match in an escaped JSON string, no match reported twice", "[grep]") {
    std::string raw = testsupport::read_file(src(kEscaped));
    // What grep -r sees: "\nnull" reads as "nnull", "Caf\u00e9" is not "Café".
    CHECK(raw.find("nnull") != std::string::npos);
    CHECK(raw.find("Café") == std::string::npos);

    auto none = run_cassette({"grep", "nnull", kEscaped});
    CHECK(none.exit_code == 1);
    CHECK(none.out.empty());

    // "Café" is in the response body and in the message text read from it,
    // and in the request body and its prompt: each reported once.
    auto r = run_cassette({"grep", "-i", "café", kEscaped});
    CHECK(r.exit_code == 0);
    testsupport::check_golden("grep/escaped_json.txt", r.out);
    CHECK(count_lines(r.out) == 2);
    CHECK(r.out.find(" #0 prompt: ") != std::string::npos);
    CHECK(r.out.find(" #0 text: ") != std::string::npos);
    CHECK(r.out.find(" response: ") == std::string::npos);
    CHECK(r.out.find(" request: ") == std::string::npos);

    // Asked for the body alone, the body reports it.
    auto body = run_cassette({"grep", "Café", kEscaped, "--in", "response"});
    CHECK(body.exit_code == 0);
    CHECK(count_lines(body.out) == 1);
    CHECK(body.out.find(" #0 response: ") != std::string::npos);

    // A line break in a string is a line break: ^ anchors after it.
    auto anchored = run_cassette({"grep", "^null results", kEscaped, "--in", "text"});
    CHECK(anchored.exit_code == 0);
    CHECK(count_lines(anchored.out) == 1);
}

TEST_CASE("grep output modes: json, -l, -c, -C", "[grep]") {
    auto j = run_cassette({"grep", "--json", "-i", "café", kEscaped});
    REQUIRE(j.exit_code == 0);
    testsupport::check_golden("grep/escaped_json.jsonl", j.out);
    size_t start = 0;
    size_t objects = 0;
    while (start < j.out.size()) {
        size_t nl = j.out.find('\n', start);
        auto o = nlohmann::json::parse(j.out.substr(start, nl - start));
        auto off = o["offsets"];
        CHECK(o["text"].get<std::string>().substr(off[0], off[1].get<size_t>() - off[0].get<size_t>()) == o["match"]);
        CHECK(o["file"] == kEscaped);
        ++objects;
        start = nl + 1;
    }
    CHECK(objects == 2);

    auto l = run_cassette({"grep", "-l", "Olá", kFantasy, "--in", "text"});
    CHECK(l.exit_code == 0);
    testsupport::check_golden("grep/files_with_matches.txt", l.out);

    auto c = run_cassette({"grep", "-c", "-F", "weather", kFantasy, "--in", "tool"});
    CHECK(c.exit_code == 0);
    testsupport::check_golden("grep/count_tool.txt", c.out);

    auto ctx = run_cassette(
        {"grep", "-C", "2", "finish_reason", "testdata/fantasy/openai_streaming.yaml", "--in", "response"});
    CHECK(ctx.exit_code == 0);
    testsupport::check_golden("grep/context.txt", ctx.out);
}

TEST_CASE("grep filters and exit status", "[grep]") {
    auto s = run_cassette({"grep", "rate limit", kEscaped, "--status", "4xx"});
    CHECK(s.exit_code == 0);
    CHECK(s.out.find(" #1 response: ") != std::string::npos);
    CHECK(run_cassette({"grep", "rate limit", kEscaped, "--status", "200"}).exit_code == 1);
    CHECK(run_cassette({"grep", "rate limit", kEscaped, "--status", "4x"}).exit_code == 2);
    // Six files say "Olá"; the filters pick among them.
    CHECK(count_lines(run_cassette({"grep", "-l", "Olá", kFantasy}).out) == 6);
    CHECK(run_cassette({"grep", "-l", "Olá", kFantasy, "--model", "o4-mini*"}).out ==
          "testdata/fantasy/openai-o4-mini/simple_streaming.yaml\ntestdata/fantasy/openai_streaming.yaml\n");
    CHECK(run_cassette({"grep", "-l", "Olá", kFantasy, "--api", "anthropic"}).out ==
          "testdata/fantasy/anthropic_streaming.yaml\ntestdata/fantasy/bedrock_simple_streaming.yaml\n");
    CHECK(run_cassette({"grep", "-l", "Olá", kFantasy, "--host", "*.googleapis.com"}).out ==
          "testdata/fantasy/gemini_streaming.yaml\n");
    CHECK(run_cassette({"grep", "Olá", kFantasy, "--model", "gpt-5*"}).exit_code == 1);
    CHECK(run_cassette({"grep", "Olá", kFantasy, "--host", "*.example.com"}).exit_code == 1);
    // --tool: a call in the response (interaction 0), or an earlier call in the request (1).
    auto t = run_cassette(
        {"grep", "-c", "openai", "testdata/fantasy/openai-o4-mini/tool.yaml", "--tool", "weather", "--in", "url"});
    CHECK(t.exit_code == 0);
    CHECK(t.out == "testdata/fantasy/openai-o4-mini/tool.yaml:2\n");
    CHECK(
        run_cassette({"grep", "openai", "testdata/fantasy/openai-o4-mini/tool.yaml", "--tool", "get_time"}).exit_code ==
        1);
    CHECK(run_cassette({"grep", "-c", "openai", "testdata/fantasy/openai-o4-mini/simple.yaml", "--tool", "weather"})
              .exit_code == 1);

    // A bad pattern is an error; an unreadable file is reported, the others searched.
    auto bad = run_cassette({"grep", "a(", kEscaped});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("invalid pattern") != std::string::npos);
    auto mixed = run_cassette(
        {"grep", "Olá", "testdata/fantasy/openai_streaming.yaml", "testdata/formats-malformed/nock-missing.json"});
    CHECK(mixed.exit_code == 2);
    CHECK(mixed.out.find("openai_streaming.yaml") != std::string::npos);
    CHECK(mixed.err.find("nock-missing.json") != std::string::npos);
    auto missing = run_cassette({"grep", "x", "no/such/dir"});
    CHECK(missing.exit_code == 2);
}

TEST_CASE("grep finds every message text in every format of testdata", "[grep]") {
    // For each reassembled message, a piece of its text is searched for
    // literally: it must be found in that interaction's text field.
    size_t checked = 0;
    for (const auto& path : expand_paths({src("testdata/formats"), src("testdata/fantasy"), src("testdata/grep")})) {
        std::vector<std::pair<size_t, std::string>> pieces;
        read_cassette(path, [&](Interaction&& ix) {
            InteractionView v(ix);
            const Message* m = v.message();
            if (!m || m->text.empty() || m->choices.size() > 1) return;
            std::string piece = piece_of(m->text);
            if (piece.size() < 4) return;
            pieces.emplace_back(ix.index, piece);
        });
        for (const auto& [index, piece] : pieces) {
            Pattern p(piece, {false, true, false});
            FileSearch s = search_file(path, p, field_bit(Field::text), {});
            bool found = false;
            for (const auto& ix : s.interactions) found = found || ix.index == index;
            INFO(path << " #" << index << " " << piece);
            CHECK(found);
            ++checked;
        }
    }
    CHECK(checked >= 15);
}

TEST_CASE("grep finds every message text in every format of the corpora", "[grep][corpus]") {
    size_t checked = 0;
    for (const char* dir : {"corpus", "corpus-next", "corpus-3"}) {
        std::string root = testsupport::source_dir() + "/../shared/" + dir;
        if (!std::filesystem::exists(root)) continue;
        std::vector<std::string> files;
        try {
            files = expand_paths({root});
        } catch (const std::exception&) {
            continue;
        }
        for (const auto& path : files) {
            std::vector<std::pair<size_t, std::string>> pieces;
            try {
                read_cassette(path, [&](Interaction&& ix) {
                    InteractionView v(ix);
                    const Message* m = v.message();
                    if (!m || m->text.empty() || m->choices.size() > 1) return;
                    std::string piece = piece_of(m->text);
                    if (piece.size() < 4) return;
                    pieces.emplace_back(ix.index, piece);
                });
            } catch (const std::exception&) {
                continue;  // unreadable on purpose (malformed samples)
            }
            for (const auto& [index, piece] : pieces) {
                Pattern p(piece, {false, true, false});
                FileSearch s = search_file(path, p, field_bit(Field::text), {});
                bool found = false;
                for (const auto& ix : s.interactions) found = found || ix.index == index;
                INFO(path << " #" << index << " " << piece);
                CHECK(found);
                ++checked;
            }
        }
    }
    CHECK(checked > 100);
}

TEST_CASE("ls: one line per interaction, per file, sorted, filtered", "[ls]") {
    auto r = run_cassette({"ls", kFantasy});
    CHECK(r.exit_code == 0);
    testsupport::check_golden("ls/fantasy.txt", r.out);

    auto files = run_cassette({"ls", "--files", kFantasy});
    CHECK(files.exit_code == 0);
    testsupport::check_golden("ls/fantasy-files.txt", files.out);

    auto csv = run_cassette({"ls", "--format", "csv", "--sort", "tokens", "testdata/grep"});
    CHECK(csv.exit_code == 0);
    testsupport::check_golden("ls/grep-by-tokens.csv", csv.out);

    auto j = run_cassette({"ls", "--format", "json", kEscaped, "--status", "4xx"});
    REQUIRE(j.exit_code == 0);
    auto doc = nlohmann::json::parse(j.out);
    REQUIRE(doc["interactions"].size() == 1);
    CHECK(doc["interactions"][0]["index"] == 1);
    CHECK(doc["interactions"][0]["status"] == 429);
    CHECK(doc["interactions"][0]["api"].is_null());

    auto model = run_cassette({"ls", "--format", "json", kFantasy, "--model", "gemini-2.5*"});
    auto mdoc = nlohmann::json::parse(model.out);
    REQUIRE(mdoc["interactions"].size() >= 2);
    for (const auto& row : mdoc["interactions"]) CHECK(row["api"] == "gemini");

    auto bad = run_cassette({"ls", kFantasy, "testdata/formats-malformed/nock-missing.json"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.find("openai_streaming.yaml") != std::string::npos);
}

TEST_CASE("ls reads every format of testdata", "[ls]") {
    // Every file is read and listed, those with no interactions (an empty
    // ExVCR cassette) too.
    auto r = run_cassette({"ls", "--files", "--format", "json", "testdata/formats"});
    CHECK(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    std::set<std::string> files, formats;
    for (const auto& row : doc["files"]) {
        files.insert(row["path"].get<std::string>());
        formats.insert(row["format"].get<std::string>());
    }
    CHECK(files.size() == expand_paths({src("testdata/formats")}).size());
    for (const char* f : {"vcrpy", "ruby-vcr", "har", "httprr", "nock", "exvcr", "betamax", "php-vcr", "dvr",
                          "talkback", "dd-trace", "cassetter", "aquila"})
        CHECK(formats.count(f) == 1);
}

TEST_CASE("grep and ls on malformed files: reported, never a crash, output the same on any -j", "[grep][ls]") {
    for (const char* cmd : {"grep", "ls"}) {
        INFO(cmd);
        std::vector<std::string> args{cmd};
        if (std::string(cmd) == "grep") args.push_back("a");
        for (const char* dir : {"testdata/malformed", "testdata/formats-malformed"}) args.push_back(dir);
        auto r = run_cassette(args);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("testdata/malformed/truncated.yaml") != std::string::npos);
        CHECK(r.err.find("cassette: error: ") != std::string::npos);
    }
    auto one = run_cassette({"grep", "--json", "-i", "the", "testdata", "-j", "1"});
    auto two = run_cassette({"grep", "--json", "-i", "the", "testdata", "-j", "2"});
    CHECK(one.exit_code == two.exit_code);
    CHECK(one.out == two.out);
    CHECK(count_lines(one.out) > 100);
}
