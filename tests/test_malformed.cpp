// Hostile and broken input (fixtures come from strangers' pull requests):
// every row gets a clear error and a telling exit status, never a crash, a
// hang, unbounded memory or a silently wrong answer. The limits themselves
// (docs/limits.md) are tested in test_limits.cpp. Rows run through the built binary (the contract a user sees)
// and, where a library entry point is the thing under test, through it too.
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "decode/body.hpp"
#include "decode/encoding.hpp"
#include "error.hpp"
#include "decode/eventstream.hpp"
#include "formats/har_reader.hpp"
#include "limits.hpp"
#include "reader.hpp"
#include "decode/sse.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace cassette;
using testsupport::run_cassette;

namespace {

// A per-process scratch directory, removed at exit.
struct Scratch {
    fs::path dir;
    Scratch() {
        dir = fs::temp_directory_path() / ("cassette-malformed-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

const fs::path& scratch() {
    static Scratch s;
    return s.dir;
}

std::string write_file(const std::string& name, const std::string& bytes) {
    fs::path p = scratch() / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
}

std::string slurp(const std::string& path) { return testsupport::read_file(path); }

// One go-vcr v2 interaction; `response_tail` is the indented response body
// and headers lines. Block style throughout (flow style is what other
// recorders write; the format sniffers look at block keys).
std::string cassette_with(const std::string& response_tail,
                          const std::string& url = "https://api.openai.com/v1/chat/completions") {
    return "version: 2\ninteractions:\n- id: 0\n  request:\n    url: " + url +
           "\n    method: POST\n    body: '{\"stream\":true}'\n    headers:\n      Content-Type:\n      - "
           "application/json\n"
           "  response:\n    status: 200 OK\n    code: 200\n    duration: 1.5s\n" +
           response_tail;
}

// A well-formed single-interaction cassette used as the base of mutations.
const std::string kTemplate = R"(version: 2
interactions:
- id: 0
  request:
    proto: HTTP/1.1
    proto_major: 1
    proto_minor: 1
    content_length: 2
    transfer_encoding: []
    trailer: {}
    host: api.openai.com
    remote_addr: ""
    request_uri: ""
    body: '{}'
    form: {}
    headers: {Content-Type: [application/json]}
    url: https://api.openai.com/v1/chat/completions
    method: POST
  response:
    proto: HTTP/2.0
    proto_major: 2
    proto_minor: 0
    transfer_encoding: []
    trailer: {}
    content_length: -1
    uncompressed: false
    body: '{"id":"x","object":"chat.completion","model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}'
    headers: {Content-Type: [application/json]}
    status: 200 OK
    code: 200
    duration: 1.5s
)";

// kTemplate with the value of the first `field:` line (after `from`) replaced.
std::string with_field(const std::string& field, const std::string& value, const std::string& from = "") {
    std::string t = kTemplate;
    size_t start = from.empty() ? 0 : t.find(from);
    size_t at = t.find("    " + field + ":", start);
    REQUIRE(at != std::string::npos);
    size_t colon = t.find(':', at);
    size_t eol = t.find('\n', at);
    return t.substr(0, colon + 1) + " " + value + t.substr(eol);
}

int line_of_field(const std::string& text, const std::string& field, const std::string& from = "") {
    size_t start = from.empty() ? 0 : text.find(from);
    size_t at = text.find("    " + field + ":", start);
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// An AWS event-stream event message with correct CRCs.
std::string es_message(const std::string& event_type, const std::string& payload) {
    return testsupport::es_frame(testsupport::es_string_header(":event-type", event_type) +
                                     testsupport::es_string_header(":message-type", "event"),
                                 payload);
}

std::string gzip_bytes(const std::string& in) { return testsupport::gzip(in); }

std::string base64(const std::string& in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += k[(v >> s) & 63];
    }
    if (i + 1 == in.size()) {
        uint32_t v = uint8_t(in[i]) << 16;
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += k[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

// The table: a file, and what `show` and `validate` must say about it.
struct Row {
    std::string name;  // file name in the scratch dir (and in messages)
    std::string bytes;
    int show_exit;             // 0 or 2
    std::string show_err;      // substring of show's stderr ("" = stderr empty)
    int validate_exit;         // 0 or 1
    std::string validate_out;  // substring of validate's stdout ("" = no findings)
};

void check_row(const Row& row) {
    INFO("row " << row.name);
    std::string path = write_file(row.name, row.bytes);
    auto show = run_cassette({"show", "--no-headers", path});
    CHECK(show.exit_code == row.show_exit);
    if (row.show_exit == 0)
        CHECK(show.err.empty());
    else
        CHECK_THAT(show.err, Catch::StartsWith("cassette: error: " + path) && Catch::Contains(row.show_err));
    auto validate = run_cassette({"validate", path});
    CHECK(validate.exit_code == row.validate_exit);
    CHECK(validate.err.empty());  // findings are output; nothing here is trouble
    if (!row.validate_out.empty())
        CHECK_THAT(validate.out, Catch::Contains(row.validate_out));
    else
        CHECK_THAT(validate.out, Catch::Contains("0 errors"));
    for (const char* cmd : {"usage", "export"}) {
        auto r = run_cassette({cmd, path});
        INFO(cmd << ": " << r.err);
        CHECK(r.exit_code == (row.show_exit == 0 ? 0 : 2));
    }
    // Input is never written.
    CHECK(slurp(path) == row.bytes);
}

}  // namespace

TEST_CASE("malformed YAML: each row has its error text and exit code", "[malformed]") {
    const std::string deep = std::string(300, '[') + std::string(300, ']');
    std::string laughs = cassette_with("    body: ''\n    extra:\n      a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
    for (int i = 1; i < 10; ++i) {
        laughs += "      a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int k = 0; k < 10; ++k) laughs += std::string(k ? "," : "") + "*a" + std::to_string(i - 1);
        laughs += "]\n";
    }
    const std::vector<Row> rows = {
        {"empty.yaml", "", 2, ":1:1: empty file: not a cassette", 1, "empty file: not a cassette"},
        {"blank.yaml", "  \n\n\t\n", 2, ":1:1: empty file: not a cassette", 1, "[schema]"},
        {"png.yaml", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), 2, ":1:1: not a recognised cassette", 1,
         "not a recognised cassette"},
        {"nul.yaml", std::string("version: 2\ninteractions:\n- id: 0\n  request:\n    url: \"a\0b\"\n", 57), 2,
         ":5:12: control characters are not allowed at byte 55", 1, "[yaml-syntax]"},
        {"bad-utf8.yaml", "version: 2\ninteractions:\n- id: 0\n  request:\n    url: a\xff\xfe\n", 2,
         ":5:11: invalid leading UTF-8 octet at byte 54", 1, "[yaml-syntax]"},
        {"overlong-utf8.yaml", "version: 2\ninteractions:\n- id: 0\n  request:\n    url: a\xc0\x80\n", 2,
         ":5:11: invalid length of a UTF-8 sequence at byte 54", 1, "[yaml-syntax]"},
        {"cut-utf8.yaml", "version: 2\ninteractions:\n- id: 0\n  request:\n    url: a\xe2\x82", 2,
         "incomplete UTF-8 octet sequence", 1, "[yaml-syntax]"},
        {"cut-quoted.yaml", "version: 2\ninteractions:\n- id: 0\n  request:\n    url: \"https://x", 2,
         ":5:20: found unexpected end of stream (while scanning a quoted scalar)", 1, "[yaml-syntax]"},
        {"cut-flow.yaml", "version: 2\ninteractions:\n- id: 0\n  request: {url: x, method: GET", 2,
         "did not find expected ',' or '}' (while parsing a flow mapping)", 1, "[yaml-syntax]"},
        {"bad-indent.yaml", "version: 2\ninteractions:\n- id: 0\n  request:\n    url: x\n   method: GET\n", 2,
         "did not find expected key (while parsing a block mapping)", 1, "[yaml-syntax]"},
        {"tab-indent.yaml", "version: 2\ninteractions:\n- id: 0\n  request:\n\turl: x\n", 2,
         "found character that cannot start any token (while scanning for the next token)", 1, "[yaml-syntax]"},
        {"two-docs.yaml", "version: 2\ninteractions: []\n---\nversion: 2\ninteractions: []\n", 2,
         "more than one YAML document in the file; a cassette is one document", 1, "[schema]"},
        {"top-list.yaml", "- version: 2\n- interactions: []\n", 2, ":1:1: not a recognised cassette", 1, "[schema]"},
        {"version-string.yaml", "version: abc\ninteractions: []\n", 2,
         ":1:10: `version` must be an integer, found \"abc\"", 1, "[schema]"},
        {"version-unknown.yaml", "version: 9\ninteractions: []\n", 2,
         ":1:10: unknown go-vcr cassette version 9 (known: 1, 2)", 1, "[schema]"},
        {"version-huge.yaml", "version: 99999999999999999999\ninteractions: []\n", 2,
         "`version` must be an integer, found \"99999999999999999999\"", 1, "[schema]"},
        {"interactions-scalar.yaml", "version: 2\ninteractions: 5\n", 2,
         ":2:15: `interactions` must be a list, found a scalar", 1, "[schema]"},
        {"deep.yaml", cassette_with("    body: ''\n    extra: " + deep + "\n"), 2, "nesting deeper than 256 levels", 1,
         "nesting deeper than 256 levels"},
        {"laughs.yaml", laughs, 2, "aliases expand to more than 1048576 nodes; refusing (billion-laughs guard)", 1,
         "billion-laughs guard"},
        {"alias-nesting.yaml",
         cassette_with("    body: ''\n    extra:\n      a0: &a0 " + std::string(200, '[') + std::string(200, ']') +
                       "\n      a1: " + std::string(100, '[') + "*a0" + std::string(100, ']') + "\n"),
         2, ":18:111: nesting deeper than 256 levels (through alias *a0)", 1, "[yaml-syntax]"},
        {"undefined-alias.yaml", cassette_with("    body: *nothing\n"), 2,
         ":15:11: alias *nothing refers to no anchor before it", 1, "[yaml-syntax]"},
        {"code-negative.yaml", with_field("code", "-1"), 0, "", 1,
         "code -1 is not an HTTP status code (100-599): set it to the status the server sent. [status]"},
        {"code-huge.yaml", with_field("code", "99999999999999999999"), 2,
         "interaction 0: `code` must be an integer, found \"99999999999999999999\"", 1, "[schema]"},
        {"code-float.yaml", with_field("code", "1e3"), 2, "interaction 0: `code` must be an integer, found \"1e3\"", 1,
         "[schema]"},
        {"duration-negative.yaml", with_field("duration", "-1s"), 0, "", 0, "duration \"-1s\" is negative"},
        {"duration-huge.yaml", with_field("duration", "9999999999999999h"), 0, "", 0, "is over an hour"},
        {"duration-junk.yaml", with_field("duration", "1e400"), 0, "", 0, "duration \"1e400\" is not a Go duration"},
        {"binary-bad-base64.yaml", cassette_with("    body: !!binary '@@@'\n"), 2,
         ":15:11: interaction 0: `body` is tagged !!binary but is not valid base64", 1, "[schema]"},
    };
    for (const auto& row : rows) check_row(row);
}

TEST_CASE("malformed YAML: every field with the wrong type is named with its position", "[malformed]") {
    struct Field {
        std::string name;
        std::string from;      // "" = request side (first occurrence), "response:" = response side
        std::string expected;  // "must be ..."
        bool scalar_ok;        // a plain scalar is acceptable for this field (strings)
    };
    const std::vector<Field> fields = {
        {"proto", "", "a string", true},
        {"proto_major", "", "an integer", false},
        {"proto_minor", "", "an integer", false},
        {"content_length", "", "an integer", false},
        {"transfer_encoding", "", "a list of strings", false},
        {"trailer", "", "a mapping of names to lists", false},
        {"host", "", "a string", true},
        {"remote_addr", "", "a string", true},
        {"request_uri", "", "a string", true},
        {"body", "", "a string", true},
        {"form", "", "a mapping of names to lists", false},
        {"headers", "", "a mapping of names to lists", false},
        {"url", "", "a string", true},
        {"method", "", "a string", true},
        {"proto", "response:", "a string", true},
        {"proto_major", "response:", "an integer", false},
        {"content_length", "response:", "an integer", false},
        {"uncompressed", "response:", "true or false", false},
        {"body", "response:", "a string", true},
        {"headers", "response:", "a mapping of names to lists", false},
        {"status", "response:", "a string", true},
        {"code", "response:", "an integer", false},
        {"duration", "response:", "a Go duration such as 1.5s", true},
    };
    for (const auto& f : fields) {
        for (const std::string bad : {"{a: 1}", "[1, 2]", "abc"}) {
            if (bad == "abc" && f.scalar_ok) continue;
            if (bad == "[1, 2]" && f.name == "transfer_encoding") continue;  // a list of scalars is right
            if (bad == "{a: 1}" && f.expected == "a mapping of names to lists")
                continue;  // scalar values read as one-item lists
            std::string text = with_field(f.name, bad, f.from);
            std::string found = bad == "abc" ? "\"abc\"" : bad[0] == '{' ? "a mapping" : "a sequence";
            if (bad == "abc" && f.expected.find("list") != std::string::npos) found = "a scalar";
            int line = line_of_field(text, f.name, f.from);
            std::string name = "type-" + f.name + (f.from.empty() ? "-req" : "-resp") + ".yaml";
            INFO(name << " <- " << bad);
            std::string path = write_file(name, text);
            auto r = run_cassette({"show", path});
            CHECK(r.exit_code == 2);
            CHECK_THAT(r.err, Catch::Contains(path + ":" + std::to_string(line) + ":") &&
                                  Catch::Contains("interaction 0: `" + f.name + "` must be " + f.expected + ", found " +
                                                  found));
            auto v = run_cassette({"validate", "--format", "json", path});
            CHECK(v.exit_code == 1);
            CHECK_THAT(v.out,
                       Catch::Contains("\"rule\": \"schema\"") && Catch::Contains("\"line\": " + std::to_string(line)));
        }
    }
}

TEST_CASE("malformed YAML: truncated at every byte reads or fails with an InputError", "[malformed]") {
    // A cassette with every structural form in it: quoted, block and binary
    // scalars, flow and block collections, an SSE body.
    const std::string full = cassette_with(
        "    headers:\n      Content-Type: [text/event-stream]\n    body: |\n"
        "      data: "
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{"
        "\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\n"
        "      data: [DONE]\n\n"
        "    trailer: {X-A: [\"b\"]}\n    content_length: !!int \"7\"\n    extra: !!binary aGVsbG8=\n");
    REQUIRE_NOTHROW(load_cassette_from_string(full, "full.yaml"));
    size_t ok = 0, errors = 0;
    for (size_t n = 0; n <= full.size(); ++n) {
        std::string_view prefix(full.data(), n);
        try {
            Cassette c = load_cassette_from_string(prefix, "cut.yaml");
            CHECK(c.interactions.size() <= 1);
            ++ok;
        } catch (const InputError& e) {
            INFO("cut at byte " << n << ": " << e.what());
            CHECK(!std::string(e.what()).empty());
            // libyaml reports an error at the end of the stream on the line after it.
            CHECK(e.pos().line <= 2 + static_cast<int>(std::count(prefix.begin(), prefix.end(), '\n')));
            ++errors;
        }
        // Any other exception type fails the test case here.
    }
    CHECK(ok > 0);
    CHECK(errors > 0);
    // The same prefixes at every line end through the binary: exit 0 or 2, never a crash.
    for (size_t n = 0; n < full.size(); n = full.find('\n', n + 1)) {
        std::string path = write_file("cut-" + std::to_string(n) + ".yaml", full.substr(0, n));
        auto r = run_cassette({"show", path});
        INFO("cut at byte " << n << ": " << r.err);
        CHECK((r.exit_code == 0 || r.exit_code == 2));
        if (r.exit_code == 2) CHECK_THAT(r.err, Catch::StartsWith("cassette: error: " + path));
        auto v = run_cassette({"validate", path});
        CHECK((v.exit_code == 0 || v.exit_code == 1));
        if (n == std::string::npos) break;
    }
}

TEST_CASE("malformed bodies: SSE without terminators is kept and flagged", "[malformed]") {
    const std::string chunk =
        R"(data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]})";
    SECTION("library: no blank line at the end") {
        SseResult r = parse_sse(chunk);
        REQUIRE(r.events.size() == 1);
        CHECK_FALSE(r.terminated);
        CHECK(r.events[0].data.find("\"Hi\"") != std::string::npos);
    }
    SECTION("library: CR-only line ends, a BOM, a NUL in data") {
        SseResult r =
            parse_sse(std::string("\xEF\xBB\xBF"
                                  "data: a\0b\r\rdata: c",
                                  20));
        REQUIRE(r.events.size() == 2);
        CHECK(r.events[0].data == std::string("a\0b", 3));
        CHECK_FALSE(r.terminated);
    }
    SECTION("binary: show reassembles, validate says stream-truncated") {
        std::string text =
            cassette_with("    headers:\n      Content-Type: [text/event-stream]\n    body: '" + chunk + "'\n");
        std::string path = write_file("sse-unterminated.yaml", text);
        auto show = run_cassette({"show", "--no-headers", path});
        CHECK(show.exit_code == 0);
        CHECK_THAT(show.out, Catch::Contains("Hi"));
        auto v = run_cassette({"validate", path});
        CHECK(v.exit_code == 1);
        CHECK_THAT(v.out, Catch::Contains("the openai-chat stream ends before data: [DONE] or a finish_reason") &&
                              Catch::Contains("[stream-truncated]"));
    }
    SECTION("a single 8 MB data line with no line end") {
        std::string big = "data: " + std::string(8u << 20, 'x');
        SseResult r = parse_sse(big);
        REQUIRE(r.events.size() == 1);
        CHECK(r.events[0].data.size() == (8u << 20));
        CHECK_FALSE(r.terminated);
    }
}

TEST_CASE("malformed bodies: event-stream CRC mismatches and bad framing", "[malformed]") {
    const std::string good = es_message("chunk", R"({"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0="})");
    REQUIRE(looks_like_eventstream(good));
    REQUIRE(parse_eventstream(good).messages.at(0).message_crc_ok);

    SECTION("payload byte flipped: message CRC mismatch") {
        std::string bad = good;
        bad[bad.size() - 10] ^= 0x20;
        Headers h;
        h.items.push_back({"Content-Type", {"application/vnd.amazon.eventstream"}, {}});
        DecodedBody d = decode_body(h, bad);
        CHECK(d.kind == BodyKind::eventstream);
        REQUIRE(d.problems.size() == 1);
        CHECK(d.problems[0].rule == "eventstream-crc");
        CHECK(d.problems[0].message == "message CRC mismatch in message at byte 0");
    }
    SECTION("prelude length flipped: prelude CRC mismatch, reported not trusted") {
        std::string bad = good;
        bad[3] ^= 0x01;
        EventStreamResult r = parse_eventstream(bad);
        bool flagged = r.error.has_value() || (!r.messages.empty() && !r.messages[0].prelude_crc_ok);
        CHECK(flagged);
    }
    SECTION("total length 4 GiB: a framing error, no huge allocation") {
        std::string bad = good;
        bad[0] = bad[1] = bad[2] = bad[3] = '\xff';
        EventStreamResult r = parse_eventstream(bad);
        CHECK(r.messages.empty());
        REQUIRE(r.error.has_value());
    }
    SECTION("truncated at every byte") {
        std::string two = good + good;
        for (size_t n = 0; n < two.size(); ++n) {
            EventStreamResult r = parse_eventstream(std::string_view(two).substr(0, n));
            INFO("cut at " << n);
            CHECK(r.messages.size() <= 1);
            if (n != 0 && n != good.size()) CHECK(r.error.has_value());
        }
    }
    SECTION("binary: validate reports eventstream-crc with exit 1") {
        std::string bad = good;
        bad[bad.size() - 10] ^= 0x20;
        std::string text = cassette_with(
            "    headers:\n      Content-Type: [application/vnd.amazon.eventstream]\n    body: !!binary " +
                base64(bad) + "\n",
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku/"
            "invoke-with-response-stream");
        std::string path = write_file("eventstream-crc.yaml", text);
        auto v = run_cassette({"validate", path});
        CHECK(v.exit_code == 1);
        CHECK_THAT(v.out, Catch::Contains("message CRC mismatch in message at byte 0") &&
                              Catch::Contains("[eventstream-crc]"));
        auto show = run_cassette({"show", path});
        CHECK(show.exit_code == 0);
    }
}

TEST_CASE("malformed bodies: gzip bombs are bounded, broken gzip is named", "[malformed]") {
    const std::string zeros(16u << 20, '\0');
    const std::string bomb = gzip_bytes(zeros);
    REQUIRE(bomb.size() < (64u << 10));  // ~1000:1

    SECTION("decompression stops at the limit") {
        Decompressed d = decompress(bomb, Compression::gzip, 1u << 20);
        CHECK_FALSE(d.ok);
        CHECK(d.error == "output exceeds limit (1048576 bytes); raise it with CASSETTE_MAX_BODY_BYTES=N");
        CHECK(d.bytes.size() <= (1u << 20));
    }
    SECTION("under the limit it decodes whole") {
        Decompressed d = decompress(bomb, Compression::gzip, 32u << 20);
        CHECK(d.ok);
        CHECK(d.bytes.size() == zeros.size());
    }
    SECTION("truncated and corrupt gzip") {
        std::string gz = gzip_bytes(std::string(1000, 'a'));
        for (size_t n : {size_t(3), size_t(10), gz.size() / 2, gz.size() - 1}) {
            Decompressed d = decompress(std::string_view(gz).substr(0, n), Compression::gzip);
            INFO("cut at " << n);
            CHECK_FALSE(d.ok);
            CHECK(d.error == "truncated gzip stream");
        }
        std::string corrupt = gz;
        corrupt[12] ^= 0xff;
        Decompressed d = decompress(corrupt, Compression::gzip);
        CHECK_FALSE(d.ok);
        CHECK_THAT(d.error, Catch::StartsWith("corrupt gzip stream"));
    }
    SECTION("a body that fails to decode keeps its bytes and says why") {
        Headers h;
        h.items.push_back({"Content-Encoding", {"gzip"}, {}});
        std::string gz = gzip_bytes("{\"a\":1}");
        DecodedBody d = decode_body(h, std::string_view(gz).substr(0, gz.size() - 4));
        CHECK(d.compression == Compression::none);
        CHECK(d.text.size() == gz.size() - 4);
        bool named = false;
        for (const auto& p : d.problems) named = named || p.message == "cannot decode gzip body: truncated gzip stream";
        CHECK(named);
    }
}

TEST_CASE("malformed bodies: JSON nesting and huge numbers", "[malformed]") {
    CHECK_FALSE(parse_json(std::string(513, '[') + std::string(513, ']')).has_value());
    CHECK(parse_json(std::string(512, '[') + std::string(512, ']')).has_value());
    // Brackets inside strings do not count.
    CHECK(parse_json("[\"" + std::string(10000, '[') + "\"]").has_value());
    // Numbers beyond int64/double: parsed as JSON numbers (double / inf is refused), never UB.
    auto big = parse_json("{\"n\": 99999999999999999999999999999}");
    REQUIRE(big.has_value());
    CHECK((*big)["n"].is_number_float());
    CHECK_FALSE(parse_json("1e99999").has_value());
    // A declared-JSON body that is too deep is a json-body finding.
    std::string text = cassette_with("    headers:\n      Content-Type: [application/json]\n    body: '" +
                                     std::string(600, '[') + std::string(600, ']') + "'\n");
    std::string path = write_file("json-deep.yaml", text);
    auto v = run_cassette({"validate", path});
    CHECK(v.exit_code == 1);
    CHECK_THAT(v.out, Catch::Contains("[json-body]"));
    auto show = run_cassette({"show", path});
    CHECK(show.exit_code == 0);
}

TEST_CASE("malformed HAR: each row has its error text, exit 2 and no output file", "[malformed]") {
    const std::string entry_head =
        R"({"log": {"entries": [{"request": {"method": "GET", "url": "http://x/", "headers": [], "httpVersion": "HTTP/1.1"}, )";
    struct HarRow {
        std::string name;
        std::string text;
        std::string error;
    };
    const std::vector<HarRow> rows = {
        {"empty.har", "", ":1:1: not a HAR file: invalid JSON"},
        {"cut.har", "{\"log\": ", ":1:9: not a HAR file: invalid JSON"},
        {"null.har", "null", "$: expected a HAR object {\"log\": ...}"},
        {"log-number.har", "{\"log\": 5}", "$.log: expected an object"},
        {"no-entries.har", "{\"log\": {}}", "$.log.entries: expected an array"},
        {"entry-number.har", "{\"log\": {\"entries\": [5]}}", "$.log.entries[0]: expected an object"},
        {"method-number.har", "{\"log\": {\"entries\": [{\"request\": {\"method\": 5}}]}}",
         "$.log.entries[0].request.method: expected a string"},
        {"status-string.har", entry_head + R"("response": {"status": "x", "headers": [], "content": {}}}]}})",
         "$.log.entries[0].response.status: expected an integer"},
        {"status-huge.har",
         entry_head + R"("response": {"status": 99999999999999999999999, "headers": [], "content": {}}}]}})",
         "$.log.entries[0].response.status: expected an integer"},
        {"deep.har", std::string(100000, '[') + std::string(100000, ']'), "$: expected a HAR object"},
        {"bad-utf8.har", "{\"log\": \"\xff\"}", "not a HAR file: invalid JSON"},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        std::string path = write_file("har/" + row.name, row.text);
        std::string out = (scratch() / "har" / (row.name + ".yaml")).string();
        auto r = run_cassette({"import", path, "-o", out});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::StartsWith("cassette: error: " + path) && Catch::Contains(row.error));
        CHECK_FALSE(fs::exists(out));
        CHECK(slurp(path) == row.text);
    }
}

TEST_CASE("malformed input in a directory: each bad file is reported, the rest still read", "[malformed]") {
    const fs::path dir = scratch() / "mixed";
    write_file("mixed/a.yaml", kTemplate);
    write_file("mixed/b.yaml", "version: 2\ninteractions:\n- id: 0\n  request:\n    url: \"x\n");
    write_file("mixed/c.yaml", with_field("code", "abc"));
    write_file("mixed/d.yaml", kTemplate);
    const std::string b = (dir / "b.yaml").string(), c = (dir / "c.yaml").string();

    auto show = run_cassette({"show", "--no-headers", dir.string()});
    CHECK(show.exit_code == 2);
    CHECK_THAT(show.err, Catch::Contains(b + ":6:1: found unexpected end of stream") &&
                             Catch::Contains(c + ":30:11: interaction 0: `code` must be an integer"));
    CHECK_THAT(show.out, Catch::Contains((dir / "a.yaml").string()) && Catch::Contains((dir / "d.yaml").string()));

    auto usage = run_cassette({"usage", "--format", "json", dir.string()});
    CHECK(usage.exit_code == 2);
    CHECK_THAT(usage.out, Catch::Contains((dir / "d.yaml").string()));
    CHECK_THAT(usage.err, Catch::Contains(b + ":6:1:"));

    auto validate = run_cassette({"validate", dir.string()});
    CHECK(validate.exit_code == 1);
    CHECK_THAT(validate.out,
               Catch::Contains("[yaml-syntax]") && Catch::Contains("[schema]") && Catch::Contains("checked 4 files"));
}

TEST_CASE("malformed input and -o: the output file is never left partial", "[malformed]") {
    // Nothing readable: the target is left as it was, no file is created.
    write_file("out-bad/z-bad.yaml", "version: 2\ninteractions:\n- id: 0\n  request: {url: \"x\n");
    const std::string out = (scratch() / "out-existing.json").string();
    write_file("out-existing.json", "previous contents\n");
    const std::string bad_dir = (scratch() / "out-bad").string();
    for (const char* format : {"json", "har"}) {
        INFO(format);
        auto r = run_cassette({"export", "--format", format, bad_dir, "-o", out});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err,
                   Catch::Contains("z-bad.yaml:5:") && Catch::Contains("not written: no input file could be read"));
        CHECK(slurp(out) == "previous contents\n");
        const std::string fresh = (scratch() / (std::string("out-new.") + format)).string();
        r = run_cassette({"export", "--format", format, bad_dir, "-o", fresh});
        CHECK(r.exit_code == 2);
        CHECK_FALSE(fs::exists(fresh));
    }
    // No temporary files left behind either.
    for (const auto& e : fs::directory_iterator(scratch()))
        CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("export: a bad file mid-directory is reported, the others exported whole, exit 2", "[malformed]") {
    const fs::path dir = scratch() / "export-mixed";
    write_file("export-mixed/a.yaml", kTemplate);
    // Fails after its first interaction was read: nothing of it may appear.
    std::string late_bad = kTemplate;
    late_bad += "- id: 1\n  request: {url: \"x\n";
    write_file("export-mixed/b.yaml", late_bad);
    write_file("export-mixed/c.yaml", with_field("code", "abc"));
    write_file("export-mixed/d.yaml", kTemplate);
    const std::string a = (dir / "a.yaml").string(), b = (dir / "b.yaml").string(), c = (dir / "c.yaml").string(),
                      d = (dir / "d.yaml").string();
    const std::string missing = (scratch() / "no-such.yaml").string();

    auto lines_of = [](const std::string& text) {
        std::vector<std::string> lines;
        size_t at = 0;
        for (size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
            lines.push_back(text.substr(at, nl - at));
        if (at < text.size()) lines.push_back(text.substr(at));
        return lines;
    };
    auto check_json_lines = [&](const std::string& text) {
        auto lines = lines_of(text);
        REQUIRE(lines.size() == 2);
        for (const auto& l : lines) CHECK(nlohmann::json::accept(l));
        CHECK(nlohmann::json::parse(lines[0]).at("path") == a);
        CHECK(nlohmann::json::parse(lines[1]).at("path") == d);
    };

    SECTION("standard output, JSON Lines") {
        auto r = run_cassette({"export", dir.string(), missing});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err,
                   Catch::Contains("cassette: error: " + b + ":") &&
                       Catch::Contains("cassette: error: " + c + ":30:11: interaction 0: `code` must be an integer") &&
                       Catch::Contains("cassette: error: " + missing + ": no such file or directory"));
        check_json_lines(r.out);
    }
    SECTION("-o: the readable files are written, and stderr says so") {
        const std::string out = (scratch() / "export-mixed.jsonl").string();
        auto r = run_cassette({"export", dir.string(), "-o", out});
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::Contains(b + ":") && Catch::Contains(c + ":30:11:") &&
                              Catch::Contains("cassette: note: " + out +
                                              ": written with the 2 of 4 files that could be read"));
        check_json_lines(slurp(out));
    }
    SECTION("HAR: one valid log with a page per readable file") {
        for (bool compact : {false, true}) {
            INFO(compact);
            std::vector<std::string> args = {"export", "--format", "har", dir.string()};
            if (compact) args.push_back("--compact");
            auto r = run_cassette(args);
            CHECK(r.exit_code == 2);
            CHECK_THAT(r.err, Catch::Contains(b + ":") && Catch::Contains(c + ":30:11:"));
            REQUIRE(nlohmann::json::accept(r.out));
            auto har = nlohmann::json::parse(r.out);
            const auto& pages = har.at("log").at("pages");
            REQUIRE(pages.size() == 2);
            CHECK(pages[0].at("title") == a);
            CHECK(pages[1].at("title") == d);
            const auto& entries = har.at("log").at("entries");
            REQUIRE(entries.size() == 2);
            CHECK(entries[0].at("pageref") == pages[0].at("id"));
            CHECK(entries[1].at("pageref") == pages[1].at("id"));
        }
    }
    SECTION("the good files alone give the same output") {
        auto both = run_cassette({"export", "--format", "har", a, d});
        auto mixed = run_cassette({"export", "--format", "har", a, b, c, d});
        CHECK(both.exit_code == 0);
        CHECK(mixed.exit_code == 2);
        CHECK(mixed.out == both.out);
    }
}

TEST_CASE("a missing path among several: reported, the others still read", "[malformed]") {
    write_file("missing-path/a.yaml", kTemplate);
    const std::string a = (scratch() / "missing-path" / "a.yaml").string();
    const std::string missing = (scratch() / "missing-path" / "gone.yaml").string();
    for (const char* cmd : {"usage", "validate", "export"}) {
        INFO(cmd);
        auto r = run_cassette({cmd, missing, a});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("cassette: error: " + missing + ": no such file or directory"));
        CHECK_FALSE(r.out.empty());
    }
}

TEST_CASE("hostile fixtures in testdata/malformed: no crash, validate names the rule", "[malformed]") {
    const fs::path dir = fs::path(testsupport::source_dir()) / "testdata" / "malformed";
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"billion-laughs.yaml", "yaml-syntax"},
        {"deep-nesting.yaml", "yaml-syntax"},
        {"nul-byte.yaml", "yaml-syntax"},
        {"invalid-utf8.yaml", "yaml-syntax"},
        {"truncated.yaml", "yaml-syntax"},
        {"gzip-bomb.yaml", "json-body"},
        {"gzip-truncated.yaml", "json-body"},
        {"eventstream-crc.yaml", "eventstream-crc"},
        {"eventstream-truncated.yaml", "eventstream-crc"},
        {"sse-unterminated.yaml", "stream-truncated"},
    };
    for (const auto& [name, rule] : expected) {
        const std::string path = (dir / name).string();
        INFO(path);
        REQUIRE(fs::exists(path));
        const std::string before = slurp(path);
        auto show = run_cassette({"show", path});
        CHECK((show.exit_code == 0 || show.exit_code == 2));
        if (show.exit_code == 2) CHECK_THAT(show.err, Catch::StartsWith("cassette: error: " + path + ":"));
        auto v = run_cassette({"validate", path});
        CHECK(v.exit_code == 1);
        CHECK_THAT(v.out, Catch::Contains("[" + rule + "]"));
        CHECK(slurp(path) == before);
    }
}

TEST_CASE("fuzz crashers stay fixed: each replays through its harness's entry point", "[malformed]") {
    // fuzz/crashers/<harness>/<file>, kept when a fuzzer found a crash (see
    // fuzz/README.md). Here through the library, as the harness calls it;
    // `fuzz/run --regress` replays them under the sanitizers too.
    const fs::path root = fs::path(testsupport::source_dir()) / "fuzz" / "crashers";
    size_t replayed = 0;
    if (!fs::exists(root)) return;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
        const std::string harness = e.path().parent_path().filename().string();
        const std::string bytes = slurp(e.path().string());
        INFO(e.path().string());
        if (harness == "yaml") {
            try {
                Cassette c = load_cassette_from_string(bytes, "crasher.yaml");
                for (const auto& ix : c.interactions) (void)decode_body(ix.response.headers, ix.response.body.bytes);
            } catch (const InputError&) {}
        } else if (harness == "har") {
            try {
                (void)har_to_cassette(bytes, "crasher.har");
            } catch (const InputError&) {}
        } else if (harness == "sse") {
            (void)parse_sse(bytes);
        } else if (harness == "eventstream") {
            (void)parse_eventstream(bytes);
        } else if (harness == "json") {
            (void)parse_json(bytes);
        } else {  // body, reassemble: the body path
            (void)decode_body(Headers{}, bytes);
        }
        ++replayed;
    }
    SUCCEED("replayed " << replayed << " crashers");
}
