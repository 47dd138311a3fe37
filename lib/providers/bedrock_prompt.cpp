// The request side of AWS Bedrock Converse / ConverseStream read into the
// normalized Prompt (docs/message.md). Shapes follow the Converse API
// reference (ContentBlock, SystemContentBlock, ToolConfiguration).
#include "providers/prompt_read.hpp"

namespace cassette {

namespace {

using namespace prompt_read;

std::string at(const std::string& where, size_t i) { return where + "[" + std::to_string(i) + "]"; }

// image/document/video {format, name?, source{bytes|s3Location|text|content}}.
void media(PromptPart& part, const OJ& m) {
    Fields f(m);
    part.media_type = f.str("format");
    std::string name = f.str("name");
    if (!name.empty()) part.name = name;
    Fields sf(f.take("source"));
    if (const OJ* bytes = sf.take("bytes")) {
        media_inline(part, bytes);
    } else if (const OJ* s3 = sf.take("s3Location")) {
        part.source = "url";
        part.ref = str(member(*s3, "uri"));
    } else if (const OJ* text = sf.take("text")) {
        part.source = "inline";
        part.text = text_of(text);
        part.size = static_cast<int64_t>(part.text.size());
    }
    sf.rest_into(part.extra);
    f.rest_into(part.extra);
}

void content(Prompt& p, std::vector<PromptPart>& parts, const OJ* blocks, const std::string& where) {
    if (!blocks || !blocks->is_array()) return;
    for (size_t i = 0; i < blocks->size(); ++i) {
        const OJ& b = (*blocks)[i];
        Fields f(b);
        PromptPart part;
        if (const OJ* cp = f.take("cachePoint")) {
            // A cache point marks the blocks before it.
            add_cache(p, at(where, i), cp);
            continue;
        }
        if (const OJ* text = f.take("text")) {
            part = text_part(text_of(text));
        } else if (const OJ* cc = f.take("citationsContent")) {
            // Text with its citations, as a model answered it.
            Fields cf(cc);
            part = text_part("");
            if (const OJ* c = cf.take("content"); c && c->is_array())
                for (const auto& x : *c) part.text += str(member(x, "text"));
            cf.rest_into(part.extra);
        } else if (const OJ* img = f.take("image")) {
            part.type = "image";
            media(part, *img);
        } else if (const OJ* doc = f.take("document")) {
            part.type = "document";
            media(part, *doc);
        } else if (const OJ* vid = f.take("video")) {
            part.type = "video";
            media(part, *vid);
            part.type = "document";
            part.name = part.name.empty() ? "video" : part.name;
        } else if (const OJ* use = f.take("toolUse")) {
            Fields uf(use);
            part.type = "tool_call";
            part.id = uf.str("toolUseId");
            part.name = uf.str("name");
            part.arguments = args_text(uf.take("input"));
            uf.rest_into(part.extra);
        } else if (const OJ* res = f.take("toolResult")) {
            Fields rf(res);
            part.type = "tool_result";
            part.id = rf.str("toolUseId");
            part.is_error = rf.str("status") == "error";
            if (const OJ* c = rf.take("content"); c && c->is_array()) {
                for (const auto& x : *c) {
                    if (const OJ* j = member(x, "json")) {
                        part.text += j->dump();
                        continue;
                    }
                    std::vector<PromptPart> inner;
                    OJ one = OJ::array({x});
                    content(p, inner, &one, at(where, i) + ".content");
                    for (const auto& q : inner) part.text += q.type == "text" ? q.text : "[" + media_label(q) + "]";
                }
            }
            rf.rest_into(part.extra);
        } else if (const OJ* rc = f.take("reasoningContent")) {
            Fields rf(rc);
            part.type = "reasoning";
            if (const OJ* rt = rf.take("reasoningText")) {
                part.text = str(member(*rt, "text"));
                part.signature = member(*rt, "signature") != nullptr;
            }
            if (rf.take("redactedContent")) part.signature = true;
            rf.rest_into(part.extra);
        } else {
            part.type = "other";
            if (b.is_object() && !b.empty()) part.name = b.begin().key();
            part.extra = plain(b);
            parts.push_back(std::move(part));
            continue;
        }
        f.rest_into(part.extra);
        parts.push_back(std::move(part));
    }
}

}  // namespace

void read_bedrock_converse_prompt(Prompt& p, const OJ& body) {
    Fields f(body);
    p.model = f.str("modelId");
    if (const OJ* sys = f.take("system"); sys && sys->is_array()) {
        std::vector<PromptPart> parts;
        content(p, parts, sys, "system");
        for (const auto& part : parts) p.system = join_system(p.system, part.text);
    }
    if (const OJ* messages = f.take("messages"); messages && messages->is_array()) {
        for (const auto& msg : *messages) {
            Fields mf(msg);
            PromptMessage m;
            m.role = mf.str("role");
            content(p, m.parts, mf.take("content"), "messages[" + std::to_string(p.messages.size()) + "].parts");
            mf.rest_into(m.extra);
            p.messages.push_back(std::move(m));
        }
    }
    if (const OJ* ic = f.take("inferenceConfig")) {
        Fields g(ic);
        set_param(p, "max_tokens", g.take("maxTokens"));
        set_param(p, "temperature", g.take("temperature"));
        set_param(p, "top_p", g.take("topP"));
        set_param(p, "stop", g.take("stopSequences"));
        nlohmann::json rest = g.rest();
        if (!rest.is_null()) p.extra["inferenceConfig"] = rest;
    }
    if (const OJ* tc = f.take("toolConfig")) {
        Fields tf(tc);
        if (const OJ* tools = tf.take("tools"); tools && tools->is_array()) {
            for (size_t i = 0; i < tools->size(); ++i) {
                const OJ& t = (*tools)[i];
                if (const OJ* cp = member(t, "cachePoint")) {
                    add_cache(p, at("tools", i), cp);
                    continue;
                }
                if (const OJ* spec = member(t, "toolSpec")) {
                    PromptTool tool = function_tool(*spec, "inputSchema");
                    tool.parameters = schema_params(member(member(*spec, "inputSchema"), "json"));
                    p.tools.push_back(std::move(tool));
                } else if (t.is_object() && !t.empty()) {
                    PromptTool tool;  // systemTool …
                    tool.type = t.begin().key();
                    tool.name = str(member(*t.begin(), "name"));
                    if (tool.name.empty()) tool.name = tool.type;
                    tool.server = true;
                    p.tools.push_back(std::move(tool));
                }
            }
        }
        if (const OJ* choice = tf.take("toolChoice")) p.tool_choice = plain(*choice);
        nlohmann::json rest = tf.rest();
        if (!rest.is_null()) p.extra["toolConfig"] = rest;
    }
    if (const OJ* amr = f.take("additionalModelRequestFields")) {
        Fields af(amr);
        // Claude's thinking, passed through.
        if (const OJ* th = af.take("thinking")) {
            if (const OJ* budget = member(*th, "budget_tokens"))
                p.params["thinking_budget"] = plain(*budget);
            else
                p.params["thinking"] = plain(*th);
        }
        if (const OJ* rc = af.take("reasoning_config")) {
            if (const OJ* budget = member(*rc, "budget_tokens"))
                p.params["thinking_budget"] = plain(*budget);
            else if (const OJ* effort = member(*rc, "maxReasoningEffort"))
                p.params["reasoning_effort"] = plain(*effort);
            else
                p.params["thinking"] = plain(*rc);
        }
        set_param(p, "top_k", af.take("top_k"));
        set_param(p, "reasoning_effort", af.take("reasoning_effort"));
        nlohmann::json rest = af.rest();
        if (!rest.is_null()) p.extra["additionalModelRequestFields"] = amr->is_object() ? rest : plain(*amr);
    }
    f.rest_into(p.extra);
}

}  // namespace cassette
