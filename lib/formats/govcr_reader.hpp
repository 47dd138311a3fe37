// go-vcr cassettes, format 1 (go-vcr v1/v2) and 2 (go-vcr v3/v4, charm x/vcr).
#pragma once

#include <string_view>

#include "reader.hpp"
#include "formats/yaml_stream.hpp"

namespace cassette {

// "Mine or not", from the first bytes of a file.
bool govcr_sniff(std::string_view head);

// Reads the cassette from `ys`, handing interactions to `sink`.
Cassette govcr_read(YamlEventStream& ys, const std::string& name, const InteractionSink& sink, const ReadOptions& opts);

}  // namespace cassette
