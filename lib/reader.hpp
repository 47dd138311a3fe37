// Reading cassettes. Formats are tried in turn, each answering "mine or not"
// from the first bytes (bloaty-style); today go-vcr format 1 and 2.
//
// The go-vcr reader streams libyaml events: it holds one interaction at a
// time, so memory is bounded by the largest interaction, not the file.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "model.hpp"

namespace cassette {

struct Cassette;

struct ReadOptions {
    // Called once, before the first interaction is handed over (or at the
    // end when there is none), with the header fields read so far.
    std::function<void(const Cassette&)> on_header;
    // Limits against hostile input (documented in README "Limits").
    size_t max_depth = 256;                 // YAML nesting
    size_t max_alias_expansion = 1u << 20;  // nodes produced by aliases
};

using InteractionSink = std::function<void(Interaction&&)>;

// Streams `path` ("-" = standard input): fills the returned cassette's
// header fields (format, version, extra) and hands each interaction to
// `sink` as soon as it is complete; the returned `interactions` stays empty.
// Throws InputError (file:line:col) on anything it cannot read.
Cassette read_cassette(const std::string& path, const InteractionSink& sink, const ReadOptions& opts = {});

// Reads the whole cassette into memory.
Cassette load_cassette(const std::string& path, const ReadOptions& opts = {});

// Same, from bytes already in memory; `name` is used in errors.
Cassette load_cassette_from_string(std::string_view text, const std::string& name, const ReadOptions& opts = {});

// Expands command-line paths: files as given, directories recursed for
// *.yaml / *.yml (sorted, so output order is stable), "-" kept.
// Throws InputError for a path that does not exist.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths);

}  // namespace cassette
