// The fast go-vcr YAML reader (lib/formats/yaml_fast.hpp) against libyaml,
// the judge: every document it takes must give the nodes libyaml gives,
// positions included; everything outside its subset must be left to
// libyaml; and a read that starts fast and hands over to libyaml mid-file
// must give what a libyaml-only read gives.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <vector>

#include "error.hpp"
#include "formats/json_export.hpp"
#include "formats/yaml_fast.hpp"
#include "reader.hpp"
#include "test_support.hpp"

using namespace cassette;

namespace {

std::string describe(const YamlNode& n, int depth = 0) {
    std::string pad(static_cast<size_t>(depth) * 2, ' ');
    std::string out = fmt::format("{}{} @{}:{} tag={} style={}", pad, n.kind_name(), n.pos.line, n.pos.column, n.tag,
                                  static_cast<int>(n.style));
    if (n.is_scalar())
        out += " " + nlohmann::json(n.value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += "\n";
    for (const auto& c : n.children) out += describe(c, depth + 1);
    return out;
}

// Reads `text` fast and with libyaml; both must read it and agree.
void check_same(const std::string& text) {
    INFO(text);
    auto slow = libyaml_document(text);
    REQUIRE(slow);
    auto fast = fast_yaml_document(text);
    REQUIRE(fast);
    if (!(*fast == *slow)) CHECK(describe(*fast) == describe(*slow));
    CHECK(*fast == *slow);
}

// What a read gives, in one string: the export, every problem with its
// position, the positions the model keeps, or the error.
std::string read_summary(const std::string& text, bool fast) {
    ReadOptions opts;
    opts.fast_yaml = fast;
    try {
        Cassette c = load_cassette_from_string(text, "t.yaml", opts);
        std::string out = dump_json(cassette_to_json(c)) + "\n";
        out += fmt::format("count {} version {}@{}:{}\n", c.interaction_count, c.version, c.version_pos.line,
                           c.version_pos.column);
        for (const Problem& p : c.problems)
            out += fmt::format("problem {} {}:{} {} {}\n", p.rule, p.pos.line, p.pos.column,
                               p.interaction ? static_cast<long>(*p.interaction) : -1L, p.message);
        for (const Interaction& ix : c.interactions)
            out += fmt::format("ix {} {}:{} req {}:{} url {}:{} body {}:{}/{}:{} code {}:{} rbody {}:{}\n", ix.index,
                               ix.pos.line, ix.pos.column, ix.request.pos.line, ix.request.pos.column,
                               ix.request.url_pos.line, ix.request.url_pos.column, ix.request.body.key_pos.line,
                               ix.request.body.key_pos.column, ix.request.body.pos.line, ix.request.body.pos.column,
                               ix.response.code_pos.line, ix.response.code_pos.column, ix.response.body.pos.line,
                               ix.response.body.pos.column);
        return out;
    } catch (const InputError& e) {
        return std::string("error ") + format_input_error(e);
    }
}

void check_reads_same(const std::string& text) {
    INFO(text);
    CHECK(read_summary(text, true) == read_summary(text, false));
}

const std::string kHeader = "---\nversion: 2\ninteractions:\n";

std::string item(int id, const std::string& response_body = "'{\"ok\":true}'") {
    return fmt::format(
        "- id: {}\n  request:\n    proto: HTTP/1.1\n    proto_major: 1\n    content_length: 0\n    host: \"\"\n"
        "    body: \"\"\n    form: {{}}\n    headers:\n      Content-Type:\n      - application/json\n"
        "    url: https://api.example.com/v1/x?a=1&b=2\n    method: POST\n  response:\n    proto: HTTP/2.0\n"
        "    transfer_encoding: []\n    trailer: {{}}\n    content_length: -1\n    uncompressed: true\n"
        "    body: {}\n    headers:\n      Content-Type:\n      - text/event-stream\n    status: 200 OK\n"
        "    code: 200\n    duration: 1.234s\n",
        id, response_body);
}

}  // namespace

TEST_CASE("fast yaml: what go-vcr's writers produce reads as libyaml reads it", "[yaml_fast]") {
    check_same(kHeader + item(0) + item(1));
    // go-vcr v1/v2 (yaml.v2) indents sequences under their key.
    check_same(
        "---\nversion: 2\ninteractions:\n    - id: 0\n      request:\n        url: http://x\n"
        "        headers:\n            Accept:\n                - '*/*'\n      response:\n        code: 200\n");
    check_same("version: 1\ninteractions:\n- request:\n    body: \"\"\n  response:\n    code: 404\n");
    check_same("interactions: []\nversion: 2\n");
    check_same("version: 2\ninteractions:\n- id: 0\n");  // no trailing content, no final keys
}

TEST_CASE("fast yaml: literal block scalars, every chomping and indentation", "[yaml_fast]") {
    for (const char* header : {"|", "|-", "|+", "|2", "|2-", "-|", "|+2", "|1", "|4+"}) {
        if (std::string(header) == "-|") continue;  // not a header; libyaml reads it as a plain scalar
        for (const char* content : {"  data: {\"a\":1}\n\n  data: [DONE]\n", "  a\n\n\n", "  a\n  \n   b\n",
                                    "     lead\n  x\n", "\n\n  after blanks\n", "  last"}) {
            std::string text = std::string("version: 2\nk: ") + header + "\n" + content;
            if (std::string(content) != "  last") text += "z: 1\n";
            INFO(header);
            // Some of these are errors to libyaml (content less indented than
            // an indicator asks for): only the ones it reads must agree.
            auto slow = libyaml_document(text);
            auto fast = fast_yaml_document(text);
            if (!slow) {
                CHECK_FALSE(fast);
                continue;
            }
            if (fast) CHECK(describe(*fast) == describe(*slow));
        }
    }
    check_same(
        "version: 2\ninteractions:\n- response:\n    body: |+\n      event: a\n      data: {}\n\n\n"
        "    code: 200\n");
    check_same("a: |\n  x\nb: |-\n  y\n\n\nc: |+\n  z\n\n");
    check_same("a:\n- |\n  in a sequence\n- |2-\n    two more\n");
    check_same("a: |\n  x\n   \ttab after the indentation\n");
    check_same("a: |\n  héllo ☃ 😀\n  \n");
    // go-vcr's bytes that are not UTF-8.
    check_same("a: !!binary |\n  AAACqwAAAEvOE0j9\n  CzpldmVudC10eXBl\nb: !!binary 'aGk='\nc:\n- !!binary aGk=\n");
}

TEST_CASE("fast yaml: quoted scalars, escapes and folding", "[yaml_fast]") {
    check_same(R"(a: "\0\a\b\t\	\n\v\f\r\e\ \"\/\\\N\_\L\P\x41\xe9\u00e9\u263a\U0001F600 end")"
               "\n");
    check_same("a: \"line one\n  line two\n\n  after a blank\n\n\n  two blanks\"\nb: 1\n");
    check_same("a: \"escaped \\\n  break\\\n\n  and blank\"\nb: 1\n");
    check_same("a: \"trailing   \n   leading\"\nb: 'it''s\n  folded  \n\n  too'\n");
    check_same("a: 'single '' quote'\nb: ''\nc: \"\"\nd: '  spaced  '\n");
    check_same("\"quoted key\": 1\n'single key': 2\nk:\n  \"on\": yes\n  'y': n\n");
    check_same("a: \"tabs\tinside\" \nb: 'x'   \n");
    check_same("a: \"unicode é ☃ 😀 \\u00e9\"\nb: 1\n");
    // Continuation lines less indented than the key: libyaml takes them.
    check_same("a:\n  b: \"one\ntwo\"\n  c: 1\n");
}

TEST_CASE("fast yaml: plain scalars, flow empties, positions after non-ASCII", "[yaml_fast]") {
    check_same("a: http://x.example/a?b=c#frag\nb: a#b\nc: x:y\nd: trailing   \ne: in\tner\nf: -1\ng: ~\n");
    check_same("héader: välue\nnext:\n  ümlaut: 'ö'\n  after: \"ü\"\n");
    check_same("a: {}\nb: []\nc:\n- {}\n- []\n- plain item\n- 'quoted item'\n- \"double\"\n");
    check_same("a:\n- x: 1\n  y:\n  - 2\n  z: 3\n- x: 4\n");
    check_same("seq:\n    - a\n    - b\nafter: 1\n");
    check_same("k: -x\nl: ?y\nm: :z\nn: .5\no: 2026-01-01T00:00:00Z\n");
}

TEST_CASE("fast yaml: everything outside the subset is left to libyaml", "[yaml_fast]") {
    const std::vector<std::string> outside = {
        "a: &x 1\nb: *x\n",          // anchors and aliases
        "a: !binary aGk=\n",         // tags other than !!binary
        "a: !!str x\n",              //
        "a: !!binary {}\n",          //
        "# comment\na: 1\n",         // comments
        "a: 1 # comment\n",          //
        "a: >\n  folded\n",          // folded scalars
        "a: {b: 1}\n",               // flow collections
        "a: [1, 2]\n",               //
        "a: multi\n  line plain\n",  // multi-line plain
        "a: 1\n\nb: 2\n",            // blank lines between entries
        "a: 1\r\nb: 2\r\n",          // CR line ends
        "\xEF\xBB\xBF"
        "a: 1\n",                            // a byte order mark
        "a: 1\n...\n",                       // document markers
        "a: 1\n---\nb: 2\n",                 //
        "%YAML 1.1\n---\na: 1\n",            // directives
        "a:\n\t- 1\n",                       // tab indentation
        "a: \"x\x01y\"\n",                   // a control character
        "a: 'bad \xC3\x28 utf8'\n",          // invalid UTF-8
        "a: 'over \xC0\xAF long'\n",         // overlong UTF-8
        "a: \"nel \xC2\x85 is a break\"\n",  // NEL
        "a: \"\\q\"\n",                      // bad escape
        "? complex\n: key\n",                // explicit keys
        "a:\n",                              // empty value
        "- top-level\n- sequence\n",         //
        [] {                                 // deep nesting (libyaml's limit decides)
            std::string deep;
            for (int i = 0; i < 60; ++i) deep += std::string(static_cast<size_t>(i), ' ') + "k:\n";
            return deep + std::string(60, ' ') + "k: v\n";
        }(),
        "",  //
    };
    for (const std::string& text : outside) {
        INFO(text);
        CHECK_FALSE(fast_yaml_document(text));
        check_reads_same("version: 2\n" + text);
    }
}

TEST_CASE("fast yaml: a text cut at every byte reads as libyaml reads it", "[yaml_fast]") {
    const std::string full = kHeader + item(0) + "- id: 1\n  response:\n    body: |+\n      data: {\"a\":\"é\"}\n\n" +
                             "    headers: {}\n    code: 200\n";
    for (size_t n = 0; n <= full.size(); ++n) {
        const std::string cut = full.substr(0, n);
        INFO("cut at " << n);
        auto fast = fast_yaml_document(cut);
        auto slow = libyaml_document(cut);
        if (fast) {
            REQUIRE(slow);
            CHECK(describe(*fast) == describe(*slow));
        }
        CHECK(read_summary(cut, true) == read_summary(cut, false));
    }
}

TEST_CASE("fast yaml: a read that hands over to libyaml mid-file gives the libyaml read", "[yaml_fast]") {
    const std::string three = item(0) + item(1) + item(2);
    // The hand-over inside the third interaction, after the list, before it.
    check_reads_same(kHeader + item(0) + item(1) + "- id: 2\n  &anchor request:\n    url: x\n" + item(3));
    check_reads_same(kHeader + item(0) + item(1) + item(2, "&b 'x'") + item(3, "*b"));
    check_reads_same(kHeader + three + "# trailing comment\n");
    check_reads_same(kHeader + three + "extra: {a: 1}\n");
    check_reads_same("# leading comment\n" + kHeader + three);
    check_reads_same("version: !!int 2\ninteractions:\n" + three);
    // Errors found after the hand-over are libyaml's, with its position.
    check_reads_same(kHeader + item(0) + item(1) + "- id: 2\n  request: {url: [x\n");
    check_reads_same(kHeader + item(0) + item(1) + "- id: 2\n  request:\n    url: \"x\x01\"\n");
    check_reads_same(kHeader + item(0) + "bad indentation\n");
    // Schema problems on both sides of the hand-over keep their order.
    check_reads_same("version: 7\ninteractions:\n" + item(0, "[1, 2]") + "- id: 1\n  request:\n    url: &u x\n" +
                     item(2, "{}"));
    check_reads_same(kHeader + item(0) + "- id: x\n  response:\n    code: abc\n" + "- id: 3\n  request: {}\n");
}

TEST_CASE("fast yaml: every go-vcr cassette of the shared corpora reads as libyaml reads it", "[yaml_fast][corpus]") {
    namespace fs = std::filesystem;
    const fs::path shared = fs::path(testsupport::corpus_dir()).parent_path();
    size_t files = 0, fast_whole = 0;
    for (const char* dir : {"corpus", "corpus-next", "corpus-3"}) {
        if (!fs::exists(shared / dir)) continue;
        for (const std::string& path : testsupport::corpus_files((shared / dir).string())) {
            if (detect_format(path) != "go-vcr") continue;
            ++files;
            const std::string text = testsupport::read_file(path);
            INFO(path);
            if (auto fast = fast_yaml_document(text)) {
                ++fast_whole;
                auto slow = libyaml_document(text);
                REQUIRE(slow);
                if (!(*fast == *slow)) CHECK(describe(*fast) == describe(*slow));
            }
            CHECK(read_summary(text, true) == read_summary(text, false));
        }
    }
    INFO(fast_whole << " of " << files << " go-vcr files read whole by the fast reader");
    CHECK(files > 250);
    CHECK(fast_whole * 100 >= files * 95);
}
