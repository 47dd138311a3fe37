#include "util/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "error.hpp"

namespace cassette {

AtomicFile::AtomicFile(std::string path, unsigned mode) : path_(std::move(path)) {
    std::filesystem::path p(path_);
    std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
    std::string tmpl = dir + "/." + p.filename().string() + ".tmp-XXXXXX";
    int fd = mkstemp(tmpl.data());
    if (fd < 0)
        throw InputError(path_, {}, std::string("cannot create output file: ") + std::strerror(errno), "", "io");
    fchmod(fd, static_cast<mode_t>(mode & 07777));
    temp_ = tmpl;
    file_ = fdopen(fd, "wb");
    if (!file_) {
        ::close(fd);
        std::remove(temp_.c_str());
        throw InputError(path_, {}, std::string("cannot create output file: ") + std::strerror(errno), "", "io");
    }
}

AtomicFile::~AtomicFile() {
    if (file_) std::fclose(file_);
    if (!committed_ && !temp_.empty()) std::remove(temp_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
        throw InputError(path_, {}, std::string("cannot write output: ") + std::strerror(errno), "", "io");
}

void AtomicFile::commit() {
    if (std::fflush(file_) != 0 || fsync(fileno(file_)) != 0)
        throw InputError(path_, {}, std::string("cannot write output: ") + std::strerror(errno), "", "io");
    std::fclose(file_);
    file_ = nullptr;
    if (std::rename(temp_.c_str(), path_.c_str()) != 0)
        throw InputError(path_, {}, std::string("cannot rename output into place: ") + std::strerror(errno), "", "io");
    committed_ = true;
}

unsigned file_mode(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return 0644;
    return static_cast<unsigned>(st.st_mode) & 07777;
}

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {
    }, sb{};
    if (stat(a.c_str(), &sa) != 0 || stat(b.c_str(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace cassette
