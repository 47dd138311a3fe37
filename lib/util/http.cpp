#include "util/http.hpp"

#include <charconv>
#include <unordered_map>

#include "util/text.hpp"

namespace cassette {

std::string_view reason_phrase(int64_t code) {
    static const std::unordered_map<int64_t, std::string_view> phrases{
        {100, "Continue"},
        {101, "Switching Protocols"},
        {102, "Processing"},
        {103, "Early Hints"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {203, "Non-Authoritative Information"},
        {204, "No Content"},
        {205, "Reset Content"},
        {206, "Partial Content"},
        {207, "Multi-Status"},
        {208, "Already Reported"},
        {226, "IM Used"},
        {300, "Multiple Choices"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {303, "See Other"},
        {304, "Not Modified"},
        {305, "Use Proxy"},
        {307, "Temporary Redirect"},
        {308, "Permanent Redirect"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {402, "Payment Required"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {407, "Proxy Authentication Required"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {412, "Precondition Failed"},
        {413, "Request Entity Too Large"},
        {414, "Request URI Too Long"},
        {415, "Unsupported Media Type"},
        {416, "Requested Range Not Satisfiable"},
        {417, "Expectation Failed"},
        {418, "I'm a teapot"},
        {421, "Misdirected Request"},
        {422, "Unprocessable Entity"},
        {423, "Locked"},
        {424, "Failed Dependency"},
        {425, "Too Early"},
        {426, "Upgrade Required"},
        {428, "Precondition Required"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {451, "Unavailable For Legal Reasons"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
        {505, "HTTP Version Not Supported"},
        {506, "Variant Also Negotiates"},
        {507, "Insufficient Storage"},
        {508, "Loop Detected"},
        {510, "Not Extended"},
        {511, "Network Authentication Required"},
    };
    auto it = phrases.find(code);
    return it == phrases.end() ? std::string_view{} : it->second;
}

std::optional<std::string> dechunk(std::string_view b) {
    std::string out;
    size_t p = 0;
    while (true) {
        size_t e = b.find("\r\n", p);
        if (e == std::string_view::npos) return std::nullopt;
        std::string_view size_text = b.substr(p, e - p);
        size_t semi = size_text.find(';');
        if (semi != std::string_view::npos) size_text = size_text.substr(0, semi);
        size_text = trim(size_text);
        uint64_t n = 0;
        auto [q, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), n, 16);
        if (ec != std::errc() || q != size_text.data() + size_text.size() || size_text.empty()) return std::nullopt;
        p = e + 2;
        if (n == 0) return out;  // trailers, if any, follow
        if (n > b.size() - p) return std::nullopt;
        out.append(b.substr(p, n));
        p += n;
        if (b.substr(p, 2) != "\r\n") return std::nullopt;
        p += 2;
    }
}

}  // namespace cassette
