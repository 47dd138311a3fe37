// sniff_compression / decompress: round trips through zlib made here, brotli
// streams generated once with libbrotlienc (quality 11) and embedded, and
// the hostile cases: truncation, corruption, bombs, lying headers.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <stdexcept>
#include <string>

#include "decode/encoding.hpp"

using namespace cassette;

namespace {

// windowBits: 15 zlib, 31 gzip, -15 raw deflate.
std::string deflate_with(std::string_view in, int window_bits, int level = 6) {
    z_stream zs{};
    if (deflateInit2(&zs, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2");
    std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
    out.resize(zs.total_out);
    return out;
}
std::string gzip(std::string_view in) { return deflate_with(in, 16 + MAX_WBITS); }

std::string zlib_compress2(std::string_view in) {
    uLongf n = compressBound(static_cast<uLong>(in.size()));
    std::string out(n, '\0');
    REQUIRE(compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(in.data()),
                      static_cast<uLong>(in.size()), 9) == Z_OK);
    out.resize(n);
    return out;
}

const std::string kJson =
    R"({"id":"msg_1","type":"message","content":[{"type":"text","text":"Olá! Olá! Olá! Olá! Olá!"}]})";
// kJson compressed by BrotliEncoderCompress(quality 11, lgwin 22, TEXT).
const std::string kBrJson(
    "\x1b\x61\x00\x00\x1c\x09\xd9\x29\xe6\xa5\x83\x30\xba\xf9\x52\x11\xb0\xb3\x69\xe5\xc6\x45\xbb\x64\x21\x29\xea"
    "\xeb\x7f\xf9\x24\x63\x42\x87\x8b\x45\x07\x36\xe0\x80\x3d\xe0\x75\x19\x06\xa1\x45\x6f\x8b\x78\xb0\xe7\x31\x9b"
    "\xf6\x3b\x2a\x7c\xff\xd3\x45\x0c\x59\xf3\x01\xfc\x88\x4d\x4a\xeb\x62\x28\x6e\xb9",
    74);
// 300000 bytes of pattern() below, brotli quality 11: 45 bytes.
const std::string kBrPattern(
    "\x5b\xdf\x93\x84\x5f\x1e\x1c\x43\x6d\xd6\xf0\xbb\x90\x43\x1e\x3a\x6c\x07\xc0\x00\x0a\xaf\x9c\xe0\xa7\xc3\x85"
    "\xf1\xb6\xd2\x94\x59\x08\x21\x84\x10\x42\x08\x21\x84\x70\x4d\x45\x82\x13",
    45);
std::string pattern() {
    std::string s(300000, '\0');
    for (size_t i = 0; i < s.size(); ++i) s[i] = "0123456789abcdef"[(i * 7 + i / 16) % 16];
    return s;
}

std::string big_text() {
    std::string s;
    for (int i = 0; i < 20000; ++i)
        s += "data: {\"choices\":[{\"delta\":{\"content\":\"token " + std::to_string(i) + "\"}}]}\n\n";
    return s;
}

}  // namespace

TEST_CASE("encoding: compression_name", "[decoders]") {
    CHECK(std::string(compression_name(Compression::none)) == "none");
    CHECK(std::string(compression_name(Compression::gzip)) == "gzip");
    CHECK(std::string(compression_name(Compression::deflate)) == "deflate");
    CHECK(std::string(compression_name(Compression::brotli)) == "br");
}

TEST_CASE("encoding: sniffing", "[decoders]") {
    const std::string gz = "gzip", br = "br", defl = "deflate", multi = "deflate, BR";
    CHECK(sniff_compression(gzip(kJson), nullptr) == Compression::gzip);
    CHECK(sniff_compression(gzip(kJson), &br) == Compression::gzip);  // bytes win
    CHECK(sniff_compression(zlib_compress2(kJson), nullptr) == Compression::deflate);
    CHECK(sniff_compression(deflate_with(kJson, MAX_WBITS, 1), nullptr) == Compression::deflate);
    // The header says gzip but the recorder stored the decoded body.
    CHECK(sniff_compression(kJson, &gz) == Compression::none);
    CHECK(sniff_compression("data: x\n\n", &br) == Compression::none);
    // "x^" passes the RFC 1950 header check (0x785e % 31 == 0) but is text.
    CHECK(sniff_compression("x^2 + y^2", nullptr) == Compression::none);
    CHECK(sniff_compression("x^2 + y^2", &defl) == Compression::none);
    CHECK(sniff_compression(deflate_with(big_text(), MAX_WBITS, 3), nullptr) == Compression::deflate);  // 78 5e
    // Brotli has no magic: only with the header, and only when not text.
    CHECK(sniff_compression(kBrJson, &br) == Compression::brotli);
    CHECK(sniff_compression(kBrJson, &multi) == Compression::brotli);
    CHECK(sniff_compression(kBrJson, nullptr) == Compression::none);
    CHECK(sniff_compression(kBrJson, &gz) == Compression::none);
    // Raw deflate under "deflate".
    CHECK(sniff_compression(deflate_with(big_text(), -MAX_WBITS), &defl) == Compression::deflate);
    CHECK(sniff_compression("", &gz) == Compression::none);
    CHECK(sniff_compression("\x1f", &gz) == Compression::none);
    // Non-ASCII UTF-8 text is still text.
    CHECK(sniff_compression("Olá, mundo — 你好", &br) == Compression::none);
}

TEST_CASE("encoding: gzip, zlib and raw deflate round trips", "[decoders]") {
    std::string text = big_text();  // > one 64 KiB output chunk
    for (int wb : {16 + MAX_WBITS, MAX_WBITS, -MAX_WBITS}) {
        INFO("window bits " << wb);
        Compression c = wb > 16 ? Compression::gzip : Compression::deflate;
        auto d = decompress(deflate_with(text, wb), c);
        REQUIRE(d.ok);
        CHECK(d.error.empty());
        CHECK(d.bytes == text);
    }
    auto z = decompress(zlib_compress2(kJson), Compression::deflate);
    REQUIRE(z.ok);
    CHECK(z.bytes == kJson);
    auto empty = decompress(gzip(""), Compression::gzip);
    REQUIRE(empty.ok);
    CHECK(empty.bytes.empty());
}

TEST_CASE("encoding: concatenated gzip members", "[decoders]") {
    auto d = decompress(gzip("hello, ") + gzip("") + gzip("world"), Compression::gzip);
    REQUIRE(d.ok);
    CHECK(d.bytes == "hello, world");
    // Zero padding after the last member is ignored, as gzip(1) does.
    auto p = decompress(gzip("abc") + std::string(8, '\0'), Compression::gzip);
    REQUIRE(p.ok);
    CHECK(p.bytes == "abc");
    // A second member that is cut short is an error.
    std::string second = gzip("world");
    auto t = decompress(gzip("hello") + second.substr(0, second.size() - 3), Compression::gzip);
    CHECK_FALSE(t.ok);
    CHECK(t.error.find("truncated") != std::string::npos);
}

TEST_CASE("encoding: truncated and corrupt zlib streams", "[decoders]") {
    std::string text = big_text();
    std::string gz = gzip(text);
    for (size_t cut : {size_t(0), size_t(2), size_t(10), gz.size() / 2, gz.size() - 1}) {
        INFO("cut " << cut);
        auto d = decompress(std::string_view(gz).substr(0, cut), Compression::gzip);
        CHECK_FALSE(d.ok);
        CHECK(d.error == "truncated gzip stream");
    }
    std::string z = zlib_compress2(text);
    auto dz = decompress(std::string_view(z).substr(0, z.size() - 2), Compression::deflate);
    CHECK_FALSE(dz.ok);
    CHECK(dz.error == "truncated deflate stream");

    std::string bad = gz;
    for (size_t i = 20; i < 60; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x55);
    auto c = decompress(bad, Compression::gzip);
    CHECK_FALSE(c.ok);
    CHECK(c.error.find("gzip") != std::string::npos);

    // gzip whose CRC trailer is wrong: zlib checks it.
    std::string crc_bad = gzip(kJson);
    crc_bad[crc_bad.size() - 6] ^= 0x01;
    auto cb = decompress(crc_bad, Compression::gzip);
    CHECK_FALSE(cb.ok);
    CHECK(cb.error.find("corrupt gzip stream") == 0);
}

TEST_CASE("encoding: output limit stops bombs", "[decoders]") {
    std::string zeros(50u << 20, '\0');  // 50 MiB of zeros -> ~50 KB of gzip
    std::string bomb = gzip(zeros);
    CHECK(bomb.size() < (1u << 20));
    auto d = decompress(bomb, Compression::gzip, 1u << 20);
    CHECK_FALSE(d.ok);
    CHECK(d.error.find("exceeds limit") != std::string::npos);
    CHECK(d.over_limit);
    CHECK(d.bytes.size() == (1u << 20));  // what was decoded up to the limit, never more
    // exactly at the limit is fine
    auto ok = decompress(gzip(kJson), Compression::gzip, kJson.size());
    CHECK(ok.ok);
    auto over = decompress(gzip(kJson), Compression::gzip, kJson.size() - 1);
    CHECK_FALSE(over.ok);
    auto br_over = decompress(kBrPattern, Compression::brotli, 1000);
    CHECK_FALSE(br_over.ok);
    CHECK(br_over.error.find("exceeds limit") != std::string::npos);
    auto none_over = decompress("abcdef", Compression::none, 3);
    CHECK_FALSE(none_over.ok);
}

TEST_CASE("encoding: brotli", "[decoders]") {
    auto d = decompress(kBrJson, Compression::brotli);
    REQUIRE(d.ok);
    CHECK(d.bytes == kJson);
    auto p = decompress(kBrPattern, Compression::brotli);  // output spans several chunks
    REQUIRE(p.ok);
    CHECK(p.bytes == pattern());
    for (size_t cut : {size_t(0), size_t(1), kBrJson.size() / 2, kBrJson.size() - 1}) {
        INFO("cut " << cut);
        auto t = decompress(std::string_view(kBrJson).substr(0, cut), Compression::brotli);
        CHECK_FALSE(t.ok);
        CHECK_FALSE(t.error.empty());
    }
    auto trailing = decompress(kBrJson + "zz", Compression::brotli);
    CHECK_FALSE(trailing.ok);
    auto garbage = decompress("\xff\xff\xff\xff\xff\xff\xff\xff", Compression::brotli);
    CHECK_FALSE(garbage.ok);
    CHECK(garbage.error.find("brotli") != std::string::npos);
}

TEST_CASE("encoding: none copies the bytes", "[decoders]") {
    auto d = decompress(kJson, Compression::none);
    REQUIRE(d.ok);
    CHECK(d.bytes == kJson);
}
