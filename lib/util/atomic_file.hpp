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
    explicit AtomicFile(std::string path);
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

// True when `a` and `b` name the same existing file.
bool same_file(const std::string& a, const std::string& b);

}  // namespace cassette
