// Anthropic Messages reassembly: the SDK accumulator's rules, one test each,
// on hand-written bodies (direct, Bedrock event stream, Vertex).
#include <filesystem>

#include <catch2/catch.hpp>

#include "providers/providers.hpp"
#include "reader.hpp"
#include "providers/reassemble.hpp"
#include "decode/sse.hpp"
#include "test_support.hpp"

using namespace cassette;
using testsupport::json_body;
using testsupport::make_ix;
using testsupport::sse_body;
using testsupport::sse_text;

namespace {

const std::string kUrl = "https://api.anthropic.com/v1/messages";

}  // namespace

TEST_CASE("anthropic: non-streamed message with text, tool_use and cache usage", "[anthropic]") {
    auto ix = make_ix(kUrl);
    auto body = json_body(R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-x",
        "content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Hi "},
                   {"type":"tool_use","id":"toolu_1","name":"weather","input":{"z":1,"a":"b"}},
                   {"type":"text","text":"there"}],
        "stop_reason":"tool_use","usage":{"input_tokens":10,"cache_creation_input_tokens":100,
        "cache_read_input_tokens":1000,"output_tokens":7}})");
    auto m = reassemble_anthropic(ix, body);
    REQUIRE(m);
    CHECK(m->api == "anthropic");
    CHECK(m->provider == "anthropic");
    CHECK_FALSE(m->streamed);
    CHECK(m->complete);
    CHECK(m->id == "msg_1");
    CHECK(m->model == "claude-x");
    CHECK(m->text == "Hi there");
    CHECK(m->reasoning == "hmm");
    REQUIRE(m->tool_calls.size() == 1);
    CHECK(m->tool_calls[0].id == "toolu_1");
    CHECK(m->tool_calls[0].name == "weather");
    CHECK(m->tool_calls[0].arguments == R"({"z":1,"a":"b"})");  // compact, wire key order kept
    CHECK(m->finish_reason == "tool_use");
    REQUIRE(m->usage);
    CHECK(m->usage->input_tokens == 1110);
    CHECK(m->usage->cache_write_tokens == 100);
    CHECK(m->usage->cache_read_tokens == 1000);
    CHECK(m->usage->output_tokens == 7);
    CHECK(m->usage->total_tokens == 1117);
    CHECK(m->usage->raw["cache_read_input_tokens"] == 1000);
}

TEST_CASE("anthropic: stream with thinking, tool input and message_delta overwriting usage", "[anthropic]") {
    auto ix = make_ix(kUrl);
    auto body = sse_body(sse_text({
        R"({"type":"message_start","message":{"id":"msg_2","model":"claude-y","content":[],"usage":{"input_tokens":5,"cache_creation_input_tokens":3,"cache_read_input_tokens":2,"output_tokens":1}}})",
        R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})",
        R"({"type":"ping"})",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me "}})",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"think."}})",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}})",
        R"({"type":"content_block_stop","index":0})",
        R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})",
        R"({"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"t1","name":"f","input":{}}})",
        // deltas address blocks by index, even interleaved
        R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Ok"}})",
        R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}})",
        R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"a\""}})",
        R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"!"}})",
        R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":": 1}"}})",
        R"({"type":"content_block_stop","index":1})",
        R"({"type":"content_block_stop","index":2})",
        // input_tokens present -> overwrite; cache_read null -> kept from message_start
        R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":50,"cache_read_input_tokens":null,"output_tokens":42}})",
        R"({"type":"message_stop"})",
    }));
    auto m = reassemble_anthropic(ix, body);
    REQUIRE(m);
    CHECK(m->streamed);
    CHECK(m->complete);
    CHECK(m->id == "msg_2");
    CHECK(m->model == "claude-y");
    CHECK(m->reasoning == "Let me think.");
    CHECK(m->text == "Ok!");
    REQUIRE(m->tool_calls.size() == 1);
    CHECK(m->tool_calls[0].arguments == "{\"a\": 1}");  // concatenated text, as streamed
    CHECK(m->finish_reason == "tool_use");
    REQUIRE(m->usage);
    CHECK(m->usage->output_tokens == 42);         // overwritten, not 1 + 42
    CHECK(m->usage->input_tokens == 50 + 3 + 2);  // overwritten input, start's cache counts kept
    CHECK(m->usage->cache_read_tokens == 2);
    CHECK(m->usage->total_tokens == 97);
}

TEST_CASE("anthropic: streamed tool call with no input keeps {}", "[anthropic]") {
    auto ix = make_ix(kUrl);
    auto body = sse_body(sse_text({
        R"({"type":"message_start","message":{"id":"m","model":"c","content":[],"usage":{"input_tokens":1,"output_tokens":1}}})",
        R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"now","input":{}}})",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}})",
        R"({"type":"content_block_stop","index":0})",
        R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}})",
        R"({"type":"message_stop"})",
    }));
    auto m = reassemble_anthropic(ix, body);
    REQUIRE(m);
    REQUIRE(m->tool_calls.size() == 1);
    CHECK(m->tool_calls[0].name == "now");
    CHECK(m->tool_calls[0].arguments == "{}");
    CHECK(m->usage->input_tokens == 1);
    CHECK(m->usage->output_tokens == 9);
}

TEST_CASE("anthropic: error event and error bodies", "[anthropic]") {
    auto ix = make_ix(kUrl);
    auto stream = sse_body(
        "event: message_start\ndata: "
        "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\",\"content\":[],"
        "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n"
        "event: content_block_start\ndata: "
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        "event: content_block_delta\ndata: "
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"par\"}}\n\n"
        "event: error\ndata: "
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
    auto m = reassemble_anthropic(ix, stream);
    REQUIRE(m);
    REQUIRE(m->error);
    CHECK(m->error->type == "overloaded_error");
    CHECK(m->error->message == "Overloaded");
    CHECK(m->text == "par");  // what arrived before the error is kept

    auto bad = make_ix(kUrl, 529);
    auto body = json_body(R"({"type":"error","error":{"type":"overloaded_error","message":"busy"}})");
    auto e = reassemble_anthropic(bad, body);
    REQUIRE(e);
    REQUIRE(e->error);
    CHECK(e->error->type == "overloaded_error");
    CHECK(e->error->message == "busy");
    CHECK_FALSE(e->usage);

    // Bedrock: {"message": ...} with the type in a header.
    auto bix = make_ix("https://bedrock-runtime.us-east-1.amazonaws.com/model/x/invoke", 400);
    bix.response.headers.items.push_back({"X-Amzn-Errortype", {"ValidationException:http://internal.amazon.com/"}, {}});
    auto be = reassemble_anthropic(bix, json_body(R"({"message":"bad input"})"));
    REQUIRE(be);
    REQUIRE(be->error);
    CHECK(be->provider == "bedrock");
    CHECK(be->error->type == "ValidationException");
    CHECK(be->error->message == "bad input");

    // Vertex: Google error object, possibly in an array.
    auto vix = make_ix(
        "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/anthropic/models/c:rawPredict",
        429);
    auto ve = reassemble_anthropic(
        vix, json_body(R"([{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}])"));
    REQUIRE(ve);
    REQUIRE(ve->error);
    CHECK(ve->provider == "vertex");
    CHECK(ve->error->type == "RESOURCE_EXHAUSTED");
    CHECK(ve->error->message == "quota");
}

TEST_CASE("anthropic: Bedrock event stream chunks, wrapped or not, and exceptions", "[anthropic]") {
    auto ix = make_ix(
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude/invoke-with-response-stream");
    DecodedBody b;
    b.kind = BodyKind::eventstream;
    b.events.push_back(
        {"chunk",
         R"({"type":"message_start","message":{"id":"msg_bdrk","model":"claude-h","content":[],"usage":{"input_tokens":4,"output_tokens":1}}})",
         {},
         0,
         0});
    b.events.push_back(
        {"chunk", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})", {}, 0, 10});
    // a payload the decoder left wrapped: {"bytes": base64 of a text delta}
    b.events.push_back(
        {"chunk",
         R"({"bytes":"eyJ0eXBlIjoiY29udGVudF9ibG9ja19kZWx0YSIsImluZGV4IjowLCJkZWx0YSI6eyJ0eXBlIjoidGV4dF9kZWx0YSIsInRleHQiOiJIaSJ9fQ=="})",
         {},
         0,
         20});
    b.events.push_back({"chunk",
                        R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}})",
                        {},
                        0,
                        30});
    b.events.push_back(
        {"chunk",
         R"({"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":4,"outputTokenCount":3}})",
         {},
         0,
         40});
    auto m = reassemble_anthropic(ix, b);
    REQUIRE(m);
    CHECK(m->provider == "bedrock");
    CHECK(m->streamed);
    CHECK(m->complete);
    CHECK(m->text == "Hi");
    CHECK(m->finish_reason == "end_turn");
    CHECK(m->usage->output_tokens == 3);

    DecodedBody x;
    x.kind = BodyKind::eventstream;
    x.events = {b.events[0], {"throttlingException", R"({"message":"Too many requests"})", {}, 0, 10}};
    auto e = reassemble_anthropic(ix, x);
    REQUIRE(e);
    REQUIRE(e->error);
    CHECK(e->error->type == "throttlingException");
    CHECK(e->error->message == "Too many requests");
}

TEST_CASE("anthropic: truncated stream is incomplete, foreign bodies are not ours", "[anthropic]") {
    auto ix = make_ix(kUrl);
    auto cut = sse_body(sse_text({
        R"({"type":"message_start","message":{"id":"m","model":"c","content":[],"usage":{"input_tokens":2,"output_tokens":1}}})",
        R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}})",
    }));
    auto m = reassemble_anthropic(ix, cut);
    REQUIRE(m);
    CHECK_FALSE(m->complete);
    CHECK(m->text == "Hel");
    CHECK(m->usage->output_tokens == 1);

    CHECK_FALSE(reassemble_anthropic(ix, sse_body(sse_text({R"({"choices":[]})", "[DONE]"}))));
    CHECK_FALSE(reassemble_anthropic(ix, json_body(R"({"object":"chat.completion"})")));
    DecodedBody garbage;
    garbage.kind = BodyKind::sse;
    garbage.events.push_back({"message", "{not json", {}, 1, 0});
    garbage.events.push_back(
        {"message", R"({"type":"content_block_delta","index":7,"delta":{"type":"text_delta","text":1}})", {}, 2, 0});
    garbage.events.push_back({"message", R"({"type":"message_delta","usage":{"output_tokens":1e300}})", {}, 3, 0});
    auto g = reassemble_anthropic(ix, garbage);  // must not throw
    REQUIRE(g);
    CHECK(g->text.empty());
    CHECK(g->usage->output_tokens == std::numeric_limits<int64_t>::max());
}

// Every corpus file whose interactions speak Anthropic Messages (direct,
// Bedrock, Vertex, anthropic-sdk-go) or Gemini / Vertex Gemini: one golden
// JSON array of reassembled messages per file, checked by hand against the
// raw bodies when approved (CASSETTE_UPDATE_GOLDEN=1).
TEST_CASE("anthropic/gemini corpus: golden messages", "[anthropic][gemini][corpus]") {
    namespace fs = std::filesystem;
    const std::string root = testsupport::corpus_dir();
    size_t files = 0, anthropic = 0, gemini = 0;
    for (const auto& path : testsupport::corpus_files(root)) {
        nlohmann::json messages = nlohmann::json::array();
        bool ours = false;
        read_cassette(path, [&](Interaction&& ix) {
            DecodedBody body = decode_body(ix.response.headers, ix.response.body.bytes);
            std::string api = detect_api(ix, body);
            if (api == "anthropic" || api == "gemini") ours = true;
            auto m = reassemble(ix, body);
            if (m && m->api == "anthropic") ++anthropic;
            if (m && m->api == "gemini") ++gemini;
            messages.push_back(m ? to_json(*m) : nlohmann::json(nullptr));
        });
        if (!ours) continue;
        ++files;
        std::string name = fs::path(path).lexically_relative(root).generic_string();
        for (size_t p = 0; (p = name.find('/', p)) != std::string::npos;) name.replace(p, 1, "__");
        INFO(name);
        testsupport::check_golden("messages/" + name + ".json",
                                  messages.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    }
    CHECK(files == 96);
    CHECK(anthropic == 51 + 12 + 10);  // api.anthropic.com, Bedrock invoke, Vertex rawPredict
    CHECK(gemini == 44 + 28);          // generativelanguage, Vertex generateContent
}

// Hostile input: every corpus response cut at many points, and fed to every
// reassembler of this family (wrong API included), never throws and never
// reads out of bounds (run under ASan/UBSan too).
TEST_CASE("anthropic/gemini/other reassemblers survive truncated and foreign bodies", "[anthropic][corpus]") {
    const std::string root = testsupport::corpus_dir();
    size_t runs = 0;
    for (const auto& path : testsupport::corpus_files(root)) {
        read_cassette(path, [&](Interaction&& ix) {
            const std::string& bytes = ix.response.body.bytes;
            for (size_t cut : {bytes.size(), bytes.size() / 2, bytes.size() / 3 + 1, bytes.size() * 7 / 8}) {
                DecodedBody body = decode_body(ix.response.headers, std::string_view(bytes).substr(0, cut));
                REQUIRE_NOTHROW(reassemble_anthropic(ix, body));
                REQUIRE_NOTHROW(reassemble_gemini(ix, body));
                REQUIRE_NOTHROW(reassemble_bedrock_converse(ix, body));
                REQUIRE_NOTHROW(reassemble_ollama(ix, body));
                REQUIRE_NOTHROW(reassemble_cohere(ix, body));
                ++runs;
            }
        });
    }
    CHECK(runs > 1000);
}
