#include "util/url.hpp"

#include "util/text.hpp"

namespace cassette {

UrlParts split_url(std::string_view url) {
    UrlParts p;
    std::string_view rest = url;
    if (size_t s = rest.find("://"); s != std::string_view::npos && rest.find_first_of("/?#") > s) {
        p.scheme = rest.substr(0, s);
        rest.remove_prefix(s + 3);
        size_t auth_end = rest.find_first_of("/?#");
        std::string_view authority = rest.substr(0, auth_end);
        if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
            p.userinfo = authority.substr(0, at);
            authority.remove_prefix(at + 1);
        }
        p.host = authority;
        rest.remove_prefix(auth_end == std::string_view::npos ? rest.size() : auth_end);
    }
    if (size_t h = rest.find('#'); h != std::string_view::npos) {
        p.fragment = rest.substr(h + 1);
        rest = rest.substr(0, h);
    }
    if (size_t q = rest.find('?'); q != std::string_view::npos) {
        p.query = rest.substr(q + 1);
        p.has_query = true;
        rest = rest.substr(0, q);
    }
    p.path = rest;
    return p;
}

std::string url_hostname(std::string_view url) {
    std::string_view host = split_url(url).host;
    if (!host.empty() && host.front() == '[') {  // [::1]:8080
        size_t close = host.find(']');
        return lower(host.substr(0, close == std::string_view::npos ? host.size() : close + 1));
    }
    return lower(host.substr(0, host.find(':')));
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::string percent_decode(std::string_view s, PercentMode mode) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else if (s[i] == '+' && mode == PercentMode::form) {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string percent_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace cassette
