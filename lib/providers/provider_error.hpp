// Error shapes more than one reassembler reads.
#pragma once

#include <string>

#include "decode/json_read.hpp"
#include "message.hpp"
#include "model.hpp"

namespace cassette {

// An error body that is just {"message": …}, as Bedrock sends it (Cohere too):
// Bedrock names the error type only in the x-amzn-ErrorType header, as
// "ValidationException:http://internal.amazon.com/coral/…", of which the name
// before the colon is kept.
inline ProviderError message_body_error(const json_read::OJ& j, const Interaction& ix) {
    ProviderError err;
    err.raw = nlohmann::json(j);
    err.message = json_read::str(json_read::field(j, "message"));
    if (const std::string* t = ix.response.headers.first("x-amzn-errortype")) err.type = t->substr(0, t->find(':'));
    return err;
}

}  // namespace cassette
