// Pricing (lib/pricing.*, docs/cost.md): the database's matching and price
// rules on small hand-made data, exact money, times, malformed data, and the
// --cost / --prices command lines (golden outputs on testdata/).
#include <limits>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "pricing.hpp"
#include "test_support.hpp"

using namespace cassette;

namespace {

// Two providers in the data's own shape: one with flat, cached, tiered and
// dated prices; one (a cloud) that falls back to the first's models.
const char* kData = R"json([
  {"id": "acme", "name": "Acme", "api_pattern": "https://api\\.acme\\.test",
   "models": [
     {"id": "flat", "match": {"equals": "flat"}, "prices": {"input_mtok": 3, "output_mtok": 15}},
     {"id": "cached", "match": {"or": [{"starts_with": "cached-"}, {"regex": "^cache\\d+$"}]},
      "prices": {"input_mtok": 3, "cache_read_mtok": 0.3, "cache_write_mtok": 3.75, "output_mtok": 15}},
     {"id": "reads-only", "match": {"equals": "reads-only"}, "prices": {"input_mtok": 1, "cache_read_mtok": 0.1, "output_mtok": 2}},
     {"id": "tiered", "match": {"equals": "tiered"},
      "prices": {"input_mtok": {"base": 1.25, "tiers": [{"start": 200000, "price": 2.5}]},
                 "output_mtok": {"base": 10, "tiers": [{"start": 200000, "price": 15}]}}},
     {"id": "dated", "match": {"equals": "dated-2025-05-14"}, "prices": {"input_mtok": 1, "output_mtok": 1}},
     {"id": "changes", "match": {"equals": "changes"},
      "prices": [{"prices": {"input_mtok": 1, "output_mtok": 1}},
                 {"constraint": {"start_date": "2025-06-01", "type": "start_date"}, "prices": {"input_mtok": 2, "output_mtok": 2}},
                 {"constraint": {"start_time": "00:30:00Z", "end_time": "16:30:00Z", "type": "time_of_date"},
                  "prices": {"input_mtok": 4, "output_mtok": 4}}]},
     {"id": "no-input", "match": {"equals": "no-input"}, "prices": {"cache_read_mtok": 1, "output_mtok": 1}},
     {"id": "tiny", "match": {"equals": "tiny"}, "prices": {"input_mtok": 0.0005, "output_mtok": 0.0004}},
     {"id": "per-request", "match": {"equals": "per-request"}, "prices": {"requests_kcount": 5, "input_mtok": 0.075, "output_mtok": 0.3}}
   ]},
  {"id": "cloud", "name": "Cloud", "api_pattern": "https://[a-z0-9-]+\\.cloud\\.test(/|$)", "fallback_model_providers": ["acme"],
   "models": [{"id": "own", "match": {"contains": "own"}, "prices": {"input_mtok": 7, "output_mtok": 7}}]}
])json";

Usage usage(int64_t in, int64_t out, int64_t cache_read = 0, int64_t cache_write = 0, int64_t reasoning = 0) {
    Usage u;
    u.input_tokens = in;
    u.output_tokens = out;
    u.cache_read_tokens = cache_read;
    u.cache_write_tokens = cache_write;
    u.reasoning_tokens = reasoning;
    // (the overflow tests pass INT64_MAX: their total is left at 0)
    if (__builtin_add_overflow(in, out, &u.total_tokens)) u.total_tokens = 0;
    return u;
}

int64_t nanos(const PriceData& d, const std::string& url, const std::string& model, const Usage& u,
              std::optional<int64_t> at = std::nullopt) {
    PriceResult r = d.price(url, model, u, at);
    REQUIRE(r.price);
    return r.price->nanos;
}

const std::string kAcme = "https://api.acme.test/v1/messages";

}  // namespace

TEST_CASE("pricing: provider from the request URL, model by its rules", "[pricing]") {
    auto d = PriceData::parse(kData, "data.json");
    // $3 per million in, $15 out: 1,000 in + 100 out = 3,000,000 + 1,500,000 nano-dollars.
    CHECK(nanos(*d, kAcme, "flat", usage(1000, 100)) == 4500000);
    CHECK(d->price(kAcme, "flat", usage(1, 1), std::nullopt).price->provider == "acme");
    // Case and surrounding blanks do not matter to the rules; a regex sees the lower-cased name.
    CHECK(nanos(*d, kAcme, "  FLAT ", usage(1000, 100)) == 4500000);
    CHECK(d->price(kAcme, "Cache12", usage(1, 1), std::nullopt).price->model == "cached");
    // The pattern is anchored at the start of the URL.
    CHECK(d->price("http://proxy.test/https://api.acme.test/v1", "flat", usage(1, 1), std::nullopt).why ==
          Unpriced::no_provider);
    CHECK(d->price("http://localhost:11434/api/chat", "flat", usage(1, 1), std::nullopt).why == Unpriced::no_provider);
    // A model-name prefix never picks the provider.
    CHECK(d->price("https://gateway.example/v1", "flat", usage(1, 1), std::nullopt).why == Unpriced::no_provider);
    CHECK(d->price(kAcme, "unknown", usage(1, 1), std::nullopt).why == Unpriced::no_model);
    CHECK(d->price(kAcme, "", usage(1, 1), std::nullopt).why == Unpriced::no_model);
    CHECK(d->price(kAcme, "flat", std::nullopt, std::nullopt).why == Unpriced::no_usage);
    // A cloud's own models first, then its fallback providers' models.
    CHECK(d->price("https://eu-1.cloud.test/x", "own-model", usage(1, 1), std::nullopt).price->model == "own");
    PriceResult fb = d->price("https://eu-1.cloud.test/x", "flat", usage(1000, 100), std::nullopt);
    REQUIRE(fb.price);
    CHECK(fb.price->provider == "cloud");
    CHECK(fb.price->model == "flat");
    CHECK(fb.price->nanos == 4500000);
    // A -YYYYMMDD date is tried again as -YYYY-MM-DD (valid dates only).
    CHECK(d->price(kAcme, "dated-20250514", usage(1, 1), std::nullopt).price->model == "dated");
    CHECK(d->price(kAcme, "dated-20251314", usage(1, 1), std::nullopt).why == Unpriced::no_model);
}

TEST_CASE("pricing: cache reads and writes at their own rates, exact to the nano-dollar", "[pricing]") {
    auto d = PriceData::parse(kData, "data.json");
    // 10,000 in of which 6,000 read and 1,000 written; 500 out:
    // 3,000 × 3 + 6,000 × 0.3 + 1,000 × 3.75 + 500 × 15 (micro-dollars per token × 10⁻⁶ ...) in nano-dollars:
    CHECK(nanos(*d, kAcme, "cached-1", usage(10000, 500, 6000, 1000)) == 9000000 + 1800000 + 3750000 + 7500000);
    // No cache-write price: written tokens stay with the input at the input rate.
    CHECK(nanos(*d, kAcme, "reads-only", usage(10000, 0, 6000, 1000)) == 4000000 + 600000);
    // Cache counts larger than the prompt cannot be split: no price, not $0.
    CHECK(d->price(kAcme, "cached-1", usage(100, 0, 500), std::nullopt).why == Unpriced::bad_usage);
    // A price the calculator refuses (a cache price without an input price) prices nothing.
    CHECK(d->price(kAcme, "no-input", usage(100, 1), std::nullopt).why == Unpriced::no_model);
    // Per-request prices count each call once; 0.075 per million is exact.
    CHECK(nanos(*d, kAcme, "per-request", usage(1, 0)) == 5000000 + 75);
    CHECK(nanos(*d, kAcme, "per-request", usage(0, 1)) == 5000000 + 300);
    // A call is summed exactly, then rounded half up to the nano-dollar:
    // 0.5 + 0.4 = 0.9 → 1; 0.5 → 1; 0.4 → 0; 0.5 + 1.2 = 1.7 → 2.
    CHECK(nanos(*d, kAcme, "tiny", usage(1, 1)) == 1);
    CHECK(nanos(*d, kAcme, "tiny", usage(1, 0)) == 1);
    CHECK(nanos(*d, kAcme, "tiny", usage(0, 1)) == 0);
    CHECK(nanos(*d, kAcme, "tiny", usage(1, 3)) == 2);
}

TEST_CASE("pricing: hostile counts and data do not overflow or recurse without end", "[pricing]") {
    auto d = PriceData::parse(kData, "data.json");
    const int64_t max = std::numeric_limits<int64_t>::max();
    CHECK(nanos(*d, kAcme, "cached-1", usage(max, max, max / 2, max / 2)) == max);
    CHECK(d->price(kAcme, "cached-1", usage(max, 0, max, max), std::nullopt).why == Unpriced::bad_usage);
    std::string deep = R"([{"id": "x", "api_pattern": "h", "models": [{"id": "m", "prices": {}, "match": )";
    for (int i = 0; i < 100; ++i) deep += R"({"or": [)";
    deep += R"({"equals": "m"})";
    for (int i = 0; i < 100; ++i) deep += "]}";
    deep += "}]}]";
    CHECK_THROWS_AS(PriceData::parse(deep, "deep.json"), InputError);
    CHECK_THROWS_AS(PriceData::parse(std::string(100000, '[') + std::string(100000, ']'), "nested.json"), InputError);
}

TEST_CASE("pricing: tiers by prompt size, whole prompt at the tier's rate", "[pricing]") {
    auto d = PriceData::parse(kData, "data.json");
    CHECK(nanos(*d, kAcme, "tiered", usage(200000, 1000)) == 250000000 + 10000000);
    // Above the start (strictly), input and output both move to the tier.
    CHECK(nanos(*d, kAcme, "tiered", usage(200001, 1000)) == 500002500 + 15000000);
}

TEST_CASE("pricing: the price in force at the recorded time", "[pricing]") {
    auto d = PriceData::parse(kData, "data.json");
    auto at = [](const char* t) { return parse_time_ms(t); };
    // Before the start date: the first entry; after it: the dated one; in the
    // daily window (00:30-16:30 UTC), the window's price (read from the last entry back).
    CHECK(nanos(*d, kAcme, "changes", usage(1000000, 0), at("2025-05-31T20:00:00Z")) == 1000000000);
    CHECK(nanos(*d, kAcme, "changes", usage(1000000, 0), at("2025-06-01T20:00:00Z")) == 2000000000);
    CHECK(nanos(*d, kAcme, "changes", usage(1000000, 0), at("Sun, 01 Jun 2025 16:29:59 GMT")) == 4000000000);
    CHECK(nanos(*d, kAcme, "changes", usage(1000000, 0), at("2025-06-01T16:30:00Z")) == 2000000000);
    CHECK(nanos(*d, kAcme, "changes", usage(1000000, 0), at("2025-06-01T02:30:00+02:00")) == 4000000000);
    PriceResult r = d->price(kAcme, "changes", usage(1, 0), at("2025-06-01T20:00:00Z"));
    REQUIRE(r.price);
    CHECK(r.price->at_ms == at("2025-06-01T20:00:00Z"));
}

TEST_CASE("pricing: recorded times", "[pricing]") {
    const int64_t t = 1748736000000;  // 2025-06-01T00:00:00Z
    CHECK(parse_time_ms("Sun, 01 Jun 2025 00:00:00 GMT") == t);
    CHECK(parse_time_ms("Sunday, 01-Jun-25 00:00:00 GMT") == t);
    CHECK(parse_time_ms("Sun Jun  1 00:00:00 2025") == t);
    CHECK(parse_time_ms("2025-06-01T00:00:00.250Z") == t + 250);
    CHECK(parse_time_ms("2025-06-01T02:00:00+02:00") == t);
    CHECK_FALSE(parse_time_ms("2025-02-30T00:00:00Z"));
    CHECK_FALSE(parse_time_ms("yesterday"));
    CHECK_FALSE(parse_time_ms(""));
    Interaction ix;
    ix.response.headers.items.push_back({"Date", {"Sun, 01 Jun 2025 00:00:00 GMT"}, {}});
    CHECK(recorded_time_ms(ix) == t);
    ix.extra.push_back({"recorded_at", "\"Mon, 02 Jun 2025 00:00:00 GMT\"", {}});
    CHECK(recorded_time_ms(ix) == t + 86400000);
}

TEST_CASE("pricing: dollars for people and exact dollars for files", "[pricing]") {
    CHECK(format_usd(420000) == "$0.00042");
    CHECK(format_usd(1) == "$0.000000001");
    CHECK(format_usd(123456789) == "$0.1235");
    CHECK(format_usd(13400000000) == "$13.40");
    CHECK(format_usd(1234567890123) == "$1,234.57");
    CHECK(format_usd(0) == "$0.00");
    CHECK(format_usd(-490000) == "-$0.00049");
    CHECK(exact_usd(420225) == "0.000420225");
    CHECK(exact_usd(13400000000) == "13.40");
    CHECK(exact_usd(0) == "0.00");
}

TEST_CASE("pricing: malformed price data is an error naming the file", "[pricing]") {
    auto fails = [](const std::string& text) {
        try {
            PriceData::parse(text, "p.json");
        } catch (const InputError& e) {
            CHECK(e.file() == "p.json");
            return std::string(e.what());
        }
        FAIL("no error for " << text);
        return std::string();
    };
    CHECK(fails("[\n  {\"id\": }").find("price data") != std::string::npos);
    try {
        PriceData::parse("[\n  {\"id\": }", "p.json");
    } catch (const InputError& e) {
        CHECK(e.pos().line == 2);
        CHECK(e.pos().column == 10);
    }
    CHECK(fails("{}").find("list of providers") != std::string::npos);
    CHECK(fails(R"([{"id": "x", "api_pattern": "h", "models": [{"id": "m", "match": {"equals": "m"}}]}])")
              .find("prices") != std::string::npos);
    CHECK(fails(R"([{"id": "x", "api_pattern": "h", "models": [{"id": "m", "match": {"regex": "("}, "prices": {}}]}])")
              .find("does not compile") != std::string::npos);
    CHECK(fails(R"([{"id": "x", "api_pattern": "h", "models": [{"id": "m", "match": {"equals": "m"},
                    "prices": [{"constraint": {"start_date": "2025-13-01"}, "prices": {}}]}]}])")
              .find("start_date") != std::string::npos);
    CHECK_THROWS_AS(PriceData::load("/nonexistent/data.json"), InputError);
}

TEST_CASE("pricing: the vendored data prices real calls", "[pricing]") {
    auto d = PriceData::load(testsupport::source_dir() + "/data/prices/data.json");
    CHECK(d->description().find("@pydantic/genai-prices") != std::string::npos);
    // claude-sonnet-4: $3 in, $15 out per million (testdata/vcrpy logfire recording).
    PriceResult r = d->price("https://api.anthropic.com/v1/messages?beta=true", "claude-sonnet-4-20250514",
                             usage(19, 9), parse_time_ms("Wed, 11 Mar 2026 14:23:17 GMT"));
    REQUIRE(r.price);
    CHECK(r.price->nanos == 192000);
    CHECK(r.price->provider == "anthropic");
    // A local OpenAI-compatible server is not priced, whatever the model name.
    CHECK(d->price("http://localhost:8080/v1/chat/completions", "gpt-4o", usage(1, 1), std::nullopt).why ==
          Unpriced::no_provider);
}

TEST_CASE("usage --cost: golden outputs on testdata", "[pricing][usage]") {
    const std::string prices = "data/prices/data.json";
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.end(), {"--prices", prices});
        auto r = testsupport::run_cassette(args);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        return r.out;
    };
    testsupport::check_golden("usage/cost-by-file.txt",
                              run({"usage", "--cost", "testdata/vcrpy", "testdata/ruby-vcr"}));
    testsupport::check_golden("usage/cost-by-interaction.txt",
                              run({"usage", "--cost", "testdata/vcrpy", "testdata/ruby-vcr", "--by", "interaction"}));
    testsupport::check_golden("usage/cost-by-model.txt",
                              run({"usage", "testdata/vcrpy", "testdata/ruby-vcr", "--by", "model"}));
    testsupport::check_golden(
        "usage/cost-by-interaction.csv",
        run({"usage", "--cost", "testdata/vcrpy", "testdata/ruby-vcr", "--by", "interaction", "--format", "csv"}));
    testsupport::check_golden("usage/cost-by-file.csv", run({"usage", "--cost", "testdata/vcrpy", "--format", "csv"}));
    testsupport::check_golden("usage/cost.json",
                              run({"usage", "--cost", "testdata/ruby-vcr", "--by", "model", "--format", "json"}));
    // Without --cost nothing changes.
    auto plain = testsupport::run_cassette({"usage", "testdata/vcrpy"});
    CHECK(plain.out.find("COST") == std::string::npos);
}

TEST_CASE("usage --cost: price data that is missing or broken", "[pricing][usage]") {
    auto r = testsupport::run_cassette({"usage", "--cost", "--prices", "/nonexistent/data.json", "testdata/vcrpy"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("/nonexistent/data.json") != std::string::npos);
    CHECK(r.out.empty());
    r = testsupport::run_cassette(
        {"usage", "--prices", "testdata/vcrpy/mirascope_openrouter_sync_gzip.yaml", "testdata/vcrpy"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("price data") != std::string::npos);
    // show: a named file must load; the usage line carries the cost.
    r = testsupport::run_cassette({"show", "--prices", "/nonexistent/data.json", "testdata/vcrpy"});
    CHECK(r.exit_code == 2);
    r = testsupport::run_cassette({"show", "--no-headers", "--prices", "data/prices/data.json",
                                   "testdata/vcrpy/logfire_anthropic_beta_stream_gzip_sse.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage    input 19 · output 9 · total 28 · $0.000192\n") != std::string::npos);
}
