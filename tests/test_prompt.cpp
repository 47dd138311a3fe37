// The normalized request (lib/prompt.hpp): one reader per API family on real
// request bodies from testdata/ (and, tagged [corpus], from the shared
// corpora), unknown fields kept under `extra`, media never carried, odd
// bodies never thrown on; the corpus sweep checks that every string a request
// sent is still found in its prompt.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "decode/body.hpp"
#include "decode/json_read.hpp"
#include "formats/json_export.hpp"
#include "prompt.hpp"
#include "providers/reassemble.hpp"
#include "reader.hpp"
#include "test_support.hpp"

using namespace cassette;
using nlohmann::json;

namespace {

std::vector<std::optional<Prompt>> prompts_of(const std::string& rel) {
    Cassette c = load_cassette(testsupport::source_dir() + "/" + rel);
    REQUIRE(c.problems.empty());
    std::vector<std::optional<Prompt>> out;
    for (const auto& ix : c.interactions) {
        DecodedBody rs = decode_body(ix.response.headers, ix.response.body.bytes);
        out.push_back(read_prompt(ix, rs));
    }
    return out;
}

Prompt from(const std::string& api, const std::string& body, const std::string& url = "https://example.test/x") {
    Interaction ix = testsupport::make_ix(url, body);
    auto j = json_read::parse(body);
    REQUIRE(j);
    auto p = prompt_from_body(api, ix, *j);
    REQUIRE(p);
    return *p;
}

std::vector<std::string> roles(const Prompt& p) {
    std::vector<std::string> out;
    for (const auto& m : p.messages) out.push_back(m.role);
    return out;
}

std::vector<std::string> part_types(const PromptMessage& m) {
    std::vector<std::string> out;
    for (const auto& part : m.parts) out.push_back(part.type);
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("prompt: OpenAI chat request with a tool round trip", "[prompt]") {
    auto ps = prompts_of("testdata/fantasy/openai-o4-mini/tool.yaml");
    REQUIRE(ps.size() == 2);
    REQUIRE(ps[1]);
    const Prompt& p = *ps[1];
    CHECK(p.api == "openai-chat");
    CHECK(p.model == "o4-mini");
    CHECK(p.system == "You are a helpful assistant");
    CHECK(roles(p) == Strings{"user", "assistant", "tool"});
    REQUIRE(p.tools.size() == 1);
    CHECK(p.tools[0].name == "weather");
    REQUIRE(p.tools[0].parameters.size() == 1);
    CHECK(p.tools[0].parameters[0].name == "location");
    CHECK(p.tools[0].parameters[0].required);
    REQUIRE(p.messages[1].parts.size() == 1);
    const PromptPart& call = p.messages[1].parts[0];
    CHECK(call.type == "tool_call");
    CHECK(call.name == "weather");
    CHECK(json::parse(call.arguments) == json{{"location", "Florence, Italy"}});
    const PromptPart& result = p.messages[2].parts.at(0);
    CHECK(result.type == "tool_result");
    CHECK(result.id == call.id);
    CHECK(result.text == "40 C");
    CHECK(p.params.value("max_tokens", 0) == 4000);
}

TEST_CASE("prompt: Anthropic thinking carried back with its signature", "[prompt]") {
    auto ps = prompts_of("testdata/fantasy/anthropic_thinking_streaming.yaml");
    REQUIRE(ps.size() == 2);
    REQUIRE(ps[1]);
    const Prompt& p = *ps[1];
    CHECK(p.api == "anthropic");
    CHECK(p.system == "You are a helpful assistant");
    CHECK(roles(p) == Strings{"user", "assistant", "user"});
    CHECK(part_types(p.messages[1]) == Strings{"reasoning", "tool_call"});
    CHECK(p.messages[1].parts[0].signature == std::optional<bool>(true));
    CHECK(p.messages[1].parts[0].text.find("Florence") != std::string::npos);
    CHECK(p.messages[2].parts.at(0).type == "tool_result");
    CHECK(p.messages[2].parts[0].id == p.messages[1].parts[1].id);
    CHECK(p.params["thinking_budget"] == 4000);
    CHECK(p.params["stream"] == true);
}

TEST_CASE("prompt: Anthropic on Bedrock invoke takes the model from the URL", "[prompt]") {
    auto ps = prompts_of("testdata/fantasy/bedrock_tool_streaming.yaml");
    REQUIRE(!ps.empty());
    REQUIRE(ps[0]);
    const Prompt& p = *ps[0];
    CHECK(p.api == "anthropic");
    CHECK(p.model == "us.anthropic.claude-haiku-4-5-20251001-v1:0");
    CHECK(p.extra.contains("anthropic_version"));
    CHECK(p.params["stream"] == true);  // from invoke-with-response-stream
    CHECK(p.tools.at(0).name == "weather");
}

TEST_CASE("prompt: Gemini contents, function declarations and the URL's model", "[prompt]") {
    auto ps = prompts_of("testdata/fantasy/gemini_tool_streaming.yaml");
    REQUIRE(ps.size() == 2);
    REQUIRE(ps[1]);
    const Prompt& p = *ps[1];
    CHECK(p.api == "gemini");
    CHECK(p.model == "gemini-2.5-flash");
    CHECK(p.params["stream"] == true);
    CHECK(roles(p) == Strings{"user", "model", "user"});
    CHECK(p.messages[1].parts.at(0).type == "tool_call");
    CHECK(p.messages[1].parts[0].name == "weather");
    CHECK(p.messages[2].parts.at(0).type == "tool_result");
    CHECK(p.tools.at(0).name == "weather");
}

TEST_CASE("prompt: OpenAI Responses input items and instructions", "[prompt]") {
    auto ps = prompts_of("testdata/fantasy/responses_tool.yaml");
    REQUIRE(ps.size() == 2);
    REQUIRE(ps[1]);
    const Prompt& p = *ps[1];
    CHECK(p.api == "openai-responses");
    CHECK(p.system == "You are a helpful assistant");
    CHECK(roles(p) == Strings{"user", "assistant", "tool"});
    CHECK(p.messages[1].parts.at(0).type == "tool_call");
    CHECK(p.messages[2].parts.at(0).id == p.messages[1].parts[0].id);
    CHECK(p.params["max_tokens"] == 4000);
    CHECK(p.params["store"] == false);
}

TEST_CASE("prompt: Bedrock Converse, Ollama chat, Cohere v2, a compatible server, httprr", "[prompt]") {
    {
        auto ps = prompts_of("testdata/formats/vcrpy-openllmetry/bedrock_converse_stream_tool_use.yaml");
        REQUIRE(ps.at(0));
        CHECK(ps[0]->api == "bedrock-converse");
        CHECK(!ps[0]->model.empty());
        CHECK(!ps[0]->messages.empty());
        CHECK(!ps[0]->tools.empty());
        CHECK(ps[0]->params["stream"] == true);
    }
    {
        auto ps = prompts_of("testdata/formats/vcrpy-openllmetry/ollama_streaming_chat.yaml");
        REQUIRE(ps.at(0));
        CHECK(ps[0]->api == "ollama");
        CHECK(ps[0]->messages.at(0).role == "user");
        CHECK(!ps[0]->messages[0].parts.at(0).text.empty());
    }
    {
        auto ps = prompts_of("testdata/formats/ruby_llm/cohere_streaming.yml");
        REQUIRE(ps.at(0));
        CHECK(ps[0]->api == "cohere");
        CHECK(ps[0]->params["stream"] == true);
        CHECK(!ps[0]->messages.empty());
    }
    {
        auto ps = prompts_of("testdata/formats/openllmetry-js/together_tool_calling.har");
        REQUIRE(ps.at(0));
        CHECK(ps[0]->api == "openai-chat");
        CHECK(!ps[0]->tools.empty());
    }
    {
        auto ps = prompts_of("testdata/formats/langchaingo/anthropic_create_message.httprr");
        REQUIRE(ps.at(0));
        CHECK(ps[0]->api == "anthropic");
        CHECK(!ps[0]->messages.empty());
    }
}

TEST_CASE("prompt: media are kept as type, size and source, never as bytes", "[prompt]") {
    std::string png(3000, 'A');  // 3000 base64 characters = 2250 bytes
    Prompt p = from("openai-chat", R"({"model":"gpt-4o","messages":[{"role":"user","content":[
        {"type":"text","text":"What is this?"},
        {"type":"image_url","image_url":{"url":"data:image/png;base64,)" +
                                       png + R"(","detail":"low"}},
        {"type":"image_url","image_url":{"url":"https://example.test/cat.jpg"}},
        {"type":"file","file":{"file_id":"file-123"}},
        {"type":"input_audio","input_audio":{"data":")" +
                                       png + R"(","format":"wav"}}]}],
        "stream_options":{"include_usage":true},"stream":true})");
    REQUIRE(p.messages.size() == 1);
    const auto& parts = p.messages[0].parts;
    REQUIRE(part_types(p.messages[0]) == Strings{"text", "image", "image", "document", "audio"});
    CHECK(parts[1].media_type == "image/png");
    CHECK(parts[1].size == std::optional<int64_t>(2250));
    CHECK(parts[1].source == "inline");
    CHECK(parts[1].extra["image_url"]["detail"] == "low");
    CHECK(media_label(parts[1]) == "image/png 2 KB");
    CHECK(parts[2].source == "url");
    CHECK(parts[2].ref == "https://example.test/cat.jpg");
    CHECK(parts[3].source == "file");
    CHECK(parts[3].ref == "file-123");
    CHECK(parts[4].media_type == "audio/wav");
    CHECK(to_json(p).dump().find(png.substr(0, 100)) == std::string::npos);

    // Unmapped fields holding base64 lose the bytes too.
    Prompt q =
        from("openai-chat", R"({"model":"m","messages":[],"blob":"data:application/pdf;base64,)" + png + R"("})");
    CHECK(q.extra["blob"] == "[2250 bytes of base64]");
}

TEST_CASE("prompt: fields the model does not know are kept under extra at every level", "[prompt]") {
    Prompt p = from("anthropic", R"({"model":"claude","max_tokens":10,"zz_top":1,
        "messages":[{"role":"user","zz_msg":2,"content":[{"type":"text","text":"hi","zz_part":3},
                                                         {"type":"zz_block","x":4}]}]})");
    CHECK(p.extra["zz_top"] == 1);
    CHECK(p.messages.at(0).extra["zz_msg"] == 2);
    CHECK(p.messages[0].parts.at(0).extra["zz_part"] == 3);
    CHECK(p.messages[0].parts.at(1).type == "other");
    CHECK(p.messages[0].parts[1].extra["x"] == 4);

    Prompt g = from("gemini", R"({"contents":[{"parts":[{"text":"hi"}]}],"zz":true,
        "generationConfig":{"temperature":0.5,"zzGen":1,"thinkingConfig":{"thinkingBudget":128}}})",
                    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent");
    CHECK(g.model == "gemini-2.5-pro");
    CHECK(g.params["temperature"] == 0.5);
    CHECK(g.params["thinking_budget"] == 128);
    CHECK(g.extra["zz"] == true);
    CHECK(g.extra["generationConfig"]["zzGen"] == 1);
    CHECK(g.messages.at(0).role == "user");
}

TEST_CASE("prompt: parameters under their normalized names", "[prompt]") {
    Prompt chat = from("openai-chat", R"({"model":"o3","messages":[{"role":"developer","content":"Be brief."},
        {"role":"user","content":"Hi"}],"max_completion_tokens":100,"reasoning_effort":"low","seed":7,"stop":["\n"],
        "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{}}},"store":true,
        "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object",
          "properties":{"a":{},"b":{}},"required":["b"]}}}],"tool_choice":"required"})");
    CHECK(chat.system == "Be brief.");
    CHECK(roles(chat) == Strings{"user"});
    CHECK(chat.params["max_tokens"] == 100);
    CHECK(chat.params["reasoning_effort"] == "low");
    CHECK(chat.params["seed"] == 7);
    CHECK(chat.params["response_format"] == "json_schema:answer");
    CHECK(chat.params["store"] == true);
    CHECK(chat.tool_choice == "required");
    REQUIRE(chat.tools.at(0).parameters.size() == 2);
    CHECK(!chat.tools[0].parameters[0].required);
    CHECK(chat.tools[0].parameters[1].required);

    Prompt resp = from("openai-responses", R"({"model":"gpt-5","input":"Hi","previous_response_id":"resp_1",
        "reasoning":{"effort":"high","summary":"auto"},"max_output_tokens":50,
        "tools":[{"type":"web_search_preview"},{"type":"function","name":"g","parameters":{}}]})");
    CHECK(resp.params["previous_response_id"] == "resp_1");
    CHECK(resp.params["reasoning_effort"] == "high");
    CHECK(resp.params["max_tokens"] == 50);
    REQUIRE(resp.tools.size() == 2);
    CHECK(resp.tools[0].server);
    CHECK(resp.tools[0].name == "web_search_preview");
    CHECK(!resp.tools[1].server);

    Prompt ant = from("anthropic", R"({"model":"claude","max_tokens":64,"system":[{"type":"text","text":"S",
        "cache_control":{"type":"ephemeral","ttl":"1h"}}],"messages":[{"role":"user","content":"Hi"}],
        "tools":[{"type":"web_search_20250305","name":"web_search"},{"name":"calc","input_schema":{}}]})");
    CHECK(ant.system == "S");
    CHECK(ant.params["cache_control"] == json::parse(R"([{"where":"system[0]","ttl":"1h"}])"));
    CHECK(ant.tools.at(0).server);
    CHECK(!ant.tools.at(1).server);

    Prompt conv = from("bedrock-converse",
                       R"({"messages":[{"role":"user","content":[{"text":"Hi"},{"cachePoint":{"type":"default"}}]}],
        "inferenceConfig":{"maxTokens":5,"stopSequences":["x"]},
        "additionalModelRequestFields":{"thinking":{"type":"enabled","budget_tokens":1024}}})",
                       "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3/converse");
    CHECK(conv.model == "anthropic.claude-3");
    CHECK(conv.params["max_tokens"] == 5);
    CHECK(conv.params["thinking_budget"] == 1024);
    CHECK(conv.params["cache_control"].at(0)["where"] == "messages[0].parts[1]");

    Prompt gen =
        from("ollama", R"({"model":"llama3","prompt":"Why?","system":"S","options":{"num_predict":9},"stream":false})");
    CHECK(gen.system == "S");
    CHECK(gen.messages.at(0).parts.at(0).text == "Why?");
    CHECK(gen.params["max_tokens"] == 9);

    Prompt v1 = from("cohere", R"({"message":"And now?","preamble":"P","chat_history":[{"role":"USER","message":"Hi"},
        {"role":"CHATBOT","message":"Hello"}],"p":0.9,"k":5})");
    CHECK(v1.system == "P");
    CHECK(roles(v1) == Strings{"USER", "CHATBOT", "USER"});
    CHECK(v1.params["top_p"] == 0.9);
    CHECK(v1.params["top_k"] == 5);

    Prompt comp =
        from("openai-completions", R"({"model":"gpt-3.5-turbo-instruct","prompt":"Say this","max_tokens":7})");
    CHECK(comp.messages.at(0).parts.at(0).text == "Say this");
}

TEST_CASE("prompt: odd request bodies are never thrown on", "[prompt]") {
    for (const char* api :
         {"openai-chat", "openai-responses", "anthropic", "gemini", "bedrock-converse", "ollama", "cohere"}) {
        INFO(api);
        for (const char* body :
             {R"({})", R"({"messages":5,"input":{},"contents":"x","system":[1,null,{}]})",
              R"({"messages":[null,1,"x",{"role":5,"content":{"a":1}}],"tools":[null,{"function":3}]})",
              R"({"input":[{"type":"function_call"},{"type":"reasoning","summary":3}],"tool_choice":null})",
              R"({"contents":[{"parts":[{"inlineData":{"data":5}},{}]}],"generationConfig":[]})",
              R"({"messages":[{"role":"user","content":[{"image":{"source":7}},{"toolResult":{"content":"x"}}]}]})"}) {
            Interaction ix = testsupport::make_ix("https://example.test/v1", body);
            auto j = json_read::parse(body);
            REQUIRE(j);
            std::optional<Prompt> p;
            CHECK_NOTHROW(p = prompt_from_body(api, ix, *j));
            if (p) CHECK_NOTHROW(to_json(*p).dump());
        }
    }
    // Not JSON, or not an object: no prompt.
    Interaction ix = testsupport::make_ix("https://api.openai.com/v1/chat/completions", "not json");
    CHECK(!read_prompt(ix, testsupport::json_body(R"({"object":"chat.completion","choices":[],"model":"m"})")));
}

TEST_CASE("prompt: export json carries it beside the message", "[prompt][export]") {
    Cassette c = load_cassette(testsupport::source_dir() + "/testdata/fantasy/anthropic_thinking_streaming.yaml");
    json j = interaction_to_json(c.interactions.at(1));
    REQUIRE(j.contains("prompt"));
    CHECK(j["prompt"]["messages"].size() == 3);
    CHECK(j["prompt"]["messages"][1]["parts"][0]["type"] == "reasoning");
    CHECK(j["prompt"]["messages"][1]["parts"][0]["signature"] == true);
    CHECK(j["prompt"]["api"] == "anthropic");
    Prompt p = *read_prompt(c.interactions[1],
                            decode_body(c.interactions[1].response.headers, c.interactions[1].response.body.bytes));
    std::vector<std::string> texts = prompt_texts(p);
    CHECK(texts.front() == "You are a helpful assistant");
    CHECK(std::find(texts.begin(), texts.end(), "40 C") != texts.end());
}

TEST_CASE("show: the request as a conversation, repeated messages collapsed", "[prompt][show]") {
    auto r = testsupport::run_cassette({"show", "--no-headers", "testdata/fantasy/anthropic_thinking_streaming.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("#0 message 1 unchanged") != std::string::npos);
    testsupport::check_golden("show/prompt_anthropic_thinking.txt", r.out);

    auto v = testsupport::run_cassette({"show", "--no-headers", "-v", "testdata/fantasy/responses_tool.yaml"});
    CHECK(v.exit_code == 0);
    testsupport::check_golden("show/prompt_responses_verbose.txt", v.out);

    auto full = testsupport::run_cassette(
        {"show", "--no-headers", "--full", "-i", "1", "testdata/fantasy/gemini_tool_streaming.yaml"});
    CHECK(full.exit_code == 0);
    testsupport::check_golden("show/prompt_gemini_full.txt", full.out);

    auto raw = testsupport::run_cassette({"show", "--raw", "testdata/fantasy/responses_tool.yaml"});
    CHECK(raw.out.find("prompt (") == std::string::npos);
    CHECK(raw.out.find("\"instructions\"") != std::string::npos);
}

// ---- The corpus sweep ------------------------------------------------------

namespace {

// Keys whose strings are not conversation content: the type words the
// readers turn into part types, and media bytes / opaque signatures that a
// prompt never carries.
bool skipped_key(const std::string& k) {
    static const std::set<std::string> keys{"type",
                                            "data",
                                            "bytes",
                                            "file_data",
                                            "signature",
                                            "thoughtSignature",
                                            "thought_signature",
                                            "encrypted_content",
                                            "redactedContent",
                                            "status",
                                            "images",
                                            "context"};
    return keys.count(k) > 0;
}

void body_strings(const json& j, const std::string& key, std::vector<std::string>& out) {
    // Schemas: a tool's parameter names are kept (not their types and
    // descriptions); an answer's schema is kept by name only.
    static const std::set<std::string> tool_schema{"parameters", "input_schema", "parametersJsonSchema", "json"};
    static const std::set<std::string> answer_schema{"schema",          "responseSchema",       "responseJsonSchema",
                                                     "response_schema", "response_json_schema", "format"};
    if (answer_schema.count(key) && j.is_object()) return;
    if (key == "inputSchema" && j.is_object()) return body_strings(j.value("json", json()), "json", out);
    if (key == "parameter_definitions" && j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
        return;
    }
    if (tool_schema.count(key) && j.is_object()) {
        if (auto props = j.find("properties"); props != j.end() && props->is_object())
            for (auto it = props->begin(); it != props->end(); ++it) out.push_back(it.key());
        return;
    }
    if (j.is_string()) {
        const std::string& s = j.get_ref<const std::string&>();
        if (!s.empty() && !skipped_key(key) && !starts_with(s, "data:") && s.size() < 20000) out.push_back(s);
    } else if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) body_strings(*it, it.key(), out);
    } else if (j.is_array()) {
        for (const auto& x : j) body_strings(x, key, out);
    }
}

void prompt_strings(const json& j, std::string& out) {
    if (j.is_string()) {
        out += j.get<std::string>() + '\x01';
        // Arguments and results are JSON text: their strings count too.
        if (auto inner = json_read::parse(j.get<std::string>()); inner && inner->is_structured())
            prompt_strings(json(*inner), out);
    } else if (j.is_structured()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (j.is_object()) out += it.key() + '\x01';
            prompt_strings(*it, out);
        }
    }
}

std::vector<std::string> all_corpus_files() {
    std::vector<std::string> out;
    for (const char* dir : {"/../shared/corpus", "/../shared/corpus-next", "/../shared/corpus-3"}) {
        std::string root = testsupport::source_dir() + dir;
        if (!std::filesystem::exists(root)) continue;
        for (const auto& e : std::filesystem::recursive_directory_iterator(root))
            if (e.is_regular_file()) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("prompt corpus sweep: every LLM request normalizes and keeps every string it sent", "[prompt][corpus]") {
    size_t prompts = 0, llm = 0, strings = 0;
    std::set<std::string> apis;
    for (const auto& path : all_corpus_files()) {
        Cassette c;
        try {
            c = load_cassette(path);
        } catch (const std::exception&) {
            continue;  // not a cassette (licenses, sidecars, broken on purpose)
        }
        for (const auto& ix : c.interactions) {
            DecodedBody rs = decode_body(ix.response.headers, ix.response.body.bytes);
            std::optional<Message> m = reassemble(ix, rs);
            std::optional<Prompt> p;
            REQUIRE_NOTHROW(p = read_prompt(ix, rs));
            DecodedBody rq = decode_body(ix.request.headers, ix.request.body.bytes);
            bool json_request = rq.json && rq.json->is_object();
            if (m && json_request) {
                ++llm;
                INFO(path << " #" << ix.index);
                CHECK(p);
            }
            if (!p) continue;
            ++prompts;
            apis.insert(p->api);
            json pj = to_json(*p);
            REQUIRE_NOTHROW(pj.dump());
            std::string haystack;
            prompt_strings(pj, haystack);
            std::vector<std::string> sent;
            body_strings(*rq.json, "", sent);
            for (const auto& s : sent) {
                ++strings;
                if (haystack.find(s) == std::string::npos) {
                    INFO(path << " #" << ix.index << ": \"" << s.substr(0, 200) << "\" is not in the prompt");
                    CHECK(false);
                }
            }
        }
    }
    INFO("prompts " << prompts << ", LLM requests " << llm << ", strings " << strings);
    CHECK(prompts >= 800);
    CHECK(apis.size() >= 7);
}

TEST_CASE("prompt: corpus requests of Cohere v1, Ollama generate and a Gemini image", "[prompt][corpus]") {
    auto load = [](const std::string& rel) {
        Cassette c = load_cassette(testsupport::source_dir() + "/../shared/" + rel);
        std::vector<Prompt> out;
        for (const auto& ix : c.interactions) {
            auto p = read_prompt(ix, decode_body(ix.response.headers, ix.response.body.bytes));
            REQUIRE(p);
            out.push_back(*p);
        }
        return out;
    };
    auto cohere = load(
        "corpus-next/vcrpy/openllmetry/packages/opentelemetry-instrumentation-cohere/tests/cassettes/"
        "test_chat/test_cohere_chat_legacy_with_streaming.yaml");
    REQUIRE(cohere.size() == 1);
    CHECK(cohere[0].api == "cohere");
    CHECK(cohere[0].model == "command");
    CHECK(roles(cohere[0]) == Strings{"USER"});
    CHECK(cohere[0].messages[0].parts.at(0).text == "Tell me a joke, pirate style");

    auto gen = load(
        "corpus-next/vcrpy/openllmetry/packages/opentelemetry-instrumentation-ollama/tests/cassettes/"
        "test_generation/test_ollama_async_streaming_generation_with_events_with_no_content.yaml");
    REQUIRE(gen.size() == 1);
    CHECK(gen[0].api == "ollama");
    CHECK(gen[0].messages.at(0).parts.at(0).text == "Tell me a joke about OpenTelemetry");
    CHECK(gen[0].params["stream"] == true);
    CHECK(gen[0].extra.contains("template"));

    auto img = load(
        "corpus-next/vcrpy/pydantic-ai/tests/models/cassettes/test_multimodal_tool_returns/"
        "test_multimodal_tool_return_matrix[tool_return_content-url-image-google_vertex].yaml");
    REQUIRE(img.size() >= 4);
    const Prompt& p = img[3];
    CHECK(p.model == "gemini-3-flash-preview");
    REQUIRE(p.messages.size() == 8);
    const PromptPart& image = p.messages[7].parts.at(0);
    CHECK(image.type == "image");
    CHECK(image.media_type == "image/png");
    CHECK(image.source == "file");
    CHECK(image.ref == "https://www.gstatic.com/webp/gallery3/1.png");
    CHECK(p.messages[6].parts.at(0).type == "tool_result");
    CHECK(p.messages[6].parts[0].id == p.messages[5].parts.at(0).id);
}

TEST_CASE("show: an agent loop in the corpus reads as one growing conversation", "[prompt][show][corpus]") {
    auto r = testsupport::run_cassette(
        {"show", "--no-headers",
         "../shared/corpus-next/vcrpy/pydantic-ai/tests/models/cassettes/test_multimodal_tool_returns/"
         "test_multimodal_tool_return_matrix[tool_return_content-url-image-google_vertex].yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("#2 messages 1\u20135 unchanged") != std::string::npos);
    CHECK(r.out.find("[image/png file https://www.gstatic.com/webp/gallery3/1.png]") != std::string::npos);
    auto full = testsupport::run_cassette(
        {"show", "--no-headers", "--full",
         "../shared/corpus-next/vcrpy/pydantic-ai/tests/models/cassettes/test_multimodal_tool_returns/"
         "test_multimodal_tool_return_matrix[tool_return_content-url-image-google_vertex].yaml"});
    CHECK(full.out.find("unchanged") == std::string::npos);
}
