// Server-sent events per WHATWG HTML §9.2.6 "Interpreting an event stream".
// One pass over the body; each line is looked at once, so a 500 MB body is
// linear and the only copies are the event fields themselves.
#include "decode/sse.hpp"

#include <cstring>

namespace cassette {

namespace {

// Finds line ends (CRLF, LF or lone CR) without rescanning: the next CR and
// the next LF are each found with memchr and cached until passed, so a body
// using only one kind of line end is not scanned quadratically for the other.
class LineSplitter {
public:
    explicit LineSplitter(std::string_view body) : pos_(body.data()), end_(body.data() + body.size()) {}

    // Next line (without its terminator); false at end of body. `had_end` is
    // false for a last line that the body ends in without a terminator.
    bool next(std::string_view& line, bool& had_end) {
        if (pos_ >= end_) return false;
        const char* cr = find(cr_, '\r');
        const char* lf = find(lf_, '\n');
        const char* stop = cr < lf ? cr : lf;
        line = std::string_view(pos_, static_cast<size_t>(stop - pos_));
        if (stop == end_) {
            had_end = false;
            pos_ = end_;
        } else {
            had_end = true;
            pos_ = stop + 1;
            if (*stop == '\r' && pos_ < end_ && *pos_ == '\n') ++pos_;  // CRLF is one line end
        }
        return true;
    }

private:
    const char* find(const char*& cached, char c) {
        if (cached != nullptr && cached >= pos_) return cached;
        const void* hit = std::memchr(pos_, c, static_cast<size_t>(end_ - pos_));
        cached = hit ? static_cast<const char*>(hit) : end_;
        return cached;
    }

    const char* pos_;
    const char* end_;
    const char* cr_ = nullptr;
    const char* lf_ = nullptr;
};

// `retry` is honoured only when the value is all ASCII digits (WHATWG); an
// empty value or one that overflows int64 is ignored as well.
std::optional<int64_t> parse_retry(std::string_view v) {
    if (v.empty()) return std::nullopt;
    int64_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9') return std::nullopt;
        int d = c - '0';
        if (n > (INT64_MAX - d) / 10) return std::nullopt;
        n = n * 10 + d;
    }
    return n;
}

struct Pending {
    // The WHATWG data buffer without its final "\n": values joined by "\n".
    // (Appending the separator before each later value, not after each one,
    // gives the same text and lets a one-line event allocate exactly once.)
    std::string data;
    bool has_data = false;  // a `data` field was seen (data may be "")
    std::string event;      // event type buffer
    std::optional<std::string> id;
    std::optional<int64_t> retry;
    size_t line = 0;         // first field line of this block
    bool any_field = false;  // a known field was seen since the last blank line

    void clear() { *this = Pending{}; }
};

void dispatch(Pending& p, std::vector<SseEvent>& out) {
    // WHATWG: an empty data buffer dispatches nothing.
    if (p.has_data) {
        SseEvent ev;
        if (!p.event.empty()) ev.event = std::move(p.event);
        ev.data = std::move(p.data);
        ev.id = std::move(p.id);
        ev.retry = p.retry;
        ev.line = p.line;
        out.push_back(std::move(ev));
    }
    p.clear();
}

}  // namespace

SseResult parse_sse(std::string_view body) {
    SseResult result;
    // A single leading UTF-8 BOM is skipped (WHATWG: "One leading U+FEFF BOM
    // character must be ignored if any are present").
    if (body.size() >= 3 && body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);

    LineSplitter lines(body);
    Pending p;
    std::string_view line;
    bool had_end = true;
    size_t line_no = 0;
    while (lines.next(line, had_end)) {
        ++line_no;
        if (line.empty()) {
            dispatch(p, result.events);
            continue;
        }
        if (line.front() == ':') continue;  // comment

        std::string_view name = line;
        std::string_view value;
        if (size_t colon = line.find(':'); colon != std::string_view::npos) {
            name = line.substr(0, colon);
            value = line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        }

        bool known = true;
        if (name == "data") {
            if (p.has_data) p.data.push_back('\n');
            p.data.append(value);
            p.has_data = true;
        } else if (name == "event") {
            p.event.assign(value);
        } else if (name == "id") {
            // WHATWG: an id containing NUL is ignored.
            if (value.find('\0') == std::string_view::npos) p.id = std::string(value);
        } else if (name == "retry") {
            if (auto r = parse_retry(value)) p.retry = r;
        } else {
            known = false;
            std::string shown(name.substr(0, 40));
            result.issues.push_back(
                {line_no, "unknown field \"" + shown + (name.size() > 40 ? "…" : "") + "\" (line ignored)"});
        }
        if (known) {
            if (!p.any_field) p.line = line_no;
            p.any_field = true;
        }
    }

    // A body that ends without the blank line: a browser would drop the event,
    // but a recording is complete, so it is real data (see sse.hpp).
    if (p.any_field) {
        result.terminated = false;
        dispatch(p, result.events);
    }
    return result;
}

}  // namespace cassette
