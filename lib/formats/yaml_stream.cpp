#include "formats/yaml_stream.hpp"

#include <algorithm>
#include <fstream>

#include "error.hpp"
#include "limits.hpp"

namespace cassette {

namespace {

std::string nth_line_of_file(const std::string& path, int line) {
    std::ifstream in(path, std::ios::binary);
    std::string s;
    for (int i = 1; i <= line && std::getline(in, s); ++i) {
        if (i == line) {
            if (!s.empty() && s.back() == '\r') s.pop_back();
            return s;
        }
    }
    return {};
}

Position position_of_offset(bool in_memory, std::string_view text, const std::string& path, size_t offset) {
    // Line and byte column of `offset`, from the text or by re-reading the file.
    Position pos{1, 1};
    auto advance = [&](std::string_view chunk) {
        for (char c : chunk) {
            if (c == '\n') {
                ++pos.line;
                pos.column = 1;
            } else {
                ++pos.column;
            }
        }
    };
    if (in_memory) {
        advance(text.substr(0, std::min(offset, text.size())));
        return pos;
    }
    std::ifstream in(path, std::ios::binary);
    char buf[1 << 16];
    while (offset > 0 && in) {
        in.read(buf, static_cast<std::streamsize>(std::min(offset, sizeof buf)));
        size_t got = static_cast<size_t>(in.gcount());
        if (got == 0) break;
        advance(std::string_view(buf, got));
        offset -= got;
    }
    return pos;
}

// Levels below `node` (a scalar: 0). Trees here never exceed the depth
// limit, so the recursion is bounded by it.
size_t height(const YamlNode& node) {
    size_t h = 0;
    for (const auto& c : node.children) h = std::max(h, 1 + height(c));
    return h;
}

}  // namespace

LibyamlError libyaml_error(const yaml_parser_t& parser, bool in_memory, std::string_view text,
                           const std::string& path) {
    LibyamlError e;
    e.message = parser.problem ? parser.problem : "malformed YAML";
    if (parser.context) e.message += std::string(" (") + parser.context + ")";
    e.pos = mark_position(parser.problem_mark);
    if (parser.error == YAML_READER_ERROR) {
        // Reader errors (invalid UTF-8, control characters) carry a byte
        // offset only; libyaml's mark is still where scanning stood, often
        // 1:1. Point at the offending byte itself.
        e.message = std::string(parser.problem ? parser.problem : "cannot read input") + " at byte " +
                    std::to_string(parser.problem_offset);
        e.pos = position_of_offset(in_memory, text, path, parser.problem_offset);
    }
    return e;
}

ScalarStyle scalar_style_of(yaml_scalar_style_t s) {
    switch (s) {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return ScalarStyle::single_quoted;
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return ScalarStyle::double_quoted;
        case YAML_LITERAL_SCALAR_STYLE: return ScalarStyle::literal;
        case YAML_FOLDED_SCALAR_STYLE: return ScalarStyle::folded;
        default: return ScalarStyle::plain;
    }
}

Position mark_position(const yaml_mark_t& m) {
    return Position{static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
}

std::string nth_line(std::string_view text, int line) {
    size_t start = 0;
    for (int i = 1; i < line; ++i) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) return {};
        start = nl + 1;
    }
    size_t end = text.find('\n', start);
    std::string out(text.substr(start, end == std::string_view::npos ? text.size() - start : end - start));
    if (!out.empty() && out.back() == '\r') out.pop_back();
    return out;
}

bool YamlNode::is_null() const {
    if (kind != Kind::scalar || style != ScalarStyle::plain || !tag.empty()) return false;
    return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

const char* YamlNode::kind_name() const {
    switch (kind) {
        case Kind::scalar: return "a scalar";
        case Kind::sequence: return "a sequence";
        case Kind::mapping: return "a mapping";
    }
    return "a node";
}

YamlEventStream::YamlEventStream(std::string name, FILE* file, size_t max_depth, size_t max_alias_nodes)
    : name_(std::move(name)), max_depth_(max_depth), max_alias_nodes_(max_alias_nodes) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_file(&parser_, file);
}

YamlEventStream::YamlEventStream(std::string name, std::string_view text, size_t max_depth, size_t max_alias_nodes)
    : name_(std::move(name)), max_depth_(max_depth), max_alias_nodes_(max_alias_nodes), text_(text), in_memory_(true) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
}

YamlEventStream::~YamlEventStream() {
    if (have_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
}

const yaml_event_t& YamlEventStream::next() {
    if (have_event_) {
        yaml_event_delete(&event_);
        have_event_ = false;
    }
    if (!yaml_parser_parse(&parser_, &event_)) {
        LibyamlError e = libyaml_error(parser_, in_memory_, text_, name_);
        fail(e.pos, e.message);
    }
    have_event_ = true;
    return event_;
}

Position YamlEventStream::position() const { return mark_position(event_.start_mark); }

void YamlEventStream::fail(Position pos, const std::string& message, const std::string& rule) const {
    std::string line = pos.line > 0 ? (in_memory_ ? nth_line(text_, pos.line) : nth_line_of_file(name_, pos.line)) : "";
    throw InputError(name_, pos, message, line, rule);
}

YamlNode YamlEventStream::build_node() {
    YamlNode node;
    build_into(node, 0);
    return node;
}

void YamlEventStream::record_anchor(const yaml_char_t* anchor, const YamlNode& node) {
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = node;
}

size_t YamlEventStream::count_nodes(const YamlNode& node) {
    size_t n = 1;
    for (const auto& c : node.children) n += count_nodes(c);
    return n;
}

void YamlEventStream::build_into(YamlNode& node, size_t depth) {
    if (depth > max_depth_)
        fail(position(),
             "nesting deeper than " + std::to_string(max_depth_) + " levels; " + limit_hint(&Limits::yaml_depth));
    const yaml_event_t& ev = event_;
    node.pos = position();
    switch (ev.type) {
        case YAML_SCALAR_EVENT: {
            node.kind = YamlNode::Kind::scalar;
            node.value.assign(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length);
            node.style = scalar_style_of(ev.data.scalar.style);
            if (ev.data.scalar.tag) node.tag = reinterpret_cast<const char*>(ev.data.scalar.tag);
            if (ev.data.scalar.anchor) record_anchor(ev.data.scalar.anchor, node);
            return;
        }
        case YAML_ALIAS_EVENT: {
            std::string name = reinterpret_cast<const char*>(ev.data.alias.anchor);
            auto it = anchors_.find(name);
            if (it == anchors_.end()) fail(node.pos, "alias *" + name + " refers to no anchor before it");
            // Each alias copies its anchor's tree: bound the total against
            // "billion laughs" documents.
            alias_nodes_ += count_nodes(it->second);
            if (alias_nodes_ > max_alias_nodes_)
                fail(node.pos, "aliases expand to more than " + std::to_string(max_alias_nodes_) +
                                   " nodes; refusing (billion-laughs guard); " + limit_hint(&Limits::yaml_alias_nodes));
            // The copy must obey the nesting limit too: anchors nested in
            // aliases would otherwise build trees thousands of levels deep
            // (stack overflow in every recursive walk, quadratic rendering).
            if (depth + height(it->second) > max_depth_)
                fail(node.pos, "nesting deeper than " + std::to_string(max_depth_) + " levels (through alias *" + name +
                                   "); " + limit_hint(&Limits::yaml_depth));
            Position pos = node.pos;
            node = it->second;
            node.pos = pos;
            return;
        }
        case YAML_SEQUENCE_START_EVENT: {
            node.kind = YamlNode::Kind::sequence;
            if (ev.data.sequence_start.tag) node.tag = reinterpret_cast<const char*>(ev.data.sequence_start.tag);
            std::string anchor =
                ev.data.sequence_start.anchor ? reinterpret_cast<const char*>(ev.data.sequence_start.anchor) : "";
            while (next().type != YAML_SEQUENCE_END_EVENT) {
                node.children.emplace_back();
                build_into(node.children.back(), depth + 1);
            }
            if (!anchor.empty()) anchors_[anchor] = node;
            return;
        }
        case YAML_MAPPING_START_EVENT: {
            node.kind = YamlNode::Kind::mapping;
            if (ev.data.mapping_start.tag) node.tag = reinterpret_cast<const char*>(ev.data.mapping_start.tag);
            std::string anchor =
                ev.data.mapping_start.anchor ? reinterpret_cast<const char*>(ev.data.mapping_start.anchor) : "";
            while (next().type != YAML_MAPPING_END_EVENT) {
                node.children.emplace_back();
                build_into(node.children.back(), depth + 1);
            }
            if (!anchor.empty()) anchors_[anchor] = node;
            return;
        }
        default: fail(node.pos, "unexpected YAML event");
    }
}

void YamlEventStream::skip_node() {
    int depth = 0;
    do {
        switch (event_.type) {
            case YAML_SEQUENCE_START_EVENT:
            case YAML_MAPPING_START_EVENT: ++depth; break;
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT: --depth; break;
            default: break;
        }
        if (depth == 0) return;
        next();
    } while (true);
}

}  // namespace cassette
