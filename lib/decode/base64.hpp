#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cassette {

// Standard alphabet, padding optional, ASCII whitespace ignored (YAML !!binary
// folds lines). nullopt on any other character or bad length.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

}  // namespace cassette
