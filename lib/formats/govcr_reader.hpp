// go-vcr cassettes, format 1 (go-vcr v1/v2) and 2 (go-vcr v3/v4, charm x/vcr).
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "reader.hpp"
#include "formats/yaml_stream.hpp"

namespace cassette {

// "Mine or not", from the first bytes of a file.
bool govcr_sniff(std::string_view head);

// Reads the cassette from `ys`, handing interactions to `sink`.
Cassette govcr_read(YamlEventStream& ys, const std::string& name, const InteractionSink& sink, const ReadOptions& opts);

// The same from the whole text in memory (a mapped file): read by FastYaml
// (formats/yaml_fast.hpp) as far as the text keeps to the subset go-vcr's
// writers produce, then by the libyaml stream `libyaml` makes, which skips
// what was already read and goes on. The result, problems and errors are the
// same as govcr_read's. `progress`, when set, is told after each interaction
// how many bytes of `text` will not be looked at again.
Cassette govcr_read_text(std::string_view text, const std::string& name, const InteractionSink& sink,
                         const ReadOptions& opts, const std::function<std::unique_ptr<YamlEventStream>()>& libyaml,
                         const std::function<void(size_t)>& progress = {});

}  // namespace cassette
