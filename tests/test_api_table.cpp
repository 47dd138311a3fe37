// The provider table (lib/providers/api_table.*) and the APIs it added:
// OpenAI legacy text completions, Mistral's thinking chunks, Cohere v1
// generate, Bedrock Converse citations; on hand-written bodies and on the real
// recordings of testdata/providers/.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "decode/body.hpp"
#include "providers/api_table.hpp"
#include "providers/providers.hpp"
#include "providers/reassemble.hpp"
#include "reader.hpp"
#include "test_support.hpp"
#include "validation.hpp"

using namespace cassette;
using testsupport::json_body;
using testsupport::make_ix;
using testsupport::ndjson;
using testsupport::sse_body;
using testsupport::sse_text;

namespace {

// Every interaction of a testdata/providers file, reassembled.
std::vector<Message> messages_of(const std::string& name) {
    Cassette c = load_cassette(testsupport::source_dir() + "/testdata/providers/" + name);
    INFO(name);
    CHECK(c.problems.empty());
    std::vector<Message> out;
    for (const auto& ix : c.interactions) {
        DecodedBody d = decode_body(ix.response.headers, ix.response.body.bytes);
        CHECK(d.problems.empty());
        auto m = reassemble(ix, d);
        REQUIRE(m);
        out.push_back(*m);
    }
    return out;
}

Interaction with_body(Interaction ix, const std::string& content_type, const std::string& bytes) {
    ix.response.headers.items.push_back({"Content-Type", {content_type}, {}});
    ix.response.body.bytes = bytes;
    ix.response.body.present = true;
    return ix;
}

std::string detected(const std::string& url, const DecodedBody& body = DecodedBody{}) {
    return detect_api(make_ix(url), body);
}

}  // namespace

TEST_CASE("provider table: one row per API, each with a reassembler and a terminal event", "[providers][table]") {
    std::set<std::string> names;
    for (const ApiRow& row : api_table()) {
        INFO(row.api);
        CHECK(names.insert(std::string(row.api)).second);
        CHECK(row.reassemble != nullptr);
        CHECK_FALSE(row.terminal_event.empty());
        CHECK(row.url != nullptr);
        CHECK(api_row(row.api) == &row);
    }
    CHECK(names == std::set<std::string>{"openai-chat", "openai-completions", "openai-responses", "anthropic", "gemini",
                                         "bedrock-converse", "cohere", "ollama"});
    CHECK(api_row("nope") == nullptr);
}

TEST_CASE("provider table: detection by URL, strong paths before hosts", "[providers][table]") {
    CHECK(detected("https://api.openai.com/v1/completions") == "openai-completions");
    CHECK(detected("https://example.openai.azure.com/openai/deployments/davinci/completions?api-version=1") ==
          "openai-completions");
    CHECK(detected("https://api.openai.com/v1/chat/completions") == "openai-chat");
    // Mistral's fill-in-the-middle answers with chat completion objects: the body decides.
    CHECK(detected("https://api.mistral.ai/v1/fim/completions").empty());
    CHECK(detected("https://api.mistral.ai/v1/fim/completions",
                   json_body(R"({"object":"chat.completion","model":"codestral","choices":[]})")) == "openai-chat");
    // Anthropic's host names the API only when no path does.
    CHECK(detected("https://api.anthropic.com/v1/chat/completions") == "openai-chat");
    CHECK(detected("https://api.anthropic.com/v1/complete") == "anthropic");
    CHECK(detected("https://api.cohere.ai/v1/generate") == "cohere");
    CHECK(detected("https://api.cohere.com/v2/chat") == "cohere");
    CHECK(detected("http://localhost:11434/api/generate") == "ollama");
    CHECK(detected("https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1:0/converse") ==
          "bedrock-converse");
    CHECK(detected("https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2/invoke") == "anthropic");
}

TEST_CASE("provider table: detection by body, text completions apart from chat", "[providers][table]") {
    CHECK(
        detected("http://proxy/x", json_body(R"({"object":"text_completion","model":"m","choices":[{"text":"a"}]})")) ==
        "openai-completions");
    // No object: choices carrying `text` are a text completion, `message` a chat completion.
    CHECK(detected("http://proxy/x", json_body(R"({"model":"m","choices":[{"index":0,"text":"a"}]})")) ==
          "openai-completions");
    CHECK(detected("http://proxy/x", json_body(R"({"model":"m","choices":[{"index":0,"message":{"content":"a"}}]})")) ==
          "openai-chat");
    CHECK(detected("http://proxy/x", sse_body(sse_text({R"({"object":"text_completion","choices":[{"text":"a"}]})",
                                                        "[DONE]"}))) == "openai-completions");
}

TEST_CASE("openai-completions: non-streamed, several choices, usage as chat", "[providers][openai-completions]") {
    auto m = reassemble_openai_completions(
        make_ix("https://api.openai.com/v1/completions"),
        json_body(R"({"id":"cmpl-1","object":"text_completion","created":1,"model":"gpt-3.5-turbo-instruct",
            "choices":[{"text":"\n\nHello","index":0,"logprobs":null,"finish_reason":"stop"},
                       {"text":"\n\nHi","index":1,"logprobs":null,"finish_reason":"length"}],
            "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}})"));
    REQUIRE(m);
    CHECK(m->api == "openai-completions");
    CHECK(m->id == "cmpl-1");
    CHECK(m->model == "gpt-3.5-turbo-instruct");
    CHECK(m->text == "\n\nHello");
    CHECK(m->finish_reason == "stop");
    REQUIRE(m->choices.size() == 2);
    CHECK(m->choices[1].text == "\n\nHi");
    CHECK(m->choices[1].finish_reason == "length");
    REQUIRE(m->usage);
    CHECK(m->usage->input_tokens == 5);
    CHECK(m->usage->output_tokens == 7);
    CHECK(m->usage->total_tokens == 12);
}

TEST_CASE("openai-completions: streamed, cut, and errors", "[providers][openai-completions]") {
    auto ix = make_ix("https://api.openai.com/v1/completions");
    std::vector<std::string> chunks{
        R"({"id":"cmpl-2","object":"text_completion","model":"gpt-3.5-turbo-instruct","choices":[{"text":"One","index":0,"finish_reason":null}]})",
        R"({"id":"cmpl-2","object":"text_completion","model":"gpt-3.5-turbo-instruct","choices":[{"text":" two","index":0,"finish_reason":null}]})",
        R"({"id":"cmpl-2","object":"text_completion","model":"gpt-3.5-turbo-instruct","choices":[{"text":"","index":0,"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})",
        "[DONE]"};
    auto m = reassemble_openai_completions(ix, sse_body(sse_text(chunks)));
    REQUIRE(m);
    CHECK(m->streamed);
    CHECK(m->complete);
    CHECK(m->text == "One two");
    CHECK(m->finish_reason == "length");
    REQUIRE(m->usage);
    CHECK(m->usage->total_tokens == 5);

    // Cut before any finish_reason or [DONE].
    auto cut = reassemble_openai_completions(ix, sse_body(sse_text({chunks[0], chunks[1]})));
    REQUIRE(cut);
    CHECK(cut->text == "One two");
    CHECK_FALSE(cut->complete);

    SECTION("validate names the stream's end as the table gives it") {
        auto cut_ix = with_body(ix, "text/event-stream", sse_text({chunks[0], chunks[1]}));
        bool found = false;
        for (const Finding& f : validate_interaction(cut_ix)) {
            if (f.rule != "stream-truncated") continue;
            found = true;
            CHECK_THAT(f.message, Catch::Contains("the openai-completions stream ends before data: [DONE]"));
        }
        CHECK(found);
    }

    SECTION("an error body on an error status") {
        auto e = reassemble_openai_completions(
            make_ix("https://api.openai.com/v1/completions", 404),
            json_body(
                R"({"error":{"message":"The model `text-davinci-003` has been deprecated","type":"invalid_request_error","param":null,"code":"model_not_found"}})"));
        REQUIRE(e);
        REQUIRE(e->error);
        CHECK(e->error->type == "invalid_request_error");
        CHECK_THAT(e->error->message, Catch::StartsWith("The model `text-davinci-003`"));
        CHECK(e->api == "openai-completions");
    }
    SECTION("an error event in the stream") {
        auto e = reassemble_openai_completions(
            ix, sse_body(sse_text({chunks[0], R"({"error":{"message":"overloaded","type":"server_error"}})"})));
        REQUIRE(e);
        REQUIRE(e->error);
        CHECK(e->error->message == "overloaded");
        CHECK(e->text == "One");
    }
}

TEST_CASE("openai-completions: real recordings, gzip JSON and a vLLM stream",
          "[providers][openai-completions][testdata]") {
    auto plain = messages_of("openllmetry_openai_completions.yaml");
    REQUIRE(plain.size() == 2);
    for (const Message& m : plain) {
        CHECK(m.api == "openai-completions");
        CHECK(m.provider == "openai");
        CHECK(m.model == "davinci:2023-07-21-v2");  // as the response names it
        CHECK_FALSE(m.text.empty());
        REQUIRE(m.usage);
        CHECK(m.usage->total_tokens == m.usage->input_tokens + m.usage->output_tokens);
    }
    auto streamed = messages_of("openllmetry_vllm_completions_stream.yaml");
    REQUIRE(streamed.size() == 1);
    CHECK(streamed[0].api == "openai-completions");
    CHECK(streamed[0].streamed);
    CHECK(streamed[0].complete);
    CHECK(streamed[0].model == "facebook/opt-125m");
    CHECK_THAT(streamed[0].text, Catch::StartsWith(".\n\n\"Human\""));
}

TEST_CASE("openai-chat: Mistral thinking chunks are reasoning", "[providers][openai][mistral]") {
    auto ix = make_ix("https://api.mistral.ai/v1/chat/completions");
    SECTION("streamed") {
        auto m = reassemble_openai_chat(
            ix,
            sse_body(sse_text(
                {R"({"id":"a","object":"chat.completion.chunk","model":"magistral-medium-latest","choices":[{"index":0,"delta":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"Okay"}]}]},"finish_reason":null}]})",
                 R"({"id":"a","object":"chat.completion.chunk","model":"magistral-medium-latest","choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":", sure."}]}]},"finish_reason":null}]})",
                 R"({"id":"a","object":"chat.completion.chunk","model":"magistral-medium-latest","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]})",
                 R"({"id":"a","object":"chat.completion.chunk","model":"magistral-medium-latest","choices":[{"index":0,"delta":{"content":[{"type":"text","text":" there"}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":9,"total_tokens":13}})",
                 "[DONE]"})));
        REQUIRE(m);
        CHECK(m->reasoning == "Okay, sure.");
        CHECK(m->text == "Hello there");
    }
    SECTION("not streamed, a reference chunk carries no text") {
        auto m = reassemble_openai_chat(ix, json_body(R"({"id":"b","object":"chat.completion","model":"magistral-small",
            "choices":[{"index":0,"message":{"role":"assistant","content":[
                {"type":"thinking","thinking":[{"type":"text","text":"Think."},{"type":"reference","reference_ids":[1]}]},
                {"type":"text","text":"Answer."}]},"finish_reason":"stop"}]})"));
        REQUIRE(m);
        CHECK(m->reasoning == "Think.");
        CHECK(m->text == "Answer.");
    }
    SECTION("a reasoning field in the same delta is not counted twice") {
        auto m = reassemble_openai_chat(ix, json_body(R"({"object":"chat.completion","model":"m",
            "choices":[{"index":0,"message":{"reasoning_content":"Once.","content":[
                {"type":"thinking","thinking":[{"type":"text","text":"Once."}]},{"type":"text","text":"A"}]}}]})"));
        REQUIRE(m);
        CHECK(m->reasoning == "Once.");
    }
}

TEST_CASE("openai-chat: a real Magistral stream with thinking chunks", "[providers][mistral][testdata]") {
    auto ms = messages_of("pydantic_ai_mistral_thinking_stream.yaml");
    REQUIRE(ms.size() == 1);
    CHECK(ms[0].api == "openai-chat");
    CHECK(ms[0].provider == "mistral");
    CHECK_THAT(ms[0].reasoning, Catch::StartsWith("Okay, the user is asking"));
    CHECK_FALSE(ms[0].text.empty());
    CHECK(ms[0].text.find("Okay, the user") == std::string::npos);
}

TEST_CASE("cohere: v1 generate, not streamed and streamed", "[providers][cohere]") {
    auto ix = make_ix("https://api.cohere.ai/v1/generate", R"({"model":"command","prompt":"Hi"})");
    SECTION("not streamed, several generations") {
        auto m = reassemble_cohere(ix, json_body(R"({"id":"g1","generations":[
            {"id":"x","text":" Hello!","finish_reason":"COMPLETE"},{"id":"y","text":" Hey.","finish_reason":"MAX_TOKENS"}],
            "prompt":"Hi","meta":{"api_version":{"version":"1"},"billed_units":{"input_tokens":2,"output_tokens":3}}})"));
        REQUIRE(m);
        CHECK(m->api == "cohere");
        CHECK(m->id == "g1");
        CHECK(m->model == "command");
        CHECK(m->text == " Hello!");
        CHECK(m->finish_reason == "COMPLETE");
        REQUIRE(m->choices.size() == 2);
        CHECK(m->choices[1].text == " Hey.");
        CHECK(m->choices[1].finish_reason == "MAX_TOKENS");
        REQUIRE(m->usage);
        CHECK(m->usage->input_tokens == 2);
        CHECK(m->usage->output_tokens == 3);
    }
    SECTION("streamed, two generations by index") {
        auto m = reassemble_cohere(
            ix,
            ndjson(
                {R"({"text":" A","index":0,"is_finished":false,"event_type":"text-generation"})",
                 R"({"text":" B","index":1,"is_finished":false,"event_type":"text-generation"})",
                 R"({"text":"a","index":0,"is_finished":false,"event_type":"text-generation"})",
                 R"({"is_finished":true,"event_type":"stream-end","finish_reason":"COMPLETE","response":{"id":"g2","generations":[{"text":" Aa","finish_reason":"COMPLETE"},{"text":" B","finish_reason":"MAX_TOKENS"}],"meta":{"billed_units":{"input_tokens":1,"output_tokens":4}}}})"}));
        REQUIRE(m);
        CHECK(m->streamed);
        CHECK(m->complete);
        CHECK(m->id == "g2");
        CHECK(m->text == " Aa");
        REQUIRE(m->choices.size() == 2);
        CHECK(m->choices[1].text == " B");
        CHECK(m->choices[1].finish_reason == "MAX_TOKENS");
        CHECK(m->finish_reason == "COMPLETE");
        REQUIRE(m->usage);
        CHECK(m->usage->output_tokens == 4);
    }
    SECTION("a stream-error event, and a cut stream") {
        auto e = reassemble_cohere(
            ix,
            ndjson(
                {R"({"text":" A","is_finished":false,"event_type":"text-generation"})",
                 R"({"is_finished":true,"event_type":"stream-error","finish_reason":"ERROR","err":"internal error"})"}));
        REQUIRE(e);
        REQUIRE(e->error);
        CHECK(e->error->message == "internal error");
        auto cut =
            reassemble_cohere(ix, ndjson({R"({"text":" A","is_finished":false,"event_type":"text-generation"})"}));
        REQUIRE(cut);
        CHECK_FALSE(cut->complete);
        CHECK(cut->text == " A");
        const std::string line = "{\"text\":\" A\",\"is_finished\":false,\"event_type\":\"text-generation\"}\n";
        auto cut_ix = with_body(ix, "application/stream+json", line + line);
        bool found = false;
        for (const Finding& f : validate_interaction(cut_ix)) {
            if (f.rule != "stream-truncated") continue;
            found = true;
            CHECK_THAT(f.message, Catch::Contains("the cohere stream ends before message-end (v2) or stream-end (v1)"));
        }
        CHECK(found);
    }
    SECTION("an error body") {
        auto e = reassemble_cohere(make_ix("https://api.cohere.ai/v1/generate", 400),
                                   json_body(R"({"message":"invalid request: prompt must not be empty"})"));
        REQUIRE(e);
        REQUIRE(e->error);
        CHECK(e->error->message == "invalid request: prompt must not be empty");
    }
}

TEST_CASE("cohere: real v1 generate recordings", "[providers][cohere][testdata]") {
    auto plain = messages_of("langchaingo_cohere_generate.httprr");
    REQUIRE(plain.size() == 1);
    CHECK(plain[0].api == "cohere");
    CHECK_THAT(plain[0].text, Catch::StartsWith(" Hi! I'm Cohere"));
    CHECK(plain[0].finish_reason == "COMPLETE");
    REQUIRE(plain[0].usage);
    CHECK(plain[0].usage->input_tokens == 5);
    CHECK(plain[0].usage->output_tokens == 76);

    auto streamed = messages_of("openllmetry_js_cohere_generate_stream.har");
    REQUIRE(streamed.size() == 1);
    CHECK(streamed[0].streamed);
    CHECK(streamed[0].complete);
    CHECK(streamed[0].model == "command-light");
    CHECK_THAT(streamed[0].text, Catch::StartsWith(" Pluto was reclassified"));
    CHECK(streamed[0].id == "1ce1192a-de25-4997-b880-9ff96d6ba2b4");
    REQUIRE(streamed[0].usage);
    CHECK(streamed[0].usage->output_tokens == 55);
}

TEST_CASE("bedrock-converse: citationsContent text is message text", "[providers][bedrock]") {
    auto m = reassemble_bedrock_converse(
        make_ix("https://bedrock-runtime.us-west-2.amazonaws.com/model/amazon.nova-pro-v1:0/converse"),
        json_body(R"({"output":{"message":{"role":"assistant","content":[{"text":"The title of this document is "},
            {"citationsContent":{"content":[{"text":"Attention Is All You Need"}],
             "citations":[{"title":"paper","sourceContent":[{"text":"Attention Is All You Need"}],"location":{"documentChar":{"documentIndex":0,"start":0,"end":25}}}]}},
            {"text":"."}]}},"stopReason":"end_turn","usage":{"inputTokens":10,"outputTokens":8,"totalTokens":18}})"));
    REQUIRE(m);
    CHECK(m->text == "The title of this document is Attention Is All You Need.");
}

TEST_CASE("bedrock-converse: a real recording with citations, streamed and not", "[providers][bedrock][testdata]") {
    auto ms = messages_of("langchain_aws_converse_citations.yaml.gz");
    REQUIRE(ms.size() == 2);
    CHECK(ms[0].streamed);
    CHECK(ms[0].text ==
          "According to the company policy manual, employees get 20 days annual leave. If you need more specific "
          "details, consult with your manager for details.");
    CHECK_FALSE(ms[1].streamed);
    CHECK(ms[1].text == "Employees should consult with your manager for details.");
}

TEST_CASE("provider table: the corpus files of the added APIs", "[providers][corpus]") {
    const std::string root = testsupport::corpus_next_dir() + "/";
    auto first = [&](const std::string& rel, size_t index) {
        Cassette c = load_cassette(root + rel);
        REQUIRE(c.interactions.size() > index);
        const Interaction& ix = c.interactions[index];
        auto m = reassemble(ix, decode_body(ix.response.headers, ix.response.body.bytes));
        REQUIRE(m);
        return *m;
    };
    Message pdf = first("vcrpy/langchain-aws/libs/aws/tests/cassettes/test_pdf_citations.yaml.gz", 0);
    CHECK(pdf.text == "The title of this document is \"Dummy PDF file\".");
    Message v1 = first("vcrpy/langchain-aws/libs/aws/tests/cassettes/test_citations_v1[v0].yaml.gz", 1);
    CHECK(v1.text == "According to the policy, employees should consult with your manager for details.");
    Message gen = first(
        "httprr/langchaingo/llms/cohere/internal/cohereclient/testdata/"
        "TestClient_CreateGenerationWithCustomModel.httprr",
        0);
    CHECK(gen.api == "cohere");
    CHECK_FALSE(gen.text.empty());
    Message vllm = first(
        "vcrpy/openllmetry/packages/opentelemetry-instrumentation-openai/tests/traces/cassettes/"
        "test_finish_reasons/TestCompletionsFinishReasons.test_async_completions_sets_top_level_finish_reasons.yaml",
        1);
    CHECK(vllm.api == "openai-completions");
}

TEST_CASE("provider table: a generic …/completions path lets a chat body decide", "[providers][table]") {
    const std::string url = "https://api.portkey.ai/v1/prompts/pp-weather/completions";
    CHECK(detected(url) == "openai-completions");
    CHECK(
        detected(
            url,
            json_body(
                R"({"object":"chat.completion","model":"gpt-4.1","choices":[{"index":0,"message":{"content":"x"}}]})")) ==
        "openai-chat");
    CHECK(detected(url, json_body(R"({"object":"text_completion","model":"m","choices":[{"text":"x"}]})")) ==
          "openai-completions");
    // The /v1/completions path itself is not overruled by a body.
    CHECK(detected("https://api.openai.com/v1/completions",
                   json_body(R"({"object":"chat.completion","model":"m","choices":[]})")) == "openai-completions");
}

TEST_CASE("provider table: Cohere bodies behind another host", "[providers][table][cohere]") {
    const std::string proxy = "http://localhost:4000/cohere";
    CHECK(detected(proxy, ndjson({R"({"is_finished":false,"event_type":"stream-start","generation_id":"g"})",
                                  R"({"text":"Hi","is_finished":false,"event_type":"text-generation"})"})) == "cohere");
    CHECK(detected(proxy, json_body(R"({"id":"g1","generations":[{"text":"x"}],"prompt":"p","meta":{}})")) == "cohere");
    CHECK(detected(proxy, json_body(R"({"text":"x","generation_id":"g","meta":{}})")) == "cohere");
    CHECK(detected(proxy, json_body(R"({"id":"c","message":{"role":"assistant","content":[]},"finish_reason":"COMPLETE",
        "usage":{"billed_units":{"input_tokens":1}}})")) == "cohere");
    CHECK(detected(proxy, sse_body(sse_text({R"({"type":"message-start","id":"m"})"}))) == "cohere");
    // Anthropic's events use underscores: not Cohere's.
    CHECK(detected(proxy, sse_body(sse_text({R"({"type":"message_start","message":{}})"}))) == "anthropic");
}
