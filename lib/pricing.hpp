// What an LLM call cost: the normalized token usage (message.hpp) priced with
// the genai-prices database (data/prices/, docs/cost.md), following the
// database's own rules: provider by the request URL, model by the provider's
// match rules, the price in force at the recorded time, tiers by prompt size.
// Money is kept in whole nano-dollars; nothing is summed in floating point.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message.hpp"
#include "model.hpp"

namespace cassette {

// One priced call.
struct Price {
    int64_t nanos = 0;             // USD × 10⁹, rounded half up from the exact value
    std::string provider;          // the database's provider id ("openai")
    std::string model;             // the database's model id the call matched
    std::optional<int64_t> at_ms;  // the time it was priced at (Unix ms); absent: now
};

// Why a call has no price.
enum class Unpriced {
    no_usage,     // the response reports no usage
    no_provider,  // the request URL matches no provider of the database
    no_model,     // the provider has no price for the model
    bad_usage,    // the counters contradict each other (cache larger than the prompt)
};

struct PriceResult {
    std::optional<Price> price;
    Unpriced why = Unpriced::no_usage;  // when there is no price
};

class PriceData {
public:
    // Reads a genai-prices data.json (the v2 list of providers). Throws
    // InputError naming the file (and line/column for JSON syntax) when it
    // cannot be read or is not of that shape.
    static std::shared_ptr<const PriceData> load(const std::string& path);
    static std::shared_ptr<const PriceData> parse(std::string_view text, const std::string& path);

    // The price of one call: `url` is the request URL, `model` the model
    // name, `at_ms` the recorded time (Unix milliseconds; absent: now).
    PriceResult price(std::string_view url, std::string_view model, const std::optional<Usage>& usage,
                      std::optional<int64_t> at_ms) const;

    const std::string& path() const { return path_; }
    // What the file is, for a line under a table: the SOURCE file beside it
    // ("@pydantic/genai-prices 0.1.8, taken 2026-12-02"), else its
    // modification date.
    const std::string& description() const { return description_; }

    struct Impl;
    ~PriceData();
    PriceData();

private:
    std::string path_;
    std::string description_;
    std::unique_ptr<Impl> impl_;
};

// Where the price data is: `explicit_path` (--prices) if given, else
// $CASSETTE_PRICES, else the copy installed with the binary
// (<prefix>/share/cassette/prices/data.json next to <prefix>/bin) or the one
// in its build tree. Empty when none exists.
std::string find_price_data(const std::string& explicit_path);

// The time an interaction was recorded, when the cassette says: the
// recorder's own timestamp kept as an extra field of the interaction (Ruby
// VCR's `recorded_at`; a `startedDateTime` if a reader keeps one), else the
// response's Date header. Unix milliseconds.
std::optional<int64_t> recorded_time_ms(const Interaction& ix);

// Parses an HTTP date (RFC 9110 IMF-fixdate, also RFC 850 and asctime) or an
// ISO 8601 / RFC 3339 time; Unix milliseconds.
std::optional<int64_t> parse_time_ms(std::string_view text);

// "$0.00042": at least two decimals, four significant digits, never rounded
// to nothing ($0.000000001 is the smallest). Exact to the nano-dollar in
// `exact` form ("0.00042" with no "$", all digits kept) for CSV and JSON.
std::string format_usd(int64_t nanos);
std::string exact_usd(int64_t nanos);

const char* unpriced_reason(Unpriced u);

}  // namespace cassette
