#include "scrub/doc_tree.hpp"

#include "model.hpp"

namespace cassette::scrub {

const Node* Node::get(std::string_view key) const {
    for (const auto& [k, v] : members)
        if (k.is_scalar() && k.value == key) return &v;
    return nullptr;
}

const Node* Node::iget(std::string_view key) const {
    for (const auto& [k, v] : members)
        if (k.is_scalar() && iequals(k.value, key)) return &v;
    return nullptr;
}

}  // namespace cassette::scrub
