// The cassette model as a VCR.py `version: 1` YAML cassette, the way vcrpy's
// yamlserializer writes it (keys sorted: interactions, version; request body,
// headers, method, uri; response body {string}, headers, status {code,
// message}). Bodies that are not UTF-8 are written `!!binary`, which vcrpy
// reads back as bytes. Strings are always quoted, so no value changes type.
#pragma once

#include <string>

#include "model.hpp"

namespace cassette {

// Throws std::runtime_error only if libyaml itself fails (out of memory).
std::string write_vcrpy(const Cassette& c);

}  // namespace cassette
