// Bedrock Converse, Ollama and Cohere reassembly on hand-written bodies.
#include <catch2/catch.hpp>

#include "providers/providers.hpp"
#include "test_support.hpp"

using namespace cassette;
using testsupport::events;
using testsupport::json_body;
using testsupport::make_ix;
using testsupport::ndjson;
using testsupport::sse_body;

namespace {

const std::string kConverse =
    "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse";

}  // namespace

TEST_CASE("bedrock-converse: non-streamed with reasoning, tool use and cached usage", "[bedrock]") {
    auto m = reassemble_bedrock_converse(make_ix(kConverse),
                                         json_body(R"({"output":{"message":{"role":"assistant","content":[
        {"reasoningContent":{"reasoningText":{"text":"Need weather.","signature":"sig"}}},
        {"text":"Checking."},{"toolUse":{"toolUseId":"tooluse_1","name":"weather","input":{"city":"Lisbon"}}}]}},
        "stopReason":"tool_use","usage":{"inputTokens":21,"outputTokens":100,"totalTokens":2283,"cacheReadInputTokens":0,"cacheWriteInputTokens":2162},
        "metrics":{"latencyMs":900}})"));
    REQUIRE(m);
    CHECK(m->api == "bedrock-converse");
    CHECK(m->provider == "bedrock");
    CHECK(m->model == "us.anthropic.claude-3-5-haiku-20241022-v1:0");  // from the URL, %3A decoded
    CHECK_FALSE(m->streamed);
    CHECK(m->text == "Checking.");
    CHECK(m->reasoning == "Need weather.");
    REQUIRE(m->tool_calls.size() == 1);
    CHECK(m->tool_calls[0].id == "tooluse_1");
    CHECK(m->tool_calls[0].arguments == R"({"city":"Lisbon"})");
    CHECK(m->finish_reason == "tool_use");
    REQUIRE(m->usage);
    CHECK(m->usage->input_tokens == 21 + 2162);  // Bedrock's inputTokens excludes cache writes
    CHECK(m->usage->cache_write_tokens == 2162);
    CHECK(m->usage->output_tokens == 100);
    CHECK(m->usage->total_tokens == 2283);  // equals Bedrock's own totalTokens
}

TEST_CASE("bedrock-converse: ConverseStream events", "[bedrock]") {
    auto ix = make_ix(kConverse + "-stream");
    auto body = events(
        BodyKind::eventstream,
        {
            {"messageStart", R"({"role":"assistant","p":"abc"})"},
            {"contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Hmm, "}}})"},
            {"contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"ok."}}})"},
            {"contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"xyz"}}})"},
            {"contentBlockStop", R"({"contentBlockIndex":0})"},
            {"contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"text":"Let me "}})"},
            {"contentBlockDelta", R"({"contentBlockIndex":1,"delta":{"text":"check."}})"},
            {"contentBlockStart",
             R"({"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"tu_1","name":"weather"}}})"},
            {"contentBlockDelta", R"({"contentBlockIndex":2,"delta":{"toolUse":{"input":"{\"city\":"}}})"},
            {"contentBlockDelta", R"({"contentBlockIndex":2,"delta":{"toolUse":{"input":"\"Lisbon\"}"}}})"},
            {"contentBlockStart", R"({"contentBlockIndex":3,"start":{"toolUse":{"toolUseId":"tu_2","name":"now"}}})"},
            {"contentBlockStop", R"({"contentBlockIndex":3})"},
            {"messageStop", R"({"stopReason":"tool_use"})"},
            {"metadata",
             R"({"usage":{"inputTokens":10,"outputTokens":20,"totalTokens":35,"cacheReadInputTokens":5},"metrics":{"latencyMs":1}})"},
        });
    auto m = reassemble_bedrock_converse(ix, body);
    REQUIRE(m);
    CHECK(m->streamed);
    CHECK(m->complete);
    CHECK(m->reasoning == "Hmm, ok.");
    CHECK(m->text == "Let me check.");
    REQUIRE(m->tool_calls.size() == 2);
    CHECK(m->tool_calls[0].id == "tu_1");
    CHECK(m->tool_calls[0].name == "weather");
    CHECK(m->tool_calls[0].arguments == R"({"city":"Lisbon"})");
    CHECK(m->tool_calls[1].arguments == "{}");
    CHECK(m->finish_reason == "tool_use");
    CHECK(m->usage->input_tokens == 15);
    CHECK(m->usage->cache_read_tokens == 5);
    CHECK(m->usage->total_tokens == 35);

    auto cut = events(BodyKind::eventstream,
                      {{"messageStart", R"({"role":"assistant"})"},
                       {"modelStreamErrorException", R"({"message":"model failed","originalStatusCode":500})"}});
    auto e = reassemble_bedrock_converse(ix, cut);
    REQUIRE(e);
    REQUIRE(e->error);
    CHECK(e->error->type == "modelStreamErrorException");
    CHECK(e->error->message == "model failed");
    CHECK_FALSE(reassemble_bedrock_converse(ix, json_body(R"({"choices":[]})")));
}

TEST_CASE("ollama: /api/chat NDJSON stream with thinking and tool calls", "[ollama]") {
    auto ix = make_ix("http://localhost:11434/api/chat", R"({"model":"qwen3","stream":true})");
    auto body = ndjson({
        R"({"model":"qwen3","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"","thinking":"Think"},"done":false})",
        R"({"model":"qwen3","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"","thinking":"ing."},"done":false})",
        R"({"model":"qwen3","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"weather","arguments":{"city":"Paris"}}}]},"done":false})",
        R"({"model":"qwen3","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"Calling."},"done":false})",
        R"({"model":"qwen3","created_at":"2025-01-01T00:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":5,"prompt_eval_count":26,"eval_count":290})",
    });
    auto m = reassemble_ollama(ix, body);
    REQUIRE(m);
    CHECK(m->api == "ollama");
    CHECK(m->streamed);
    CHECK(m->complete);
    CHECK(m->model == "qwen3");
    CHECK(m->reasoning == "Thinking.");
    CHECK(m->text == "Calling.");
    REQUIRE(m->tool_calls.size() == 1);
    CHECK(m->tool_calls[0].name == "weather");
    CHECK(m->tool_calls[0].arguments == R"({"city":"Paris"})");
    CHECK(m->finish_reason == "stop");
    REQUIRE(m->usage);
    CHECK(m->usage->input_tokens == 26);
    CHECK(m->usage->output_tokens == 290);
    CHECK(m->usage->total_tokens == 316);

    body.events.pop_back();
    auto cut = reassemble_ollama(ix, body);
    REQUIRE(cut);
    CHECK_FALSE(cut->complete);
    CHECK_FALSE(cut->usage);
}

TEST_CASE("ollama: /api/generate non-streamed and error bodies", "[ollama]") {
    auto ix = make_ix("http://localhost:11434/api/generate", R"({"model":"llama3.2"})");
    auto m = reassemble_ollama(
        ix,
        json_body(
            R"({"model":"llama3.2","response":"The sky is blue.","done":true,"done_reason":"stop","prompt_eval_count":10,"eval_count":5})"));
    REQUIRE(m);
    CHECK_FALSE(m->streamed);
    CHECK(m->text == "The sky is blue.");
    CHECK(m->usage->total_tokens == 15);
    auto e = reassemble_ollama(make_ix("http://localhost:11434/api/chat", 404),
                               json_body(R"({"error":"model 'x' not found"})"));
    REQUIRE(e);
    REQUIRE(e->error);
    CHECK(e->error->message == "model 'x' not found");
}

TEST_CASE("cohere: v2 stream with tool plan and tool call deltas", "[cohere]") {
    auto ix = make_ix("https://api.cohere.com/v2/chat", R"({"model":"command-a-03-2025","stream":true})");
    auto body = sse_body(
        "event: message-start\ndata: "
        "{\"id\":\"c2\",\"type\":\"message-start\",\"delta\":{\"message\":{\"role\":\"assistant\",\"content\":[],"
        "\"tool_plan\":\"\",\"tool_calls\":[]}}}\n\n"
        "event: tool-plan-delta\ndata: {\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\"I will "
        "look \"}}}\n\n"
        "event: tool-plan-delta\ndata: {\"type\":\"tool-plan-delta\",\"delta\":{\"message\":{\"tool_plan\":\"it "
        "up.\"}}}\n\n"
        "event: tool-call-start\ndata: "
        "{\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"id\":\"get_weather_1\","
        "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}}}}\n\n"
        "event: tool-call-delta\ndata: "
        "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":"
        "\"{\\\"loc\"}}}}}\n\n"
        "event: tool-call-delta\ndata: "
        "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":{\"function\":{\"arguments\":"
        "\"\\\":\\\"Toronto\\\"}\"}}}}}\n\n"
        "event: tool-call-end\ndata: {\"type\":\"tool-call-end\",\"index\":0}\n\n"
        "event: content-start\ndata: "
        "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}"
        "}}\n\n"
        "event: content-delta\ndata: "
        "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"text\":\"On it\"}}}}\n\n"
        "event: message-end\ndata: "
        "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"TOOL_CALL\",\"usage\":{\"billed_units\":{\"input_"
        "tokens\":37,\"output_tokens\":20},\"tokens\":{\"input_tokens\":1200,\"output_tokens\":55}}}}\n\n");
    auto m = reassemble_cohere(ix, body);
    REQUIRE(m);
    CHECK(m->api == "cohere");
    CHECK(m->streamed);
    CHECK(m->complete);
    CHECK(m->id == "c2");
    CHECK(m->model == "command-a-03-2025");  // from the request
    CHECK(m->reasoning == "I will look it up.");
    CHECK(m->text == "On it");
    REQUIRE(m->tool_calls.size() == 1);
    CHECK(m->tool_calls[0].id == "get_weather_1");
    CHECK(m->tool_calls[0].name == "get_weather");
    CHECK(m->tool_calls[0].arguments == R"({"loc":"Toronto"})");
    CHECK(m->finish_reason == "TOOL_CALL");
    REQUIRE(m->usage);
    CHECK(m->usage->input_tokens == 1200);  // tokens, not billed_units
    CHECK(m->usage->output_tokens == 55);
}

TEST_CASE("cohere: v2 and v1 non-streamed, v1 stream", "[cohere]") {
    auto v2 = reassemble_cohere(
        make_ix("https://api.cohere.com/v2/chat", R"({"model":"command-r"})"),
        json_body(
            R"({"id":"x","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"thinking","thinking":"hm"},{"type":"text","text":"Hello"}]},
                                  "usage":{"billed_units":{"input_tokens":5,"output_tokens":2}}})"));
    REQUIRE(v2);
    CHECK(v2->text == "Hello");
    CHECK(v2->reasoning == "hm");
    CHECK(v2->finish_reason == "COMPLETE");
    CHECK(v2->usage->input_tokens == 5);  // billed_units when tokens is absent

    auto v1 =
        reassemble_cohere(make_ix("https://api.cohere.ai/v1/chat"),
                          json_body(R"({"response_id":"r","text":"Hi","generation_id":"g","finish_reason":"COMPLETE",
                                  "tool_calls":[{"name":"f","parameters":{"a":1}}],"meta":{"tokens":{"input_tokens":3,"output_tokens":1}}})"));
    REQUIRE(v1);
    CHECK(v1->id == "r");
    CHECK(v1->text == "Hi");
    REQUIRE(v1->tool_calls.size() == 1);
    CHECK(v1->tool_calls[0].arguments == R"({"a":1})");
    CHECK(v1->usage->total_tokens == 4);

    auto s1 = reassemble_cohere(
        make_ix("https://api.cohere.ai/v1/chat"),
        ndjson({
            R"({"is_finished":false,"event_type":"stream-start","generation_id":"g1"})",
            R"({"is_finished":false,"event_type":"text-generation","text":"Hel"})",
            R"({"is_finished":false,"event_type":"text-generation","text":"lo"})",
            R"({"is_finished":true,"event_type":"stream-end","finish_reason":"COMPLETE","response":{"response_id":"r1","text":"Hello","meta":{"billed_units":{"input_tokens":4,"output_tokens":2}}}})",
        }));
    REQUIRE(s1);
    CHECK(s1->streamed);
    CHECK(s1->complete);
    CHECK(s1->text == "Hello");
    CHECK(s1->id == "r1");
    CHECK(s1->finish_reason == "COMPLETE");
    CHECK(s1->usage->output_tokens == 2);

    auto err = reassemble_cohere(make_ix("https://api.cohere.com/v2/chat", 401),
                                 json_body(R"({"id":"e","message":"invalid api token"})"));
    REQUIRE(err);
    REQUIRE(err->error);
    CHECK(err->error->message == "invalid api token");
}

TEST_CASE("bedrock-converse: {\"message\"} error body takes its type from x-amzn-ErrorType", "[bedrock]") {
    auto ix = make_ix(kConverse, 400);
    ix.response.headers.items.push_back(
        {"X-Amzn-Errortype", {"ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"}, {}});
    auto m = reassemble_bedrock_converse(ix, json_body(R"({"message":"The provided model identifier is invalid."})"));
    REQUIRE(m);
    REQUIRE(m->error);
    CHECK(m->error->type == "ValidationException");
    CHECK(m->error->message == "The provided model identifier is invalid.");
    CHECK(m->error->raw["message"] == "The provided model identifier is invalid.");
}
