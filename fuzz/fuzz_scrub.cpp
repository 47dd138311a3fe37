// scrub_cassette (lib/scrub/scrub.hpp) on any bytes: it reads them or gives an
// InputError; what it writes reads again as a cassette of the same format and
// with as many interactions, and scrubbing that changes nothing more.
#include "error.hpp"
#include "fuzz_common.hpp"
#include "reader.hpp"
#include "scrub/scrub.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzzsupport::as_view(data, size);
    const cassette::scrub::Policy policy;
    cassette::scrub::FileResult first;
    try {
        first = cassette::scrub::scrub_cassette("fuzz.yaml", text, policy);
    } catch (const cassette::InputError& e) {
        FUZZ_CHECK(!std::string_view(e.what()).empty());
        return 0;
    }
    if (!first.changed) return 0;
    try {
        cassette::Cassette before = cassette::load_cassette_from_string(text, "before");
        cassette::Cassette after = cassette::load_cassette_from_string(first.output, "after");
        FUZZ_CHECK(after.format == before.format);
        FUZZ_CHECK(after.interactions.size() == before.interactions.size());
        cassette::scrub::FileResult second = cassette::scrub::scrub_cassette("after", first.output, policy);
        FUZZ_CHECK(!second.changed);
    } catch (const cassette::InputError& e) {
        std::fprintf(stderr, "scrubbed cassette does not read: %s\n", e.what());
        FUZZ_CHECK(!"what scrub writes reads back");
    }
    return 0;
}
