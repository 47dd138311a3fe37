// Content-Encoding bodies. Recorders are not consistent: some keep gzip bytes
// under `Content-Encoding: gzip`, some store the decoded body under the same
// header, some keep compressed bytes under no header at all. So we sniff.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "limits.hpp"

namespace cassette {

enum class Compression { none, gzip, deflate, brotli };

const char* compression_name(Compression c);

// Decides what the bytes are: gzip by magic (1f 8b), zlib-wrapped deflate by
// header check; brotli (no magic) only when the header says `br` and the
// bytes are not plausible text. `content_encoding` may be null.
// A zlib (RFC 1950) header: what "deflate" should mean; without one a
// deflate body is raw deflate.
bool is_zlib_header(std::string_view bytes);

Compression sniff_compression(std::string_view bytes, const std::string* content_encoding);

struct Decompressed {
    bool ok = false;
    std::string bytes;        // the output; when !ok, what was decoded before the error (at most `limit` bytes)
    std::string error;        // when !ok: what went wrong ("truncated gzip stream", "output exceeds limit")
    bool over_limit = false;  // !ok because the output reached the limit (the stream itself may be fine)
};

// Bounded: stops with an error once the output would exceed `limit` bytes
// (by default the process-wide limits().body_bytes, 1 GiB).
Decompressed decompress(std::string_view bytes, Compression c, size_t limit = limits().body_bytes);

}  // namespace cassette
