#include "formats/govcr_reader.hpp"

#include <charconv>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include <nlohmann/json.hpp>

#include "formats/field_convert.hpp"
#include "formats/yaml_fast.hpp"

namespace cassette {

namespace {

// An unknown key kept verbatim, typed as Go's yaml would have read it.
ExtraField extra(const YamlNode& key, const YamlNode& value) {
    return ExtraField{key.value, go_yaml_json(value).dump(), key.pos};
}

// The fields go-vcr's Request and Response share (net/http's message fields).
// True when `key` was one of them.
template <typename Message>
bool http_message_field(FieldConvert& cv, const std::string& key, const YamlNode& v, Message& r) {
    if (key == "proto")
        r.proto = cv.string(v, key);
    else if (key == "proto_major")
        r.proto_major = cv.integer(v, key);
    else if (key == "proto_minor")
        r.proto_minor = cv.integer(v, key);
    else if (key == "content_length") {
        r.content_length_pos = v.pos;
        r.content_length = cv.integer(v, key);
    } else if (key == "transfer_encoding")
        r.transfer_encoding = cv.string_list(v, key);
    else if (key == "trailer")
        r.trailer = cv.values_map(v, key);
    else
        return false;
    return true;
}

void convert_request(FieldConvert& cv, YamlNode& node, Request& r) {
    if (!node.is_mapping()) {
        cv.problem(node.pos, std::string("`request` must be a mapping, found ") + node.kind_name());
        return;
    }
    bool has_url = false, has_method = false;
    for (size_t i = 0; i + 1 < node.children.size(); i += 2) {
        YamlNode& k = node.children[i];
        YamlNode& v = node.children[i + 1];
        const std::string& key = k.value;
        if (!k.is_scalar()) {
            cv.problem(k.pos, "mapping keys in `request` must be strings");
        } else if (key == "body") {
            cv.body(k, v, r.body);
        } else if (key == "url") {
            has_url = true;
            r.url_pos = v.pos;
            if (auto s = cv.string(v, key)) r.url = *s;
        } else if (key == "method") {
            has_method = true;
            if (auto s = cv.string(v, key)) r.method = *s;
        } else if (key == "headers") {
            r.headers_pos = k.pos;
            cv.headers(v, r.headers);
        } else if (key == "form") {
            r.form = cv.values_map(v, key);
        } else if (http_message_field(cv, key, v, r)) {
        } else if (key == "host") {
            r.host = cv.string(v, key);
        } else if (key == "remote_addr") {
            r.remote_addr = cv.string(v, key);
        } else if (key == "request_uri") {
            r.request_uri = cv.string(v, key);
        } else {
            r.extra.push_back(extra(k, v));
        }
    }
    if (!has_url) cv.problem(node.pos, "`request` has no `url`");
    if (!has_method) cv.problem(node.pos, "`request` has no `method`");
}

void convert_response(FieldConvert& cv, YamlNode& node, Response& r) {
    if (!node.is_mapping()) {
        cv.problem(node.pos, std::string("`response` must be a mapping, found ") + node.kind_name());
        return;
    }
    bool has_code = false;
    for (size_t i = 0; i + 1 < node.children.size(); i += 2) {
        YamlNode& k = node.children[i];
        YamlNode& v = node.children[i + 1];
        const std::string& key = k.value;
        if (!k.is_scalar()) {
            cv.problem(k.pos, "mapping keys in `response` must be strings");
        } else if (key == "body") {
            cv.body(k, v, r.body);
        } else if (key == "headers") {
            r.headers_pos = k.pos;
            cv.headers(v, r.headers);
        } else if (key == "status") {
            r.status_pos = v.pos;
            if (auto s = cv.string(v, key)) r.status = *s;
        } else if (key == "code") {
            has_code = true;
            r.code_pos = v.pos;
            r.code = cv.integer(v, key);
        } else if (key == "duration") {
            r.duration_pos = v.pos;
            if (v.is_scalar() && !v.is_null()) {
                r.duration = v.value;
                int64_t ns = 0;
                auto [p, ec] = std::from_chars(v.value.data(), v.value.data() + v.value.size(), ns);
                if (ec == std::errc() && p == v.value.data() + v.value.size() && v.style == ScalarStyle::plain) {
                    r.duration_ms = static_cast<double>(ns) / 1e6;  // a bare integer is nanoseconds (time.Duration)
                } else {
                    r.duration_ms = parse_go_duration_ms(v.value);  // "" stays unknown
                }
            } else if (v.is_null()) {
                r.duration = std::string();
            } else {
                cv.problem(v.pos, std::string("`duration` must be a Go duration such as 1.5s, found ") + v.kind_name());
            }
        } else if (http_message_field(cv, key, v, r)) {
        } else if (key == "uncompressed") {
            r.uncompressed = cv.boolean(v, key);
        } else {
            r.extra.push_back(extra(k, v));
        }
    }
    if (!has_code) cv.problem(node.pos, "`response` has no `code`");
}

Interaction convert_interaction(Cassette& c, YamlNode& node, size_t index) {
    Interaction ix;
    ix.index = index;
    ix.pos = node.pos;
    FieldConvert cv(c, index, YamlDialect::go_vcr);
    if (!node.is_mapping()) {
        cv.problem(node.pos, std::string("an interaction must be a mapping, found ") + node.kind_name());
        return ix;
    }
    bool has_request = false, has_response = false;
    for (size_t i = 0; i + 1 < node.children.size(); i += 2) {
        YamlNode& k = node.children[i];
        YamlNode& v = node.children[i + 1];
        if (key_is(k, "id")) {
            ix.id_pos = v.pos;
            ix.id = cv.integer(v, "id");
        } else if (key_is(k, "request")) {
            has_request = true;
            ix.request.pos = k.pos;
            convert_request(cv, v, ix.request);
        } else if (key_is(k, "response")) {
            has_response = true;
            ix.response.pos = k.pos;
            convert_response(cv, v, ix.response);
        } else {
            ix.extra.push_back(extra(k, v));
        }
    }
    if (!has_request) cv.problem(node.pos, "interaction has no `request`");
    if (!has_response) cv.problem(node.pos, "interaction has no `response`");
    return ix;
}

// ---- the interaction pipeline ------------------------------------------------
//
// Past the first megabyte of interactions, YAML parsing and field conversion
// move to a second thread and the caller's thread only runs the sink (body
// decoding, reassembly, output), so a long cassette takes about the longer of
// the two instead of their sum. The sink still runs on the caller's thread, in
// order, and sees the same Cassette state as before: the producer converts
// into a scratch Cassette and hands each interaction's problems over with it.
// Interactions travel in batches of about 256 KiB, so that a thread waits
// or wakes once per batch, not per interaction, and at most kPipelineDepth
// batches wait: memory stays about a MiB plus the largest interaction.

constexpr uint64_t kPipelineAfterBytes = 1u << 20;
constexpr size_t kPipelineDepth = 4;
constexpr size_t kBatchBytes = size_t{256} << 10;
constexpr size_t kBatchItems = 256;

struct Handoff {
    Interaction ix;
    std::vector<Problem> problems;  // this interaction's, in order
};
using Batch = std::vector<Handoff>;

class Pipe {
public:
    // Producer: false when the consumer gave up (stop producing).
    bool push(Batch&& b) {
        std::unique_lock<std::mutex> lock(m_);
        space_.wait(lock, [&] { return q_.size() < kPipelineDepth || cancelled_; });
        if (cancelled_) return false;
        q_.push_back(std::move(b));
        ready_.notify_one();
        return true;
    }
    void finish(size_t count, std::exception_ptr error) {
        std::lock_guard<std::mutex> lock(m_);
        done_ = true;
        count_ = count;
        error_ = std::move(error);
        ready_.notify_one();
    }
    // Consumer: false once the producer finished and the queue is empty.
    bool pop(Batch& out) {
        std::unique_lock<std::mutex> lock(m_);
        ready_.wait(lock, [&] { return !q_.empty() || done_; });
        if (q_.empty()) return false;
        out = std::move(q_.front());
        q_.pop_front();
        space_.notify_one();
        return true;
    }
    void cancel() {
        std::lock_guard<std::mutex> lock(m_);
        cancelled_ = true;
        space_.notify_one();
    }
    size_t count() const { return count_; }
    std::exception_ptr error() const { return error_; }

private:
    std::mutex m_;
    std::condition_variable ready_, space_;
    std::deque<Batch> q_;
    bool done_ = false, cancelled_ = false;
    size_t count_ = 0;
    std::exception_ptr error_;
};

bool pipeline_worthwhile(const YamlEventStream& ys, size_t index) {
    static const bool several_cores = std::thread::hardware_concurrency() > 1;
    return several_cores && index > 0 && ys.current().start_mark.index >= kPipelineAfterBytes;
}

// Reads the rest of the interactions list (the current event starts item
// `index`) on a second thread; returns the interaction count, or nullopt when
// no thread could be started (the caller goes on alone).
std::optional<size_t> read_rest_pipelined(YamlEventStream& ys, Cassette& c, size_t index, const InteractionSink& sink) {
    Pipe pipe;
    auto produce = [&ys, &pipe, index] {
        size_t i = index;
        Batch batch;
        try {
            Cassette scratch;
            size_t batch_bytes = 0;
            bool first = true;
            while (first || ys.next().type != YAML_SEQUENCE_END_EVENT) {
                first = false;
                YamlNode node = ys.build_node();
                Handoff h;
                h.ix = convert_interaction(scratch, node, i++);
                h.problems = std::move(scratch.problems);
                scratch.problems.clear();
                batch_bytes += body_bytes(h.ix);
                batch.push_back(std::move(h));
                if (batch_bytes >= kBatchBytes || batch.size() >= kBatchItems) {
                    if (!pipe.push(std::move(batch))) return;
                    batch.clear();
                    batch_bytes = 0;
                }
            }
            if (!batch.empty() && !pipe.push(std::move(batch))) return;
            pipe.finish(i, nullptr);
        } catch (...) {
            // What was read before the error still reaches the sink, first.
            if (!batch.empty() && !pipe.push(std::move(batch))) return;
            pipe.finish(i, std::current_exception());
        }
    };
    std::thread producer;
    try {
        producer = std::thread(produce);
    } catch (const std::system_error&) {
        return std::nullopt;
    }
    try {
        Batch batch;
        while (pipe.pop(batch)) {
            for (Handoff& h : batch) {
                for (auto& p : h.problems) c.problems.push_back(std::move(p));
                sink(std::move(h.ix));
            }
        }
    } catch (...) {
        pipe.cancel();
        producer.join();
        throw;
    }
    producer.join();
    if (pipe.error()) std::rethrow_exception(pipe.error());
    return pipe.count();
}

}  // namespace

bool govcr_sniff(std::string_view head) {
    // go-vcr writes `version:` and `interactions:` as top-level keys, in that
    // order; hand-written files may swap them. Accept either at column 0.
    auto at_line_start = [&](std::string_view key) {
        size_t pos = 0;
        while ((pos = head.find(key, pos)) != std::string_view::npos) {
            if (pos == 0 || head[pos - 1] == '\n') return true;
            pos += key.size();
        }
        return false;
    };
    return at_line_start("interactions:") || at_line_start("version:");
}

namespace {

// What a read has seen so far, carried from the fast reader to libyaml when
// the fast one hands over mid-file.
struct GovcrState {
    bool header_sent = false;
    bool has_version = false;
    bool has_interactions = false;
};

// Where the fast reader stopped: top-level keys read whole, and interactions
// of the next key (`interactions`) already handed to the sink.
struct Resume {
    size_t keys = 0;
    size_t items = 0;
};

void send_header(const Cassette& c, GovcrState& st, const ReadOptions& opts) {
    if (!st.header_sent && opts.on_header) opts.on_header(c);
    st.header_sent = true;
}

// A top-level key other than `interactions`.
void top_level_field(Cassette& c, GovcrState& st, const YamlNode& key, const YamlNode& v) {
    FieldConvert top(c, std::nullopt, YamlDialect::go_vcr);
    if (key_is(key, "version")) {
        st.has_version = true;
        c.version_pos = v.pos;
        if (auto n = top.integer(v, "version")) {
            c.version = *n;
            if (*n != 1 && *n != 2)
                top.problem(v.pos, "unknown go-vcr cassette version " + std::to_string(*n) + " (known: 1, 2)");
        }
    } else {
        c.extra.push_back(extra(key, v));
    }
}

void finish_top_level(Cassette& c, GovcrState& st, const ReadOptions& opts) {
    FieldConvert top(c, std::nullopt, YamlDialect::go_vcr);
    if (!st.has_version)
        top.problem(Position{1, 1}, "no `version` key: go-vcr cassettes start with `version: 1` or `version: 2`");
    if (!st.has_interactions) top.problem(Position{1, 1}, "no `interactions` key");
    send_header(c, st, opts);
}

// The libyaml reader, from the start or from where the fast one stopped
// (`from`: what it already read is parsed past, not built or handed over again).
void read_events(YamlEventStream& ys, Cassette& c, GovcrState& st, const Resume& from, const InteractionSink& sink,
                 const ReadOptions& opts) {
    ys.next();  // STREAM_START
    if (ys.next().type == YAML_STREAM_END_EVENT) ys.fail(Position{1, 1}, "empty file: no YAML document", "schema");
    // DOCUMENT_START
    const yaml_event_t& root = ys.next();
    if (root.type != YAML_MAPPING_START_EVENT)
        ys.fail(ys.position(), "expected a mapping with `version` and `interactions` at the top level", "schema");

    size_t key_index = 0;
    while (ys.next().type != YAML_MAPPING_END_EVENT) {
        if (key_index++ < from.keys) {
            ys.skip_node();
            ys.next();
            ys.skip_node();
            continue;
        }
        YamlNode key = ys.build_node();
        ys.next();
        if (key_is(key, "interactions")) {
            st.has_interactions = true;
            const yaml_event_t& ev = ys.current();
            if (ev.type == YAML_SEQUENCE_START_EVENT) {
                size_t index = 0;
                bool try_pipeline = true;
                while (ys.next().type != YAML_SEQUENCE_END_EVENT) {
                    if (index < from.items) {
                        ys.skip_node();
                        ++index;
                        continue;
                    }
                    if (try_pipeline && pipeline_worthwhile(ys, index)) {
                        try_pipeline = false;
                        if (auto n = read_rest_pipelined(ys, c, index, sink)) {
                            index = *n;
                            break;
                        }
                    }
                    YamlNode node = ys.build_node();
                    Interaction ix = convert_interaction(c, node, index++);
                    send_header(c, st, opts);
                    sink(std::move(ix));
                }
                c.interaction_count = index;
            } else {
                YamlNode v = ys.build_node();
                if (!v.is_null()) {
                    FieldConvert top(c, std::nullopt, YamlDialect::go_vcr);
                    top.problem(v.pos, std::string("`interactions` must be a list, found ") + v.kind_name());
                }
            }
        } else {
            YamlNode v = ys.build_node();
            top_level_field(c, st, key, v);
        }
    }
    finish_top_level(c, st, opts);
    ys.next();  // DOCUMENT_END
    if (ys.next().type != YAML_STREAM_END_EVENT)
        ys.fail(ys.position(), "more than one YAML document in the file; a cassette is one document", "schema");
}

}  // namespace

Cassette govcr_read(YamlEventStream& ys, const std::string& name, const InteractionSink& sink,
                    const ReadOptions& opts) {
    Cassette c;
    c.path = name;
    c.format = "go-vcr";
    GovcrState st;
    read_events(ys, c, st, Resume{}, sink, opts);
    return c;
}

Cassette govcr_read_text(std::string_view text, const std::string& name, const InteractionSink& sink,
                         const ReadOptions& opts, const std::function<std::unique_ptr<YamlEventStream>()>& libyaml,
                         const std::function<void(size_t)>& progress) {
    Cassette c;
    c.path = name;
    c.format = "go-vcr";
    GovcrState st;
    Resume at;
    try {
        FastYaml fy(text, opts.max_depth);
        fy.start();
        YamlNode key;
        auto hand_over = [&](YamlNode& node) {
            Interaction ix = convert_interaction(c, node, at.items++);
            send_header(c, st, opts);
            sink(std::move(ix));
            if (progress) progress(fy.offset());
        };
        while (fy.top_key(key)) {
            if (key_is(key, "interactions")) {
                st.has_interactions = true;
                if (fy.sequence_begin(0)) {
                    YamlNode node;
                    while (fy.sequence_item(node)) hand_over(node);
                } else {
                    YamlNode v;
                    fy.value(0, v);
                    if (v.is_sequence()) {
                        for (YamlNode& item : v.children) hand_over(item);
                    } else if (!v.is_null()) {
                        FieldConvert top(c, std::nullopt, YamlDialect::go_vcr);
                        top.problem(v.pos, std::string("`interactions` must be a list, found ") + v.kind_name());
                    }
                }
                c.interaction_count = at.items;
            } else {
                YamlNode v;
                fy.value(0, v);
                top_level_field(c, st, key, v);
            }
            ++at.keys;
            at.items = 0;
            key = YamlNode{};
        }
        finish_top_level(c, st, opts);
        return c;
    } catch (const FastYamlUnsupported&) {
        // Outside the subset: libyaml reads on from where this stopped.
    }
    std::unique_ptr<YamlEventStream> ys = libyaml();
    read_events(*ys, c, st, at, sink, opts);
    return c;
}

}  // namespace cassette
