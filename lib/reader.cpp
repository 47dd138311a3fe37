#include "reader.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>

#include "decode/encoding.hpp"
#include "error.hpp"
#include "formats/aquila.hpp"
#include "formats/sniff.hpp"
#include "formats/govcr_reader.hpp"

namespace fs = std::filesystem;

namespace cassette {

namespace {

constexpr size_t kSniffBytes = 64 * 1024;
constexpr uintmax_t kMapFrom = 4u << 20;  // go-vcr files from this size are mapped, smaller ones read

struct FileCloser {
    void operator()(FILE* f) const { std::fclose(f); }
};

// The format registry: tried in this order, the first whose sniff says
// "mine" reads the file. The raw and JSON formats come first (their first
// bytes are unambiguous); go-vcr last, as the YAML fallback.
using YamlReader = Cassette (*)(YamlEventStream&, const std::string&, const InteractionSink&, const ReadOptions&);
using TextReader = Cassette (*)(std::string_view, const std::string&, const InteractionSink&, const ReadOptions&);
struct Format {
    const char* name;
    bool (*sniff)(std::string_view head);
    YamlReader yaml;  // streamed from the file
    TextReader text;  // given the whole text
};

const Format kFormats[] = {
    {"httprr", httprr_sniff, nullptr, httprr_read},
    {"nock", nock_sniff, nullptr, nock_read},
    {"aquila", aquila_sniff, nullptr, aquila_read},
    // Read whole (formats/doc_reader.hpp); before VCR.py, whose JSON sniff
    // takes any `[{"request"…` list or `{"interactions"…` object.
    {"exvcr", exvcr_sniff, nullptr, exvcr_read},
    {"php-vcr", phpvcr_sniff, nullptr, phpvcr_read},
    {"dvr", dvr_sniff, nullptr, dvr_read},
    {"talkback", talkback_sniff, nullptr, talkback_read},
    {"dd-trace", ddtrace_sniff, nullptr, ddtrace_read},
    {"betamax", betamax_sniff, nullptr, betamax_read},
    {"har", polly_sniff, nullptr, polly_read},
    {"cassetter", cassetter_sniff, nullptr, cassetter_read},
    {"ruby-vcr", rubyvcr_sniff, rubyvcr_read, nullptr},
    {"vcrpy", vcrpy_sniff, vcrpy_read, nullptr},
    {"go-vcr", govcr_sniff, govcr_read, nullptr},
};

const Format* format_named(std::string_view name) {
    if (name == "polly") name = "har";
    if (name == "ruby" || name == "vcr") name = "ruby-vcr";
    if (name == "vcr.py") name = "vcrpy";
    if (name == "ex_vcr") name = "exvcr";
    if (name == "phpvcr") name = "php-vcr";
    if (name == "dd-trace-json" || name == "ddtrace") name = "dd-trace";
    for (const Format& f : kFormats)
        if (name == f.name) return &f;
    return nullptr;
}

// A UTF-8 byte order mark says nothing about the format (editors on Windows
// add one); the sniffs read what follows it.
std::string_view without_bom(std::string_view head) {
    if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
    return head;
}

const Format* sniff_format(std::string_view head) {
    const std::string_view bare = without_bom(head);
    for (const Format& f : kFormats)
        // httprr's magic line is the file's very first bytes (Go's reader
        // takes no mark before it); the YAML and JSON formats may follow one.
        if (f.sniff(f.text == httprr_read ? head : bare)) return &f;
    return nullptr;
}

bool is_gzip(std::string_view head) {
    return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
           static_cast<unsigned char>(head[1]) == 0x8b;
}

// The first `limit` bytes of a gzip stream (for sniffing); "" when broken.
std::string gunzip_head(std::string_view in, size_t limit) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) return {};
    std::string out(limit, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), 1u << 30));
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(limit);
    int rc = inflate(&zs, Z_SYNC_FLUSH);
    size_t got = limit - zs.avail_out;
    inflateEnd(&zs);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return {};
    out.resize(got);
    return out;
}

[[noreturn]] void not_a_cassette(const std::string& name, std::string_view head) {
    if (head.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw InputError(name, Position{1, 1}, "empty file: not a cassette", "", "schema");
    throw InputError(name, Position{1, 1},
                     "not a recognised cassette: expected go-vcr or VCR.py YAML (`interactions:`), Ruby VCR "
                     "(`http_interactions:`), a HAR log, an httprr trace, a nock fixture, an ExVCR, Betamax, "
                     "php-vcr, DVR, talkback or dd-trace JSON recording, a cassetter cassette or an Aquila log "
                     "(force one with --input-format)",
                     "", "schema");
}

const Format* choose(const std::string& name, std::string_view head, const ReadOptions& opts) {
    const std::string& wanted = opts.input_format;
    if (!wanted.empty() && wanted != "auto") {
        const Format* f = format_named(wanted);
        if (!f) throw InputError(name, {}, "unknown input format `" + wanted + "`", "", "io");
        return f;
    }
    const Format* f = sniff_format(head);
    if (!f) not_a_cassette(name, head);
    return f;
}

// go-vcr writes `version:` as its first key and VCR.py last: a file that
// opens with it is go-vcr, and nothing more need be read to know it.
bool version_comes_first(std::string_view head) {
    head = without_bom(head);
    size_t pos = 0;
    while (pos < head.size() && (head[pos] == '#' || head[pos] == '\n' || head.substr(pos, 3) == "---")) {
        size_t nl = head.find('\n', pos);
        if (nl == std::string_view::npos) return false;
        pos = nl + 1;
    }
    return head.substr(pos, 8) == "version:";
}

Cassette read_text(std::string_view text, const std::string& name, const InteractionSink& sink,
                   const ReadOptions& opts) {
    if (is_zip(text)) return har_zip_read(text, name, sink, opts);  // Playwright .har.zip
    if (is_gzip(text)) {
        Decompressed d = decompress(text, Compression::gzip);
        if (!d.ok) throw InputError(name, {}, "gzipped file cannot be decompressed: " + d.error, "", "schema");
        return read_text(d.bytes, name, sink, opts);
    }
    std::string_view head = text.substr(0, kSniffBytes);
    if (text.size() > kSniffBytes && !version_comes_first(head) && vcr_yaml_flavour(head) < 0 &&
        head.find("interactions:") != std::string_view::npos)
        head = text.substr(0, 64u << 20);  // as extend_undecided_head does for files
    const Format* f = choose(name, head, opts);
    if (f->text) return f->text(text, name, sink, opts);
    if (f->yaml == govcr_read && opts.fast_yaml)
        return govcr_read_text(text, name, sink, opts, [&] {
            return std::make_unique<YamlEventStream>(name, text, opts.max_depth, opts.max_alias_expansion);
        });
    YamlEventStream ys(name, text, opts.max_depth, opts.max_alias_expansion);
    return f->yaml(ys, name, sink, opts);
}

// A file mapped read-only for the fast go-vcr reader. Pages it has read are
// given back as it goes (release_before), so a 400 MB cassette costs a few
// MiB of memory, not 400.
class MappedFile {
public:
    static std::unique_ptr<MappedFile> open(int fd) {
        struct stat st {};
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return nullptr;
        size_t size = static_cast<size_t>(st.st_size);
        void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) return nullptr;
        madvise(p, size, MADV_SEQUENTIAL);
        return std::unique_ptr<MappedFile>(new MappedFile(static_cast<const char*>(p), size));
    }
    ~MappedFile() { munmap(const_cast<char*>(data_), size_); }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::string_view text() const { return {data_, size_}; }
    // Drops the pages wholly before `offset` from memory (they are read
    // again from the file if ever touched), in steps of 8 MiB.
    void release_before(size_t offset) {
        static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        size_t upto = offset / page * page;
        if (upto < released_ + (size_t{8} << 20)) return;
        madvise(const_cast<char*>(data_) + released_, upto - released_, MADV_DONTNEED);
        released_ = upto;
    }

private:
    MappedFile(const char* data, size_t size) : data_(data), size_(size) {}
    const char* data_;
    size_t size_;
    size_t released_ = 0;
};

std::string slurp(FILE* file, const std::string& path) {
    std::string text;
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file)) > 0) text.append(buf, n);
    if (std::ferror(file)) throw InputError(path, {}, std::string("cannot read: ") + std::strerror(errno), "", "io");
    return text;
}

// go-vcr and VCR.py YAML both start `interactions:`; their first request's
// own keys tell them apart, and a long first body can push those past the
// first 64 KiB. Then read on (up to 64 MiB) until they show.
void extend_undecided_head(FILE* file, std::string& head) {
    constexpr size_t kMaxSniff = 64u << 20;
    if (head.size() < kSniffBytes || version_comes_first(head) || vcr_yaml_flavour(head) >= 0) return;
    if (head.find("interactions:") == std::string::npos) return;
    std::string chunk(1u << 20, '\0');
    while (head.size() < kMaxSniff) {
        size_t n = std::fread(chunk.data(), 1, chunk.size(), file);
        head.append(chunk.data(), n);
        if (n < chunk.size() || vcr_yaml_flavour(head) >= 0) return;
    }
}

}  // namespace

const std::vector<std::string>& known_input_formats() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v{"auto"};
        for (const Format& f : kFormats) v.emplace_back(f.name);
        return v;
    }();
    return names;
}

std::string detect_format(const std::string& path) {
    std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) return {};
    std::string head(kSniffBytes, '\0');
    head.resize(std::fread(head.data(), 1, head.size(), file.get()));
    if (is_gzip(head)) head = gunzip_head(head, kSniffBytes);
    if (is_zip(head)) {  // a .har.zip: only when it holds a HAR
        std::error_code ec;
        if (fs::file_size(path, ec) > limits().body_bytes || ec) return {};
        std::rewind(file.get());
        std::string all;
        try {
            all = slurp(file.get(), path);
        } catch (const InputError&) {
            return {};
        }
        return har_zip_claims(all) ? "har" : "";
    }
    const Format* f = sniff_format(head);
    return f ? f->name : "";
}

Cassette read_cassette(const std::string& path, const InteractionSink& sink, const ReadOptions& opts) {
    if (path == "-") {
        std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
        return read_text(text, path, sink, opts);
    }
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw InputError(path, {}, "no such file", "", "io");
    if (fs::is_directory(status)) throw InputError(path, {}, "is a directory, not a cassette file", "", "io");
    std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) throw InputError(path, {}, std::string("cannot open: ") + std::strerror(errno), "", "io");
    std::string head(kSniffBytes, '\0');
    head.resize(std::fread(head.data(), 1, head.size(), file.get()));
    if (std::ferror(file.get()))
        throw InputError(path, {}, std::string("cannot read: ") + std::strerror(errno), "", "io");
    if (is_gzip(head) || is_zip(head)) {
        std::rewind(file.get());
        return read_text(slurp(file.get(), path), path, sink, opts);
    }
    extend_undecided_head(file.get(), head);
    const Format* f = choose(path, head, opts);
    std::rewind(file.get());
    if (f->text) return f->text(slurp(file.get(), path), path, sink, opts);
    if (f->yaml == govcr_read && opts.fast_yaml) {
        auto libyaml_from_file = [&] {
            std::rewind(file.get());
            return std::make_unique<YamlEventStream>(path, file.get(), opts.max_depth, opts.max_alias_expansion);
        };
        // A small file is read whole (the sniff may have read all of it):
        // mapping and unmapping it would cost more than reading it, and
        // unmapping stalls the other threads of a -j run.
        if (head.size() < kSniffBytes) return govcr_read_text(head, path, sink, opts, libyaml_from_file);
        std::error_code size_ec;
        if (fs::file_size(path, size_ec) < kMapFrom && !size_ec) {
            std::rewind(file.get());
            return govcr_read_text(slurp(file.get(), path), path, sink, opts, libyaml_from_file);
        }
        if (auto mapped = MappedFile::open(fileno(file.get()))) {
            return govcr_read_text(mapped->text(), path, sink, opts, libyaml_from_file,
                                   [&](size_t done) { mapped->release_before(done); });
        }
    }
    YamlEventStream ys(path, file.get(), opts.max_depth, opts.max_alias_expansion);
    return f->yaml(ys, path, sink, opts);
}

Cassette load_cassette(const std::string& path, const ReadOptions& opts) {
    std::vector<Interaction> all;
    Cassette c = read_cassette(
        path, [&](Interaction&& ix) { all.push_back(std::move(ix)); }, opts);
    c.interactions = std::move(all);
    return c;
}

Cassette load_cassette_from_string(std::string_view text, const std::string& name, const ReadOptions& opts) {
    std::vector<Interaction> all;
    Cassette c = read_text(
        text, name, [&](Interaction&& ix) { all.push_back(std::move(ix)); }, opts);
    c.interactions = std::move(all);
    return c;
}

std::vector<std::string> expand_paths(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) {
        if (p == "-") {
            out.push_back(p);
            continue;
        }
        std::error_code ec;
        auto status = fs::status(p, ec);
        if (ec || !fs::exists(status)) throw InputError(p, {}, "no such file or directory", "", "io");
        if (!fs::is_directory(status)) {
            out.push_back(p);
            continue;
        }
        std::vector<std::string> found;
        for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (!it->is_regular_file(ec)) continue;
            auto ext = it->path().extension().string();
            // YAML files are always taken (a broken one is reported, as before);
            // other extensions only when their content is a cassette.
            if (ext == ".yaml" || ext == ".yml") {
                found.push_back(it->path().string());
            } else if (ext == ".jsonl" || ext == ".toml") {
                // cassetter TOML; an Aquila cassette once, by its requests file
                const std::string file = it->path().filename().string();
                if ((ext == ".toml" || (file.size() > 11 && file.rfind(".meta.jsonl") == file.size() - 11)) &&
                    !detect_format(it->path().string()).empty())
                    found.push_back(it->path().string());
            } else if (ext == ".json" || ext == ".har" || ext == ".httprr" || ext == ".gz" || ext == ".zip" ||
                       ext == ".json5" || ext.empty()) {  // php-vcr's default cassette name has no extension
                if (!detect_format(it->path().string()).empty()) found.push_back(it->path().string());
            }
        }
        if (ec) throw InputError(p, {}, "cannot list directory: " + ec.message(), "", "io");
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

}  // namespace cassette
