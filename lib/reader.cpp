#include "reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>

#include "error.hpp"
#include "govcr_reader.hpp"

namespace fs = std::filesystem;

namespace cassette {

namespace {

constexpr size_t kSniffBytes = 64 * 1024;

struct FileCloser {
    void operator()(FILE* f) const { std::fclose(f); }
};

[[noreturn]] void not_a_cassette(const std::string& name, std::string_view head) {
    if (head.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw InputError(name, Position{1, 1}, "empty file: not a cassette", "", "schema");
    throw InputError(name, Position{1, 1},
                     "not a recognised cassette: expected go-vcr YAML with top-level `version:` and `interactions:`",
                     "", "schema");
}

}  // namespace

Cassette read_cassette(const std::string& path, const InteractionSink& sink, const ReadOptions& opts) {
    if (path == "-") {
        std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
        if (!govcr_sniff(std::string_view(text).substr(0, kSniffBytes))) not_a_cassette(path, text);
        YamlEventStream ys(path, text, opts.max_depth, opts.max_alias_expansion);
        return govcr_read(ys, path, sink, opts);
    }
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw InputError(path, {}, "no such file", "", "io");
    if (fs::is_directory(status)) throw InputError(path, {}, "is a directory, not a cassette file", "", "io");
    std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) throw InputError(path, {}, std::string("cannot open: ") + std::strerror(errno), "", "io");
    std::string head(kSniffBytes, '\0');
    head.resize(std::fread(head.data(), 1, head.size(), file.get()));
    if (std::ferror(file.get())) throw InputError(path, {}, std::string("cannot read: ") + std::strerror(errno), "", "io");
    if (!govcr_sniff(head)) not_a_cassette(path, head);
    std::rewind(file.get());
    YamlEventStream ys(path, file.get(), opts.max_depth, opts.max_alias_expansion);
    return govcr_read(ys, path, sink, opts);
}

Cassette load_cassette(const std::string& path, const ReadOptions& opts) {
    std::vector<Interaction> all;
    Cassette c = read_cassette(path, [&](Interaction&& ix) { all.push_back(std::move(ix)); }, opts);
    c.interactions = std::move(all);
    return c;
}

Cassette load_cassette_from_string(std::string_view text, const std::string& name, const ReadOptions& opts) {
    if (!govcr_sniff(text.substr(0, kSniffBytes))) not_a_cassette(name, text);
    YamlEventStream ys(name, text, opts.max_depth, opts.max_alias_expansion);
    std::vector<Interaction> all;
    Cassette c = govcr_read(ys, name, [&](Interaction&& ix) { all.push_back(std::move(ix)); }, opts);
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
            if (ext == ".yaml" || ext == ".yml") found.push_back(it->path().string());
        }
        if (ec) throw InputError(p, {}, "cannot list directory: " + ec.message(), "", "io");
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

}  // namespace cassette
