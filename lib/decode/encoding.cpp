// Content-Encoding sniffing and bounded, streaming decompression (zlib for
// gzip/deflate, libbrotlidec for br). The output limit is checked as each
// chunk is produced, so a compression bomb costs at most `limit` bytes.
#include "decode/encoding.hpp"

#include <brotli/decode.h>
#include <zlib.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace cassette {

bool is_zlib_header(std::string_view b) {
    // RFC 1950: CM = 8, CINFO <= 7, FCHECK makes CMF*256+FLG a multiple of 31.
    // A preset dictionary (FDICT) is never used over HTTP.
    if (b.size() < 2) return false;
    unsigned cmf = uint8_t(b[0]), flg = uint8_t(b[1]);
    return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0 && (flg & 0x20) == 0;
}

namespace {

constexpr size_t kChunk = size_t(1) << 16;
constexpr size_t kMaxIn = size_t(1) << 30;  // zlib's avail_in is 32-bit: feed huge input in slices

bool is_gzip_magic(std::string_view b) {
    // RFC 1952: ID1 ID2 and CM = 8 (deflate), the only method in use.
    return b.size() >= 3 && uint8_t(b[0]) == 0x1f && uint8_t(b[1]) == 0x8b && uint8_t(b[2]) == 8;
}

// True when the named coding appears as a token of the header value
// ("gzip", "br", "deflate, gzip").
bool header_has(const std::string* ce, std::string_view coding) {
    if (!ce) return false;
    std::string_view v = *ce;
    size_t i = 0;
    while (i <= v.size()) {
        size_t j = v.find(',', i);
        if (j == std::string_view::npos) j = v.size();
        std::string_view tok = v.substr(i, j - i);
        while (!tok.empty() && (tok.front() == ' ' || tok.front() == '\t')) tok.remove_prefix(1);
        while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t')) tok.remove_suffix(1);
        if (tok.size() == coding.size() &&
            std::equal(tok.begin(), tok.end(), coding.begin(), [](char a, char b) { return (a | 0x20) == (b | 0x20); }))
            return true;
        i = j + 1;
    }
    return false;
}

// Plausible text: the first bytes are UTF-8 (a sequence cut by the window
// is fine) without control characters other than whitespace.
bool plausible_text(std::string_view b) {
    size_t n = std::min<size_t>(b.size(), 512);
    size_t i = 0;
    while (i < n) {
        unsigned char c = uint8_t(b[i]);
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') return false;
            if (c == 0x7f) return false;
            ++i;
            continue;
        }
        size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || c < 0xC2 || c > 0xF4) return false;
        for (size_t k = 1; k < len; ++k) {
            if (i + k >= b.size()) return true;  // the body ends mid-sequence
            if ((uint8_t(b[i + k]) & 0xC0) != 0x80) return false;
        }
        i += len;
    }
    return true;
}

Decompressed fail(std::string msg) {
    Decompressed d;
    d.error = std::move(msg);
    return d;
}

// A failure after some output: what was decoded stays, for callers that
// still want to look at the readable part (scrub scans it for secrets).
Decompressed fail(Decompressed partial, std::string msg, bool over_limit = false) {
    partial.ok = false;
    partial.over_limit = over_limit;
    partial.error = std::move(msg);
    return partial;
}

std::string limit_error(size_t limit) {
    return "output exceeds limit (" + std::to_string(limit) + " bytes); " + limit_hint(&Limits::body_bytes);
}

// gzip (with concatenated members, RFC 1952 §2.2), zlib-wrapped or raw deflate.
Decompressed inflate_all(std::string_view in, Compression c, size_t limit) {
    const bool gzip = c == Compression::gzip;
    const char* what = gzip ? "gzip" : "deflate";
    // "deflate" should mean zlib-wrapped (RFC 9110 §8.4.1.2), but some servers
    // send raw deflate; accept both.
    int wbits = gzip ? 16 + MAX_WBITS : is_zlib_header(in) ? MAX_WBITS : -MAX_WBITS;

    z_stream zs{};
    if (inflateInit2(&zs, wbits) != Z_OK) return fail("zlib initialisation failed");
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);

    Decompressed out;
    std::vector<unsigned char> buf(kChunk);
    const unsigned char* next = reinterpret_cast<const unsigned char*>(in.data());
    size_t left = in.size();
    bool ended = false;
    for (;;) {
        if (zs.avail_in == 0 && left > 0) {
            size_t take = std::min(left, kMaxIn);
            zs.next_in = const_cast<unsigned char*>(next);
            zs.avail_in = static_cast<uInt>(take);
            next += take;
            left -= take;
        }
        zs.next_out = buf.data();
        zs.avail_out = static_cast<uInt>(buf.size());
        int rc = inflate(&zs, Z_NO_FLUSH);
        size_t produced = buf.size() - zs.avail_out;
        if (produced > limit - out.bytes.size()) {
            out.bytes.append(reinterpret_cast<const char*>(buf.data()), limit - out.bytes.size());
            return fail(std::move(out), limit_error(limit), true);
        }
        out.bytes.append(reinterpret_cast<const char*>(buf.data()), produced);

        if (rc == Z_STREAM_END) {
            ended = true;
            if (!gzip) break;
            // Another gzip member may follow (the input is contiguous, so the
            // rest is next_in onwards). Anything else after the last member
            // (zero padding, junk) is ignored, as gzip(1) does.
            std::string_view rest(reinterpret_cast<const char*>(zs.next_in), zs.avail_in + left);
            if (!is_gzip_magic(rest)) break;
            if (inflateReset(&zs) != Z_OK) return fail("zlib reset failed");
            ended = false;
            continue;
        }
        if (rc == Z_OK) continue;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
            if (left == 0) break;  // input exhausted before the end of the stream
            continue;              // refill from the next slice
        }
        std::string msg = std::string("corrupt ") + what + " stream";
        if (zs.msg) msg += std::string(": ") + zs.msg;
        return fail(std::move(out), msg);
    }
    if (!ended) return fail(std::move(out), std::string("truncated ") + what + " stream");
    out.ok = true;
    return out;
}

Decompressed brotli_all(std::string_view in, size_t limit) {
    std::unique_ptr<BrotliDecoderState, void (*)(BrotliDecoderState*)> st(
        BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), BrotliDecoderDestroyInstance);
    if (!st) return fail("brotli initialisation failed");
    Decompressed out;
    std::vector<uint8_t> buf(kChunk);
    size_t avail_in = in.size();
    const uint8_t* next_in = reinterpret_cast<const uint8_t*>(in.data());
    for (;;) {
        size_t avail_out = buf.size();
        uint8_t* next_out = buf.data();
        BrotliDecoderResult rc =
            BrotliDecoderDecompressStream(st.get(), &avail_in, &next_in, &avail_out, &next_out, nullptr);
        size_t produced = buf.size() - avail_out;
        if (produced > limit - out.bytes.size()) {
            out.bytes.append(reinterpret_cast<const char*>(buf.data()), limit - out.bytes.size());
            return fail(std::move(out), limit_error(limit), true);
        }
        out.bytes.append(reinterpret_cast<const char*>(buf.data()), produced);
        switch (rc) {
            case BROTLI_DECODER_RESULT_SUCCESS:
                // No magic number: trailing bytes mean this was not brotli after all.
                if (avail_in != 0) return fail(std::move(out), "trailing data after brotli stream");
                out.ok = true;
                return out;
            case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT: continue;
            case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT: return fail(std::move(out), "truncated brotli stream");
            case BROTLI_DECODER_RESULT_ERROR:
            default:
                return fail(std::move(out), std::string("corrupt brotli stream: ") +
                                                BrotliDecoderErrorString(BrotliDecoderGetErrorCode(st.get())));
        }
    }
}

}  // namespace

const char* compression_name(Compression c) {
    switch (c) {
        case Compression::none: return "none";
        case Compression::gzip: return "gzip";
        case Compression::deflate: return "deflate";
        case Compression::brotli: return "br";
    }
    return "none";
}

Compression sniff_compression(std::string_view bytes, const std::string* content_encoding) {
    if (is_gzip_magic(bytes)) return Compression::gzip;
    // Text can pass the two-byte zlib check ("x^" is 0x785e), compressed
    // data is not UTF-8 text; so the text test comes first.
    if (bytes.empty() || plausible_text(bytes)) return Compression::none;
    if (is_zlib_header(bytes)) return Compression::deflate;
    // No magic for these two: trust the header only once the bytes are not text.
    if (header_has(content_encoding, "br")) return Compression::brotli;
    if (header_has(content_encoding, "deflate")) return Compression::deflate;  // raw deflate
    return Compression::none;
}

Decompressed decompress(std::string_view bytes, Compression c, size_t limit) {
    switch (c) {
        case Compression::none: {
            if (bytes.size() > limit) {
                Decompressed d;
                d.bytes.assign(bytes.substr(0, limit));
                return fail(std::move(d), limit_error(limit), true);
            }
            Decompressed d;
            d.ok = true;
            d.bytes.assign(bytes);
            return d;
        }
        case Compression::gzip:
        case Compression::deflate: return inflate_all(bytes, c, limit);
        case Compression::brotli: return brotli_all(bytes, limit);
    }
    return fail("unknown compression");
}

}  // namespace cassette
