// The request side of Gemini / Vertex generateContent read into the
// normalized Prompt (docs/message.md). Field names follow the REST
// GenerateContentRequest (camelCase; the snake_case spellings that the
// protobuf JSON mapping also accepts are read too).
#include "providers/prompt_read.hpp"

namespace cassette {

namespace {

using namespace prompt_read;

// Takes `camel` or its snake_case twin.
const OJ* take2(Fields& f, const char* camel, const char* snake) {
    const OJ* v = f.take(camel);
    const OJ* w = f.take(snake);
    return v ? v : w;
}

void parts_of(std::vector<PromptPart>& out, const OJ* parts) {
    if (parts && parts->is_object()) {  // one part given bare
        OJ one = OJ::array({*parts});
        return parts_of(out, &one);
    }
    if (!parts || !parts->is_array()) return;
    for (const auto& x : *parts) {
        Fields f(x);
        PromptPart part;
        bool thought = truthy(f.take("thought"));
        const OJ* signature = take2(f, "thoughtSignature", "thought_signature");
        if (const OJ* text = f.take("text")) {
            part = text_part(text_of(text), thought ? "reasoning" : "text");
        } else if (const OJ* data = take2(f, "inlineData", "inline_data")) {
            Fields df(data);
            part.media_type = df.str("mimeType");
            if (part.media_type.empty()) part.media_type = df.str("mime_type");
            media_inline(part, df.take("data"));
            df.rest_into(part.extra);
        } else if (const OJ* file = take2(f, "fileData", "file_data")) {
            Fields ff(file);
            part.media_type = ff.str("mimeType");
            if (part.media_type.empty()) part.media_type = ff.str("mime_type");
            std::string uri = ff.str("fileUri");
            if (uri.empty()) uri = ff.str("file_uri");
            part.source = "file";
            part.ref = uri;
            ff.rest_into(part.extra);
        } else if (const OJ* call = take2(f, "functionCall", "function_call")) {
            Fields cf(call);
            part.type = "tool_call";
            part.id = cf.str("id");
            part.name = cf.str("name");
            part.arguments = args_text(cf.take("args"));
            cf.rest_into(part.extra);
        } else if (const OJ* resp = take2(f, "functionResponse", "function_response")) {
            Fields rf(resp);
            part.type = "tool_result";
            part.id = rf.str("id");
            part.name = rf.str("name");
            part.text = text_of(rf.take("response"));
            rf.rest_into(part.extra);
        } else if (const OJ* tc = take2(f, "toolCall", "tool_call")) {
            // A built-in tool's call and answer (file search, …).
            Fields cf(tc);
            part.type = "tool_call";
            part.server = true;
            part.id = cf.str("id");
            part.name = cf.str("tool_type");
            if (part.name.empty()) part.name = cf.str("toolType");
            part.arguments = args_text(cf.take("args"));
            cf.rest_into(part.extra);
        } else if (const OJ* tr = take2(f, "toolResponse", "tool_response")) {
            Fields rf(tr);
            part.type = "tool_result";
            part.server = true;
            part.id = rf.str("id");
            part.name = rf.str("tool_type");
            part.text = text_of(rf.take("response"));
            rf.rest_into(part.extra);
        } else if (const OJ* code = take2(f, "executableCode", "executable_code")) {
            part.type = "tool_call";
            part.server = true;
            part.name = "code_execution";
            part.arguments = code->dump();
        } else if (const OJ* result = take2(f, "codeExecutionResult", "code_execution_result")) {
            part.type = "tool_result";
            part.server = true;
            part.name = "code_execution";
            part.text = str(member(*result, "output"));
            part.is_error = str(member(*result, "outcome")) != "OUTCOME_OK" && member(*result, "outcome");
        } else {
            part.type = "other";
        }
        if (part.type.empty()) {
            std::string mt = part.media_type;
            part.type = starts_with(mt, "image/") ? "image" : starts_with(mt, "audio/") ? "audio" : "document";
        }
        if (signature)
            part.signature = true;
        else if (part.type == "reasoning")
            part.signature = false;
        f.rest_into(part.extra);
        out.push_back(std::move(part));
    }
}

}  // namespace

void read_gemini_prompt(Prompt& p, const OJ& body) {
    Fields f(body);
    p.model = f.str("model");  // Vertex batch / some gateways; else the URL's
    if (const OJ* sys = take2(f, "systemInstruction", "system_instruction")) {
        std::vector<PromptPart> parts;
        if (sys->is_string())
            parts.push_back(text_part(sys->get<std::string>()));
        else
            parts_of(parts, member(*sys, "parts"));
        for (const auto& part : parts) p.system = join_system(p.system, part.text);
    }
    if (const OJ* contents = f.take("contents")) {
        auto one = [&](const OJ& c) {
            Fields cf(c);
            PromptMessage m;
            m.role = cf.str("role");
            if (m.role.empty()) m.role = "user";
            parts_of(m.parts, cf.take("parts"));
            cf.rest_into(m.extra);
            p.messages.push_back(std::move(m));
        };
        if (contents->is_array()) {
            for (const auto& c : *contents) one(c);
        } else if (contents->is_object()) {
            one(*contents);
        }
    }
    if (const OJ* tools = f.take("tools"); tools && tools->is_array()) {
        for (const auto& t : *tools) {
            if (!t.is_object()) continue;
            for (auto it = t.begin(); it != t.end(); ++it) {
                const std::string& key = it.key();
                if (key == "functionDeclarations" || key == "function_declarations") {
                    if (!it->is_array()) continue;
                    for (const auto& fn : *it) {
                        PromptTool tool = function_tool(fn);
                        if (tool.parameters.empty())
                            tool.parameters = schema_params(member(fn, "parametersJsonSchema"));
                        p.tools.push_back(std::move(tool));
                    }
                } else {
                    PromptTool tool;  // googleSearch, codeExecution, urlContext, retrieval …
                    tool.type = key;
                    tool.name = key;
                    tool.server = true;
                    if (it->is_object() && !it->empty()) tool.description = it->dump();  // its settings
                    p.tools.push_back(std::move(tool));
                }
            }
        }
    }
    if (const OJ* tc = take2(f, "toolConfig", "tool_config")) p.tool_choice = plain(*tc);
    if (const OJ* gc = take2(f, "generationConfig", "generation_config")) {
        Fields g(gc);
        set_param(p, "temperature", g.take("temperature"));
        set_param(p, "top_p", take2(g, "topP", "top_p"));
        set_param(p, "top_k", take2(g, "topK", "top_k"));
        set_param(p, "max_tokens", take2(g, "maxOutputTokens", "max_output_tokens"));
        set_param(p, "stop", take2(g, "stopSequences", "stop_sequences"));
        set_param(p, "seed", g.take("seed"));
        set_param(p, "n", take2(g, "candidateCount", "candidate_count"));
        set_param(p, "presence_penalty", take2(g, "presencePenalty", "presence_penalty"));
        set_param(p, "frequency_penalty", take2(g, "frequencyPenalty", "frequency_penalty"));
        std::string mime = json_read::str(take2(g, "responseMimeType", "response_mime_type"));
        const OJ* schema = take2(g, "responseSchema", "response_schema");
        const OJ* jschema = take2(g, "responseJsonSchema", "response_json_schema");
        if (!mime.empty())
            p.params["response_format"] = mime + (schema || jschema ? " (schema)" : "");
        else if (schema || jschema)
            p.params["response_format"] = "schema";
        if (const OJ* th = take2(g, "thinkingConfig", "thinking_config")) {
            Fields tf(th);
            set_param(p, "thinking_budget", take2(tf, "thinkingBudget", "thinking_budget"));
            set_param(p, "reasoning_effort", take2(tf, "thinkingLevel", "thinking_level"));
            set_param(p, "include_thoughts", take2(tf, "includeThoughts", "include_thoughts"));
            nlohmann::json rest = tf.rest();
            if (!rest.is_null()) p.extra["thinkingConfig"] = rest;
        }
        nlohmann::json rest = g.rest();
        if (!rest.is_null()) p.extra["generationConfig"] = gc->is_object() ? rest : plain(*gc);
    }
    set_param(p, "cached_content", take2(f, "cachedContent", "cached_content"));
    f.rest_into(p.extra);
}

}  // namespace cassette
