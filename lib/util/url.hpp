// One URL splitter and the two percent-decodings (a path keeps '+'; a query
// or form value reads '+' as a space). Byte spans, not copies, so callers
// that rewrite a URL (scrub) can replace one part and keep the rest.
#pragma once

#include <string>
#include <string_view>

namespace cassette {

struct UrlParts {
    std::string_view scheme;    // "https" (without "://"); empty when none
    std::string_view userinfo;  // "user:password" (without '@'); empty when none
    std::string_view host;      // "api.openai.com:443" as written (port included)
    std::string_view path;      // "/v1/chat/completions"; may be empty
    std::string_view query;     // after '?', before '#'; empty when none
    std::string_view fragment;  // after '#'
    bool has_query = false;
};

// Splits `url` (absolute "scheme://host/path?query#fragment", or a bare
// "/path?query"). Every view points into `url`.
UrlParts split_url(std::string_view url);

// The host without port, lower-cased ("api.openai.com").
std::string url_hostname(std::string_view url);

enum class PercentMode { path, form };
// %XX decoded; in form mode '+' is a space. Malformed escapes are kept as written.
std::string percent_decode(std::string_view s, PercentMode mode = PercentMode::form);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view s);

}  // namespace cassette
