// Gemini / Vertex reassembly on hand-written bodies: thought parts, function
// calls, usage last-wins per counter, the JSON-array stream, errors.
#include <algorithm>

#include <catch2/catch.hpp>

#include "providers/providers.hpp"
#include "test_support.hpp"

using namespace cassette;
using testsupport::json_body;
using testsupport::make_ix;
using testsupport::sse_body;

namespace {

// Google's SSE: one data line per chunk, CRLF line ends.
DecodedBody google_sse(const std::vector<std::string>& datas) {
    std::string text;
    for (auto d : datas) {
        std::replace(d.begin(), d.end(), '\n', ' ');
        text += "data: " + d + "\r\n\r\n";
    }
    return sse_body(text);
}

const std::string kStream =
    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent";
const std::string kVertex =
    "https://us-east5-aiplatform.googleapis.com/v1beta1/projects/p/locations/us-east5/publishers/google/models/"
    "gemini-2.5-pro:generateContent";

const std::vector<std::string> kChunks = {
    R"({"candidates":[{"content":{"parts":[{"text":"Plan: call weather.","thought":true}],"role":"model"},"index":0}],
        "usageMetadata":{"promptTokenCount":54,"totalTokenCount":116,"thoughtsTokenCount":62},"modelVersion":"gemini-2.5-flash","responseId":"r1"})",
    R"({"candidates":[{"content":{"parts":[{"text":"Sure. "},{"functionCall":{"name":"weather","args":{"location":"Florence","unit":"C"}},"thoughtSignature":"c2ln"}],"role":"model"},"index":0}],
        "usageMetadata":{"trafficType":"ON_DEMAND"},"modelVersion":"gemini-2.5-flash","responseId":"r1"})",
    R"({"candidates":[{"content":{"parts":[{"text":"Done."}],"role":"model"},"finishReason":"STOP","index":0}],
        "usageMetadata":{"promptTokenCount":54,"candidatesTokenCount":14,"totalTokenCount":130,"cachedContentTokenCount":20},"modelVersion":"gemini-2.5-flash","responseId":"r1"})",
};

void check_folded(const Message& m) {
    CHECK(m.api == "gemini");
    CHECK(m.streamed);
    CHECK(m.complete);
    CHECK(m.model == "gemini-2.5-flash");
    CHECK(m.id == "r1");
    CHECK(m.reasoning == "Plan: call weather.");
    CHECK(m.text == "Sure. Done.");
    REQUIRE(m.tool_calls.size() == 1);
    CHECK(m.tool_calls[0].id.empty());
    CHECK(m.tool_calls[0].name == "weather");
    CHECK(m.tool_calls[0].arguments == R"({"location":"Florence","unit":"C"})");
    CHECK(m.finish_reason == "STOP");
    REQUIRE(m.usage);
    CHECK(m.usage->input_tokens == 54);
    CHECK(m.usage->output_tokens == 14 + 62);  // candidates + thoughts; thoughts kept from chunk 1
    CHECK(m.usage->reasoning_tokens == 62);
    CHECK(m.usage->cache_read_tokens == 20);
    CHECK(m.usage->total_tokens == 130);  // equals the provider's totalTokenCount
}

}  // namespace

TEST_CASE("gemini: SSE stream with thought parts and a function call", "[gemini]") {
    auto m = reassemble_gemini(make_ix(kStream + "?alt=sse"), google_sse(kChunks));
    REQUIRE(m);
    CHECK(m->provider == "google");
    check_folded(*m);
}

TEST_CASE("gemini: stream as one JSON array (json or json_stream body)", "[gemini]") {
    auto ix = make_ix(kStream);
    std::string array = "[" + kChunks[0] + ",\n" + kChunks[1] + ",\n" + kChunks[2] + "]";
    auto m = reassemble_gemini(ix, json_body(array));
    REQUIRE(m);
    check_folded(*m);

    DecodedBody js;
    js.kind = BodyKind::json_stream;
    js.text = array;
    for (const auto& c : kChunks) js.events.push_back({"message", c, {}, 0, 0});
    auto m2 = reassemble_gemini(ix, js);
    REQUIRE(m2);
    check_folded(*m2);
}

TEST_CASE("gemini: non-streamed Vertex response, several candidates, no usage", "[gemini]") {
    auto m = reassemble_gemini(make_ix(kVertex), json_body(R"({"candidates":[
        {"content":{"parts":[{"text":"A"}],"role":"model"},"finishReason":"STOP","index":0},
        {"content":{"parts":[{"text":"B"},{"functionCall":{"id":"fc1","name":"f"}}]},"finishReason":"MAX_TOKENS","index":1}],
        "modelVersion":"gemini-2.5-pro","responseId":"v1"})"));
    REQUIRE(m);
    CHECK(m->provider == "vertex");
    CHECK_FALSE(m->streamed);
    CHECK(m->complete);
    CHECK(m->text == "A");
    CHECK(m->finish_reason == "STOP");
    CHECK_FALSE(m->usage);
    REQUIRE(m->choices.size() == 2);
    CHECK(m->choices[1].index == 1);
    CHECK(m->choices[1].text == "B");
    CHECK(m->choices[1].finish_reason == "MAX_TOKENS");
    REQUIRE(m->choices[1].tool_calls.size() == 1);
    CHECK(m->choices[1].tool_calls[0].id == "fc1");
    CHECK(m->choices[1].tool_calls[0].arguments == "{}");
}

TEST_CASE("gemini: truncated stream, errors, blocked prompt, code execution", "[gemini]") {
    auto cut = reassemble_gemini(make_ix(kStream + "?alt=sse"), google_sse({kChunks[0], kChunks[1]}));
    REQUIRE(cut);
    CHECK_FALSE(cut->complete);
    CHECK(cut->usage->output_tokens == 62);

    auto err = reassemble_gemini(
        make_ix(kStream, 400),
        json_body(R"([{"error":{"code":400,"message":"API key not valid","status":"INVALID_ARGUMENT"}}])"));
    REQUIRE(err);
    REQUIRE(err->error);
    CHECK(err->error->type == "INVALID_ARGUMENT");
    CHECK(err->error->message == "API key not valid");

    auto blocked = reassemble_gemini(make_ix(kVertex), json_body(R"({"promptFeedback":{"blockReason":"SAFETY"},
        "usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}})"));
    REQUIRE(blocked);
    CHECK(blocked->finish_reason == "SAFETY");
    CHECK(blocked->usage->input_tokens == 7);
    CHECK(blocked->usage->output_tokens == 0);

    auto code = reassemble_gemini(make_ix(kVertex), json_body(R"J({"candidates":[{"content":{"parts":[
        {"executableCode":{"language":"PYTHON","code":"print(1)"}},{"codeExecutionResult":{"outcome":"OUTCOME_OK","output":"1\n"}},
        {"text":"It printed 1."}]},"finishReason":"STOP"}]})J"));
    REQUIRE(code);
    CHECK(code->text == "It printed 1.");
    CHECK(code->tool_calls.empty());
    REQUIRE(code->server_tool_calls.size() == 1);
    CHECK(code->server_tool_calls[0].name == "code_execution");
    CHECK(code->server_tool_calls[0].arguments == R"J({"language":"PYTHON","code":"print(1)"})J");

    CHECK_FALSE(reassemble_gemini(make_ix(kVertex), json_body(R"({"choices":[]})")));
    DecodedBody garbage;
    garbage.kind = BodyKind::sse;
    garbage.events.push_back({"message", "[1,2,{\"candidates\":7}]", {}, 1, 0});
    garbage.events.push_back(
        {"message",
         R"({"candidates":[{"content":{"parts":[{"text":5,"thought":"yes"}]}}],"usageMetadata":{"promptTokenCount":"x"}})",
         {},
         2,
         0});
    auto g = reassemble_gemini(make_ix(kStream), garbage);  // must not throw
    REQUIRE(g);
    CHECK(g->text.empty());
    CHECK_FALSE(g->usage);
}
