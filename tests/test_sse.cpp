// parse_sse against the WHATWG HTML event-stream examples and the shapes
// LLM providers actually send.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "decode/sse.hpp"

using cassette::parse_sse;

TEST_CASE("sse: WHATWG stock example joins data lines with LF", "[decoders]") {
    auto r = parse_sse("data: YHOO\ndata: +2\ndata: 10\n\n");
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].event == "message");
    CHECK(r.events[0].data == "YHOO\n+2\n10");
    CHECK_FALSE(r.events[0].id.has_value());
    CHECK(r.events[0].line == 1);
    CHECK(r.terminated);
    CHECK(r.issues.empty());
}

TEST_CASE("sse: WHATWG comment / id example", "[decoders]") {
    auto r = parse_sse(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n");
    REQUIRE(r.events.size() == 3);
    CHECK(r.events[0].data == "first event");
    REQUIRE(r.events[0].id.has_value());
    CHECK(*r.events[0].id == "1");
    CHECK(r.events[0].line == 3);
    // `id` without a colon: field name "id", empty value -> resets the id.
    CHECK(r.events[1].data == "second event");
    REQUIRE(r.events[1].id.has_value());
    CHECK(r.events[1].id->empty());
    // Only one space after the colon is removed.
    CHECK(r.events[2].data == " third event");
    CHECK_FALSE(r.events[2].id.has_value());  // our ids are per event, not inherited
    CHECK(r.issues.empty());
}

TEST_CASE("sse: WHATWG empty data example", "[decoders]") {
    // First block: data "" ; second: data "\n"; third not followed by a blank
    // line (a browser discards it; we dispatch it and report unterminated).
    auto r = parse_sse("data\n\ndata\ndata\n\ndata:");
    REQUIRE(r.events.size() == 3);
    CHECK(r.events[0].data.empty());
    CHECK(r.events[1].data == "\n");
    CHECK(r.events[2].data.empty());
    CHECK(r.events[2].line == 6);
    CHECK_FALSE(r.terminated);
}

TEST_CASE("sse: WHATWG 'data:test' and 'data: test' are the same event", "[decoders]") {
    auto r = parse_sse("data:test\n\ndata: test\n\n");
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].data == "test");
    CHECK(r.events[1].data == "test");
}

TEST_CASE("sse: line ends CRLF, LF, lone CR and mixed", "[decoders]") {
    for (std::string nl : {"\n", "\r\n", "\r"}) {
        std::string body = "event: a" + nl + "data: 1" + nl + "data: 2" + nl + nl + "data: 3" + nl + nl;
        auto r = parse_sse(body);
        INFO("line end " << (nl == "\n" ? "LF" : nl == "\r" ? "CR" : "CRLF"));
        REQUIRE(r.events.size() == 2);
        CHECK(r.events[0].event == "a");
        CHECK(r.events[0].data == "1\n2");
        CHECK(r.events[1].event == "message");
        CHECK(r.events[1].data == "3");
        CHECK(r.events[1].line == 5);
        CHECK(r.terminated);
    }
    // Mixed: CR then LF-alone lines; "\r\n" counts once, "\n\r" twice.
    auto r = parse_sse("data: a\r\ndata: b\rdata: c\n\r\ndata: d\n\r");
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].data == "a\nb\nc");
    CHECK(r.events[1].data == "d");
    CHECK(r.events[1].line == 5);
    CHECK(r.terminated);
}

TEST_CASE("sse: CR inside a CRLF pair split across the body end", "[decoders]") {
    auto r = parse_sse("data: x\r");
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].data == "x");
    CHECK_FALSE(r.terminated);
}

TEST_CASE("sse: leading BOM is stripped once", "[decoders]") {
    auto r = parse_sse(
        "\xEF\xBB\xBF"
        "data: hi\n\n");
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].data == "hi");
    CHECK(r.issues.empty());
    // A second BOM is part of the first line's field name: garbage.
    auto r2 = parse_sse(
        "\xEF\xBB\xBF\xEF\xBB\xBF"
        "data: hi\n\n");
    CHECK(r2.events.empty());
    REQUIRE(r2.issues.size() == 1);
    CHECK(r2.issues[0].line == 1);
}

TEST_CASE("sse: comments, OpenRouter keep-alives and [DONE]", "[decoders]") {
    std::string body =
        ": OPENROUTER PROCESSING\n\n"
        ": OPENROUTER PROCESSING\n\n"
        "data: {\"id\":\"gen-1\",\"choices\":[]}\n\n"
        ":\n"
        "data: [DONE]\n\n";
    auto r = parse_sse(body);
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].data == "{\"id\":\"gen-1\",\"choices\":[]}");
    CHECK(r.events[0].line == 5);
    CHECK(r.events[1].data == "[DONE]");
    CHECK(r.events[1].event == "message");
    CHECK(r.events[1].line == 8);
    CHECK(r.issues.empty());
    CHECK(r.terminated);
}

TEST_CASE("sse: a comment between data lines does not split the event", "[decoders]") {
    auto r = parse_sse("data: a\n: note\ndata: b\n\n");
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].data == "a\nb");
}

TEST_CASE("sse: blocks without data dispatch nothing", "[decoders]") {
    auto r = parse_sse("event: ping\n\nid: 7\n\nretry: 100\n\ndata: x\n\n");
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].event == "message");  // the event type does not leak into the next block
    CHECK_FALSE(r.events[0].id.has_value());
    CHECK(r.events[0].data == "x");
}

TEST_CASE("sse: event, id and retry fields", "[decoders]") {
    auto r = parse_sse(
        "id: abc\nevent: message_start\nretry: 3000\ndata: {}\n\n"
        "event:\ndata: y\n\n");
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].event == "message_start");
    CHECK(r.events[0].id == std::optional<std::string>("abc"));
    CHECK(r.events[0].retry == std::optional<int64_t>(3000));
    CHECK(r.events[0].line == 1);
    CHECK(r.events[1].event == "message");  // empty event type means "message"
}

TEST_CASE("sse: retry only when all ASCII digits", "[decoders]") {
    for (const char* bad : {"retry: 10a\n", "retry: -5\n", "retry: \n", "retry:  10\n", "retry: 1.5\n",
                            "retry: 99999999999999999999999\n"}) {
        auto r = parse_sse(std::string(bad) + "data: x\n\n");
        INFO(bad);
        REQUIRE(r.events.size() == 1);
        CHECK_FALSE(r.events[0].retry.has_value());
        CHECK(r.issues.empty());
    }
    auto ok = parse_sse("retry:0\ndata: x\n\n");
    CHECK(ok.events.at(0).retry == std::optional<int64_t>(0));
}

TEST_CASE("sse: id containing NUL is ignored", "[decoders]") {
    std::string body = std::string("id: a\0b\n", 8) + "data: x\n\n";
    auto r = parse_sse(body);
    REQUIRE(r.events.size() == 1);
    CHECK_FALSE(r.events[0].id.has_value());
    auto r2 = parse_sse(std::string("id: first\nid: a\0b\ndata: x\n\n", 27));
    CHECK(r2.events.at(0).id == std::optional<std::string>("first"));
}

TEST_CASE("sse: empty data lines and values with colons", "[decoders]") {
    auto r = parse_sse("data:\ndata: a: b\ndata:\n\n");
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].data == "\na: b\n");
}

TEST_CASE("sse: unterminated last event is dispatched, terminated=false", "[decoders]") {
    auto r = parse_sse("data: one\n\ndata: two\ndata: three");
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[1].data == "two\nthree");
    CHECK(r.events[1].line == 3);
    CHECK_FALSE(r.terminated);

    auto r2 = parse_sse("data: one\n\ndata: two\n");
    REQUIRE(r2.events.size() == 2);
    CHECK_FALSE(r2.terminated);

    // A trailing comment is not inside an event.
    auto r3 = parse_sse("data: one\n\n: bye");
    CHECK(r3.events.size() == 1);
    CHECK(r3.terminated);
}

TEST_CASE("sse: garbage lines are issues with their line numbers", "[decoders]") {
    auto r = parse_sse("data: ok\n\nthis is not sse\n{\"error\":1}\ndata : spaced\nData: case\n\ndata: fine\n\n");
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].data == "ok");
    CHECK(r.events[1].data == "fine");
    CHECK(r.events[1].line == 8);
    REQUIRE(r.issues.size() == 4);
    CHECK(r.issues[0].line == 3);
    CHECK(r.issues[1].line == 4);
    CHECK(r.issues[2].line == 5);
    CHECK(r.issues[2].message.find("data ") != std::string::npos);
    CHECK(r.issues[3].line == 6);
}

TEST_CASE("sse: empty and blank-only bodies", "[decoders]") {
    auto r = parse_sse("");
    CHECK(r.events.empty());
    CHECK(r.issues.empty());
    CHECK(r.terminated);
    auto r2 = parse_sse("\n\n\r\n");
    CHECK(r2.events.empty());
    CHECK(r2.terminated);
}

TEST_CASE("sse: many events, CR-only and LF-only line ends", "[decoders]") {
    // Exactness on a long body; its speed is measured by bench/run, not here
    // (timed assertions fail on loaded or sanitized builds, not on bugs).
    for (const char* nl : {"\n", "\r"}) {
        std::string chunk = std::string("data: {\"choices\":[{\"delta\":{\"content\":\"hello world\"}}]}") + nl + nl;
        std::string body;
        const size_t n = 4'000'000 / chunk.size();
        body.reserve(n * chunk.size());
        for (size_t i = 0; i < n; ++i) body += chunk;
        auto r = parse_sse(body);
        CHECK(r.events.size() == n);
        CHECK(r.events.back().line == 2 * n - 1);
        CHECK(r.events.back().data == "{\"choices\":[{\"delta\":{\"content\":\"hello world\"}}]}");
    }
}
