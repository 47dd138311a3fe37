// Cassettes as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/):
// one entry per interaction, one page per input file, nothing lost.
//
// What HAR has no field for goes in `_`-prefixed custom fields (HAR 1.2
// allows them): `_id`, `_duration` (as recorded), `_message` (the
// reassembled LLM message with usage), request/response `_content_length`,
// `_host`, `_remote_addr`, `_request_uri`, `_transfer_encoding`, `_trailer`,
// `_form`, `_uncompressed`, `_status` (when it is not "<code> <statusText>"),
// `_extra` (unknown keys), content `_raw_base64` (bytes as recorded when they
// were stored compressed) and postData `_encoding` (request bodies that are
// not UTF-8). Fields whose value the importer (har_import.hpp) would infer
// anyway are left out, so cassette -> HAR -> cassette -> HAR is stable.
//
// Times are deterministic (no wall clock): an entry starts at its response's
// Date header when it has one, else at kHarEpoch plus the sum of the
// durations of every entry before it in the log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.hpp"

namespace cassette {

// The fixed start of the clock for entries without a Date header.
inline constexpr const char* kHarEpoch = "2000-01-01T00:00:00.000Z";

// Builds a HAR log piece by piece so a caller can stream the entries of many
// files into one document. Pure: returns JSON values, writes nothing.
class HarLog {
public:
    explicit HarLog(std::string creator_version);

    // Starts the page for the next input file; its entries get its pageref.
    void begin_page(const std::string& title);
    // Keeps the file's unknown top-level keys on its page (`_extra`).
    void page_header(const Cassette& c);
    // The HAR entry for `ix` (advances the clock by its duration).
    nlohmann::json entry(const Interaction& ix);

    nlohmann::json creator() const;
    nlohmann::json pages() const { return pages_; }

private:
    std::string creator_version_;
    nlohmann::json pages_ = nlohmann::json::array();
    int64_t clock_ns_ = 0;  // since kHarEpoch
    bool page_has_entry_ = false;
};

// The whole document {"log": {...}} for cassettes already in memory.
nlohmann::json cassettes_to_har(const std::vector<const Cassette*>& cassettes, const std::string& creator_version);

// Go's time.Duration.String() for `ns` ("1.5s", "507.584375ms", "1h2m0s", "0s").
std::string format_go_duration(int64_t ns);

// An RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", also with
// dashes as cookies write it) as ISO 8601 "1994-11-06T08:49:37.000Z".
std::optional<std::string> http_date_to_iso(std::string_view date);

// ISO 8601 UTC text for `ns` nanoseconds after kHarEpoch (millisecond precision).
std::string har_time_after_epoch(int64_t ns);

// Shared with the importer so both sides agree on what is inferred.
// The status code: `code`, else the leading digits of `status`.
int64_t har_status_code(const Response& rs);
// "200 OK" -> "OK" (the status without its code), else the status itself.
std::string har_status_text(const std::string& status, int64_t code);
// "<code> <text>", or "<code>" when the text is empty.
std::string har_status_line(int64_t code, const std::string& text);
// The response content_length the importer writes: Content-Length, else -1.
int64_t har_default_response_length(const Headers& h);

}  // namespace cassette
