// OpenAI Chat Completions / Responses reassembly: hand-written streams for each
// odd provider rule, and golden messages for every OpenAI-shaped interaction
// of the corpus (inspected by hand against the raw bodies).
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "decode/body.hpp"
#include "decode/json_read.hpp"
#include "message.hpp"
#include "providers/providers.hpp"
#include "reader.hpp"
#include "providers/reassemble.hpp"
#include "test_support.hpp"

using namespace cassette;
using nlohmann::json;
using testsupport::events;
using testsupport::json_body;
using testsupport::make_ix;

namespace {

// An SSE body built by hand: one event per data string, named "message"
// unless `names` says otherwise.
DecodedBody sse(const std::vector<std::string>& datas, const std::vector<std::string>& names = {}) {
    std::vector<std::pair<std::string, std::string>> evs;
    for (size_t i = 0; i < datas.size(); ++i) evs.emplace_back(i < names.size() ? names[i] : "message", datas[i]);
    return events(BodyKind::sse, evs);
}

const std::string chat_url = "https://api.openai.com/v1/chat/completions";

Message chat(const DecodedBody& b, const std::string& url = chat_url) {
    auto m = reassemble_openai_chat(make_ix(url), b);
    REQUIRE(m);
    return *m;
}

}  // namespace

TEST_CASE("openai chat: plain stream with usage in a final chunk with empty choices", "[openai]") {
    Message m = chat(sse({
        R"({"id":"c1","object":"chat.completion.chunk","model":"o4-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null})",
        R"({"id":"c1","object":"chat.completion.chunk","model":"o4-mini","choices":[{"index":0,"delta":{"content":"Olá"},"finish_reason":null}]})",
        R"({"id":"c1","object":"chat.completion.chunk","model":"o4-mini","choices":[{"index":0,"delta":{"content":"!"},"finish_reason":null}]})",
        R"({"id":"c1","object":"chat.completion.chunk","model":"o4-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})",
        R"({"id":"c1","object":"chat.completion.chunk","model":"o4-mini","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":84,"total_tokens":103,"prompt_tokens_details":{"cached_tokens":3},"completion_tokens_details":{"reasoning_tokens":64}}})",
        "[DONE]",
    }));
    CHECK(m.api == "openai-chat");
    CHECK(m.streamed);
    CHECK(m.complete);
    CHECK(m.id == "c1");
    CHECK(m.model == "o4-mini");
    CHECK(m.text == "Olá!");
    CHECK(m.finish_reason == "stop");
    REQUIRE(m.usage);
    CHECK(m.usage->input_tokens == 19);
    CHECK(m.usage->output_tokens == 84);
    CHECK(m.usage->reasoning_tokens == 64);
    CHECK(m.usage->cache_read_tokens == 3);
    CHECK(m.usage->total_tokens == 103);
    CHECK(m.usage->raw["prompt_tokens"] == 19);
}

TEST_CASE("openai chat: stream without [DONE] or finish is incomplete", "[openai]") {
    Message m = chat(sse({R"({"id":"c","choices":[{"index":0,"delta":{"content":"Ol"}}]})"}));
    CHECK(m.text == "Ol");
    CHECK_FALSE(m.complete);
    CHECK_FALSE(m.usage);
    CHECK(to_json(m)["usage"].is_null());
}

TEST_CASE("openai chat: usage repeated in several chunks is not summed", "[openai]") {
    // Groq and Hugging Face repeat usage (also under x_groq); cumulative counters must not add up.
    Message m = chat(sse({
        R"({"id":"g","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":{"prompt_tokens":20,"completion_tokens":1,"total_tokens":21}})",
        R"({"id":"g","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"usage":{"prompt_tokens":20,"completion_tokens":4,"total_tokens":24}}})",
        R"({"id":"g","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":4,"total_tokens":24}})",
        "[DONE]",
    }));
    REQUIRE(m.usage);
    CHECK(m.usage->input_tokens == 20);
    CHECK(m.usage->output_tokens == 4);
    CHECK(m.usage->total_tokens == 24);
}

TEST_CASE("openai chat: reasoning in reasoning / reasoning_content / reasoning_details is counted once", "[openai]") {
    Message m = chat(sse({
        // OpenRouter: the same text in `reasoning` and `reasoning_details`.
        R"({"id":"o","choices":[{"index":0,"delta":{"content":"","reasoning":"Think ","reasoning_details":[{"type":"reasoning.text","text":"Think "}]}}]})",
        // avian: `reasoning_content` and `reasoning_details`.
        R"({"id":"o","choices":[{"index":0,"delta":{"reasoning_content":"hard.","reasoning_details":[{"type":"reasoning.text","text":"hard."}]}}]})",
        // Only reasoning_details (a summary), then an encrypted block with no text.
        R"({"id":"o","choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.summary","summary":" Done."}]}}]})",
        R"({"id":"o","choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.encrypted","data":"xyz"}]}}]})",
        R"({"id":"o","choices":[{"index":0,"delta":{"content":"Answer"},"finish_reason":"stop"}]})",
        "[DONE]",
    }));
    CHECK(m.reasoning == "Think hard. Done.");
    CHECK(m.text == "Answer");
}

TEST_CASE("openai chat: xAI reasoning outside completion_tokens is added", "[openai]") {
    // total = prompt + completion + reasoning
    Message m = chat(json_body(
        R"({"id":"x","object":"chat.completion","model":"grok","choices":[{"index":0,"message":{"role":"assistant","content":"Oi"},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":165,"completion_tokens":2,"total_tokens":296,"prompt_tokens_details":{"cached_tokens":164},"completion_tokens_details":{"reasoning_tokens":129}}})"));
    REQUIRE(m.usage);
    CHECK(m.usage->input_tokens == 165);
    CHECK(m.usage->output_tokens == 131);
    CHECK(m.usage->reasoning_tokens == 129);
    CHECK(m.usage->cache_read_tokens == 164);
    CHECK(m.usage->total_tokens == 296);
    CHECK_FALSE(m.streamed);

    SECTION("reasoning inside completion (OpenAI) is not added") {
        Message o = chat(json_body(
            R"({"choices":[],"usage":{"prompt_tokens":19,"completion_tokens":139,"total_tokens":158,"completion_tokens_details":{"reasoning_tokens":128}}})"));
        CHECK(o.usage->output_tokens == 139);
        CHECK(o.usage->total_tokens == 158);
    }
    SECTION("reasoning larger than completion (gateways relaying Gemini) is added") {
        Message g = chat(json_body(
            R"({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"completion_tokens_details":{"reasoning_tokens":40}}})"));
        CHECK(g.usage->output_tokens == 45);
        CHECK(g.usage->total_tokens == 55);
    }
}

TEST_CASE("openai chat: tool call deltas merged by index", "[openai]") {
    Message m = chat(sse({
        R"({"id":"t","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"add","arguments":""}}]}}]})",
        R"({"id":"t","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}}]})",
        R"({"id":"t","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"mul","arguments":"{\"x\":1}"}}]}}]})",
        R"({"id":"t","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"2}"}}]}}]})",
        R"({"id":"t","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})",
        "[DONE]",
    }));
    REQUIRE(m.tool_calls.size() == 2);
    CHECK(m.tool_calls[0].id == "call_a");
    CHECK(m.tool_calls[0].name == "add");
    CHECK(m.tool_calls[0].arguments == R"({"a":2})");
    CHECK(m.tool_calls[1].id == "call_b");
    CHECK(m.tool_calls[1].name == "mul");
    CHECK(m.tool_calls[1].arguments == R"({"x":1})");
    CHECK(m.finish_reason == "tool_calls");
    json j = to_json(m);
    CHECK(j["tool_calls"][0] == json({{"id", "call_a"}, {"name", "add"}, {"arguments", "{\"a\":2}"}}));
}

TEST_CASE("openai chat: id and name repeated on every chunk are taken once", "[openai]") {
    Message m = chat(sse({
        R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"weather","arguments":"{\"city\":"}}]}}]})",
        R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"weather","arguments":"\"Lisbon\"}"}}]}}]})",
        R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})",
    }));
    REQUIRE(m.tool_calls.size() == 1);
    CHECK(m.tool_calls[0].id == "call_1");
    CHECK(m.tool_calls[0].name == "weather");
    CHECK(m.tool_calls[0].arguments == R"({"city":"Lisbon"})");
    CHECK(m.complete);  // finished without [DONE]
}

TEST_CASE("openai chat: tool calls without index are told apart by id", "[openai]") {
    Message m = chat(sse({
        R"({"choices":[{"index":0,"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{}"}}]}}]})",
        R"({"choices":[{"index":0,"delta":{"tool_calls":[{"id":"b","function":{"name":"g","arguments":"{"}}]}}]})",
        R"({"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"}"}}]}}]})",
    }));
    REQUIRE(m.tool_calls.size() == 2);
    CHECK(m.tool_calls[0].name == "f");
    CHECK(m.tool_calls[1].name == "g");
    CHECK(m.tool_calls[1].arguments == "{}");
}

TEST_CASE("openai chat: n>1 keeps every choice, message is choice 0", "[openai]") {
    Message m = chat(sse({
        R"({"id":"n","choices":[{"index":1,"delta":{"content":"B"}},{"index":0,"delta":{"content":"A"}}]})",
        R"({"id":"n","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]})",
        R"({"id":"n","choices":[{"index":1,"delta":{"content":"b"},"finish_reason":"length"}]})",
        "[DONE]",
    }));
    CHECK(m.text == "Aa");
    CHECK(m.finish_reason == "stop");
    REQUIRE(m.choices.size() == 2);
    CHECK(m.choices[1].text == "Bb");
    CHECK(m.choices[1].finish_reason == "length");
    json j = to_json(m);
    REQUIRE(j.contains("choices"));
    CHECK(j["choices"].size() == 2);

    Message single = chat(json_body(R"({"choices":[{"index":0,"message":{"content":"x"},"finish_reason":"stop"}]})"));
    CHECK_FALSE(to_json(single).contains("choices"));
}

TEST_CASE("openai chat: error bodies and error events", "[openai]") {
    SECTION("JSON error body on 4xx") {
        auto m = reassemble_openai_chat(
            make_ix(chat_url, 401),
            json_body(
                R"({"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}})"));
        REQUIRE(m);
        REQUIRE(m->error);
        CHECK(m->error->message == "Incorrect API key");
        CHECK(m->error->type == "invalid_request_error");
        CHECK(to_json(*m)["error"]["message"] == "Incorrect API key");
    }
    SECTION("error event in the middle of a stream") {
        Message m = chat(sse({
            R"({"id":"e","choices":[{"index":0,"delta":{"content":"par"}}]})",
            R"({"error":{"message":"upstream overloaded","code":502}})",
        }));
        REQUIRE(m.error);
        CHECK(m.error->message == "upstream overloaded");
        CHECK(m.error->type == "502");
        CHECK(m.text == "par");
        CHECK_FALSE(m.complete);
    }
    SECTION("no error key: no error") {
        Message m = chat(json_body(R"({"choices":[{"index":0,"message":{"content":"ok"}}]})"));
        CHECK_FALSE(m.error);
        CHECK_FALSE(to_json(m).contains("error"));
    }
}

TEST_CASE("openai chat: hostile chunks are skipped, never thrown", "[openai]") {
    Message m = chat(sse({
        "not json",
        "[1,2,3]",
        R"({"choices":"nope"})",
        R"({"choices":[null, 5, {"index":"x","delta":{"content":7,"tool_calls":[{"index":99999999999,"function":{"arguments":{"a":1}}}]}}]})",
        R"({"choices":[{"index":0,"delta":{"content":"ok"}}],"usage":{"prompt_tokens":"many","completion_tokens":1.5e300}})",
    }));
    CHECK(m.text == "ok");
    REQUIRE(m.tool_calls.size() == 1);
    CHECK(m.tool_calls[0].arguments == R"({"a":1})");
    REQUIRE(m.usage);
    CHECK(m.usage->input_tokens == 0);
}

TEST_CASE("openai chat: non-streamed body gives the same shape", "[openai]") {
    Message m = chat(json_body(
        R"({"id":"chatcmpl-1","object":"chat.completion","model":"glm","choices":[{"index":0,"message":{"role":"assistant","content":"Olá","reasoning_content":"think","tool_calls":[{"id":"c","type":"function","function":{"name":"w","arguments":"{}"}}]},"finish_reason":"tool_calls"}],
            "usage":{"prompt_tokens":225,"completion_tokens":100,"total_tokens":325,"prompt_tokens_details":{"cached_tokens":43,"cache_write_tokens":7},"completion_tokens_details":{"reasoning_tokens":77}}})"));
    CHECK(m.text == "Olá");
    CHECK(m.reasoning == "think");
    REQUIRE(m.tool_calls.size() == 1);
    CHECK(m.usage->output_tokens == 100);
    CHECK(m.usage->cache_read_tokens == 43);
    CHECK(m.usage->cache_write_tokens == 7);
    json j = to_json(m);
    for (const char* key : {"api", "model", "id", "text", "reasoning", "tool_calls", "finish_reason", "usage"})
        CHECK(j.contains(key));
    CHECK(j["usage"] == json({{"input_tokens", 225},
                              {"output_tokens", 100},
                              {"reasoning_tokens", 77},
                              {"cache_read_tokens", 43},
                              {"cache_write_tokens", 7},
                              {"total_tokens", 325}}));
    CHECK(j["streamed"] == false);
}

TEST_CASE("openai responses: stream reassembled, done events not doubled", "[openai]") {
    const std::string url = "https://api.openai.com/v1/responses";
    DecodedBody b = sse({
        R"({"type":"response.created","response":{"id":"resp_1","model":"o4-mini","status":"in_progress","output":[],"usage":null}})",
        R"({"type":"response.output_item.added","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}})",
        R"({"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":0,"delta":"Think"})",
        R"({"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":0,"delta":"ing"})",
        R"({"type":"response.reasoning_summary_text.done","output_index":0,"summary_index":0,"text":"Thinking"})",
        R"({"type":"response.output_item.added","output_index":1,"item":{"id":"msg_1","type":"message","content":[]}})",
        R"({"type":"response.output_text.delta","output_index":1,"content_index":0,"delta":"Ol"})",
        R"({"type":"response.output_text.delta","output_index":1,"content_index":0,"delta":"á!"})",
        R"({"type":"response.output_text.done","output_index":1,"content_index":0,"text":"Olá!"})",
        R"({"type":"response.output_item.added","output_index":2,"item":{"id":"fc_1","type":"function_call","call_id":"call_9","name":"weather","arguments":""}})",
        R"({"type":"response.function_call_arguments.delta","output_index":2,"delta":"{\"city\":"})",
        R"({"type":"response.function_call_arguments.delta","output_index":2,"delta":"\"Lisbon\"}"})",
        R"({"type":"response.function_call_arguments.done","output_index":2,"arguments":"{\"city\":\"Lisbon\"}"})",
    });
    SECTION("cut before response.completed: built from the deltas") {
        auto m = reassemble_openai_responses(make_ix(url), b);
        REQUIRE(m);
        CHECK(m->api == "openai-responses");
        CHECK(m->text == "Olá!");
        CHECK(m->reasoning == "Thinking");
        REQUIRE(m->tool_calls.size() == 1);
        CHECK(m->tool_calls[0].id == "call_9");
        CHECK(m->tool_calls[0].arguments == R"({"city":"Lisbon"})");
        CHECK_FALSE(m->complete);
        CHECK(m->finish_reason == "in_progress");
    }
    SECTION("response.completed carries the final object and usage") {
        b.events.push_back(
            {"message",
             R"({"type":"response.completed","response":{"id":"resp_1","model":"o4-mini-2025-04-16","status":"completed",
                "output":[{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Thinking"}]},
                          {"id":"msg_1","type":"message","content":[{"type":"output_text","text":"Olá!"}]},
                          {"id":"ws_1","type":"web_search_call","status":"completed","action":{"type":"search","query":"weather"}},
                          {"id":"fc_1","type":"function_call","call_id":"call_9","name":"weather","arguments":"{\"city\":\"Lisbon\"}"}],
                "usage":{"input_tokens":19,"input_tokens_details":{"cached_tokens":4},"output_tokens":84,"output_tokens_details":{"reasoning_tokens":64},"total_tokens":103}}})",
             std::nullopt, 0, 0});
        auto m = reassemble_openai_responses(make_ix(url), b);
        REQUIRE(m);
        CHECK(m->complete);
        CHECK(m->text == "Olá!");
        CHECK(m->reasoning == "Thinking");
        CHECK(m->model == "o4-mini-2025-04-16");
        CHECK(m->finish_reason == "completed");
        REQUIRE(m->tool_calls.size() == 1);
        REQUIRE(m->server_tool_calls.size() == 1);
        CHECK(m->server_tool_calls[0].name == "web_search");
        CHECK(m->server_tool_calls[0].id == "ws_1");
        REQUIRE(m->usage);
        CHECK(m->usage->input_tokens == 19);
        CHECK(m->usage->output_tokens == 84);
        CHECK(m->usage->reasoning_tokens == 64);
        CHECK(m->usage->cache_read_tokens == 4);
        CHECK(m->usage->total_tokens == 103);
        CHECK(to_json(*m).contains("server_tool_calls"));
    }
}

TEST_CASE("openai responses: error event and failed response", "[openai]") {
    const std::string url = "https://api.openai.com/v1/responses";
    auto m = reassemble_openai_responses(
        make_ix(url),
        sse({R"({"type":"response.created","response":{"id":"r","status":"in_progress"}})",
             R"({"type":"response.failed","response":{"id":"r","status":"failed","error":{"code":"server_error","message":"boom"}}})"}));
    REQUIRE(m);
    REQUIRE(m->error);
    CHECK(m->error->message == "boom");
    CHECK(m->error->type == "server_error");
    CHECK(m->finish_reason == "failed");

    auto e = reassemble_openai_responses(make_ix(url),
                                         sse({R"({"type":"error","code":"rate_limit","message":"slow down"})"}));
    REQUIRE(e);
    REQUIRE(e->error);
    CHECK(e->error->message == "slow down");
}

TEST_CASE("openai responses: non-streamed body", "[openai]") {
    auto m = reassemble_openai_responses(
        make_ix("https://api.openai.com/v1/responses"),
        json_body(R"({"id":"resp_2","object":"response","model":"gpt-5","status":"incomplete","error":null,
                      "output":[{"type":"message","content":[{"type":"output_text","text":"A"},{"type":"output_text","text":"B"}]}],
                      "usage":{"input_tokens":5,"output_tokens":7,"total_tokens":12}})"));
    REQUIRE(m);
    CHECK(m->text == "AB");
    CHECK(m->finish_reason == "incomplete");
    CHECK_FALSE(m->error);
    CHECK_FALSE(m->streamed);
    CHECK(m->usage->total_tokens == 12);
}

TEST_CASE("detect_api: URLs and body shapes", "[openai]") {
    DecodedBody none;
    auto api = [&](const std::string& url, const DecodedBody& b) { return detect_api(make_ix(url), b); };
    CHECK(api("https://api.openai.com/v1/chat/completions", none) == "openai-chat");
    CHECK(api("https://openrouter.ai/api/v1/chat/completions", none) == "openai-chat");
    CHECK(api("http://localhost:8080/v1/chat/completions?x=1", none) == "openai-chat");
    CHECK(api("https://api.openai.com/v1/responses", none) == "openai-responses");
    CHECK(api("https://api.anthropic.com/v1/messages", none) == "anthropic");
    CHECK(api("https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5/"
              "invoke-with-response-stream",
              none) == "anthropic");
    CHECK(api("https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-pro/converse-stream", none) ==
          "bedrock-converse");
    CHECK(api("https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/anthropic/models/"
              "claude:streamRawPredict",
              none) == "anthropic");
    CHECK(api("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
              none) == "gemini");
    CHECK(api("http://localhost:11434/api/chat", none) == "ollama");
    CHECK(api("https://api.cohere.com/v2/chat", none) == "cohere");
    CHECK(api("https://example.com/weather", none) == "");
    CHECK(api("https://proxy.example/llm", json_body(R"({"object":"chat.completion","choices":[]})")) == "openai-chat");
    CHECK(api("https://proxy.example/llm", sse({R"({"type":"response.created","response":{}})"})) ==
          "openai-responses");
    CHECK(api("https://proxy.example/llm", sse({R"({"object":"chat.completion.chunk","choices":[]})"})) ==
          "openai-chat");

    auto m = reassemble(make_ix("https://openrouter.ai/api/v1/chat/completions"),
                        json_body(R"({"choices":[{"index":0,"message":{"content":"x"}}]})"));
    REQUIRE(m);
    CHECK(m->provider == "openrouter");
    CHECK_FALSE(reassemble(make_ix("https://example.com/weather"), json_body(R"({"temp":3})")));
}

// ---- corpus goldens ----------------------------------------------------------

TEST_CASE("openai corpus: golden messages for every OpenAI-shaped interaction", "[openai][corpus]") {
    namespace fs = std::filesystem;
    const std::string root = testsupport::corpus_dir();
    size_t files = 0;
    for (const auto& path : testsupport::corpus_files(root)) {
        json messages = json::array();
        bool openai = false;
        read_cassette(path, [&](Interaction&& ix) {
            DecodedBody body = decode_body(ix.response.headers, ix.response.body.bytes);
            std::string api = detect_api(ix, body);
            if (api == "openai-chat" || api == "openai-responses") openai = true;
            auto m = reassemble(ix, body);
            messages.push_back(m ? to_json(*m) : json(nullptr));
        });
        if (!openai) continue;
        ++files;
        std::string rel = fs::path(path).lexically_relative(root).generic_string();
        std::string name = rel;
        for (size_t p = 0; (p = name.find('/', p)) != std::string::npos;) name.replace(p, 1, "__");
        INFO(rel);
        testsupport::check_golden("messages/" + name + ".json",
                                  messages.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
    }
    CHECK(files > 100);
}

TEST_CASE("openai: a real o4-mini streamed recording", "[openai]") {
    Cassette c = load_cassette(testsupport::source_dir() + "/testdata/fantasy/openai_streaming.yaml");
    REQUIRE(c.interactions.size() == 1);
    const Interaction& ix = c.interactions[0];
    auto m = reassemble(ix, decode_body(ix.response.headers, ix.response.body.bytes));
    REQUIRE(m);
    CHECK(m->api == "openai-chat");
    CHECK(m->provider == "openai");
    CHECK(m->text == "Olá!");
    CHECK(m->model == "o4-mini-2025-04-16");
    REQUIRE(m->usage);
    CHECK(m->usage->input_tokens == 19);
    CHECK(m->usage->output_tokens == 84);
    CHECK(m->usage->reasoning_tokens == 64);
    CHECK(m->usage->total_tokens == 103);
}

TEST_CASE("json_read: null reads as absent through member, huge numbers are no index", "[json_read]") {
    auto j = json::parse(R"({"a":null,"b":1,"u":18446744073709551615,"f":1e19,"g":2.9,"s":"x"})");
    CHECK(json_read::field(j, "a") != nullptr);
    CHECK(json_read::member(j, "a") == nullptr);
    REQUIRE(json_read::member(j, "b") != nullptr);
    CHECK(json_read::integer(json_read::member(j, "b")) == 1);
    CHECK_FALSE(json_read::integer(json_read::member(j, "u")));  // past int64: not an index
    CHECK(json_read::count(json_read::member(j, "u")) == std::numeric_limits<int64_t>::max());  // a count saturates
    CHECK_FALSE(json_read::integer(json_read::member(j, "f")));
    CHECK(json_read::integer(json_read::member(j, "g")) == 2);
    CHECK_FALSE(json_read::integer(json_read::member(j, "s")));
    CHECK(json_read::str(json_read::member(j, "s")) == "x");
    auto oj = json_read::parse(R"({"k":"v"})");
    REQUIRE(oj);
    CHECK(json_read::str(json_read::field(*oj, "k")) == "v");
}

TEST_CASE("openai chat: a null error is no error, huge usage counts saturate", "[openai]") {
    auto m = reassemble_openai_chat(make_ix(chat_url), json_body(R"({"id":"c","model":"m","error":null,
        "choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
        "usage":{"prompt_tokens":9000000000000000000,"completion_tokens":9000000000000000000,"total_tokens":null}})"));
    REQUIRE(m);
    CHECK_FALSE(m->error);
    CHECK(m->text == "hi");
    REQUIRE(m->usage);
    CHECK(m->usage->input_tokens == 9000000000000000000);
    CHECK(m->usage->total_tokens == std::numeric_limits<int64_t>::max());  // 9e18 + 9e18, not an overflow
}
