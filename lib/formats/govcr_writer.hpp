// The cassette model as go-vcr format 2 YAML, the way go-vcr v4 saves it
// (pkg/cassette/cassette.go): a leading "---", then `version` and
// `interactions`, each interaction's fields in the struct's order with its
// yaml tags, `omitempty` fields left out when empty. Written with libyaml's
// emitter so quoting and escaping are always right; bodies (and any string)
// that are not UTF-8 as `!!binary` base64, as Go's yaml package writes them.
// Header/form/trailer keys keep the model's order (Go sorts map keys; order
// carries no meaning to go-vcr).
#pragma once

#include <string>

#include "model.hpp"

namespace cassette {

// Throws std::runtime_error only if libyaml itself fails (out of memory).
std::string write_govcr_v2(const Cassette& c);

}  // namespace cassette
