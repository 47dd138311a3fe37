// SSE decoder (lib/decode/sse.hpp): any bytes, never a crash; events and issues
// point at lines that exist.
#include <algorithm>

#include "fuzz_common.hpp"
#include "decode/sse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body = fuzzsupport::as_view(data, size);
    cassette::SseResult r = cassette::parse_sse(body);
    // Every line end (CR, LF or CRLF) starts at most one new line.
    size_t max_line = 1 + static_cast<size_t>(std::count(body.begin(), body.end(), '\n')) +
                      static_cast<size_t>(std::count(body.begin(), body.end(), '\r'));
    size_t data_bytes = 0;
    for (const auto& e : r.events) {
        FUZZ_CHECK(e.line >= 1 && e.line <= max_line);
        data_bytes += e.data.size();
    }
    for (const auto& i : r.issues) FUZZ_CHECK(i.line >= 1 && i.line <= max_line);
    // Data is copied out of the body, never invented: joined data lines are
    // at most the body (joining "\n" replaces a line end).
    FUZZ_CHECK(data_bytes <= size);
    return 0;
}
