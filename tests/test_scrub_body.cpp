// Rules::body: secrets found inside bodies as stored (compressed, streamed,
// framed) and taken out with every other byte of the framing kept.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <filesystem>

#include "decode/base64.hpp"
#include "decode/compress.hpp"
#include "decode/encoding.hpp"
#include "decode/eventstream.hpp"
#include "limits.hpp"
#include "reader.hpp"
#include "scrub/rules.hpp"
#include "test_support.hpp"
#include "validation.hpp"

using namespace cassette;
using namespace cassette::scrub;
using testsupport::es_frame;
using testsupport::es_string_header;
using testsupport::gzip;

namespace {

const std::string kKey = "sk-proj-Zx81kQ3mNp0LrT5vWy7aBc9dEf2gHj4kLm6nPq8rSt1uVw";
const std::string kKey2 = "sk-ant-api03-Qw3eRt5yUi7oPa9sDf1gHj2kLz4xCv6bNm8QaWsEdRf";

Headers headers(std::initializer_list<std::pair<std::string, std::string>> kv) {
    Headers h;
    for (const auto& [k, v] : kv) h.items.push_back({k, {v}, {}});
    return h;
}

std::string replaced(std::string s, const std::string& what = kKey, const std::string& with = "REDACTED") {
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size()))
        s.replace(at, what.size(), with);
    return s;
}

std::string zlib_wrapped(std::string_view in, int window_bits) {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

// body() of a changed body changes nothing more.
void check_idempotent(const Rules& rules, const BodyResult& r, const Headers& h) {
    REQUIRE(r.changed);
    BodyResult again = rules.body(r.bytes, h);
    CHECK_FALSE(again.changed);
    CHECK(again.bytes.empty());
    CHECK(again.found.empty());
}

std::string decompressed(std::string_view bytes, Compression c) {
    Decompressed d = decompress(bytes, c);
    REQUIRE(d.ok);
    return d.bytes;
}

}  // namespace

TEST_CASE("compress: round trips and keeps the recorded framing", "[scrub][body]") {
    std::string text;
    for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + " of some text\n";  // > one chunk
    for (Compression c : {Compression::gzip, Compression::deflate, Compression::brotli}) {
        INFO(compression_name(c));
        std::string z = compress(text, c);
        CHECK(z.size() < text.size());
        CHECK(sniff_compression(z, nullptr) == (c == Compression::brotli ? Compression::none : c));
        Decompressed d = decompress(z, c);
        REQUIRE(d.ok);
        CHECK(d.bytes == text);
        CHECK(decompressed(compress("", c), c).empty());
    }
    CHECK(compress("abc", Compression::none) == "abc");

    // Raw deflate stays raw; a zlib stream stays zlib.
    std::string raw = zlib_wrapped("old", -MAX_WBITS);
    std::string again = compress(text, Compression::deflate, raw);
    CHECK_FALSE(is_zlib_header(again));
    CHECK(decompressed(again, Compression::deflate) == text);
    CHECK(is_zlib_header(compress(text, Compression::deflate, zlib_wrapped("old", MAX_WBITS))));

    // The gzip header's mtime and OS come from the old stream.
    std::string old = gzip("old");
    old[4] = 0x11, old[5] = 0x22, old[6] = 0x33, old[7] = 0x44, old[9] = 11;
    std::string gz = compress(text, Compression::gzip, old);
    CHECK(gz.substr(4, 4) == old.substr(4, 4));
    CHECK(gz[9] == 11);
    CHECK(decompressed(gz, Compression::gzip) == text);
}

TEST_CASE("decompress keeps the readable part of a broken stream", "[scrub][body]") {
    std::string text(5000, 'a');
    std::string gz = gzip(text);
    Decompressed d = decompress(std::string_view(gz).substr(0, gz.size() - 10), Compression::gzip);
    CHECK_FALSE(d.ok);
    CHECK_FALSE(d.over_limit);
    CHECK(d.error == "truncated gzip stream");
    CHECK_FALSE(d.bytes.empty());
    CHECK(text.compare(0, d.bytes.size(), d.bytes) == 0);
    Decompressed l = decompress(gz, Compression::gzip, 100);
    CHECK(l.over_limit);
    CHECK(l.bytes == text.substr(0, 100));
}

TEST_CASE("scrub body: plain JSON", "[scrub][body]") {
    Rules rules(Policy{});
    const Headers h = headers({{"Content-Type", "application/json"}});
    const std::string body = "{\n  \"model\": \"gpt-4o\",\n  \"note\": \"use " + kKey + " here\"\n}\n";
    BodyResult r = rules.body(body, h);
    REQUIRE(r.changed);
    CHECK(r.bytes == replaced(body));
    CHECK(r.layers == "JSON");
    REQUIRE(r.found.size() == 1);
    CHECK(r.found[0].offset == body.find(kKey));
    CHECK(r.found[0].line == 3);
    CHECK(r.unscrubbable.empty());
    check_idempotent(rules, r, h);

    BodyResult none = rules.body("{\"model\": \"gpt-4o\"}", h);
    CHECK_FALSE(none.changed);
    CHECK(none.bytes.empty());
    CHECK(none.layers == "JSON");
    CHECK_FALSE(rules.body("", h).changed);
}

TEST_CASE("scrub body: SSE keeps its framing", "[scrub][body]") {
    Rules rules(Policy{});
    const Headers h = headers({{"Content-Type", "text/event-stream; charset=utf-8"}});
    // CRLF, CR and LF line ends, a comment, an event line, a multi-line data.
    const std::string body =
        ": keep-alive\r\n"
        "event: message_start\r\n"
        "data: {\"type\":\"message_start\",\"text\":\"" +
        kKey +
        "\"}\r\n"
        "\r\n"
        "data:plain " +
        kKey +
        "\r"
        "data: more\r"
        "\r"
        "id: 7\n"
        "data: {\"type\":\"ping\"}\n\n"
        "data: [DONE]\n\n";
    BodyResult r = rules.body(body, h);
    REQUIRE(r.changed);
    CHECK(r.bytes == replaced(body));
    CHECK(r.layers == "SSE");
    REQUIRE(r.found.size() == 2);
    CHECK(r.found[0].line == 3);
    CHECK(r.found[1].line == 5);
    CHECK(r.found[0].offset == body.find(kKey));
    check_idempotent(rules, r, h);

    // No header: recognised by the bytes, as decode_body does.
    BodyResult sniffed = rules.body(body, Headers{});
    CHECK(sniffed.bytes == r.bytes);
    CHECK(sniffed.layers == "SSE");
}

TEST_CASE("scrub body: compressed bodies stay compressed the same way", "[scrub][body]") {
    Rules rules(Policy{});
    std::string json = "{\"messages\":[{\"role\":\"user\",\"content\":\"my key is " + kKey + "\"}]}";

    SECTION("gzip") {
        const Headers h = headers({{"Content-Encoding", "gzip"}, {"Content-Type", "application/json"}});
        BodyResult r = rules.body(gzip(json), h);
        REQUIRE(r.changed);
        CHECK(r.layers == "gzip, JSON");
        CHECK(sniff_compression(r.bytes, nullptr) == Compression::gzip);
        CHECK(decompressed(r.bytes, Compression::gzip) == replaced(json));
        REQUIRE(r.found.size() == 1);
        CHECK(r.found[0].offset == json.find(kKey));
        check_idempotent(rules, r, h);
    }
    SECTION("gzip under no header, gzip of SSE") {
        std::string sse = testsupport::sse_text({"{\"a\":\"" + kKey + "\"}", "{\"b\":1}"});
        BodyResult r = rules.body(gzip(sse), Headers{});
        REQUIRE(r.changed);
        CHECK(r.layers == "gzip, SSE");
        CHECK(decompressed(r.bytes, Compression::gzip) == replaced(sse));
    }
    SECTION("deflate, zlib-wrapped and raw") {
        const Headers h = headers({{"Content-Encoding", "deflate"}});
        BodyResult z = rules.body(zlib_wrapped(json, MAX_WBITS), h);
        REQUIRE(z.changed);
        CHECK(z.layers == "deflate, JSON");
        CHECK(is_zlib_header(z.bytes));
        CHECK(decompressed(z.bytes, Compression::deflate) == replaced(json));
        check_idempotent(rules, z, h);

        BodyResult raw = rules.body(zlib_wrapped(json, -MAX_WBITS), h);
        REQUIRE(raw.changed);
        CHECK_FALSE(is_zlib_header(raw.bytes));
        CHECK(sniff_compression(raw.bytes, h.first("Content-Encoding")) == Compression::deflate);
        CHECK(decompressed(raw.bytes, Compression::deflate) == replaced(json));
    }
    SECTION("brotli") {
        const Headers h = headers({{"Content-Encoding", "br"}});
        std::string br = compress(json, Compression::brotli);
        REQUIRE(sniff_compression(br, h.first("Content-Encoding")) == Compression::brotli);
        BodyResult r = rules.body(br, h);
        REQUIRE(r.changed);
        CHECK(r.layers == "br, JSON");
        CHECK(decompressed(r.bytes, Compression::brotli) == replaced(json));
        check_idempotent(rules, r, h);
    }
    SECTION("compressed, no secret: the recorded bytes stay") {
        BodyResult r = rules.body(gzip("{\"a\":1}"), Headers{});
        CHECK_FALSE(r.changed);
        CHECK(r.bytes.empty());
        CHECK(r.layers == "gzip, JSON");
    }
}

TEST_CASE("scrub body: a gzip stream that does not decode keeps its bytes and names the secret", "[scrub][body]") {
    Rules rules(Policy{});
    std::string json = "{\"key\":\"" + kKey + "\",\"pad\":\"";
    for (int i = 0; i < 4000; ++i) json += std::to_string(i * 7919 % 10007) + ",";
    json += "\"}";
    std::string gz = gzip(json);
    std::string cut = gz.substr(0, gz.size() / 2);
    BodyResult r = rules.body(cut, headers({{"Content-Encoding", "gzip"}}));
    CHECK_FALSE(r.changed);
    CHECK(r.bytes.empty());
    CHECK(r.found.empty());
    REQUIRE(r.unscrubbable.size() == 1);
    CHECK(r.unscrubbable[0] ==
          "gzip stream is corrupt (truncated gzip stream): 1 secret (OpenAI API key) in its readable part cannot be "
          "removed");
    CHECK(r.layers == "gzip (corrupt), text");

    // Broken with nothing secret readable: nothing to say (validate names the corruption).
    std::string plain = gzip(std::string(3000, 'x') + kKey);
    BodyResult quiet = rules.body(plain.substr(0, 12), Headers{});
    CHECK_FALSE(quiet.changed);
    CHECK(quiet.unscrubbable.empty());
}

TEST_CASE("scrub body: a body past the body limit is left alone and named", "[scrub][body]") {
    Rules rules(Policy{});
    std::string json = "{\"key\":\"" + kKey + "\",\"pad\":\"" + std::string(4000, 'x') + "\"}";
    BodyResult r;
    {
        struct Restore {
            ~Restore() { set_limit("CASSETTE_MAX_BODY_BYTES", "1G"); }  // the default, whatever happens
        } restore;
        REQUIRE_FALSE(set_limit("CASSETTE_MAX_BODY_BYTES", "1K"));
        r = rules.body(gzip(json), Headers{});
    }
    CHECK_FALSE(r.changed);
    CHECK(r.found.empty());
    REQUIRE(r.unscrubbable.size() == 1);
    CHECK_THAT(r.unscrubbable[0],
               Catch::StartsWith("gzip body is larger than the body limit (output exceeds limit") &&
                   Catch::EndsWith("not scrubbed; 1 secret (OpenAI API key) in its first 1024 bytes"));
    CHECK(rules.body(gzip(json), Headers{}).changed);
}

TEST_CASE("scrub body: AWS event stream with Bedrock chunks", "[scrub][body]") {
    Rules rules(Policy{});
    const Headers h = headers({{"Content-Type", "application/vnd.amazon.eventstream"}});
    auto chunk = [](const std::string& inner) {
        return es_frame(es_string_header(":event-type", "chunk") + es_string_header(":message-type", "event") +
                            es_string_header(":content-type", "application/json"),
                        "{\"bytes\":\"" + base64_encode(inner) + "\",\"p\":\"abcdefghij\"}");
    };
    const std::string inner0 = "{\"type\":\"message_start\",\"message\":{\"model\":\"claude\"}}";
    const std::string inner1 = "{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"the key " + kKey + "\"}}";
    const std::string f0 = chunk(inner0);
    const std::string f1 = chunk(inner1);
    const std::string f2 = es_frame(es_string_header(":event-type", "metadata"),
                                    "{\"usage\":{\"inputTokens\":5},\"echo\":\"" + kKey2 + "\"}");
    const std::string f3 = chunk("{\"type\":\"message_stop\"}");
    const std::string body = f0 + f1 + f2 + f3;

    BodyResult r = rules.body(body, h);
    REQUIRE(r.changed);
    CHECK(r.layers == "event stream, base64 chunk");
    CHECK(r.unscrubbable.empty());
    REQUIRE(r.found.size() == 2);

    EventStreamResult es = parse_eventstream(r.bytes);
    CHECK_FALSE(es.error);
    REQUIRE(es.messages.size() == 4);
    for (const auto& m : es.messages) {
        CHECK(m.prelude_crc_ok);
        CHECK(m.message_crc_ok);
    }
    // Frames without a secret are byte-identical; the headers of changed ones too.
    CHECK(r.bytes.substr(0, f0.size()) == f0);
    CHECK(r.bytes.substr(r.bytes.size() - f3.size()) == f3);
    EventStreamResult before = parse_eventstream(body);
    CHECK(es.messages[1].headers.size() == before.messages[1].headers.size());
    auto j = parse_json(es.messages[1].payload);
    REQUIRE(j);
    CHECK((*j)["p"] == "abcdefghij");
    auto inner = base64_decode((*j)["bytes"].get<std::string>());
    REQUIRE(inner);
    CHECK(*inner == replaced(inner1));
    CHECK(es.messages[2].payload == replaced(before.messages[2].payload, kKey2));
    // The chunk's edit is reported at the base64 text it rewrote.
    CHECK(r.found[0].offset > f0.size());
    CHECK(r.found[0].offset < f0.size() + f1.size());
    check_idempotent(rules, r, h);

    SECTION("a frame with a bad CRC: scrubbed, lengths right, its CRC left as recorded") {
        std::string bad = f2;
        bad[bad.size() - 1] = static_cast<char>(bad[bad.size() - 1] ^ 0x5a);
        BodyResult b = rules.body(f0 + bad + f3, h);
        REQUIRE(b.changed);
        CHECK(b.unscrubbable.empty());  // the key is gone; only the recorded CRC was already wrong
        EventStreamResult e = parse_eventstream(b.bytes);
        CHECK_FALSE(e.error);
        REQUIRE(e.messages.size() == 3);
        CHECK(e.messages[1].prelude_crc_ok);
        CHECK_FALSE(e.messages[1].message_crc_ok);
        CHECK(e.messages[1].payload.find("REDACTED") != std::string::npos);
        const size_t new_size = bad.size() - kKey2.size() + std::string("REDACTED").size();
        CHECK(b.bytes.substr(f0.size() + new_size - 4, 4) == bad.substr(bad.size() - 4));
        CHECK(b.bytes.substr(b.bytes.size() - f3.size()) == f3);
    }
    SECTION("bytes past a framing error are searched, not changed") {
        BodyResult b = rules.body(f0 + f1 + std::string("\0\0\0\x05", 4) + "garbage " + kKey, h);
        REQUIRE(b.changed);  // the frames before it are still scrubbed
        REQUIRE(b.unscrubbable.size() == 1);
        CHECK_THAT(b.unscrubbable[0],
                   Catch::StartsWith("event stream framing breaks at byte " + std::to_string(f0.size() + f1.size())) &&
                       Catch::Contains("1 secret (OpenAI API key)") && Catch::EndsWith("cannot be removed"));
        const std::string rest = std::string("\0\0\0\x05", 4) + "garbage " + kKey;
        CHECK(b.bytes.substr(b.bytes.size() - rest.size()) == rest);
    }
}

TEST_CASE("scrub body: NDJSON, form, text and binary", "[scrub][body]") {
    Rules rules(Policy{});
    SECTION("NDJSON by header and by the bytes") {
        const std::string body = "{\"a\":1}\n{\"message\":{\"content\":\"" + kKey + "\"}}\n\n{\"done\":true}\n";
        const Headers h = headers({{"Content-Type", "application/x-ndjson"}});
        BodyResult r = rules.body(body, h);
        REQUIRE(r.changed);
        CHECK(r.layers == "NDJSON");
        CHECK(r.bytes == replaced(body));
        REQUIRE(r.found.size() == 1);
        CHECK(r.found[0].line == 2);
        check_idempotent(rules, r, h);
        BodyResult sniffed = rules.body(body, Headers{});
        CHECK(sniffed.layers == "NDJSON");
        CHECK(sniffed.bytes == r.bytes);
    }
    SECTION("a JSON array stream is one JSON text") {
        const std::string body = "[{\"candidates\":[]},\n{\"text\":\"" + kKey + "\"}\n]";
        BodyResult r = rules.body(body, headers({{"Content-Type", "application/json"}}));
        CHECK(r.layers == "JSON");
        CHECK(r.bytes == replaced(body));
    }
    SECTION("form") {
        const std::string body = "grant_type=client_credentials&client_secret=" + kKey + "&scope=all";
        const Headers h = headers({{"Content-Type", "application/x-www-form-urlencoded"}});
        BodyResult r = rules.body(body, h);
        REQUIRE(r.changed);
        CHECK(r.layers == "form");
        CHECK(r.bytes == replaced(body));
        check_idempotent(rules, r, h);
    }
    SECTION("text") {
        const std::string body = "line one\nexport OPENAI_API_KEY=" + kKey + "\n";
        BodyResult r = rules.body(body, headers({{"Content-Type", "text/plain"}}));
        REQUIRE(r.changed);
        CHECK(r.layers == "text");
        CHECK(r.bytes == replaced(body));
        CHECK(r.found[0].line == 2);
    }
    SECTION("binary without secrets is untouched") {
        std::string bin;
        for (int i = 0; i < 4096; ++i) bin.push_back(static_cast<char>((i * 131 + 7) & 0xff));
        BodyResult r = rules.body(bin, headers({{"Content-Type", "application/octet-stream"}}));
        CHECK_FALSE(r.changed);
        CHECK(r.bytes.empty());
        CHECK(r.found.empty());
        CHECK(r.unscrubbable.empty());
        CHECK(r.layers == "binary");
    }
    SECTION("binary: an ASCII key is replaced, the bytes around it kept") {
        const std::string bin = std::string("\x89PNG\0\x01\xff ", 9) + kKey + std::string(" \0\xfe", 3);
        BodyResult r = rules.body(bin, Headers{});
        REQUIRE(r.changed);
        CHECK(r.layers == "binary");
        CHECK(r.bytes == replaced(bin));
    }
}

// Every body of the recorded corpora: body() never throws, changes only what
// validate calls a secret (and credential JSON keys), and what it changes is
// changed no further by a second pass.
TEST_CASE("scrub body: the corpus changes only where validate finds a secret", "[scrub][body][corpus]") {
    if (!std::filesystem::exists("../shared/corpus")) return;
    Rules rules(Policy{});
    size_t bodies = 0, changed = 0;
    std::vector<std::string> files = testsupport::corpus_files("../shared/corpus");
    if (std::filesystem::exists("../shared/corpus-next"))
        for (auto& f : testsupport::corpus_files("../shared/corpus-next")) files.push_back(std::move(f));
    for (const auto& path : files) {
        Cassette c = load_cassette(path);
        for (size_t i = 0; i < c.interactions.size(); ++i) {
            const Interaction& ix = c.interactions[i];
            bool flagged = false;
            for (const auto& f : validate_interaction(ix))
                if (f.rule == "secret" && f.severity == Severity::error) flagged = true;
            for (const auto* side : {&ix.request.body, &ix.response.body}) {
                const Headers& hs = side == &ix.request.body ? ix.request.headers : ix.response.headers;
                if (side->bytes.empty()) continue;
                ++bodies;
                INFO(path << " interaction " << i << (side == &ix.request.body ? " request" : " response"));
                BodyResult r;
                REQUIRE_NOTHROW(r = rules.body(side->bytes, hs));
                if (!flagged) {
                    // validate judges key shapes; a credential named by its
                    // JSON key (an OAuth access_token in a token response) is
                    // scrub's own addition.
                    for (const auto& f : r.found) CHECK(f.rule == "json-key");
                    CHECK(r.unscrubbable.empty());
                    if (path.find("/corpus/") != std::string::npos) CHECK_FALSE(r.changed);
                }
                if (r.changed) {
                    ++changed;
                    check_idempotent(rules, r, hs);
                }
            }
        }
    }
    CHECK(bodies > 100);
    CHECK(changed < bodies / 10);
}
