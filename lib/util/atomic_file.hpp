// Output files that are never left partial: written to a temporary file in
// the same directory, renamed over the target only on commit().
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace cassette {

class AtomicFile {
public:
    // Throws InputError (rule "io") if the temporary file cannot be created.
    // The file gets permission bits `mode` (not filtered by the umask, so a
    // rewritten file keeps the mode it had: pass file_mode() of the old one).
    explicit AtomicFile(std::string path, unsigned mode = 0644);
    ~AtomicFile();  // removes the temporary file unless committed
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::string_view bytes);
    void commit();  // flush, fsync, rename; throws InputError on failure

private:
    std::string path_;
    std::string temp_;
    FILE* file_ = nullptr;
    bool committed_ = false;
};

// The permission bits (07777) of an existing file; 0644 when it cannot be read.
unsigned file_mode(const std::string& path);

// True when `a` and `b` name the same existing file.
bool same_file(const std::string& a, const std::string& b);

}  // namespace cassette
