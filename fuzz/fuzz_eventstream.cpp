// AWS event-stream decoder (lib/decode/eventstream.hpp): any bytes, never a crash;
// messages are in order and inside the input.
#include "decode/eventstream.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view bytes = fuzzsupport::as_view(data, size);
    (void)cassette::looks_like_eventstream(bytes);
    cassette::EventStreamResult r = cassette::parse_eventstream(bytes);
    size_t prev_end = 0;
    for (const auto& m : r.messages) {
        FUZZ_CHECK(m.offset >= prev_end);
        FUZZ_CHECK(m.offset + 16 + m.payload.size() <= size);  // prelude 12 + message CRC 4
        prev_end = m.offset + 16 + m.payload.size();
        (void)m.header(":event-type");
    }
    if (r.error) FUZZ_CHECK(r.error_offset <= size);
    return 0;
}
