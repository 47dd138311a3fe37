// Shared by the libFuzzer harnesses. A harness calls the same public entry
// point the commands use; anything that escapes it other than the documented
// InputError is a finding (libFuzzer reports the uncaught exception as a
// crash), and so are sanitizer reports, timeouts and out-of-memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string_view>

#include "limits.hpp"

namespace fuzzsupport {

// Bodies decompress to at most 2 MiB in the harnesses (the tool's default is
// 1 GiB, docs/limits.md): fuzzing hunts crashes and hangs in the code, and a
// legal 16 MiB body costs seconds under ASan and coverage without finding
// more. The tests cover large bodies in the real build (testdata/malformed).
inline const bool kFuzzLimits = [] { return !cassette::set_limit("CASSETTE_MAX_BODY_BYTES", "2M"); }();

inline std::string_view as_view(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Splits off the first line (without its '\n'); `rest` is what follows.
inline std::string_view take_line(std::string_view& rest) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    return line;
}

// An invariant the code promises but broke: abort so libFuzzer keeps the input.
[[noreturn]] inline void invariant_failed(const char* what) {
    std::fprintf(stderr, "fuzz invariant failed: %s\n", what);
    std::abort();
}

#define FUZZ_CHECK(cond) \
    do {                 \
        if (!(cond)) ::fuzzsupport::invariant_failed(#cond); \
    } while (0)

}  // namespace fuzzsupport
