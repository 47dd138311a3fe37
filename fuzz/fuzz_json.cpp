// JSON body path (lib/body.hpp parse_json, lib/json_export.hpp dump_json):
// any text either parses or is refused; whatever parses dumps and parses back
// to the same document.
#include "body.hpp"
#include "fuzz_common.hpp"
#include "json_export.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzzsupport::as_view(data, size);
    auto j = cassette::parse_json(text);
    if (!j) return 0;
    std::string dumped = cassette::dump_json(*j);
    auto again = cassette::parse_json(dumped);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(*again == *j);
    (void)cassette::dump_json(*j, 2);
    return 0;
}
