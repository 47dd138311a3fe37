// `cassette grep`: an interaction's fields as a person reads them, searched
// with RE2 (linear time in the text, so a pattern from a script cannot hang
// on a hostile fixture).
#include "search.hpp"

#include "prompt.hpp"

#include <algorithm>
#include <set>

#include <re2/re2.h>

#include "reader.hpp"
#include "util/url.hpp"
#include "util/utf8.hpp"

namespace cassette {

namespace {

const std::vector<std::string> kFieldNames = {"url",      "header", "request",   "prompt",
                                              "response", "text",   "reasoning", "tool"};

void put_json(std::string& out, const nlohmann::json& j, bool indented, int depth) {
    auto newline = [&](int d) {
        if (!indented) return;
        out += '\n';
        out.append(static_cast<size_t>(d) * 2, ' ');
    };
    if (depth > 256) {
        out += "…";
        return;
    }
    switch (j.type()) {
        case nlohmann::json::value_t::object: {
            if (j.empty()) {
                out += "{}";
                return;
            }
            out += '{';
            bool first = true;
            for (const auto& [k, v] : j.items()) {
                if (!first) out += indented ? "," : ", ";
                first = false;
                newline(depth + 1);
                out += '"';
                out += k;
                out += "\": ";
                put_json(out, v, indented, depth + 1);
            }
            newline(depth);
            out += '}';
            return;
        }
        case nlohmann::json::value_t::array: {
            if (j.empty()) {
                out += "[]";
                return;
            }
            out += '[';
            bool first = true;
            for (const auto& v : j) {
                if (!first) out += indented ? "," : ", ";
                first = false;
                newline(depth + 1);
                put_json(out, v, indented, depth + 1);
            }
            newline(depth);
            out += ']';
            return;
        }
        case nlohmann::json::value_t::string:
            out += '"';
            out += j.get_ref<const std::string&>();
            out += '"';
            return;
        default: out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
}

void stream_data(std::string& out, std::string_view data) {
    if (auto j = parse_json(data)) {
        put_json(out, *j, false, 0);
    } else if (is_valid_utf8(data)) {
        out += data;
    }
}

const char* kPromptKeys[] = {"content", "text", "prompt", "input", "instructions", "system", "message"};

bool prompt_key(const std::string& k) {
    for (const char* p : kPromptKeys)
        if (k == p) return true;
    return false;
}

void collect_prompt(const nlohmann::json& j, bool under_key, std::string& out, int depth) {
    if (depth > 128) return;
    if (j.is_string()) {
        if (!under_key) return;
        if (!out.empty()) out += '\n';
        out += j.get_ref<const std::string&>();
    } else if (j.is_array()) {
        // A list of strings under a prompt key ("input": ["a", "b"]) is text too.
        for (const auto& v : j) collect_prompt(v, under_key, out, depth + 1);
    } else if (j.is_object()) {
        for (const auto& [k, v] : j.items()) collect_prompt(v, prompt_key(k), out, depth + 1);
    }
}

int first_known(std::initializer_list<int> lines) {
    for (int l : lines)
        if (l > 0) return l;
    return 0;
}

void add_tool_texts(std::vector<FieldText>& out, const std::vector<ToolCall>& calls, int line) {
    for (const auto& c : calls) {
        std::string text = c.name;
        if (!c.arguments.empty()) {
            text += ' ';
            if (auto j = parse_json(c.arguments))
                put_json(text, *j, false, 0);
            else
                text += c.arguments;
        }
        out.push_back({Field::tool, std::move(text), line});
    }
}

}  // namespace

const std::vector<std::string>& field_names() { return kFieldNames; }

const char* field_name(Field f) { return kFieldNames[static_cast<size_t>(f)].c_str(); }

bool field_from_name(std::string_view name, Field& out) {
    for (size_t i = 0; i < kFieldNames.size(); ++i)
        if (kFieldNames[i] == name) {
            out = static_cast<Field>(i);
            return true;
        }
    return false;
}

std::string unescaped_json(const nlohmann::json& j, bool indented) {
    std::string out;
    put_json(out, j, indented, 0);
    return out;
}

std::string decoded_body_text(const DecodedBody& b) {
    switch (b.kind) {
        case BodyKind::empty:
        case BodyKind::binary: return {};
        case BodyKind::json: return b.json ? unescaped_json(*b.json, true) : b.text;
        case BodyKind::text: return b.text;
        case BodyKind::sse:
        case BodyKind::eventstream:
        case BodyKind::ndjson:
        case BodyKind::json_stream: {
            std::string out;
            for (const auto& e : b.events) {
                if (!e.event.empty() && e.event != "message") out += "event: " + e.event + "\n";
                if (b.kind == BodyKind::sse || b.kind == BodyKind::eventstream) out += "data: ";
                stream_data(out, e.data);
                out += '\n';
            }
            if (b.events.empty() && is_valid_utf8(b.text)) return b.text;
            return out;
        }
    }
    return {};
}

std::string request_prompt_text(InteractionView& v) {
    const DecodedBody& rq = v.request();
    std::string out;
    // The normalized prompt of a recognised API (lib/prompt.hpp): system
    // text, message texts, tool results and tool-call arguments in order.
    if (auto prompt = read_prompt(v.interaction(), v.response(), &rq)) {
        for (const auto& text : prompt_texts(*prompt)) {
            if (text.empty()) continue;
            if (!out.empty()) out += '\n';
            out += text;
        }
        return out;
    }
    // Otherwise the strings under the keys prompts are usually sent in.
    if (rq.json) collect_prompt(*rq.json, false, out, 0);
    return out;
}

std::vector<FieldText> interaction_fields(InteractionView& v, FieldSet fields) {
    const Interaction& ix = v.interaction();
    const int request_line =
        first_known({ix.request.body.pos.line, ix.request.body.key_pos.line, ix.request.pos.line, ix.pos.line});
    const int response_line =
        first_known({ix.response.body.pos.line, ix.response.body.key_pos.line, ix.response.pos.line, ix.pos.line});
    auto want = [&](Field f) { return (fields & field_bit(f)) != 0; };
    std::vector<FieldText> out;
    if (want(Field::url)) {
        // Percent-escapes decoded ("%3A" a ':'; '+' kept): the URL as read.
        std::string url = ix.request.url.find('%') == std::string::npos
                              ? ix.request.url
                              : percent_decode(ix.request.url, PercentMode::path);
        out.push_back(
            {Field::url, std::move(url), first_known({ix.request.url_pos.line, ix.request.pos.line, ix.pos.line})});
    }
    if (want(Field::header)) {
        for (const Headers* hs : {&ix.request.headers, &ix.response.headers})
            for (const auto& h : hs->items) {
                int line =
                    first_known({h.pos.line, hs == &ix.request.headers ? ix.request.pos.line : ix.response.pos.line});
                if (h.values.empty()) out.push_back({Field::header, h.name + ":", line});
                for (const auto& value : h.values) out.push_back({Field::header, h.name + ": " + value, line});
            }
    }
    if (want(Field::request) && !ix.request.body.bytes.empty())
        out.push_back({Field::request, decoded_body_text(v.request()), request_line});
    if (want(Field::prompt) && !ix.request.body.bytes.empty()) {
        std::string prompt = request_prompt_text(v);
        if (!prompt.empty()) out.push_back({Field::prompt, std::move(prompt), request_line});
    }
    if (want(Field::response) && !ix.response.body.bytes.empty())
        out.push_back({Field::response, decoded_body_text(v.response()), response_line});
    if (want(Field::text) || want(Field::reasoning) || want(Field::tool)) {
        if (const Message* m = v.message()) {
            auto strings = [&](Field f, const std::string& own, std::string Choice::*member) {
                if (!want(f)) return;
                if (m->choices.size() > 1) {
                    for (const auto& c : m->choices)
                        if (!(c.*member).empty()) out.push_back({f, c.*member, response_line});
                } else if (!own.empty()) {
                    out.push_back({f, own, response_line});
                }
            };
            strings(Field::text, m->text, &Choice::text);
            strings(Field::reasoning, m->reasoning, &Choice::reasoning);
            if (want(Field::tool)) {
                if (m->choices.size() > 1)
                    for (const auto& c : m->choices) add_tool_texts(out, c.tool_calls, response_line);
                else
                    add_tool_texts(out, m->tool_calls, response_line);
                add_tool_texts(out, m->server_tool_calls, response_line);
            }
        }
    }
    return out;
}

// ---- Pattern ------------------------------------------------------------------

Pattern::Pattern(const std::string& pattern, const PatternOptions& opts) {
    std::string body = opts.fixed ? RE2::QuoteMeta(pattern) : pattern;
    if (opts.word) body = "\\b(?:" + body + ")\\b";
    RE2::Options o;
    o.set_log_errors(false);
    o.set_case_sensitive(!opts.ignore_case);
    o.set_encoding(RE2::Options::EncodingUTF8);
    re_ = std::make_unique<RE2>("(?m)" + body, o);
    if (!re_->ok()) error_ = re_->error();
}

Pattern::~Pattern() = default;

bool Pattern::ok() const { return re_ && re_->ok(); }

std::vector<std::pair<size_t, size_t>> Pattern::find_all(std::string_view text) const {
    std::vector<std::pair<size_t, size_t>> out;
    if (!ok()) return out;
    re2::StringPiece input(text.data(), text.size());
    size_t pos = 0;
    while (pos <= text.size()) {
        re2::StringPiece m;
        if (!re_->Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1)) break;
        size_t begin = static_cast<size_t>(m.data() - text.data());
        size_t end = begin + m.size();
        out.emplace_back(begin, end);
        if (end > begin) {
            pos = end;
        } else {
            // An empty match: step over one whole character.
            pos = end + 1;
            while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
        }
    }
    return out;
}

// ---- Searching ----------------------------------------------------------------

namespace {

// Drops the spans of `body` whose text equals a span of one of `derived`:
// what the message (or prompt) says is reported there, however often the
// body repeats it (a stream's deltas, its "done" events, its final object).
void cancel_duplicates(
    const FieldText& body, std::vector<std::pair<size_t, size_t>>& body_spans,
    const std::vector<std::pair<const FieldText*, std::vector<std::pair<size_t, size_t>>*>>& derived) {
    std::set<std::string_view> found;
    for (const auto& [field, spans] : derived)
        for (const auto& [b, e] : *spans) found.insert(std::string_view(field->text).substr(b, e - b));
    if (found.empty()) return;
    std::vector<std::pair<size_t, size_t>> kept;
    for (const auto& [b, e] : body_spans)
        if (!found.count(std::string_view(body.text).substr(b, e - b))) kept.emplace_back(b, e);
    body_spans = std::move(kept);
}

FieldHits to_hits(const FieldText& f, const std::vector<std::pair<size_t, size_t>>& spans) {
    FieldHits h;
    h.field = f.field;
    h.line = f.line;
    h.matches = spans.size();
    std::vector<size_t> starts;
    size_t start = 0;
    for (;;) {
        starts.push_back(start);
        size_t nl = f.text.find('\n', start);
        if (nl == std::string::npos) {
            h.lines.push_back(f.text.substr(start));
            break;
        }
        h.lines.push_back(f.text.substr(start, nl - start));
        start = nl + 1;
    }
    for (const auto& [b, e] : spans) {
        size_t line = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), b) - starts.begin()) - 1;
        size_t lb = b - starts[line];
        size_t le = std::min(e - starts[line], h.lines[line].size());
        if (h.hits.empty() || h.hits.back().line != line) h.hits.push_back({line, {}});
        h.hits.back().spans.emplace_back(lb, std::max(lb, le));
    }
    return h;
}

}  // namespace

InteractionHits search_interaction(InteractionView& v, const Pattern& p, FieldSet fields) {
    InteractionHits out;
    out.index = v.interaction().index;
    std::vector<FieldText> texts = interaction_fields(v, fields);
    std::vector<std::vector<std::pair<size_t, size_t>>> spans(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) spans[i] = p.find_all(texts[i].text);

    auto derived_of = [&](std::initializer_list<Field> kinds) {
        std::vector<std::pair<const FieldText*, std::vector<std::pair<size_t, size_t>>*>> d;
        for (size_t i = 0; i < texts.size(); ++i)
            if (std::find(kinds.begin(), kinds.end(), texts[i].field) != kinds.end() && !spans[i].empty())
                d.emplace_back(&texts[i], &spans[i]);
        return d;
    };
    for (size_t i = 0; i < texts.size(); ++i) {
        if (spans[i].empty()) continue;
        if (texts[i].field == Field::response)
            cancel_duplicates(texts[i], spans[i], derived_of({Field::text, Field::reasoning, Field::tool}));
        if (texts[i].field == Field::request) cancel_duplicates(texts[i], spans[i], derived_of({Field::prompt}));
    }
    for (size_t i = 0; i < texts.size(); ++i)
        if (!spans[i].empty()) out.fields.push_back(to_hits(texts[i], spans[i]));
    return out;
}

FileSearch search_file(const std::string& path, const Pattern& p, FieldSet fields, const InteractionFilter& filter,
                       const ReadOptions& ropts) {
    FileSearch out;
    out.path = path;
    OrderedWork<Interaction, std::optional<InteractionHits>> work(
        [&](const Interaction& ix) -> std::optional<InteractionHits> {
            InteractionView v(ix);
            if (!filter_accepts(filter, v)) return std::nullopt;
            InteractionHits h = search_interaction(v, p, fields);
            if (h.fields.empty()) return std::nullopt;
            return h;
        },
        [&](Interaction&&, std::optional<InteractionHits>&& h) {
            if (!h) return;
            for (const auto& f : h->fields) {
                out.matches += f.matches;
                out.matching_lines += f.hits.size();
            }
            out.interactions.push_back(std::move(*h));
        },
        work_options(ropts));
    Cassette c = read_cassette_through(path, work, ropts);
    out.problems = std::move(c.problems);
    return out;
}

}  // namespace cassette
