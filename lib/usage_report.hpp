// The data behind `cassette usage`: token usage per interaction, per file, per
// model and in total. Building only; the command renders it.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "message.hpp"
#include "model.hpp"
#include "reader.hpp"
#include "pricing.hpp"

namespace cassette {

struct UsageRow {
    size_t index = 0;  // interaction index in its file (0-based)
    std::string api;
    std::string model;                // the response's model, else the request's
    std::optional<Usage> usage;       // null when the response reports none
    std::optional<PriceResult> cost;  // when priced with price data (docs/cost.md)
};

// Money of several calls, in nano-dollars, and how many had no price.
struct CostSum {
    int64_t nanos = 0;
    size_t priced = 0;
    size_t unpriced = 0;
    void add(const PriceResult& r);
    void add(const CostSum& other);
};

// Sum of the normalised counters of several responses; `raw` is not summed.
struct UsageSum {
    Usage usage;
    size_t interactions = 0;  // LLM interactions counted
    size_t with_usage = 0;    // of which reported usage
    CostSum cost;             // when priced
    void add(const std::optional<Usage>& u);
    void add(const UsageRow& row);  // its usage and cost
    void add(const UsageSum& other);
};

struct FileUsage {
    std::string path;
    // LLM interactions only, in file order; a deque: a long file's rows grow
    // in blocks, never copied to a twice larger array.
    std::deque<UsageRow> interactions;
    UsageSum total;
    std::vector<Problem> problems;  // malformed fields: the file is refused (exit 2)
    std::string not_http;           // Cassette::not_http: a WebSocket or gRPC log, skipped
};

struct ModelUsage {
    std::string model;  // "" when unknown
    UsageSum total;
};

struct UsageReport {
    std::vector<FileUsage> files;
    std::vector<ModelUsage> models;  // sorted by model name
    UsageSum total;
};

// Reads one cassette (streaming) and reassembles each interaction.
// Throws InputError when the file cannot be read; malformed fields land in `problems`.
// With `prices`, each row is priced too (its request URL, model and recorded time).
FileUsage file_usage(const std::string& path, const PriceData* prices = nullptr, const ReadOptions& ropts = {});

// Per-model and grand totals over `files` (kept in the given order).
UsageReport build_usage_report(std::vector<FileUsage> files);

// cassette-usage(1) --format json shape:
// {"files":[{"path","interactions":[{"index","api","model","usage"}],"total"}],"total"}; with `with_models`, also
// "models":[{"model","interactions","usage"}]. Keys in that order. With `prices` (usage --cost): each interaction also
// has "cost" (USD, null when unpriced), "currency" and "priced_as" ({"provider","model","at"} or
// {"unpriced": reason}); each total has "cost", "currency" and "unpriced"; and
// the top level "prices" (the data's description).
nlohmann::ordered_json usage_report_json(const UsageReport& r, bool with_models = false,
                                         const PriceData* prices = nullptr);
// The same text usage_report_json(...).dump(2) gives, handed to `write` in
// pieces as it is made.
void write_usage_report_json(const UsageReport& r, bool with_models, const PriceData* prices,
                             const std::function<void(std::string_view)>& write);

// The model a call is counted under: the response's, else the request's.
std::string usage_model(const Interaction& ix, const Message& m);

// One interaction reassembled and priced; nullopt when it is not an LLM call.
std::optional<PriceResult> price_interaction(const Interaction& ix, const PriceData& prices);

// An instant as "2025-01-02T03:04:05Z".
std::string iso_time(int64_t unix_ms);

}  // namespace cassette
