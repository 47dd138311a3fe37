// HAR 1.2 -> the cassette model (go-vcr format 2), the reverse of har.hpp.
//
// Every entry of every page becomes one interaction, in log order, with ids
// 0..n-1 (as go-vcr's Save renumbers). Bodies come back byte-exact: postData
// `_encoding: base64`, content `encoding: base64` and content `_raw_base64`
// (the recorded bytes of a body stored compressed) are decoded. The `_`
// fields har.hpp writes are read back; where they are absent the value is
// inferred the way go-vcr v4 would have recorded it (content_length from the
// body / Content-Length, host "", duration from `time`). HTTP/2 pseudo
// headers (":authority" ...) are dropped: Go's http.Header never has them.
#pragma once

#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "model.hpp"

namespace cassette {

// Parses HAR JSON text. Throws InputError (rule "schema"; the message names
// the JSON path of the offending value, or the line:column where text that
// is not JSON stops parsing) on anything that is not a HAR log.
Cassette har_to_cassette(std::string_view har_text, const std::string& name);

// A malformed field of one entry: `where` is its JSON path
// ("$.log.entries[2].response.status"), `what` the expected shape.
struct HarProblem {
    std::optional<size_t> entry;
    std::string where;
    std::string what;
};

// As above, but a malformed field inside an entry is appended to `problems`
// and reading goes on: the entry becomes an interaction with what it has (a
// missing `response` leaves the response empty, a mistyped `status` leaves
// `code` unset). Only text that is not a HAR log ({"log": {"entries": [...]}})
// throws.
Cassette har_to_cassette(std::string_view har_text, const std::string& name, std::vector<HarProblem>& problems);

// "h2", "http/2.0", "HTTP/1.1" ... -> Go's Proto ("HTTP/2.0") and its numbers;
// "" stays "" (0.0), as Go records requests it built itself; other text HTTP/1.1.
struct ProtoVersion {
    std::string proto;
    int64_t major = 1;
    int64_t minor = 1;
};
ProtoVersion normalize_http_version(std::string_view v);

}  // namespace cassette
