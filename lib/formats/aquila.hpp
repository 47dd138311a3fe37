// Aquila's LLM cassettes (lib/formats/aquila_reader.cpp): a `.meta.jsonl` of
// requests, a `.sse.jsonl` of the streams as Aquila parsed them, `-<n>.json`
// answers. Read into interactions whose responses hold what the cassette has
// (no status, no headers); the messages are rebuilt from the parsed events.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "message.hpp"
#include "model.hpp"
#include "reader.hpp"

namespace cassette {

// "mine or not": a first line that is an Aquila request or stream event.
bool aquila_sniff(std::string_view head);
// Reads the cassette of `name` (either file of the pair; the other, and the
// -<n>.json answers, are found next to it).
Cassette aquila_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                     const ReadOptions& opts);
// True for an interaction whose response body is Aquila's parsed events.
bool is_aquila_events(const Interaction& ix);
// The message those events stand for (OpenAI chat or Responses); nullopt for
// every other interaction.
std::optional<Message> aquila_message(const Interaction& ix);
// Why `c` cannot be written as another recorder's cassette or a HAR;
// nullopt when it can.
std::optional<std::string> not_convertible(const Cassette& c);

}  // namespace cassette
