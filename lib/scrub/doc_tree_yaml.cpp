// The YAML side of doc_tree: libyaml events into a Node tree whose spans are
// byte offsets into the document text.
#include <yaml.h>

#include <map>
#include <string>

#include "error.hpp"
#include "formats/yaml_stream.hpp"
#include "limits.hpp"
#include "scrub/doc_tree.hpp"

namespace cassette::scrub {

namespace {

// Length of the UTF-8 sequence a lead byte starts (1 for anything that is not
// a lead byte, so a stray byte still moves the cursor forward).
size_t utf8_length(unsigned char c) {
    if (c < 0xC0) return 1;
    if (c < 0xE0) return 2;
    if (c < 0xF0) return 3;
    return 4;
}

// libyaml's marks count characters; scrub splices bytes. Marks arrive in
// increasing order, so a cursor that only moves forward makes the whole
// conversion linear in the file.
class ByteCursor {
public:
    explicit ByteCursor(std::string_view text) : text_(text) {
        // libyaml skips a UTF-8 byte order mark before it starts counting.
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") base_ = 3;
        byte_ = base_;
    }

    size_t byte_of(size_t char_index) {
        if (char_index < chars_) {  // never expected; stay correct if it happens
            chars_ = 0;
            byte_ = base_;
        }
        while (chars_ < char_index && byte_ < text_.size()) {
            byte_ += utf8_length(static_cast<unsigned char>(text_[byte_]));
            ++chars_;
        }
        return std::min(byte_, text_.size());
    }

private:
    std::string_view text_;
    size_t base_ = 0;
    size_t chars_ = 0;
    size_t byte_ = 0;
};

size_t count_nodes(const Node& n) {
    size_t c = 1;
    for (const auto& [k, v] : n.members) c += count_nodes(k) + count_nodes(v);
    for (const auto& i : n.items) c += count_nodes(i);
    return c;
}

class Builder {
public:
    Builder(const std::string& path, std::string_view text) : path_(path), text_(text), cursor_(text) {
        yaml_parser_initialize(&parser_);
        yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    }
    ~Builder() {
        if (have_event_) yaml_event_delete(&event_);
        yaml_parser_delete(&parser_);
    }
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;

    Document build() {
        Document doc;
        doc.yaml = true;
        doc.root.begin = doc.root.end = cursor_.byte_of(0);
        doc.root.pos = {1, 1};
        if (next().type != YAML_STREAM_START_EVENT) fail(event_.start_mark, "unexpected YAML event");
        // Only the first document: a cassette is one. What follows is left
        // to the bytes, untouched.
        if (next().type != YAML_DOCUMENT_START_EVENT) return doc;  // empty stream
        next();
        build_into(doc.root, 0);
        return doc;
    }

private:
    const yaml_event_t& next() {
        if (have_event_) {
            yaml_event_delete(&event_);
            have_event_ = false;
        }
        if (!yaml_parser_parse(&parser_, &event_)) {
            LibyamlError e = libyaml_error(parser_, true, text_, path_);
            throw InputError(path_, e.pos, e.message, nth_line(text_, e.pos.line), "yaml-syntax");
        }
        have_event_ = true;
        return event_;
    }

    [[noreturn]] void fail(const yaml_mark_t& mark, const std::string& message) const {
        Position pos = mark_position(mark);
        throw InputError(path_, pos, message, nth_line(text_, pos.line), "yaml-syntax");
    }

    void start(Node& node) {
        node.pos = mark_position(event_.start_mark);
        node.begin = cursor_.byte_of(event_.start_mark.index);
    }
    void finish(Node& node) { node.end = cursor_.byte_of(event_.end_mark.index); }

    // `event_` is the node's first event; on return it is its last.
    void build_into(Node& node, size_t depth) {
        const size_t max_depth = limits().yaml_depth;
        if (depth > max_depth)
            fail(event_.start_mark,
                 "nesting deeper than " + std::to_string(max_depth) + " levels; " + limit_hint(&Limits::yaml_depth));
        start(node);
        switch (event_.type) {
            case YAML_SCALAR_EVENT: {
                const auto& s = event_.data.scalar;
                node.kind = Node::Kind::scalar;
                node.value.assign(reinterpret_cast<const char*>(s.value), s.length);
                node.style = scalar_style_of(s.style);
                if (s.tag) node.tag = reinterpret_cast<const char*>(s.tag);
                finish(node);
                if (s.anchor) anchors_[reinterpret_cast<const char*>(s.anchor)] = 1;
                return;
            }
            case YAML_ALIAS_EVENT: {
                std::string name = reinterpret_cast<const char*>(event_.data.alias.anchor);
                auto it = anchors_.find(name);
                if (it == anchors_.end()) fail(event_.start_mark, "alias *" + name + " refers to no anchor before it");
                // The tree keeps the alias as it is written, but every reader
                // of the file expands it: bound the expansion as they do.
                alias_nodes_ += it->second;
                const size_t max_alias = limits().yaml_alias_nodes;
                if (alias_nodes_ > max_alias)
                    fail(event_.start_mark, "aliases expand to more than " + std::to_string(max_alias) +
                                                " nodes; refusing (billion-laughs guard); " +
                                                limit_hint(&Limits::yaml_alias_nodes));
                node.kind = Node::Kind::alias;
                node.value = name;
                finish(node);
                return;
            }
            case YAML_SEQUENCE_START_EVENT: {
                node.kind = Node::Kind::sequence;
                const auto& s = event_.data.sequence_start;
                if (s.tag) node.tag = reinterpret_cast<const char*>(s.tag);
                std::string anchor = s.anchor ? reinterpret_cast<const char*>(s.anchor) : "";
                while (next().type != YAML_SEQUENCE_END_EVENT) {
                    node.items.emplace_back();
                    build_into(node.items.back(), depth + 1);
                }
                finish(node);
                if (!anchor.empty()) anchors_[anchor] = count_nodes(node);
                return;
            }
            case YAML_MAPPING_START_EVENT: {
                node.kind = Node::Kind::mapping;
                const auto& m = event_.data.mapping_start;
                if (m.tag) node.tag = reinterpret_cast<const char*>(m.tag);
                std::string anchor = m.anchor ? reinterpret_cast<const char*>(m.anchor) : "";
                while (next().type != YAML_MAPPING_END_EVENT) {
                    auto& member = node.members.emplace_back();
                    build_into(member.first, depth + 1);
                    next();
                    build_into(member.second, depth + 1);
                }
                finish(node);
                if (!anchor.empty()) anchors_[anchor] = count_nodes(node);
                return;
            }
            default: fail(event_.start_mark, "unexpected YAML event");
        }
    }

    const std::string& path_;
    std::string_view text_;
    ByteCursor cursor_;
    yaml_parser_t parser_{};
    yaml_event_t event_{};
    bool have_event_ = false;
    std::map<std::string, size_t> anchors_;  // anchor name -> nodes an alias of it expands to
    size_t alias_nodes_ = 0;
};

}  // namespace

Document parse_yaml_document(const std::string& path, std::string_view text) {
    Builder builder(path, text);
    return builder.build();
}

}  // namespace cassette::scrub
