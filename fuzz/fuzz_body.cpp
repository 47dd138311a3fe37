// Body decoding (lib/decode/body.hpp decode_body): sniffing, decompression, JSON,
// SSE, event stream, NDJSON. Input: a Content-Type line, a Content-Encoding
// line, then the body bytes.
#include "decode/body.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view rest = fuzzsupport::as_view(data, size);
    std::string_view ct = fuzzsupport::take_line(rest);
    std::string_view ce = fuzzsupport::take_line(rest);
    cassette::Headers h;
    if (!ct.empty()) h.items.push_back({"Content-Type", {std::string(ct)}, {}});
    if (!ce.empty()) h.items.push_back({"Content-Encoding", {std::string(ce)}, {}});
    cassette::DecodedBody b = cassette::decode_body(h, rest);
    (void)cassette::body_kind_name(b.kind);
    if (b.kind == cassette::BodyKind::json) FUZZ_CHECK(b.json.has_value());
    if (b.compression == cassette::Compression::none) FUZZ_CHECK(b.text == rest);
    for (const auto& p : b.problems) FUZZ_CHECK(!p.rule.empty() && !p.message.empty());
    return 0;
}
