// AWS event stream framing (application/vnd.amazon.eventstream), as used by
// Bedrock's invoke-with-response-stream and ConverseStream.
// Message: prelude (total length u32, headers length u32, prelude CRC32),
// headers, payload, message CRC32; all big-endian.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cassette {

struct EventStreamHeader {
    std::string name;
    uint8_t type = 7;   // 0 true, 1 false, 2 byte, 3 short, 4 int, 5 long, 6 bytes, 7 string, 8 timestamp, 9 uuid
    std::string value;  // string/bytes values as-is; numbers (and timestamp ms) in decimal; bools "true"/"false"; uuid
                        // as 8-4-4-4-12 hex
};

struct EventStreamMessage {
    size_t offset = 0;  // byte offset of the message in the body
    std::vector<EventStreamHeader> headers;
    std::string payload;
    bool prelude_crc_ok = true;
    bool message_crc_ok = true;

    const std::string* header(std::string_view name) const;
};

struct EventStreamResult {
    std::vector<EventStreamMessage> messages;
    std::optional<std::string> error;  // framing error (truncated, bad lengths)
    size_t error_offset = 0;
};

EventStreamResult parse_eventstream(std::string_view bytes);

// True when the bytes start like an event-stream message (plausible prelude
// with a valid prelude CRC).
bool looks_like_eventstream(std::string_view bytes);

}  // namespace cassette
