// decode_body: compression undone by sniffing, kind decided by header and
// bytes (headers lie in recordings), events and problems filled in.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>
#include <zlib.h>

#include <string>

#include "decode/base64.hpp"
#include "decode/body.hpp"
#include "test_support.hpp"

using namespace cassette;

namespace {

Headers hdrs(std::initializer_list<std::pair<std::string, std::string>> kv) {
    Headers h;
    for (const auto& [k, v] : kv) {
        Header x;
        x.name = k;
        x.values = {v};
        h.items.push_back(std::move(x));
    }
    return h;
}

using testsupport::gzip;
std::string es_header(const std::string& name, const std::string& value) {
    return testsupport::es_string_header(name, value);
}
using testsupport::es_frame;

}  // namespace

TEST_CASE("body: kind names", "[decoders]") {
    CHECK(std::string(body_kind_name(BodyKind::empty)) == "empty");
    CHECK(std::string(body_kind_name(BodyKind::json)) == "json");
    CHECK(std::string(body_kind_name(BodyKind::sse)) == "sse");
    CHECK(std::string(body_kind_name(BodyKind::eventstream)) == "eventstream");
    CHECK(std::string(body_kind_name(BodyKind::ndjson)) == "ndjson");
    CHECK(std::string(body_kind_name(BodyKind::json_stream)) == "json_stream");
    CHECK(std::string(body_kind_name(BodyKind::text)) == "text");
    CHECK(std::string(body_kind_name(BodyKind::binary)) == "binary");
}

TEST_CASE("body: parse_json", "[decoders]") {
    auto j = parse_json("  \n\t{\"a\": [1, 2, {\"b\": null}]}\r\n ");
    REQUIRE(j);
    CHECK((*j)["a"][1] == 2);
    CHECK(parse_json("[]"));
    CHECK(parse_json("\"str\""));
    CHECK(parse_json("42"));
    CHECK_FALSE(parse_json(""));
    CHECK_FALSE(parse_json("   "));
    CHECK_FALSE(parse_json("{\"a\":"));
    CHECK_FALSE(parse_json("{} {}"));
    CHECK_FALSE(parse_json("data: {}"));
    CHECK_FALSE(parse_json("\"\xff\""));  // invalid UTF-8 in a string
    // Depth guard: 512 levels parse, 513 do not; a million do not crash.
    CHECK(parse_json(std::string(512, '[') + std::string(512, ']')));
    CHECK_FALSE(parse_json(std::string(513, '[') + std::string(513, ']')));
    CHECK_FALSE(parse_json(std::string(1'000'000, '[')));
    CHECK_FALSE(parse_json(std::string(1'000'000, '{')));
    // Brackets inside strings do not count towards depth.
    CHECK(parse_json("{\"s\":\"" + std::string(2000, '[') + "\\\"" + "\"}"));
}

TEST_CASE("body: empty", "[decoders]") {
    auto d = decode_body(hdrs({{"Content-Type", "application/json"}}), "");
    CHECK(d.kind == BodyKind::empty);
    CHECK(d.problems.empty());
    CHECK(d.text.empty());
}

TEST_CASE("body: json, with and without a header", "[decoders]") {
    for (auto h : {hdrs({{"Content-Type", "application/json; charset=utf-8"}}), hdrs({}),
                   hdrs({{"content-type", "text/plain"}}), hdrs({{"Content-Type", "text/event-stream"}})}) {
        auto d = decode_body(h, "\n  {\"id\":\"x\",\"usage\":{\"input_tokens\":3}}\n");
        CHECK(d.kind == BodyKind::json);
        REQUIRE(d.json);
        CHECK((*d.json)["usage"]["input_tokens"] == 3);
        CHECK(d.problems.empty());
        CHECK(d.compression == Compression::none);
    }
    // A JSON array stays json here: json_stream is the reassembler's call.
    auto arr = decode_body(hdrs({{"Content-Type", "application/json"}}), "[{\"candidates\":[]},\n{\"candidates\":[]}]");
    CHECK(arr.kind == BodyKind::json);
}

TEST_CASE("body: declared JSON that does not parse", "[decoders]") {
    auto d = decode_body(hdrs({{"Content-Type", "application/json"}}), "{\n  \"a\": 1,\n  \"b\": \n}\n");
    CHECK(d.kind == BodyKind::text);
    REQUIRE(d.problems.size() == 1);
    CHECK(d.problems[0].rule == "json-body");
    CHECK(d.problems[0].line == 4);
    auto p = decode_body(hdrs({{"Content-Type", "application/problem+json"}}), "nope");
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0].rule == "json-body");
    // Undeclared: plain text, no problem.
    auto t = decode_body(hdrs({{"Content-Type", "text/html"}}), "<html>Bad gateway</html>");
    CHECK(t.kind == BodyKind::text);
    CHECK(t.problems.empty());
}

TEST_CASE("body: SSE by header and by content", "[decoders]") {
    std::string sse = ": OPENROUTER PROCESSING\n\ndata: {\"a\":1}\n\nevent: done\ndata: [DONE]\n\n";
    for (auto h : {hdrs({{"Content-Type", "text/event-stream; charset=utf-8"}}), hdrs({}),
                   hdrs({{"Content-Type", "application/json"}})}) {
        auto d = decode_body(h, sse);
        REQUIRE(d.kind == BodyKind::sse);
        REQUIRE(d.events.size() == 2);
        CHECK(d.events[0].event == "message");
        CHECK(d.events[0].data == "{\"a\":1}");
        CHECK(d.events[0].line == 3);
        CHECK(d.events[1].event == "done");
        CHECK(d.events[1].data == "[DONE]");
        CHECK(d.stream_terminated);
        CHECK(d.problems.empty());
        CHECK_FALSE(d.json);
    }
}

TEST_CASE("body: SSE problems and unterminated stream", "[decoders]") {
    auto d = decode_body(hdrs({{"Content-Type", "text/event-stream"}}),
                         "data: {\"a\":1}\n\ngarbage here\r\ndata: {\"b\":2}");
    REQUIRE(d.kind == BodyKind::sse);
    REQUIRE(d.events.size() == 2);
    CHECK_FALSE(d.stream_terminated);
    REQUIRE(d.problems.size() == 1);
    CHECK(d.problems[0].rule == "sse-syntax");
    CHECK(d.problems[0].line == 3);
    // Declared SSE that is plain text: every line is a finding.
    auto t = decode_body(hdrs({{"Content-Type", "text/event-stream"}}), "upstream error\n");
    CHECK(t.kind == BodyKind::sse);
    CHECK(t.events.empty());
    REQUIRE(t.problems.size() == 1);
    CHECK(t.problems[0].rule == "sse-syntax");
}

TEST_CASE("body: NDJSON", "[decoders]") {
    std::string nd = "{\"model\":\"llama\",\"done\":false}\n{\"model\":\"llama\",\"done\":true}\n";
    for (auto h :
         {hdrs({{"Content-Type", "application/x-ndjson"}}), hdrs({}), hdrs({{"Content-Type", "application/json"}})}) {
        auto d = decode_body(h, nd);
        REQUIRE(d.kind == BodyKind::ndjson);
        REQUIRE(d.events.size() == 2);
        CHECK(d.events[0].event == "message");
        CHECK(d.events[0].data == "{\"model\":\"llama\",\"done\":false}");
        CHECK(d.events[1].line == 2);
        CHECK(d.problems.empty());
    }
    // Declared NDJSON with one line and a broken line.
    auto one = decode_body(hdrs({{"Content-Type", "application/x-ndjson"}}), "{\"done\":true}");
    CHECK(one.kind == BodyKind::ndjson);
    CHECK(one.events.size() == 1);
    auto broken =
        decode_body(hdrs({{"Content-Type", "application/x-ndjson"}}), "{\"a\":1}\r\n\r\n{\"b\":\n{\"c\":3}\n");
    REQUIRE(broken.kind == BodyKind::ndjson);
    REQUIRE(broken.events.size() == 3);
    CHECK(broken.events[0].data == "{\"a\":1}");
    CHECK(broken.events[2].line == 4);
    REQUIRE(broken.problems.size() == 1);
    CHECK(broken.problems[0].rule == "json-body");
    CHECK(broken.problems[0].line == 3);
    // Undeclared lines that are not all JSON: just text.
    auto txt = decode_body(hdrs({}), "{\"a\":1}\n{oops}\n");
    CHECK(txt.kind == BodyKind::text);
}

TEST_CASE("body: gzip undone whatever the header says", "[decoders]") {
    std::string json = "{\"ok\":true}";
    for (auto h : {hdrs({{"Content-Encoding", "gzip"}}), hdrs({}), hdrs({{"Content-Encoding", "br"}})}) {
        auto d = decode_body(h, gzip(json));
        CHECK(d.compression == Compression::gzip);
        CHECK(d.text == json);
        CHECK(d.kind == BodyKind::json);
    }
    // Header says gzip but the recorder stored it decoded.
    auto plain = decode_body(hdrs({{"Content-Encoding", "gzip"}, {"Content-Type", "application/json"}}), json);
    CHECK(plain.compression == Compression::none);
    CHECK(plain.kind == BodyKind::json);
    CHECK(plain.problems.empty());
    // Gzipped SSE.
    auto sse =
        decode_body(hdrs({{"Content-Encoding", "gzip"}, {"Content-Type", "text/event-stream"}}), gzip("data: x\n\n"));
    CHECK(sse.kind == BodyKind::sse);
    CHECK(sse.events.size() == 1);
}

TEST_CASE("body: broken gzip keeps the bytes and reports", "[decoders]") {
    std::string gz = gzip("{\"ok\":true, \"padding\":\"aaaaaaaaaaaaaaaaaaaa\"}");
    auto d = decode_body(hdrs({{"Content-Encoding", "gzip"}}), gz.substr(0, gz.size() / 2));
    CHECK(d.compression == Compression::none);
    CHECK(d.text == gz.substr(0, gz.size() / 2));
    CHECK(d.kind == BodyKind::binary);
    REQUIRE(d.problems.size() == 1);
    CHECK(d.problems[0].rule == "content-encoding");
    CHECK(d.problems[0].message.find("truncated gzip") != std::string::npos);
}

TEST_CASE("body: AWS event stream with Bedrock chunks", "[decoders]") {
    std::string inner = "{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"Olá\"}}";
    std::string payload = "{\"bytes\":\"" + base64_encode(inner) + "\",\"p\":\"abcdef\"}";
    std::string common = es_header(":content-type", "application/json") + es_header(":message-type", "event");
    std::string body =
        es_frame(es_header(":event-type", "chunk") + common, payload) +
        es_frame(es_header(":event-type", "messageStop") + common, "{\"stopReason\":\"end_turn\"}") +
        es_frame(es_header(":exception-type", "throttlingException") + es_header(":message-type", "exception"),
                 "{\"message\":\"slow down\"}");
    for (auto h : {hdrs({{"Content-Type", "application/vnd.amazon.eventstream"}}), hdrs({}),
                   hdrs({{"Content-Type", "application/json"}})}) {
        auto d = decode_body(h, body);
        REQUIRE(d.kind == BodyKind::eventstream);
        REQUIRE(d.events.size() == 3);
        CHECK(d.events[0].event == "chunk");
        CHECK(d.events[0].data == inner);
        CHECK(d.events[0].offset == 0);
        CHECK(d.events[1].event == "messageStop");
        CHECK(d.events[1].data == "{\"stopReason\":\"end_turn\"}");
        CHECK(d.events[1].offset > 0);
        CHECK(d.events[2].event == "throttlingException");
        CHECK(d.problems.empty());
    }
}

TEST_CASE("body: event stream CRC and framing problems", "[decoders]") {
    std::string m = es_frame(es_header(":event-type", "chunk"), "{\"bytes\":\"e30=\"}");
    std::string bad = m;
    bad[bad.size() - 5] ^= 0x20;  // payload byte: message CRC now wrong
    auto d = decode_body(hdrs({{"Content-Type", "application/vnd.amazon.eventstream"}}), m + bad + m.substr(0, 10));
    REQUIRE(d.kind == BodyKind::eventstream);
    REQUIRE(d.events.size() == 2);
    CHECK(d.events[0].data == "{}");
    REQUIRE(d.problems.size() == 2);
    CHECK(d.problems[0].rule == "eventstream-crc");
    CHECK(d.problems[0].message.find("message CRC") != std::string::npos);
    CHECK(d.problems[1].rule == "eventstream-crc");
    CHECK(d.problems[1].message.find("truncated") != std::string::npos);
}

TEST_CASE("body: event-stream header over a JSON error body", "[decoders]") {
    auto d = decode_body(hdrs({{"Content-Type", "application/vnd.amazon.eventstream"}}),
                         "{\"message\":\"The security token included in the request is invalid.\"}");
    CHECK(d.kind == BodyKind::json);
    CHECK(d.problems.empty());
}

TEST_CASE("body: text and binary", "[decoders]") {
    auto t = decode_body(hdrs({}), "Olá, mundo\n");
    CHECK(t.kind == BodyKind::text);
    auto b = decode_body(hdrs({{"Content-Type", "application/octet-stream"}}), std::string("\x00\xff\xfe\x01", 4));
    CHECK(b.kind == BodyKind::binary);
    CHECK(b.text.size() == 4);
}

TEST_CASE("body: real Bedrock streaming cassette", "[decoders]") {
    std::string path = testsupport::source_dir() + "/testdata/fantasy/bedrock_simple_streaming.yaml";
    YAML::Node doc = YAML::LoadFile(path);
    auto bytes = base64_decode(doc["interactions"][0]["response"]["body"].as<std::string>());
    REQUIRE(bytes);
    Headers h;
    for (const auto& kv : doc["interactions"][0]["response"]["headers"]) {
        Header x;
        x.name = kv.first.as<std::string>();
        for (const auto& v : kv.second) x.values.push_back(v.as<std::string>());
        h.items.push_back(std::move(x));
    }
    auto d = decode_body(h, *bytes);
    REQUIRE(d.kind == BodyKind::eventstream);
    CHECK(d.problems.empty());
    REQUIRE(d.events.size() >= 3);
    auto first = parse_json(d.events.front().data);
    REQUIRE(first);
    CHECK((*first)["type"] == "message_start");
    auto last = parse_json(d.events.back().data);
    REQUIRE(last);
    CHECK((*last)["type"] == "message_stop");
    std::string text;
    for (const auto& e : d.events) {
        auto j = parse_json(e.data);
        REQUIRE(j);
        if ((*j)["type"] == "content_block_delta") text += (*j)["delta"]["text"].get<std::string>();
    }
    CHECK_FALSE(text.empty());
}

TEST_CASE("body: a NUL byte makes valid UTF-8 binary, as git decides", "[decoders]") {
    using namespace std::string_literals;
    CHECK(decode_body({}, "plain text\n").kind == BodyKind::text);
    CHECK(decode_body({}, "text with a \0 inside"s).kind == BodyKind::binary);
    CHECK(decode_body({}, std::string(1 << 20, '\0')).kind == BodyKind::binary);
    CHECK(decode_body({}, "caf\xc3\xa9 \x1b[1m").kind == BodyKind::text);  // other controls stay text
}
