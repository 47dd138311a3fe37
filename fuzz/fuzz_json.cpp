// JSON body path (lib/decode/body.hpp parse_json, lib/formats/json_export.hpp dump_json):
// any text either parses or is refused; whatever parses dumps and parses back
// to the same document. The simdjson fast path (lib/decode/json_fast.hpp) agrees
// with nlohmann: whatever it accepts, nlohmann accepts as the same value.
#include <nlohmann/json.hpp>

#include "decode/body.hpp"
#include "fuzz_common.hpp"
#include "formats/json_export.hpp"
#include "decode/json_fast.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzzsupport::as_view(data, size);

    nlohmann::json fast;
    if (cassette::fast_parse(text, fast, 64)) {
        nlohmann::json slow = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
        FUZZ_CHECK(!slow.is_discarded());
        FUZZ_CHECK(slow == fast);
        FUZZ_CHECK(slow.dump() == fast.dump());
        nlohmann::ordered_json ofast;
        FUZZ_CHECK(cassette::fast_parse(text, ofast, 64));
        FUZZ_CHECK(ofast.dump() == nlohmann::ordered_json::parse(text.begin(), text.end()).dump());
    }

    auto j = cassette::parse_json(text);
    if (!j) return 0;
    std::string dumped = cassette::dump_json(*j);
    auto again = cassette::parse_json(dumped);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(*again == *j);
    (void)cassette::dump_json(*j, 2);
    return 0;
}
