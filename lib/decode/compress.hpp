// Content-Encoding the other way: for scrub, which must give a body back in
// the encoding it was recorded in once a secret inside it is replaced.
#pragma once

#include <string>
#include <string_view>

#include "decode/encoding.hpp"

namespace cassette {

// `bytes` compressed as `c` (none: returned as is). `like`, when given, is
// the stream this one replaces: what its header records is kept where the
// format records it (raw or zlib-wrapped deflate, the gzip header's mtime,
// OS and compression level, zlib's level), so the new body looks like the
// old one to anything that inspects it. Without `like`: gzip and zlib-wrapped
// deflate at zlib's default level, brotli at quality 11 (5 past 1 MiB, where
// 11 costs seconds per megabyte). Throws std::runtime_error when the
// compressor itself fails (out of memory).
std::string compress(std::string_view bytes, Compression c, std::string_view like = {});

}  // namespace cassette
