// Playwright's `.har.zip` recordings (recordHar with a path ending in .zip):
// a zip archive holding one `.har` log and the body files its entries name
// in `content._file`. Read in memory with libzip, never extracted to disk;
// every entry read is held to the body size limit (docs/limits.md), and an
// entry is read only as far as that limit whatever its header claims.
#include <zip.h>

#include <memory>

#include "error.hpp"
#include "formats/sniff.hpp"
#include "limits.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

constexpr zip_uint64_t kMaxEntries = 1u << 20;

struct ArchiveCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;

// Opens `bytes` (which must outlive the archive); null with `why` set when
// it is not a zip archive libzip can read.
Archive open_archive(std::string_view bytes, std::string& why) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (!src) {
        why = zip_error_strerror(&err);
        zip_error_fini(&err);
        return nullptr;
    }
    zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &err);
    if (!z) {
        why = zip_error_strerror(&err);
        zip_source_free(src);
        zip_error_fini(&err);
        return nullptr;
    }
    zip_error_fini(&err);
    return Archive(z);
}

// The bytes of entry `index`, at most the body size limit; nullopt with `why`.
std::optional<std::string> read_entry(zip_t* z, zip_uint64_t index, std::string& why) {
    const size_t cap = limits().body_bytes;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, index, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) && st.size > cap) {
        why = "larger than the body size limit (" + limit_hint(&Limits::body_bytes) + ")";
        return std::nullopt;
    }
    zip_file_t* f = zip_fopen_index(z, index, 0);
    if (!f) {
        why = std::string("cannot be read: ") + zip_strerror(z);
        return std::nullopt;
    }
    std::string out;
    char buf[1 << 16];
    for (;;) {
        zip_int64_t n = zip_fread(f, buf, sizeof buf);
        if (n < 0) {
            why = std::string("cannot be read: ") + zip_file_strerror(f);
            zip_fclose(f);
            return std::nullopt;
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > cap) {  // the header understated it
            why = "larger than the body size limit (" + limit_hint(&Limits::body_bytes) + ")";
            zip_fclose(f);
            return std::nullopt;
        }
    }
    zip_fclose(f);
    return out;
}

// Indexes of the entries whose name ends in ".har" (any case), directories
// and names with a path part included.
std::vector<zip_uint64_t> har_entries(zip_t* z) {
    std::vector<zip_uint64_t> out;
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n && static_cast<zip_uint64_t>(i) < kMaxEntries; ++i) {
        const char* name = zip_get_name(z, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS);
        if (!name) continue;
        std::string low = lower(name);
        if (ends_with(low, ".har")) out.push_back(static_cast<zip_uint64_t>(i));
    }
    return out;
}

}  // namespace

bool is_zip(std::string_view head) { return head.substr(0, 4) == std::string_view("PK\x03\x04", 4); }

bool har_zip_claims(std::string_view bytes) {
    if (!is_zip(bytes)) return false;
    std::string why;
    Archive z = open_archive(bytes, why);
    return z && !har_entries(z.get()).empty();
}

Cassette har_zip_read(std::string_view bytes, const std::string& name, const InteractionSink& sink,
                      const ReadOptions& opts) {
    std::string why;
    Archive z = open_archive(bytes, why);
    if (!z) throw InputError(name, {}, "not a readable zip archive: " + why, "", "schema");
    if (zip_get_num_entries(z.get(), 0) > static_cast<zip_int64_t>(kMaxEntries))
        throw InputError(name, {}, "zip archive has over " + std::to_string(kMaxEntries) + " entries", "", "schema");
    std::vector<zip_uint64_t> hars = har_entries(z.get());
    if (hars.empty())
        throw InputError(name, {}, "zip archive holds no .har file (a Playwright recording has one)", "", "schema");
    if (hars.size() > 1)
        throw InputError(
            name, {},
            "zip archive holds " + std::to_string(hars.size()) + " .har files; a Playwright recording has one", "",
            "schema");
    const std::string entry_name = zip_get_name(z.get(), hars[0], ZIP_FL_ENC_GUESS);
    std::optional<std::string> har = read_entry(z.get(), hars[0], why);
    if (!har) throw InputError(name, {}, "`" + entry_name + "` in the archive: " + why, "", "schema");
    zip_t* archive = z.get();
    HarSidecars sidecars = [archive](const std::string& file, std::string& reason) -> std::optional<std::string> {
        zip_int64_t i = zip_name_locate(archive, file.c_str(), ZIP_FL_ENC_GUESS);
        if (i < 0) {
            reason = "not in the archive";
            return std::nullopt;
        }
        return read_entry(archive, static_cast<zip_uint64_t>(i), reason);
    };
    // Positions in errors are inside the .har entry: errors name it
    // ("x.har.zip:har.har:12:5"); the cassette is the archive.
    // The header handed on names the archive; it lives until this read
    // returns, as a reader's own header does (callers may keep a pointer).
    ReadOptions inner = opts;
    Cassette header_copy;
    if (opts.on_header)
        inner.on_header = [&](const Cassette& header) {
            header_copy = header;
            header_copy.path = name;
            opts.on_header(header_copy);
        };
    Cassette c = har_read_with_sidecars(*har, name + ":" + entry_name, sink, inner, sidecars);
    c.path = name;
    return c;
}

}  // namespace cassette
