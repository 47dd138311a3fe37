// HTTP facts more than one part of the project needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cassette {

// The standard reason phrase of `code` (RFC 9110, plus the WebDAV and
// extension codes Go's net/http names), as Go writes it ("Request Entity Too
// Large" for 413); empty for a code with no standard phrase. Readers use it
// to fill in a status line a recorder left without one; validate, to check
// the one a cassette has.
std::string_view reason_phrase(int64_t code);

// The data of a body sent with `Transfer-Encoding: chunked` (RFC 9112
// §7.1), trailers dropped; nullopt when the chunk framing is broken.
std::optional<std::string> dechunk(std::string_view body);

}  // namespace cassette
