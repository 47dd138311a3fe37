#include <algorithm>

#include "scrub/scrub.hpp"

namespace cassette::scrub {

bool Policy::enabled(std::string_view rule) const { return std::find(keep.begin(), keep.end(), rule) == keep.end(); }

}  // namespace cassette::scrub
