// The safety limits on hostile input (docs/limits.md), process-wide.
// Each has a default and a name the user can raise it by: the CLI reads the
// environment variable of that name once at start-up (cli/main.cpp) and sets
// it here, before any command reads; lib/ itself never reads the environment.
// Error messages that hit a limit name its variable (limit_hint).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cassette {

struct Limits {
    size_t yaml_depth = 256;                    // YAML nesting levels
    size_t yaml_alias_nodes = size_t{1} << 20;  // nodes produced by aliases, per file
    size_t json_depth = 512;                    // JSON body nesting levels
    size_t body_bytes = size_t{1} << 30;        // one body after decompression
};

// The current limits (the defaults above until set_limit changes one).
const Limits& limits();

struct LimitSpec {
    const char* name;     // environment variable, e.g. "CASSETTE_MAX_BODY_BYTES"
    const char* meaning;  // one line for docs and --help
    size_t Limits::*field;
};
// Every overridable limit, in documentation order.
const std::vector<LimitSpec>& limit_specs();

// Sets the limit called `name` from `value`: a positive integer, optionally
// with a binary suffix K, M or G (KiB, MiB, GiB). Returns an error message
// (nothing changed) for an unknown name or a bad value. Call before any
// reading starts; not for use while other threads read.
std::optional<std::string> set_limit(std::string_view name, std::string_view value);

// "raise it with CASSETTE_MAX_YAML_DEPTH=N", for the error that hit `field`.
std::string limit_hint(size_t Limits::*field);

}  // namespace cassette
