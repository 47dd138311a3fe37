// The YAML reader (lib/reader.hpp load_cassette_from_string) and what every
// command does next: any bytes either read or give an InputError; what reads
// exports to JSON, validates, and writes back as go-vcr YAML that reads again.
#include "error.hpp"
#include "fuzz_common.hpp"
#include "formats/govcr_writer.hpp"
#include "formats/json_export.hpp"
#include "reader.hpp"
#include "validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzzsupport::as_view(data, size);
    cassette::Cassette c;
    try {
        c = cassette::load_cassette_from_string(text, "fuzz.yaml");
    } catch (const cassette::InputError& e) {
        FUZZ_CHECK(!std::string_view(e.what()).empty());
        (void)cassette::format_input_error(e);
        return 0;
    }
    for (const auto& ix : c.interactions) (void)cassette::validate_interaction(ix);
    (void)cassette::dump_json(cassette::cassette_to_json(c));
    if (!c.problems.empty()) return 0;  // commands refuse these; nothing to write back
    std::string yaml = cassette::write_govcr_v2(c);
    try {
        cassette::Cassette back = cassette::load_cassette_from_string(yaml, "rewritten.yaml");
        FUZZ_CHECK(back.interactions.size() == c.interactions.size());
    } catch (const cassette::InputError& e) {
        std::fprintf(stderr, "rewritten cassette does not read: %s\n", e.what());
        FUZZ_CHECK(!"what we write reads back");
    }
    return 0;
}
