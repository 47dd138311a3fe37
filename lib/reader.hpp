// Reading cassettes. Formats are tried in turn, each answering "mine or not"
// from the first bytes (bloaty-style): go-vcr format 1 and 2, VCR.py, Ruby
// VCR, Polly.JS HAR, Go httprr, nock, ExVCR, Betamax, php-vcr, DVR, talkback
// and dd-trace-py JSON (lib/formats/sniff.hpp). Gzipped files are
// recognised by their magic bytes and read decompressed.
//
// The go-vcr reader holds one interaction at a time, so memory is bounded by
// the largest interaction, not the file. It reads the YAML go-vcr's writers
// produce itself (lib/formats/yaml_fast.hpp) and streams libyaml events for
// anything else.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "limits.hpp"
#include "model.hpp"
#include "util/ordered_work.hpp"

namespace cassette {

struct Cassette;

struct ReadOptions {
    // Called once, before the first interaction is handed over (or at the
    // end when there is none), with the header fields read so far. The
    // cassette it is given lives, and gathers the problems found later, until
    // the read returns: a caller may keep a pointer to it until then.
    std::function<void(const Cassette&)> on_header;
    // Limits against hostile input (docs/limits.md); the process-wide
    // defaults (lib/limits.hpp) unless set here.
    size_t max_depth = limits().yaml_depth;                  // YAML nesting
    size_t max_alias_expansion = limits().yaml_alias_nodes;  // nodes produced by aliases
    // Forces a format ("go-vcr", "vcrpy", "ruby-vcr", "har", "httprr", "nock",
    // "exvcr", "betamax", "php-vcr", "dvr", "talkback", "dd-trace",
    // "cassetter", "aquila"); "auto" (or empty) detects from the content.
    // The CLI's --input-format sets it in the options each command reads with.
    std::string input_format = "auto";
    // Worker threads for the per-interaction work of the readers that spread
    // it (read_cassette_through, lib/util/ordered_work.hpp); 0 runs it inline.
    size_t threads = hardware_work_threads();
    // go-vcr YAML is read by the fast reader of its writers' subset
    // (formats/yaml_fast.hpp) with libyaml taking over where a file leaves
    // it; false reads it all with libyaml (the tests compare the two).
    bool fast_yaml = true;
};

// The formats `input_format` accepts, "auto" first.
const std::vector<std::string>& known_input_formats();

// The OrderedWork options of a read with `opts` (its thread count).
inline OrderedWorkOptions work_options(const ReadOptions& opts) {
    OrderedWorkOptions o;
    o.threads = opts.threads;
    return o;
}

// Detects the format of the file at `path` from its first bytes (gunzipping
// them when gzipped): the format name, or "" when no reader claims it.
// Never throws; an unreadable file is "".
std::string detect_format(const std::string& path);

using InteractionSink = std::function<void(Interaction&&)>;

// Streams `path` ("-" = standard input): fills the returned cassette's
// header fields (format, version, extra) and hands each interaction to
// `sink` as soon as it is complete; the returned `interactions` stays empty.
// Throws InputError (file:line:col) on anything it cannot read.
Cassette read_cassette(const std::string& path, const InteractionSink& sink, const ReadOptions& opts = {});

// read_cassette through an OrderedWork (lib/util/ordered_work.hpp): each
// interaction `admit` accepts (every one, when empty) is pushed, weighed by
// its body bytes. Everything pushed is delivered before this returns or
// rethrows the read's error, so what came before an error is handled as a
// one-thread read handles it.
template <class Out>
Cassette read_cassette_through(const std::string& path, OrderedWork<Interaction, Out>& work,
                               const ReadOptions& opts = {},
                               const std::function<bool(const Interaction&)>& admit = {}) {
    Cassette c;
    try {
        c = read_cassette(
            path,
            [&](Interaction&& ix) {
                if (admit && !admit(ix)) return;
                size_t weight = body_bytes(ix);
                work.push(std::move(ix), weight);
            },
            opts);
    } catch (...) {
        work.finish();
        throw;
    }
    work.finish();
    return c;
}

// Reads the whole cassette into memory.
Cassette load_cassette(const std::string& path, const ReadOptions& opts = {});

// Same, from bytes already in memory; `name` is used in errors.
Cassette load_cassette_from_string(std::string_view text, const std::string& name, const ReadOptions& opts = {});

// Expands command-line paths: files as given, directories recursed (sorted,
// so output order is stable) for *.yaml / *.yml, and for *.json, *.json5,
// *.har, *.httprr, *.gz and names without an extension only when
// detect_format() claims them (a package.json in
// a fixture tree is not a cassette); "-" kept.
// Throws InputError for a path that does not exist.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths);

}  // namespace cassette
