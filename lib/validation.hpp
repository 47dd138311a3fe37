// `validate`'s rules (docs/validate-ci.md "Rules"): pure functions from a
// cassette's interactions to findings. Nothing here prints; the command
// formats findings as text, JSON or GitHub annotations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"
#include "reader.hpp"

namespace cassette {

enum class Severity { error, warning };

const char* severity_name(Severity s);  // "error" / "warning"

struct Finding {
    std::string rule;  // a stable id from validation_rules()
    Severity severity = Severity::error;
    Position pos;                       // of the offending node (0 = unknown)
    std::optional<size_t> interaction;  // 0-based; absent for file-level findings
    std::string message;                // one sentence: what is wrong and what to do
};

// Every rule id, in the documented order (stable: scripts rely on them).
const std::vector<std::string_view>& validation_rules();
bool is_validation_rule(std::string_view id);

// The per-interaction rules alone (status, content-length, json-body,
// sse-syntax, stream-truncated, eventstream-crc, usage-mismatch, secret,
// duration), for tests and embedding.
std::vector<Finding> validate_interaction(const Interaction& ix);

// Checks one cassette as its interactions stream past. Per-interaction rules
// run in `check`; rules that need the whole file (interaction ids, the
// reader's schema problems) run in `finish`.
class CassetteValidator {
public:
    void check(const Interaction& ix) { add(ix, validate_interaction(ix)); }
    // Same, with validate_interaction(ix) already run (on another thread).
    void add(const Interaction& ix, std::vector<Finding> findings);
    // `c` is what read_cassette returned (header fields); its problems are
    // added with add_problems.
    void finish(const Cassette& c);
    // Adds a fatal reader error (yaml-syntax / schema) as a finding.
    void fatal(const std::string& rule, Position pos, const std::string& message);
    // Adds the reader's schema problems[from…] as findings.
    void add_problems(const std::vector<Problem>& problems, size_t from = 0);
    // Findings ordered by position in the file (stable).
    std::vector<Finding> take();

private:
    struct IdSeen {
        size_t index;
        int64_t id;
        Position pos;
    };
    std::vector<IdSeen> ids_;
    std::vector<Finding> findings_;
};

struct FileReport {
    std::string path;
    std::vector<Finding> findings;
    // Set when the file could not be read at all (missing, a directory,
    // unreadable): trouble, not a finding (exit 2). Already formatted as
    // "FILE: message".
    std::optional<std::string> trouble;
    // Set for a file that holds no HTTP (a WebSocket or gRPC log,
    // Cassette::not_http): not checked, and said so ("a WebSocket message
    // log, not HTTP").
    std::optional<std::string> skipped;
};

// Reads `path` streaming ("-" = standard input) and checks everything;
// never throws for bad input: parse failures become yaml-syntax / schema
// findings, read failures become `trouble`.
FileReport validate_file(const std::string& path, const ReadOptions& ropts = {});

}  // namespace cassette
