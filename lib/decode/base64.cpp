#include "decode/base64.hpp"

#include <sodium.h>

namespace cassette {

std::optional<std::string> base64_decode(std::string_view text) {
    std::string out(text.size() / 4 * 3 + 3, '\0');
    size_t len = 0;
    const char* end = nullptr;
    // ORIGINAL accepts padded input; NO_PADDING variant rejects '='. Try padded
    // first, then unpadded, so both forms recorders write are read.
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), " \t\r\n",
                          &len, &end, sodium_base64_VARIANT_ORIGINAL) == 0 &&
        end == text.data() + text.size()) {
        out.resize(len);
        return out;
    }
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), " \t\r\n",
                          &len, &end, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) == 0 &&
        end == text.data() + text.size()) {
        out.resize(len);
        return out;
    }
    return std::nullopt;
}

std::string base64_encode(std::string_view bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // drop the terminating NUL
    return out;
}

}  // namespace cassette
