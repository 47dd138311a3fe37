// The streamed JSON export writer (not the `json_stream` body kind of
// lib/decode/body.hpp): one cassette as a JSON document written piece by piece while it is read
// (cassette-export(1) --format json): memory stays one interaction, whatever the
// file's size. Shared by `export --format json` and `show --format json`.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "model.hpp"
#include "reader.hpp"

namespace cassette {

// Re-indents pretty JSON text by `pad` (for nesting a pretty document).
std::string indent_lines(const std::string& text, const std::string& pad);

using TextSink = std::function<void(std::string_view)>;

// Header fields known before the first interaction go first, the
// interactions one by one as they are read (only those `keep` accepts, when
// given), and header fields learnt after them at the end. `pretty` indents by
// two spaces; otherwise the document is one line (JSON Lines).
// Throws InputError on unreadable input and for the file's first Problem;
// what was written before that stays written. Returns the header fields and
// the interaction count.
Cassette stream_cassette_json(const std::string& path, bool pretty, const TextSink& write,
                              const std::function<bool(const Interaction&)>& keep = {}, ReadOptions ropts = {});

}  // namespace cassette
