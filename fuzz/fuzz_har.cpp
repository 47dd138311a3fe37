// The HAR importer (lib/formats/har_reader.hpp): any text either imports or gives an
// InputError; what imports writes as go-vcr YAML that reads back (what
// `cassette import` does).
#include "error.hpp"
#include "fuzz_common.hpp"
#include "formats/govcr_writer.hpp"
#include "formats/har_reader.hpp"
#include "reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzzsupport::as_view(data, size);
    cassette::Cassette c;
    try {
        c = cassette::har_to_cassette(text, "fuzz.har");
    } catch (const cassette::InputError& e) {
        FUZZ_CHECK(!std::string_view(e.what()).empty());
        return 0;
    }
    std::string yaml = cassette::write_govcr_v2(c);
    try {
        cassette::Cassette back = cassette::load_cassette_from_string(yaml, "imported.yaml");
        FUZZ_CHECK(back.interactions.size() == c.interactions.size());
    } catch (const cassette::InputError& e) {
        std::fprintf(stderr, "imported cassette does not read: %s\n", e.what());
        FUZZ_CHECK(!"what we import reads back");
    }
    return 0;
}
