// `cassette scrub` as a user and a CI job meet it: exit codes, in-place
// rewrites that keep the mode and leave clean files alone, -o, --check,
// --diff, the JSON report, the config file; and the unified line diff under it.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scrub.hpp"
#include "test_support.hpp"
#include "util/unified_diff.hpp"

using namespace cassette;
using testsupport::check_golden;
using testsupport::read_file;
using testsupport::run_cassette;
namespace fs = std::filesystem;

namespace {

const char* kOpenAIKey = "sk-proj-U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8Oool8DklZDOCj2ISaJ";
const char* kGeminiKey = "AIzaFkThf4VucSmEHgaKwVJ7faC9qEwjky40UVs";
const char* kAnthropicKey = "sk-ant-api03-iHkTj0rLGlkoMXGjtEkDnNfribxUdl7dXTPyLsxP";

std::string src(const std::string& rel) { return testsupport::source_dir() + "/" + rel; }

// A fresh directory under /tmp, removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "cassette-scrub-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string copy(const std::string& name, const std::string& as = "") const {
        fs::path to = path / (as.empty() ? name : as);
        fs::create_directories(to.parent_path());
        fs::copy_file(src("testdata/scrub/" + name), to, fs::copy_options::overwrite_existing);
        return to.string();
    }
    std::string write(const std::string& name, const std::string& text) const {
        fs::path to = path / name;
        fs::create_directories(to.parent_path());
        std::ofstream(to, std::ios::binary) << text;
        return to.string();
    }
};

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs the binary with `dir` as working directory (run_cassette always uses
// the source tree).
testsupport::RunResult run_in(const std::string& dir, const std::vector<std::string>& args) {
    TempDir io;
    std::string out = (io.path / "out").string(), err = (io.path / "err").string();
    std::string cmd = "cd " + quote(dir) + " && env -u NO_COLOR TERM=dumb " + quote(CASSETTE_BINARY);
    for (const auto& a : args) cmd += " " + quote(a);
    cmd += " </dev/null >" + quote(out) + " 2>" + quote(err);
    int status = std::system(cmd.c_str());
    testsupport::RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    return static_cast<unsigned>(st.st_mode) & 07777;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

bool leaks(const testsupport::RunResult& r) {
    for (const char* k : {kOpenAIKey, kGeminiKey, kAnthropicKey})
        if (contains(r.out, k) || contains(r.err, k)) return true;
    return false;
}

// ---- unified diff helpers ----------------------------------------------------

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        size_t end = nl == std::string::npos ? text.size() : nl + 1;
        out.push_back(text.substr(start, end - start));
        start = end;
    }
    return out;
}

// Applies hunks to `a` the way patch(1) does (strictly: context must match).
std::string patch_text(const std::string& a, const std::vector<DiffHunk>& hunks) {
    std::vector<std::string> la = lines_of(a);
    std::string out;
    size_t next = 0;  // 0-based index of the first line of `a` not yet copied
    for (const DiffHunk& h : hunks) {
        size_t first = h.old_count ? h.old_start - 1 : h.old_start;
        REQUIRE(first >= next);
        for (; next < first; ++next) out += la[next];
        for (const DiffLine& l : h.lines) {
            std::string text = std::string(l.text) + (l.newline ? "\n" : "");
            if (l.kind != DiffLine::added) {
                REQUIRE(next < la.size());
                REQUIRE(la[next] == text);
                ++next;
            }
            if (l.kind != DiffLine::removed) out += text;
        }
    }
    for (; next < la.size(); ++next) out += la[next];
    return out;
}

size_t lcs(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::vector<std::vector<size_t>> t(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j)
            t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
    return t[a.size()][b.size()];
}

size_t changed_lines(const std::vector<DiffHunk>& hunks) {
    size_t n = 0;
    for (const auto& h : hunks)
        for (const auto& l : h.lines) n += l.kind != DiffLine::context;
    return n;
}

}  // namespace

// ---- unified diff --------------------------------------------------------------

TEST_CASE("unified diff: the format diff -u and git print", "[scrub][cmd][unified-diff]") {
    CHECK(unified_diff("a\nb\n", "a\nb\n", "a/x", "b/x").empty());
    std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    std::string b = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
    CHECK(unified_diff(a, b, "a/f.yaml", "b/f.yaml") ==
          "--- a/f.yaml\n+++ b/f.yaml\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
    // One line on a side: ",1" is left out; nothing on a side: the line before, count 0.
    CHECK(unified_diff("x\n", "y\n", "a", "b") == "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n");
    CHECK(unified_diff("", "y\nz\n", "a", "b") == "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+y\n+z\n");
    CHECK(unified_diff("a\nb\nc\n", "a\nc\n", "a", "b") == "--- a\n+++ b\n@@ -1,3 +1,2 @@\n a\n-b\n c\n");
    // A missing final newline is a change of its own, marked as git marks it.
    CHECK(unified_diff("a\nb", "a\nb\n", "a", "b") ==
          "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
}

TEST_CASE("unified diff: hunks merge when their context would touch", "[scrub][cmd][unified-diff]") {
    std::string a, b6, b7;
    for (int i = 1; i <= 20; ++i) a += std::to_string(i) + "\n";
    // Changes at lines 3 and 10: 6 unchanged lines between, one hunk.
    b6 = a;
    b6.replace(b6.find("\n3\n") + 1, 1, "c");
    b6.replace(b6.find("\n10\n") + 1, 2, "j");
    auto h6 = diff_lines(a, b6);
    REQUIRE(h6.size() == 1);
    CHECK(hunk_header(h6[0]) == "@@ -1,13 +1,13 @@");
    // Changes at lines 3 and 11: 7 between, two hunks.
    b7 = a;
    b7.replace(b7.find("\n3\n") + 1, 1, "c");
    b7.replace(b7.find("\n11\n") + 1, 2, "k");
    auto h7 = diff_lines(a, b7);
    REQUIRE(h7.size() == 2);
    CHECK(hunk_header(h7[0]) == "@@ -1,6 +1,6 @@");
    CHECK(hunk_header(h7[1]) == "@@ -8,7 +8,7 @@");
    CHECK(diff_lines(a, b7, 0).size() == 2);
    CHECK(hunk_header(diff_lines(a, b7, 0)[0]) == "@@ -3 +3 @@");
}

TEST_CASE("unified diff: random texts patch back, and the script is the shortest", "[scrub][cmd][unified-diff]") {
    std::mt19937 rng(12345);
    auto random_text = [&](size_t max_lines) {
        std::string t;
        size_t n = rng() % (max_lines + 1);
        for (size_t i = 0; i < n; ++i) t += std::string(1, static_cast<char>('a' + rng() % 4)) + "\n";
        if (!t.empty() && rng() % 5 == 0) t.pop_back();  // sometimes no final newline
        return t;
    };
    for (int round = 0; round < 400; ++round) {
        std::string a = random_text(30), b = random_text(30);
        INFO("a=" << a << "\nb=" << b);
        size_t context = rng() % 4;
        auto hunks = diff_lines(a, b, context);
        CHECK(patch_text(a, hunks) == b);
        auto la = lines_of(a), lb = lines_of(b);
        CHECK(changed_lines(hunks) == la.size() + lb.size() - 2 * lcs(la, lb));
        // With almost no budget the diff falls back to one block: longer, still right.
        auto rough = diff_lines(a, b, context, 1);
        CHECK(patch_text(a, rough) == b);
    }
}

TEST_CASE("unified diff: a long file with a few changed lines stays small", "[scrub][cmd][unified-diff]") {
    std::string a, b;
    for (int i = 0; i < 200000; ++i) {
        a += "line " + std::to_string(i) + "\n";
        b += (i % 50000 == 7 ? "LINE " : "line ") + std::to_string(i) + "\n";
    }
    auto hunks = diff_lines(a, b);
    CHECK(hunks.size() == 4);
    CHECK(changed_lines(hunks) == 8);
    CHECK(patch_text(a, hunks) == b);
}

TEST_CASE("unified diff: many scattered edits are cut at unique lines, not one block", "[scrub][cmd][unified-diff]") {
    // 3000 replaced lines: past Myers' edit bound, so the anchors decide.
    std::string a, b;
    for (int i = 0; i < 9000; ++i) {
        a += "entry " + std::to_string(i) + "\n";
        b += (i % 3 == 1 ? "ENTRY " : "entry ") + std::to_string(i) + "\n";
    }
    auto hunks = diff_lines(a, b);
    CHECK(patch_text(a, hunks) == b);
    CHECK(changed_lines(hunks) == 6000);
    // Repeated lines only (no anchor): still correct, as one block.
    std::string c(5000 * 2, 'x'), e;
    for (size_t i = 1; i < c.size(); i += 2) c[i] = '\n';
    for (int i = 0; i < 5000; ++i) e += i % 2 ? "x\n" : "y\n";
    auto block = diff_lines(c, e, 3, 1000);
    CHECK(patch_text(c, block) == e);
}

// ---- the command -------------------------------------------------------------

TEST_CASE("scrub --check: exit 1 when something is left, 0 when clean, nothing written", "[scrub][cmd]") {
    TempDir d;
    std::string dirty = d.copy("openai_key.yaml"), clean = d.copy("clean.yaml");
    std::string before = read_file(dirty);
    auto r = run_cassette({"scrub", "--check", dirty});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, dirty + ":11:"));
    CHECK(contains(r.out, "interaction 0: "));
    CHECK(contains(r.err, "to scrub"));
    CHECK_FALSE(leaks(r));
    CHECK(read_file(dirty) == before);

    auto ok = run_cassette({"scrub", "--check", clean});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.empty());
    CHECK(contains(ok.err, "nothing to scrub in 1 file"));
}

TEST_CASE("scrub --check: golden report for the test cassettes", "[scrub][cmd]") {
    auto r = run_cassette({"scrub", "--check", "testdata/scrub/openai_key.yaml", "testdata/scrub/query_key.yaml",
                           "testdata/scrub/clean.yaml"});
    CHECK(r.exit_code == 1);
    CHECK_FALSE(leaks(r));
    check_golden("scrub/check.txt", r.out + "--- stderr\n" + r.err);
}

TEST_CASE("scrub --diff: golden git-style diff, secrets masked, nothing written", "[scrub][cmd]") {
    auto r = run_cassette({"scrub", "--diff", "testdata/scrub/openai_key.yaml", "testdata/scrub/clean.yaml"});
    CHECK(r.exit_code == 1);
    CHECK_FALSE(leaks(r));
    CHECK(r.out.rfind("--- a/testdata/scrub/openai_key.yaml\n+++ b/testdata/scrub/openai_key.yaml\n@@ -", 0) == 0);
    CHECK(contains(r.out, "\n+      - Bearer REDACTED\n"));
    CHECK_FALSE(contains(r.out, "clean.yaml"));  // nothing to change there
    // The report lines go to stderr: standard output is the diff.
    CHECK(contains(r.err, "testdata/scrub/openai_key.yaml:11:"));
    check_golden("scrub/openai_key.diff", r.out);

    auto none = run_cassette({"scrub", "--diff", "testdata/scrub/clean.yaml"});
    CHECK(none.exit_code == 0);
    CHECK(none.out.empty());
}

TEST_CASE("masked_diff: the removed value never appears, what stays is shown", "[scrub][cmd]") {
    std::string before =
        "a: 1\nkey: Bearer sk-proj-U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8Oool8DklZDOCj2ISaJ\nb: 2\n"
        "  pem: -----BEGIN PRIVATE KEY-----\n  MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n  -----END\nc: 3\n";
    std::string after = "a: 1\nkey: Bearer REDACTED\nb: 2\n  pem: REDACTED\nc: 3\n";
    std::string d = masked_diff("x.yaml", before, after);
    CHECK_FALSE(contains(d, "U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8Oool8DklZDOCj2ISaJ"));
    CHECK_FALSE(contains(d, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"));
    CHECK(contains(d, "-key: Bearer \"sk-p"));
    CHECK(contains(d, "(56 chars)\n+key: Bearer REDACTED\n"));
    CHECK(contains(d, "\n-  \"MIIE"));  // an unpaired removed line: indentation kept, the rest masked
    CHECK(d.rfind("--- a/x.yaml\n+++ b/x.yaml\n@@ -1,7 +1,5 @@\n", 0) == 0);
    // A shared first byte of two different UTF-8 characters stays with the mask.
    std::string u = masked_diff("u.yaml", "k: \xC3\xA9t\xC3\xA9-secret-value\n", "k: \xC3\xA8REDACTED\n");
    CHECK(contains(u, "\n-k: \"\xC3\xA9"));
}

TEST_CASE("scrub: in place, mode kept, clean files and second runs leave bytes and mtime alone", "[scrub][cmd]") {
    TempDir d;
    std::string dirty = d.copy("openai_key.yaml", "fixtures/a/openai_key.yaml");
    std::string clean = d.copy("clean.yaml", "fixtures/b/clean.yaml");
    REQUIRE(chmod(dirty.c_str(), 0640) == 0);
    const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(24);
    fs::last_write_time(clean, old_time);
    std::string clean_before = read_file(clean);

    auto r = run_cassette({"scrub", (d.path / "fixtures").string()});
    CHECK(r.exit_code == 0);
    CHECK_FALSE(leaks(r));
    std::string after = read_file(dirty);
    CHECK_FALSE(contains(after, kOpenAIKey));
    CHECK(contains(after, "REDACTED"));
    CHECK(mode_of(dirty) == 0640);
    CHECK(read_file(clean) == clean_before);
    CHECK(fs::last_write_time(clean) == old_time);
    CHECK(contains(r.err, "scrubbed in 1 of 2 files"));
    // No temporary file is left beside the rewritten one.
    size_t entries = 0;
    for (const auto& e : fs::directory_iterator(fs::path(dirty).parent_path())) entries += e.is_regular_file();
    CHECK(entries == 1);

    // Scrubbed once, nothing is left: the second run writes nothing.
    fs::last_write_time(dirty, old_time);
    auto again = run_cassette({"scrub", (d.path / "fixtures").string()});
    CHECK(again.exit_code == 0);
    CHECK(fs::last_write_time(dirty) == old_time);
    CHECK(read_file(dirty) == after);
    auto check = run_cassette({"scrub", "--check", (d.path / "fixtures").string()});
    CHECK(check.exit_code == 0);
}

TEST_CASE("scrub: a file named twice is scrubbed and reported once", "[scrub][cmd]") {
    TempDir d;
    std::string dirty = d.copy("openai_key.yaml");
    auto r = run_cassette({"scrub", "--check", d.path.string(), dirty, (d.path / "." / "openai_key.yaml").string()});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "1 value to scrub in 1 of 1 file"));
}

TEST_CASE("scrub: a symbolic link is followed, the link stays", "[scrub][cmd]") {
    TempDir d;
    std::string real = d.copy("openai_key.yaml");
    fs::path link = d.path / "link.yaml";
    fs::create_symlink(real, link);
    auto r = run_cassette({"scrub", link.string()});
    CHECK(r.exit_code == 0);
    CHECK(fs::is_symlink(link));
    CHECK_FALSE(contains(read_file(real), kOpenAIKey));
}

TEST_CASE("scrub -o: the copy is written, the input left alone, one input only", "[scrub][cmd]") {
    TempDir d;
    std::string in = d.copy("openai_key.yaml");
    std::string before = read_file(in);
    std::string out = (d.path / "out" / "clean.yaml").string();
    fs::create_directories(d.path / "out");
    auto r = run_cassette({"scrub", in, "-o", out});
    CHECK(r.exit_code == 0);
    CHECK(read_file(in) == before);
    CHECK_FALSE(contains(read_file(out), kOpenAIKey));

    // A clean input is still copied: -o asks for a file.
    std::string out2 = (d.path / "out" / "copy.yaml").string();
    CHECK(run_cassette({"scrub", src("testdata/scrub/clean.yaml"), "-o", out2}).exit_code == 0);
    CHECK(read_file(out2) == read_file(src("testdata/scrub/clean.yaml")));

    auto two = run_cassette({"scrub", in, src("testdata/scrub/clean.yaml"), "-o", out});
    CHECK(two.exit_code == 2);
    CHECK(two.err.rfind("cassette: error:", 0) == 0);
    CHECK(run_cassette({"scrub", "--check", in, "-o", out}).exit_code == 2);
}

TEST_CASE("scrub -: standard input to standard output, report on stderr", "[scrub][cmd]") {
    std::string text = read_file(src("testdata/scrub/openai_key.yaml"));
    auto r = run_cassette({"scrub", "-"}, &text);
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "version: 2\n"));
    CHECK(contains(r.out, "REDACTED"));
    CHECK_FALSE(leaks(r));
    CHECK(contains(r.err, "-:11:"));
}

TEST_CASE("scrub: an unreadable file is reported (exit 2), left alone, the others still scrubbed", "[scrub][cmd]") {
    TempDir d;
    std::string broken = d.copy("broken.yaml"), dirty = d.copy("openai_key.yaml");
    std::string broken_before = read_file(broken);
    auto r = run_cassette({"scrub", d.path.string(), (d.path / "missing.yaml").string()});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "cassette: error: " + broken + ":"));
    CHECK(contains(r.err, "cassette: error: " + (d.path / "missing.yaml").string() + ": no such file"));
    CHECK(read_file(broken) == broken_before);
    CHECK_FALSE(contains(read_file(dirty), kOpenAIKey));
}

TEST_CASE("scrub --format json: one document, files and totals", "[scrub][cmd]") {
    TempDir d;
    d.copy("openai_key.yaml");
    d.copy("clean.yaml");
    d.copy("broken.yaml");
    auto r = run_cassette({"scrub", "--check", "--format", "json", d.path.string()});
    CHECK(r.exit_code == 2);
    CHECK_FALSE(leaks(r));
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["mode"] == "check");
    REQUIRE(doc["files"].size() == 3);
    const auto& broken = doc["files"][0];
    CHECK(broken["path"] == (d.path / "broken.yaml").string());
    CHECK(broken.contains("error"));
    CHECK(broken["changed"] == false);
    const auto& clean = doc["files"][1];
    CHECK(clean["changed"] == false);
    CHECK(clean["scrubbed"].empty());
    CHECK_FALSE(clean.contains("error"));
    const auto& dirty = doc["files"][2];
    CHECK(dirty["format"] == "go-vcr");
    CHECK(dirty["changed"] == true);
    REQUIRE(dirty["scrubbed"].size() >= 1);
    const auto& s = dirty["scrubbed"][0];
    for (const char* key : {"line", "column", "interaction", "where", "rule", "masked"}) CHECK(s.contains(key));
    CHECK(s["line"] == 11);
    CHECK(s["interaction"] == 0);
    CHECK(dirty["unscrubbable"].is_array());
    const auto& totals = doc["totals"];
    CHECK(totals["files"] == 3);
    CHECK(totals["changed"] == 1);
    CHECK(totals["errors"] == 1);
    CHECK(totals["scrubbed"] == dirty["scrubbed"].size());
    CHECK(totals["unscrubbable"] == 0);

    auto diff = run_cassette({"scrub", "--diff", "--format", "json", src("testdata/scrub/openai_key.yaml")});
    CHECK(diff.exit_code == 1);
    auto ddoc = nlohmann::json::parse(diff.out);
    CHECK(ddoc["files"][0]["diff"].get<std::string>().find("+++ b/") != std::string::npos);
}

TEST_CASE("scrub: settings from .cassette.toml found upward, --config, the command line on top", "[scrub][cmd]") {
    TempDir d;
    d.write(".cassette.toml",
            "# the repository's policy\n[validate]\nstrict = true\n\n[scrub]\n"
            "replacement = \"SCRUBBED\"\nheader = [\"X-Internal-Token\"]\n");
    std::string deep = (d.path / "a" / "b").string();
    d.copy("openai_key.yaml", "a/b/fixtures/openai_key.yaml");
    auto r = run_in(deep, {"scrub", "fixtures"});
    CHECK(r.exit_code == 0);
    CHECK(contains(read_file(deep + "/fixtures/openai_key.yaml"), "Bearer SCRUBBED"));

    // The command line wins over the file for one value.
    d.copy("openai_key.yaml", "a/b/fixtures/openai_key.yaml");
    auto cli = run_in(deep, {"scrub", "--replacement", "FROM-CLI", "fixtures"});
    CHECK(cli.exit_code == 0);
    CHECK(contains(read_file(deep + "/fixtures/openai_key.yaml"), "Bearer FROM-CLI"));

    // --config names another file; the one found upward is then not read.
    d.copy("openai_key.yaml", "a/b/fixtures/openai_key.yaml");
    std::string other = d.write("policy/scrub.toml", "[scrub]\nreplacement = 'OTHER'\n");
    auto named = run_in(deep, {"scrub", "--config", other, "fixtures"});
    CHECK(named.exit_code == 0);
    CHECK(contains(read_file(deep + "/fixtures/openai_key.yaml"), "Bearer OTHER"));

    // keep from the file switches a rule off.
    d.copy("openai_key.yaml", "a/b/fixtures/openai_key.yaml");
    std::string keep_all = d.write("policy/keep.toml", "[scrub]\nkeep = [\"header\", \"key-shape\"]\n");
    auto kept = run_in(deep, {"scrub", "--check", "--config", keep_all, "fixtures"});
    CHECK(kept.exit_code == 0);

    auto missing = run_in(deep, {"scrub", "--config", "nope.toml", "fixtures"});
    CHECK(missing.exit_code == 2);
    CHECK(contains(missing.err, "nope.toml"));
}

TEST_CASE("scrub: bad settings are usage errors (exit 2) that say what is allowed", "[scrub][cmd]") {
    std::string f = "testdata/scrub/openai_key.yaml";
    auto pattern = run_cassette({"scrub", "--check", "--pattern", "(unclosed", f});
    CHECK(pattern.exit_code == 2);
    CHECK(contains(pattern.err, "(unclosed"));
    CHECK(contains(pattern.err, "RE2"));

    auto keep = run_cassette({"scrub", "--check", "--keep", "passwords", f});
    CHECK(keep.exit_code == 2);
    for (const char* rule : scrub::kRules) CHECK(contains(keep.err, rule));

    TempDir d;
    std::string bad_key = d.write("bad.toml", "[scrub]\nheaders = [\"X-Token\"]\n");
    auto key = run_cassette({"scrub", "--check", "--config", bad_key, f});
    CHECK(key.exit_code == 2);
    CHECK(contains(key.err, "headers: not a scrub setting"));

    std::string bad_rule = d.write("rule.toml", "[scrub]\nkeep = ['nope']\n");
    auto rule = run_cassette({"scrub", "--check", "--config", bad_rule, f});
    CHECK(rule.exit_code == 2);
    CHECK(contains(rule.err, "unknown rule `nope`"));
    CHECK(contains(rule.err, "url-password"));

    std::string bad_re = d.write("re.toml", "[scrub]\npattern = ['a(b']\n");
    auto re = run_cassette({"scrub", "--check", "--config", bad_re, f});
    CHECK(re.exit_code == 2);
    CHECK(contains(re.err, "re.toml"));
}

TEST_CASE("scrub reports: values, what could not be scrubbed, counts and JSON", "[scrub][cmd]") {
    ScrubReport a;
    a.path = "a.yaml";
    a.result.format = "go-vcr";
    a.result.changed = true;
    a.result.scrubbed.push_back({11, 9, 0, "request header Authorization", "header", "\"sk-p…\" (56 chars)"});
    a.result.unscrubbable.push_back({40, 11, 2, "response body (gzip)", "gzip stream is truncated"});
    ScrubReport b;
    b.path = "b.yaml";
    b.result.format = "vcrpy";
    ScrubReport c;
    c.path = "c.yaml";
    c.error = "c.yaml:3:1: did not find expected key";
    std::vector<ScrubReport> reports{a, b, c};

    CHECK(format_scrub_text(reports, false) ==
          "a.yaml:11:9: interaction 0: request header Authorization (header): \"sk-p…\" (56 chars)\n"
          "a.yaml:40:11: interaction 2: response body (gzip): not scrubbed: gzip stream is truncated\n");
    CHECK(format_scrub_counts(reports, true) ==
          "a.yaml: 1 value to scrub, 1 could not be scrubbed\n"
          "1 value to scrub in 1 of 2 files; 1 value could not be scrubbed; 1 file could not be read\n");
    CHECK(format_scrub_counts(reports, false) ==
          "a.yaml: 1 value scrubbed, 1 could not be scrubbed\n"
          "1 value scrubbed in 1 of 2 files; 1 value could not be scrubbed; 1 file could not be read\n");
    CHECK(format_scrub_counts({b}, false) == "nothing to scrub in 1 file\n");

    ScrubOptions opts;
    opts.check = true;
    auto doc = nlohmann::json::parse(format_scrub_json(reports, opts));
    CHECK(doc["mode"] == "check");
    const auto expected_stuck = nlohmann::json::parse(
        "{\"line\":40,\"column\":11,\"interaction\":2,\"where\":\"response body (gzip)\","
        "\"reason\":\"gzip stream is truncated\"}");
    CHECK(doc["files"][0]["unscrubbable"][0] == expected_stuck);
    CHECK(doc["files"][1]["format"] == "vcrpy");
    CHECK(doc["files"][2]["format"].is_null());
    CHECK(doc["files"][2]["error"] == "c.yaml:3:1: did not find expected key");
    const auto expected_totals =
        nlohmann::json::parse("{\"files\":3,\"changed\":1,\"scrubbed\":1,\"unscrubbable\":1,\"errors\":1}");
    CHECK(doc["totals"] == expected_totals);
    CHECK_FALSE(doc["files"][0].contains("diff"));
}

TEST_CASE("find_scrub_config: nearest upward, explicit path first", "[scrub][cmd]") {
    TempDir d;
    d.write("x/.cassette.toml", "[scrub]\n");
    fs::create_directories(d.path / "x" / "y" / "z");
    CHECK(find_scrub_config("", (d.path / "x" / "y" / "z").string()) == (d.path / "x" / ".cassette.toml").string());
    CHECK(find_scrub_config("given.toml", (d.path / "x").string()) == "given.toml");
}
