// The YAML reader (lib/reader.hpp load_cassette_from_string) and what every
// command does next: any bytes either read or give an InputError; what reads
// exports to JSON, validates, and writes back as go-vcr YAML that reads again.
// The fast go-vcr reader gives what libyaml gives on every input.
#include "error.hpp"
#include "fuzz_common.hpp"
#include "formats/govcr_writer.hpp"
#include "formats/json_export.hpp"
#include "formats/yaml_fast.hpp"
#include "reader.hpp"
#include "validation.hpp"

namespace {

// What a read gives: the export and every problem with its position, or the
// error as the commands print it.
std::string read_summary(std::string_view text, bool fast) {
    cassette::ReadOptions opts;
    opts.fast_yaml = fast;
    try {
        cassette::Cassette c = cassette::load_cassette_from_string(text, "fuzz.yaml", opts);
        std::string out = cassette::dump_json(cassette::cassette_to_json(c));
        for (const auto& p : c.problems)
            out += "\n" + std::to_string(p.pos.line) + ":" + std::to_string(p.pos.column) + " " + p.message;
        for (const auto& ix : c.interactions)
            out += "\n" + std::to_string(ix.pos.line) + ":" + std::to_string(ix.pos.column) + " " +
                   std::to_string(ix.response.body.pos.line) + ":" + std::to_string(ix.response.body.pos.column);
        return out;
    } catch (const cassette::InputError& e) {
        return "error " + cassette::format_input_error(e);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text = fuzzsupport::as_view(data, size);

    // The fast go-vcr reader (lib/formats/yaml_fast.hpp) against libyaml:
    // what it reads whole libyaml reads as the same nodes, and a read that
    // hands over to libyaml part way gives what libyaml alone gives.
    if (auto fast = cassette::fast_yaml_document(text)) {
        auto slow = cassette::libyaml_document(text);
        FUZZ_CHECK(slow.has_value());
        FUZZ_CHECK(*fast == *slow);
    }
    FUZZ_CHECK(read_summary(text, true) == read_summary(text, false));
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
