// Builds the seed corpora from real cassettes: every file as a YAML seed,
// and every interaction's bodies cut into the input shape of each harness
// (fuzz_body, fuzz_sse, fuzz_eventstream, fuzz_json, fuzz_reassemble), plus
// each cassette exported as HAR for fuzz_har.
// Usage: make_seeds OUT_DIR INPUT_DIR_OR_FILE...
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "decode/body.hpp"
#include "error.hpp"
#include "formats/har_writer.hpp"
#include "formats/json_export.hpp"
#include "reader.hpp"

namespace fs = std::filesystem;
using namespace cassette;

namespace {

fs::path g_out;
size_t g_written = 0;

void seed(const std::string& harness, const std::string& bytes) {
    if (bytes.empty() || bytes.size() > (size_t(1) << 20)) return;
    fs::path dir = g_out / harness;
    fs::create_directories(dir);
    std::ostringstream name;
    name << std::hex << std::hash<std::string>{}(bytes);
    fs::path p = dir / name.str();
    if (fs::exists(p)) return;
    std::ofstream(p, std::ios::binary) << bytes;
    ++g_written;
}

std::string first_or_empty(const Headers& h, std::string_view name) {
    const std::string* v = h.first(name);
    return v ? *v : std::string();
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void from_cassette(const fs::path& path) {
    std::string text = slurp(path);
    seed("yaml", text);
    if (text.size() <= 65536) seed("scrub", text);
    Cassette c;
    try {
        c = load_cassette_from_string(text, path.string());
    } catch (const InputError&) {
        return;  // malformed fixtures are still good YAML seeds
    }
    for (const auto& ix : c.interactions) {
        for (const Body* b : {&ix.request.body, &ix.response.body}) {
            const Headers& h = b == &ix.request.body ? ix.request.headers : ix.response.headers;
            seed("body",
                 first_or_empty(h, "Content-Type") + "\n" + first_or_empty(h, "Content-Encoding") + "\n" + b->bytes);
            DecodedBody d = decode_body(h, b->bytes);
            switch (d.kind) {
                case BodyKind::sse: seed("sse", d.text); break;
                case BodyKind::eventstream: seed("eventstream", d.text); break;
                case BodyKind::json: seed("json", d.text); break;
                default: break;
            }
            for (const auto& ev : d.events)
                if (ev.data.size() > 1 && (ev.data[0] == '{' || ev.data[0] == '[')) seed("json", ev.data);
        }
        seed("reassemble", ix.request.url + "\n" + first_or_empty(ix.response.headers, "Content-Type") + "\n" +
                               ix.request.body.bytes + "\n--8<--\n" + ix.response.body.bytes);
    }
    seed("har", dump_json(cassettes_to_har({&c}, "seed"), 1));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: make_seeds OUT_DIR INPUT...\n";
        return 2;
    }
    g_out = argv[1];
    for (int i = 2; i < argc; ++i) {
        fs::path in = argv[i];
        std::vector<fs::path> files;
        if (fs::is_directory(in)) {
            for (auto& e : fs::recursive_directory_iterator(in))
                if (e.is_regular_file()) files.push_back(e.path());
        } else if (fs::exists(in)) {
            files.push_back(in);
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            auto ext = f.extension().string();
            if (ext == ".yaml" || ext == ".yml")
                from_cassette(f);
            else if (ext == ".har")
                seed("har", slurp(f));
        }
    }
    std::cout << "make_seeds: " << g_written << " seeds in " << g_out.string() << "\n";
    return 0;
}
