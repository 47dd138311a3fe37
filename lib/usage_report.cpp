// Building the `cassette usage` report: each response reassembled with the
// provider rules (reassemble.hpp), its normalised Usage summed field by field.
#include "usage_report.hpp"

#include <ctime>
#include <map>

#include <fmt/format.h>

#include "decode/body.hpp"
#include "formats/json_export.hpp"
#include "decode/json_read.hpp"
#include "reader.hpp"
#include "providers/reassemble.hpp"

namespace cassette {

namespace {

void add_usage(Usage& into, const Usage& u) {
    into.input_tokens += u.input_tokens;
    into.output_tokens += u.output_tokens;
    into.reasoning_tokens += u.reasoning_tokens;
    into.cache_read_tokens += u.cache_read_tokens;
    into.cache_write_tokens += u.cache_write_tokens;
    into.total_tokens += u.total_tokens;
}

// The model asked for, when the response does not name one.
std::string request_model(const Interaction& ix) {
    const std::string& body = ix.request.body.bytes;
    if (body.empty() || body.find("\"model\"") == std::string::npos) return {};
    auto j = parse_json(body);
    if (!j || !j->is_object()) return {};
    auto it = j->find("model");
    return (it != j->end() && it->is_string()) ? it->get<std::string>() : std::string();
}

}  // namespace

std::string usage_model(const Interaction& ix, const Message& m) {
    return m.model.empty() ? request_model(ix) : m.model;
}

std::optional<PriceResult> price_interaction(const Interaction& ix, const PriceData& prices) {
    DecodedBody body = decode_body(ix.response.headers, ix.response.body.bytes);
    auto m = reassemble(ix, body);
    if (!m) return std::nullopt;
    return prices.price(ix.request.url, usage_model(ix, *m), m->usage, recorded_time_ms(ix));
}

void UsageSum::add(const std::optional<Usage>& u) {
    ++interactions;
    if (!u) return;
    ++with_usage;
    add_usage(usage, *u);
}

void UsageSum::add(const UsageSum& other) {
    interactions += other.interactions;
    with_usage += other.with_usage;
    add_usage(usage, other.usage);
    cost.add(other.cost);
}

void UsageSum::add(const UsageRow& row) {
    add(row.usage);
    if (row.cost) cost.add(*row.cost);
}

void CostSum::add(const PriceResult& r) {
    if (r.price) {
        ++priced;
        nanos = json_read::add(nanos, r.price->nanos);
    } else {
        ++unpriced;
    }
}

void CostSum::add(const CostSum& other) {
    nanos = json_read::add(nanos, other.nanos);
    priced += other.priced;
    unpriced += other.unpriced;
}

std::string iso_time(int64_t ms) {
    std::time_t t = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec);
}

FileUsage file_usage(const std::string& path, const PriceData* prices, const ReadOptions& ropts) {
    FileUsage f;
    f.path = path;
    // Reassembly runs on worker threads (lib/util/ordered_work.hpp); rows are
    // added here in file order.
    OrderedWork<Interaction, std::optional<UsageRow>> work(
        [prices](const Interaction& ix) -> std::optional<UsageRow> {
            DecodedBody body = decode_body(ix.response.headers, ix.response.body.bytes);
            auto m = reassemble(ix, body);
            if (!m) return std::nullopt;
            UsageRow row;
            row.index = ix.index;
            row.api = m->api;
            row.model = usage_model(ix, *m);
            row.usage = std::move(m->usage);
            // The provider's own object is not reported: a row is a few
            // counters, so a file of a hundred thousand responses stays small.
            if (row.usage) row.usage->raw = nullptr;
            if (prices) row.cost = prices->price(ix.request.url, row.model, row.usage, recorded_time_ms(ix));
            return row;
        },
        [&](Interaction&&, std::optional<UsageRow>&& row) {
            if (!row) return;
            f.total.add(*row);
            f.interactions.push_back(std::move(*row));
        },
        work_options(ropts));
    Cassette c = read_cassette_through(path, work, ropts);
    f.problems = std::move(c.problems);
    f.not_http = c.not_http;
    return f;
}

UsageReport build_usage_report(std::vector<FileUsage> files) {
    UsageReport r;
    std::map<std::string, UsageSum> by_model;
    for (const auto& f : files) {
        r.total.add(f.total);
        for (const auto& row : f.interactions) by_model[row.model].add(row);
    }
    for (auto& [model, sum] : by_model) r.models.push_back({model, sum});
    r.files = std::move(files);
    return r;
}

namespace {

using ojson = nlohmann::ordered_json;

// The documented key order (docs/usage-semantics.md), which the sorted nlohmann::json of to_json(Usage) would lose.
ojson usage_json(const Usage& u) {
    return ojson{{"input_tokens", u.input_tokens},
                 {"output_tokens", u.output_tokens},
                 {"reasoning_tokens", u.reasoning_tokens},
                 {"cache_read_tokens", u.cache_read_tokens},
                 {"cache_write_tokens", u.cache_write_tokens},
                 {"total_tokens", u.total_tokens}};
}

// Dollars as a JSON number: the nano-dollar count over 10^9 prints as its
// exact decimal (shortest round trip).
ojson dollars(int64_t nanos) { return ojson(static_cast<double>(nanos) / 1e9); }

void add_cost(ojson& into, const CostSum& c, const PriceData* prices) {
    if (!prices) return;
    into["cost"] = dollars(c.nanos);
    into["currency"] = "USD";
    into["unpriced"] = c.unpriced;
}

ojson row_json(const UsageRow& row, const PriceData* prices) {
    ojson j = {{"index", row.index},
               {"api", row.api},
               {"model", row.model},
               {"usage", row.usage ? usage_json(*row.usage) : ojson(nullptr)}};
    if (prices) {
        const std::optional<Price>& p = row.cost ? row.cost->price : std::nullopt;
        j["cost"] = p ? dollars(p->nanos) : ojson(nullptr);
        j["currency"] = "USD";
        if (p) {
            j["priced_as"] = {{"provider", p->provider},
                              {"model", p->model},
                              {"at", p->at_ms ? ojson(iso_time(*p->at_ms)) : ojson("now")}};
        } else {
            j["priced_as"] = {{"unpriced", unpriced_reason(row.cost ? row.cost->why : Unpriced::no_usage)}};
        }
    }
    return j;
}

// A file's entry without its interactions (they are written one by one).
ojson file_json(const FileUsage& f, const PriceData* prices) {
    ojson file = {{"path", f.path}, {"interactions", ojson::array()}, {"total", usage_json(f.total.usage)}};
    add_cost(file, f.total.cost, prices);
    return file;
}

// Everything after "files", in order.
ojson report_tail_json(const UsageReport& r, bool with_models, const PriceData* prices) {
    ojson out = {{"total", usage_json(r.total.usage)}};
    add_cost(out, r.total.cost, prices);
    if (with_models) {
        ojson models = ojson::array();
        for (const auto& m : r.models) {
            ojson model = {
                {"model", m.model}, {"interactions", m.total.interactions}, {"usage", usage_json(m.total.usage)}};
            add_cost(model, m.total.cost, prices);
            models.push_back(std::move(model));
        }
        out["models"] = std::move(models);
    }
    if (prices) out["prices"] = prices->description();
    return out;
}

}  // namespace

nlohmann::ordered_json usage_report_json(const UsageReport& r, bool with_models, const PriceData* prices) {
    ojson files = ojson::array();
    for (const auto& f : r.files) {
        ojson file = file_json(f, prices);
        for (const auto& row : f.interactions) file["interactions"].push_back(row_json(row, prices));
        files.push_back(std::move(file));
    }
    ojson out = {{"files", std::move(files)}};
    const ojson tail = report_tail_json(r, with_models, prices);
    for (auto it = tail.begin(); it != tail.end(); ++it) out[it.key()] = it.value();
    return out;
}

void write_usage_report_json(const UsageReport& r, bool with_models, const PriceData* prices,
                             const std::function<void(std::string_view)>& write) {
    // usage_report_json(...).dump(2) written a row at a time: a report of
    // 100,000 interactions never stands whole in memory, as text or as values.
    std::string buf;
    auto spill = [&] {
        if (buf.size() >= (size_t{64} << 10)) {
            write(buf);
            buf.clear();
        }
    };
    // Appends the members of `object` at `at` spaces, each after ",\n"
    // (the first after "\n" when `first`).
    auto members = [&](const ojson& object, int at, bool first) {
        for (auto it = object.begin(); it != object.end(); ++it) {
            buf += first ? "\n" : ",\n";
            first = false;
            buf.append(static_cast<size_t>(at), ' ');
            append_json(buf, ojson(it.key()), -1, 0);
            buf += ": ";
            append_json(buf, it.value(), 2, at);
        }
    };
    buf += "{\n  \"files\": [";
    for (size_t i = 0; i < r.files.size(); ++i) {
        const FileUsage& f = r.files[i];
        buf += i ? ",\n    {" : "\n    {";
        ojson file = file_json(f, prices);
        bool first = true;
        for (auto it = file.begin(); it != file.end(); ++it) {
            buf += first ? "\n      " : ",\n      ";
            first = false;
            append_json(buf, ojson(it.key()), -1, 0);
            buf += ": ";
            if (it.key() != "interactions" || f.interactions.empty()) {
                append_json(buf, it.value(), 2, 6);
                continue;
            }
            buf += "[";
            for (size_t k = 0; k < f.interactions.size(); ++k) {
                buf += k ? ",\n        " : "\n        ";
                append_json(buf, row_json(f.interactions[k], prices), 2, 8);
                spill();
            }
            buf += "\n      ]";
        }
        buf += "\n    }";
    }
    buf += r.files.empty() ? "]" : "\n  ]";
    members(report_tail_json(r, with_models, prices), 2, false);
    buf += "\n}";
    write(buf);
}

}  // namespace cassette
