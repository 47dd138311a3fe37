// Provider reassembly (lib/providers/reassemble.hpp) and everything that looks at one
// interaction: detection, the message, validation rules, JSON and HAR export.
// Input: URL line, response Content-Type line, request body, a line
// "--8<--", response body. The URL picks the provider, so seeds from every
// provider in the corpus reach every reassembler.
#include "decode/body.hpp"
#include "error.hpp"
#include "fuzz_common.hpp"
#include "formats/har_writer.hpp"
#include "formats/json_export.hpp"
#include "providers/reassemble.hpp"
#include "validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view rest = fuzzsupport::as_view(data, size);
    cassette::Interaction ix;
    ix.request.method = "POST";
    ix.request.url = std::string(fuzzsupport::take_line(rest));
    std::string_view ct = fuzzsupport::take_line(rest);
    constexpr std::string_view kSep = "\n--8<--\n";
    size_t sep = rest.find(kSep);
    std::string_view req = sep == std::string_view::npos ? std::string_view{} : rest.substr(0, sep);
    std::string_view resp = sep == std::string_view::npos ? rest : rest.substr(sep + kSep.size());

    ix.request.headers.items.push_back({"Content-Type", {"application/json"}, {}});
    ix.request.body.bytes = std::string(req);
    ix.request.body.present = true;
    if (!ct.empty()) ix.response.headers.items.push_back({"Content-Type", {std::string(ct)}, {}});
    ix.response.body.bytes = std::string(resp);
    ix.response.body.present = true;
    ix.response.code = 200;
    ix.response.status = "200 OK";

    cassette::DecodedBody body = cassette::decode_body(ix.response.headers, ix.response.body.bytes);
    (void)cassette::detect_api(ix, body);
    if (auto m = cassette::reassemble(ix, body)) {
        if (m->usage) {
            const cassette::Usage& u = *m->usage;
            FUZZ_CHECK(u.total_tokens == u.input_tokens + u.output_tokens);
        }
        (void)cassette::dump_json(cassette::to_json(*m));
    }
    (void)cassette::validate_interaction(ix);
    (void)cassette::dump_json(cassette::interaction_to_json(ix));
    cassette::HarLog har("fuzz");
    har.begin_page("fuzz");
    (void)cassette::dump_json(har.entry(ix));
    return 0;
}
