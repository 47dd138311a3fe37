// Building the `cassette usage` report: each response reassembled with the
// provider rules (reassemble.hpp), its normalised Usage summed field by field.
#include "usage_report.hpp"

#include <map>

#include "decode/body.hpp"
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
}

FileUsage file_usage(const std::string& path) {
    FileUsage f;
    f.path = path;
    // Reassembly runs on worker threads (lib/util/ordered_work.hpp); rows are
    // added here in file order.
    OrderedWork<Interaction, std::optional<UsageRow>> work(
        [](const Interaction& ix) -> std::optional<UsageRow> {
            DecodedBody body = decode_body(ix.response.headers, ix.response.body.bytes);
            auto m = reassemble(ix, body);
            if (!m) return std::nullopt;
            UsageRow row;
            row.index = ix.index;
            row.api = m->api;
            row.model = m->model.empty() ? request_model(ix) : m->model;
            row.usage = std::move(m->usage);
            // The provider's own object is not reported: a row is a few
            // counters, so a file of a hundred thousand responses stays small.
            if (row.usage) row.usage->raw = nullptr;
            return row;
        },
        [&](Interaction&&, std::optional<UsageRow>&& row) {
            if (!row) return;
            f.total.add(row->usage);
            f.interactions.push_back(std::move(*row));
        });
    Cassette c = read_cassette_through(path, work);
    f.problems = std::move(c.problems);
    f.not_http = c.not_http;
    return f;
}

UsageReport build_usage_report(std::vector<FileUsage> files) {
    UsageReport r;
    std::map<std::string, UsageSum> by_model;
    for (const auto& f : files) {
        r.total.add(f.total);
        for (const auto& row : f.interactions) by_model[row.model].add(row.usage);
    }
    for (auto& [model, sum] : by_model) r.models.push_back({model, sum});
    r.files = std::move(files);
    return r;
}

nlohmann::ordered_json usage_report_json(const UsageReport& r, bool with_models) {
    using json = nlohmann::ordered_json;
    // The documented key order (docs/usage-semantics.md), which the sorted nlohmann::json of to_json(Usage) would lose.
    auto usage_json = [](const Usage& u) {
        return json{{"input_tokens", u.input_tokens},         {"output_tokens", u.output_tokens},
                    {"reasoning_tokens", u.reasoning_tokens}, {"cache_read_tokens", u.cache_read_tokens},
                    {"cache_write_tokens", u.cache_write_tokens}, {"total_tokens", u.total_tokens}};
    };
    json files = json::array();
    for (const auto& f : r.files) {
        json rows = json::array();
        for (const auto& row : f.interactions) {
            rows.push_back({{"index", row.index},
                            {"api", row.api},
                            {"model", row.model},
                            {"usage", row.usage ? usage_json(*row.usage) : json(nullptr)}});
        }
        files.push_back({{"path", f.path}, {"interactions", std::move(rows)}, {"total", usage_json(f.total.usage)}});
    }
    json out = {{"files", std::move(files)}, {"total", usage_json(r.total.usage)}};
    if (with_models) {
        json models = json::array();
        for (const auto& m : r.models)
            models.push_back({{"model", m.model}, {"interactions", m.total.interactions}, {"usage", usage_json(m.total.usage)}});
        out["models"] = std::move(models);
    }
    return out;
}

}  // namespace cassette
