// Compression for re-encoding scrubbed bodies: zlib for gzip and deflate
// (streamed, so bodies past zlib's 32-bit counters work), libbrotlienc for br.
#include "decode/compress.hpp"

#include <brotli/encode.h>
#include <zlib.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace cassette {

namespace {

constexpr size_t kMaxIn = size_t(1) << 30;  // zlib's avail_in is 32-bit: feed huge input in slices
constexpr size_t kChunk = size_t(1) << 16;

struct Framing {
    int window_bits = MAX_WBITS;
    int level = Z_DEFAULT_COMPRESSION;
    bool gzip_header = false;  // copy mtime and OS into the new gzip header
    uLong mtime = 0;
    int os = 255;
};

// What the old stream's header says about how it was written.
Framing framing_of(std::string_view like, Compression c) {
    Framing f;
    const auto* u = reinterpret_cast<const unsigned char*>(like.data());
    if (c == Compression::gzip) {
        f.window_bits = 16 + MAX_WBITS;
        if (like.size() >= 10) {
            // RFC 1952: MTIME (little-endian) at 4, XFL at 8 (2: best, 4: fastest), OS at 9.
            f.gzip_header = true;
            f.mtime = uLong(u[4]) | (uLong(u[5]) << 8) | (uLong(u[6]) << 16) | (uLong(u[7]) << 24);
            f.os = u[9];
            if (u[8] == 2)
                f.level = 9;
            else if (u[8] == 4)
                f.level = 1;
        }
    } else if (!like.empty()) {
        if (!is_zlib_header(like)) {
            f.window_bits = -MAX_WBITS;  // the old body was raw deflate
        } else {
            // RFC 1950 FLEVEL: 0 fastest, 1 fast, 2 default, 3 maximum.
            static const int kLevels[] = {1, 5, Z_DEFAULT_COMPRESSION, 9};
            f.level = kLevels[(u[1] >> 6) & 3];
        }
    }
    return f;
}

std::string deflate_all(std::string_view in, const Framing& f) {
    z_stream zs{};
    if (deflateInit2(&zs, f.level, Z_DEFLATED, f.window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("zlib initialisation failed");
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, deflateEnd);
    gz_header header{};
    if (f.gzip_header) {
        header.time = f.mtime;
        header.os = f.os;
        if (deflateSetHeader(&zs, &header) != Z_OK) throw std::runtime_error("zlib refused the gzip header");
    }
    std::string out;
    std::string buf(kChunk, '\0');
    const char* next = in.data();
    size_t left = in.size();
    for (;;) {
        if (zs.avail_in == 0 && left > 0) {
            size_t take = std::min(left, kMaxIn);
            zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(next));
            zs.avail_in = static_cast<uInt>(take);
            next += take;
            left -= take;
        }
        zs.next_out = reinterpret_cast<Bytef*>(buf.data());
        zs.avail_out = static_cast<uInt>(buf.size());
        int rc = deflate(&zs, left == 0 ? Z_FINISH : Z_NO_FLUSH);
        out.append(buf.data(), buf.size() - zs.avail_out);
        if (rc == Z_STREAM_END) return out;
        if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::runtime_error("zlib compression failed");
    }
}

std::string brotli_all(std::string_view in) {
    const int quality = in.size() > (size_t(1) << 20) ? 5 : BROTLI_DEFAULT_QUALITY;
    size_t size = BrotliEncoderMaxCompressedSize(in.size());
    if (size == 0) size = in.size() + 1024;  // 0 means "too large to bound"; the encoder says if it does not fit
    std::string out(size, '\0');
    if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, in.size(),
                               reinterpret_cast<const uint8_t*>(in.data()), &size,
                               reinterpret_cast<uint8_t*>(out.data())))
        throw std::runtime_error("brotli compression failed");
    out.resize(size);
    return out;
}

}  // namespace

std::string compress(std::string_view bytes, Compression c, std::string_view like) {
    switch (c) {
        case Compression::none: return std::string(bytes);
        case Compression::gzip:
        case Compression::deflate: return deflate_all(bytes, framing_of(like, c));
        case Compression::brotli: return brotli_all(bytes);
    }
    return std::string(bytes);
}

}  // namespace cassette
