// Server-sent events, parsed per the WHATWG HTML "server-sent events"
// interpretation rules (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cassette {

struct SseEvent {
    std::string event = "message";  // type; "message" when no `event:` field
    std::string data;               // data lines joined with "\n"
    std::optional<std::string> id;  // the `id:` field given in this event, if any
    std::optional<int64_t> retry;   // the `retry:` field given in this event, if any
    size_t line = 0;                // 1-based line in the body of the event's first field
};

// A line that WHATWG would ignore but that in a recording means corruption:
// non-empty, not a comment, not a data/event/id/retry field.
struct SseIssue {
    size_t line = 0;  // 1-based line in the body
    std::string message;
};

struct SseResult {
    std::vector<SseEvent> events;
    std::vector<SseIssue> issues;
    // false when the body ended inside an event (no blank line after its last
    // field). Unlike a browser we still dispatch that last event: a recording
    // is complete, and its final event is real data.
    bool terminated = true;
};

SseResult parse_sse(std::string_view body);

}  // namespace cassette
