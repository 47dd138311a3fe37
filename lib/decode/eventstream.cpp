// AWS event stream framing, following the Smithy "Amazon Event Stream
// Specification" and the SDK decoders (aws-c-event-stream, aws-sdk-go-v2
// eventstream): a 16-byte minimum message, headers inside the message, both
// CRC32s (IEEE, as zlib computes) checked. Unlike an SDK we do not stop on a
// bad checksum: the message is kept and flagged so `validate` can report it.
// Size limits (16 MB messages, 128 kB headers) are for services to enforce;
// the spec says clients must not, so neither do we.
#include "decode/eventstream.hpp"

#include <zlib.h>

namespace cassette {

namespace {

constexpr size_t kPreludeLen = 12;                  // total length, headers length, prelude CRC
constexpr size_t kMinMessageLen = kPreludeLen + 4;  // + message CRC

uint32_t be32(const unsigned char* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

uint64_t be_n(const unsigned char* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
    return v;
}

uint32_t crc(const unsigned char* p, size_t n) { return static_cast<uint32_t>(crc32_z(0L, p, n)); }

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Signed value of an n-byte big-endian two's-complement integer, as text.
std::string signed_text(const unsigned char* p, size_t n) {
    uint64_t u = be_n(p, n);
    int64_t v;
    if (n < 8 && (u >> (8 * n - 1)) != 0) {
        v = static_cast<int64_t>(u) - (int64_t(1) << (8 * n));
    } else {
        v = static_cast<int64_t>(u);  // two's complement conversion is defined in C++20
    }
    return std::to_string(v);
}

std::string uuid_text(const unsigned char* p) {
    static const char* hex = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
        s.push_back(hex[p[i] >> 4]);
        s.push_back(hex[p[i] & 0xF]);
    }
    return s;
}

// Parses the header block [p, end). On failure returns the error text and
// sets `bad` to the offending header's position.
std::optional<std::string> parse_headers(const unsigned char* p, const unsigned char* end,
                                         std::vector<EventStreamHeader>& out, const unsigned char*& bad) {
    while (p < end) {
        bad = p;
        size_t left = static_cast<size_t>(end - p);
        size_t name_len = p[0];
        if (left < 1 + name_len + 1) return "header name runs past the header block";
        EventStreamHeader h;
        h.name.assign(reinterpret_cast<const char*>(p + 1), name_len);
        h.type = p[1 + name_len];
        p += 2 + name_len;
        left = static_cast<size_t>(end - p);
        size_t fixed = 0;
        switch (h.type) {
            case 0: h.value = "true"; break;
            case 1: h.value = "false"; break;
            case 2: fixed = 1; break;
            case 3: fixed = 2; break;
            case 4: fixed = 4; break;
            case 5: fixed = 8; break;
            case 8: fixed = 8; break;
            case 9: fixed = 16; break;
            case 6:
            case 7: {
                if (left < 2) return "header \"" + h.name + "\" value length runs past the header block";
                size_t len = (size_t(p[0]) << 8) | p[1];
                if (left - 2 < len) return "header \"" + h.name + "\" value runs past the header block";
                h.value.assign(reinterpret_cast<const char*>(p + 2), len);
                p += 2 + len;
                break;
            }
            default: return "header \"" + h.name + "\" has unknown value type " + std::to_string(h.type);
        }
        if (fixed) {
            if (left < fixed) return "header \"" + h.name + "\" value runs past the header block";
            h.value = h.type == 9 ? uuid_text(p) : signed_text(p, fixed);
            p += fixed;
        }
        out.push_back(std::move(h));
    }
    return std::nullopt;
}

}  // namespace

const std::string* EventStreamMessage::header(std::string_view name) const {
    for (const auto& h : headers)
        if (h.name == name) return &h.value;
    return nullptr;
}

bool looks_like_eventstream(std::string_view bytes) {
    if (bytes.size() < kMinMessageLen) return false;
    const unsigned char* p = bytes_of(bytes);
    uint32_t total = be32(p);
    uint32_t hlen = be32(p + 4);
    if (total < kMinMessageLen || hlen > total - kMinMessageLen) return false;
    return crc(p, 8) == be32(p + 8);
}

EventStreamResult parse_eventstream(std::string_view bytes) {
    EventStreamResult r;
    const unsigned char* base = bytes_of(bytes);
    const size_t size = bytes.size();
    size_t off = 0;
    auto fail = [&](size_t at, std::string msg) {
        r.error = std::move(msg);
        r.error_offset = at;
    };
    while (off < size) {
        const size_t left = size - off;
        const unsigned char* m = base + off;
        if (left < kPreludeLen) {
            fail(off, "truncated message prelude: " + std::to_string(left) + " of 12 bytes");
            break;
        }
        const uint32_t total = be32(m);
        const uint32_t hlen = be32(m + 4);
        const bool prelude_ok = crc(m, 8) == be32(m + 8);
        if (total < kMinMessageLen) {
            fail(off, "message length " + std::to_string(total) + " is below the 16-byte minimum");
            break;
        }
        if (hlen > total - kMinMessageLen) {
            fail(off,
                 "headers length " + std::to_string(hlen) + " does not fit in message length " + std::to_string(total));
            break;
        }
        if (total > left) {
            fail(off,
                 "truncated message: length " + std::to_string(total) + " but " + std::to_string(left) + " bytes left");
            break;
        }
        EventStreamMessage msg;
        msg.offset = off;
        msg.prelude_crc_ok = prelude_ok;
        msg.message_crc_ok = crc(m, total - 4) == be32(m + total - 4);
        const unsigned char* hbeg = m + kPreludeLen;
        const unsigned char* hend = hbeg + hlen;
        const unsigned char* bad = hbeg;
        if (auto err = parse_headers(hbeg, hend, msg.headers, bad)) {
            fail(static_cast<size_t>(bad - base), *err);
            break;
        }
        msg.payload.assign(reinterpret_cast<const char*>(hend), total - kMinMessageLen - hlen);
        r.messages.push_back(std::move(msg));
        off += total;
    }
    return r;
}

}  // namespace cassette
