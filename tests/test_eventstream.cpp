// parse_eventstream with messages built by a small encoder below, plus a
// real Bedrock invoke-with-response-stream body from the corpus.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "decode/base64.hpp"
#include "decode/eventstream.hpp"
#include "test_support.hpp"

using namespace cassette;

namespace {

void put_be(std::string& out, uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint32_t crc_of(std::string_view s) {
    return static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

// Header encoders: name, type byte, value.
std::string h_string(const std::string& name, const std::string& v, uint8_t type = 7) {
    return testsupport::es_string_header(name, v, type);
}
std::string h_fixed(const std::string& name, uint8_t type, uint64_t v, int bytes) {
    std::string out;
    out.push_back(static_cast<char>(name.size()));
    out += name;
    out.push_back(static_cast<char>(type));
    put_be(out, v, bytes);
    return out;
}
std::string h_bool(const std::string& name, bool v) {
    std::string out;
    out.push_back(static_cast<char>(name.size()));
    out += name;
    out.push_back(v ? 0 : 1);
    return out;
}

std::string message(const std::string& headers, const std::string& payload) {
    return testsupport::es_frame(headers, payload);
}

std::string event_msg(const std::string& type, const std::string& payload) {
    return message(h_string(":event-type", type) + h_string(":content-type", "application/json") +
                       h_string(":message-type", "event"),
                   payload);
}

}  // namespace

TEST_CASE("eventstream: known vector from the AWS reference decoders", "[decoders]") {
    // The content-type/{'foo':'bar'} message used by aws-c-event-stream tests.
    std::string hex =
        "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a27626172"
        "277d8d9c08b1";
    std::string bytes;
    for (size_t i = 0; i < hex.size(); i += 2)
        bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    CHECK(looks_like_eventstream(bytes));
    auto r = parse_eventstream(bytes);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.messages.size() == 1);
    const auto& m = r.messages[0];
    CHECK(m.prelude_crc_ok);
    CHECK(m.message_crc_ok);
    REQUIRE(m.headers.size() == 1);
    CHECK(m.headers[0].name == "content-type");
    CHECK(m.headers[0].type == 7);
    CHECK(m.headers[0].value == "application/json");
    CHECK(m.payload == "{'foo':'bar'}");
    // and our encoder produces the same bytes
    CHECK(message(h_string("content-type", "application/json"), "{'foo':'bar'}") == bytes);
}

TEST_CASE("eventstream: every header type", "[decoders]") {
    std::string uuid_bytes;
    for (int i = 0; i < 16; ++i) uuid_bytes.push_back(static_cast<char>(0xa0 + i));
    std::string headers = h_bool("t", true) + h_bool("f", false) + h_fixed("b", 2, 0xFE, 1) +
                          h_fixed("s", 3, 0x7FFF, 2) + h_fixed("i", 4, 0x80000000u, 4) +
                          h_fixed("l", 5, 0xFFFFFFFFFFFFFFFFull, 8) +
                          h_string("bytes", std::string("\0\x01\xff", 3), 6) + h_string("str", "hello") +
                          h_fixed("ts", 8, 1700000000123ull, 8);
    headers.push_back(4);
    headers += "uuid";
    headers.push_back(9);
    headers += uuid_bytes;
    auto r = parse_eventstream(message(headers, "payload"));
    REQUIRE_FALSE(r.error);
    REQUIRE(r.messages.size() == 1);
    const auto& m = r.messages[0];
    REQUIRE(m.headers.size() == 10);
    auto check = [&](size_t i, const char* name, uint8_t type, const std::string& value) {
        INFO(name);
        CHECK(m.headers[i].name == name);
        CHECK(int(m.headers[i].type) == int(type));
        CHECK(m.headers[i].value == value);
    };
    check(0, "t", 0, "true");
    check(1, "f", 1, "false");
    check(2, "b", 2, "-2");
    check(3, "s", 3, "32767");
    check(4, "i", 4, "-2147483648");
    check(5, "l", 5, "-1");
    check(6, "bytes", 6, std::string("\0\x01\xff", 3));
    check(7, "str", 7, "hello");
    check(8, "ts", 8, "1700000000123");
    check(9, "uuid", 9, "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf");
    CHECK(m.payload == "payload");
    REQUIRE(m.header("str"));
    CHECK(*m.header("str") == "hello");
    CHECK(m.header("missing") == nullptr);
}

TEST_CASE("eventstream: several messages, offsets, empty payload and headers", "[decoders]") {
    std::string a = event_msg("chunk", "{\"a\":1}");
    std::string b = message("", "");
    std::string c = event_msg("messageStop", "{}");
    auto r = parse_eventstream(a + b + c);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.messages.size() == 3);
    CHECK(r.messages[0].offset == 0);
    CHECK(r.messages[1].offset == a.size());
    CHECK(r.messages[1].headers.empty());
    CHECK(r.messages[1].payload.empty());
    CHECK(r.messages[2].offset == a.size() + b.size());
    CHECK(*r.messages[2].header(":event-type") == "messageStop");
    CHECK(parse_eventstream("").messages.empty());
    CHECK_FALSE(parse_eventstream("").error);
}

TEST_CASE("eventstream: CRC mismatches are flagged, not fatal", "[decoders]") {
    std::string a = event_msg("chunk", "{\"a\":1}");
    std::string b = event_msg("chunk", "{\"b\":2}");
    SECTION("payload byte flipped") {
        std::string bad = a;
        bad[bad.size() - 6] ^= 0x01;
        auto r = parse_eventstream(bad + b);
        REQUIRE_FALSE(r.error);
        REQUIRE(r.messages.size() == 2);
        CHECK(r.messages[0].prelude_crc_ok);
        CHECK_FALSE(r.messages[0].message_crc_ok);
        CHECK(r.messages[1].message_crc_ok);
    }
    SECTION("prelude CRC wrong") {
        std::string bad = a;
        bad[9] ^= 0x40;
        auto r = parse_eventstream(bad + b);
        REQUIRE_FALSE(r.error);
        REQUIRE(r.messages.size() == 2);
        CHECK_FALSE(r.messages[0].prelude_crc_ok);
        CHECK_FALSE(r.messages[0].message_crc_ok);  // the message CRC covers the prelude CRC
        CHECK_FALSE(looks_like_eventstream(bad));
    }
    SECTION("message CRC field wrong") {
        std::string bad = a;
        bad.back() ^= 0x7F;
        auto r = parse_eventstream(bad);
        REQUIRE(r.messages.size() == 1);
        CHECK(r.messages[0].prelude_crc_ok);
        CHECK_FALSE(r.messages[0].message_crc_ok);
        CHECK(r.messages[0].payload == "{\"a\":1}");
    }
}

TEST_CASE("eventstream: truncated at every byte", "[decoders]") {
    std::string a = event_msg("chunk", "{\"a\":1}");
    std::string b = event_msg("contentBlockDelta", "{\"delta\":{\"text\":\"hi\"}}");
    std::string all = a + b;
    for (size_t cut = 1; cut < all.size(); ++cut) {
        INFO("cut at " << cut);
        auto r = parse_eventstream(std::string_view(all).substr(0, cut));
        if (cut == a.size()) {
            CHECK_FALSE(r.error);
            CHECK(r.messages.size() == 1);
            continue;
        }
        REQUIRE(r.error);
        CHECK(r.messages.size() == (cut < a.size() ? 0u : 1u));
        CHECK(r.error_offset == (cut < a.size() ? 0u : a.size()));
    }
}

TEST_CASE("eventstream: lengths that lie", "[decoders]") {
    auto with_prelude = [](uint32_t total, uint32_t hlen, size_t body_len) {
        std::string m;
        put_be(m, total, 4);
        put_be(m, hlen, 4);
        put_be(m, crc_of(m), 4);
        m += std::string(body_len, 'x');
        return m;
    };
    SECTION("total below minimum") {
        auto r = parse_eventstream(with_prelude(15, 0, 20));
        REQUIRE(r.error);
        CHECK(r.error->find("minimum") != std::string::npos);
        CHECK(r.messages.empty());
    }
    SECTION("headers longer than the message") {
        auto r = parse_eventstream(with_prelude(20, 5, 8));
        REQUIRE(r.error);
        CHECK(r.error->find("headers length") != std::string::npos);
        CHECK_FALSE(looks_like_eventstream(with_prelude(20, 5, 8)));
    }
    SECTION("total beyond the body") {
        auto r = parse_eventstream(with_prelude(0xFFFFFFFFu, 0, 100));
        REQUIRE(r.error);
        CHECK(r.error->find("truncated") != std::string::npos);
    }
    SECTION("header value runs past the header block") {
        std::string h = h_string("name", "value");
        h.resize(h.size() - 2);  // header block is shorter than the string claims
        auto r = parse_eventstream(message(h, "p"));
        REQUIRE(r.error);
        CHECK(r.error_offset == 12);
        CHECK(r.messages.empty());
    }
    SECTION("unknown header type") {
        std::string h = h_fixed("x", 10, 0, 0);
        auto r = parse_eventstream(message(h, "p"));
        REQUIRE(r.error);
        CHECK(r.error->find("unknown value type 10") != std::string::npos);
    }
    SECTION("header name longer than the header block") {
        std::string h =
            "\x7f"
            "abc";
        auto r = parse_eventstream(message(h, ""));
        REQUIRE(r.error);
    }
    SECTION("trailing garbage after good messages") {
        auto r = parse_eventstream(event_msg("chunk", "{}") + "garbage!");
        REQUIRE(r.messages.size() == 1);
        REQUIRE(r.error);
        CHECK(r.error_offset == event_msg("chunk", "{}").size());
    }
}

TEST_CASE("eventstream: looks_like_eventstream", "[decoders]") {
    CHECK(looks_like_eventstream(event_msg("chunk", "{}")));
    CHECK_FALSE(looks_like_eventstream("{\"type\":\"message\"}"));
    CHECK_FALSE(looks_like_eventstream("data: x\n\n"));
    CHECK_FALSE(looks_like_eventstream(""));
    CHECK_FALSE(looks_like_eventstream(std::string(16, '\0')));  // total 0 < 16
}

TEST_CASE("eventstream: real Bedrock invoke-with-response-stream body", "[decoders]") {
    std::string path = testsupport::source_dir() + "/testdata/fantasy/bedrock_simple_streaming.yaml";
    YAML::Node doc = YAML::LoadFile(path);
    std::string b64 = doc["interactions"][0]["response"]["body"].as<std::string>();
    auto bytes = base64_decode(b64);
    REQUIRE(bytes);
    CHECK(looks_like_eventstream(*bytes));
    auto r = parse_eventstream(*bytes);
    CHECK_FALSE(r.error);
    REQUIRE(r.messages.size() >= 3);
    size_t off = 0;
    for (const auto& m : r.messages) {
        CHECK(m.prelude_crc_ok);
        CHECK(m.message_crc_ok);
        CHECK(m.offset == off);
        off += 16 + m.payload.size();
        for (const auto& h : m.headers) off += 1 + h.name.size() + 1 + 2 + h.value.size();
        REQUIRE(m.header(":event-type"));
        CHECK(*m.header(":event-type") == "chunk");
        CHECK(*m.header(":message-type") == "event");
        CHECK(*m.header(":content-type") == "application/json");
        CHECK(m.payload.rfind("{\"bytes\":\"", 0) == 0);
    }
    CHECK(off == bytes->size());
}
