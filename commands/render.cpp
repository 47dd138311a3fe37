#include "render.hpp"

#include <cmath>

#include <fmt/format.h>

#include "formats/json_export.hpp"

namespace cassette {

std::string Palette::paint(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

namespace {

template <typename Json>
std::string scalar_text(const Json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

template <typename Json>
void pretty_into(std::string& out, const Json& j, const Palette& p, const std::string& pad, int depth) {
    auto nl = [&](int d) {
        out += '\n';
        out += pad;
        out.append(static_cast<size_t>(d) * 2, ' ');
    };
    switch (j.type()) {
        case nlohmann::json::value_t::object: {
            if (j.empty()) {
                out += "{}";
                return;
            }
            out += '{';
            bool first = true;
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (!first) out += ',';
                first = false;
                nl(depth + 1);
                out += p.blue(dump_json(nlohmann::json(it.key())));
                out += ": ";
                pretty_into(out, it.value(), p, pad, depth + 1);
            }
            nl(depth);
            out += '}';
            return;
        }
        case nlohmann::json::value_t::array: {
            if (j.empty()) {
                out += "[]";
                return;
            }
            out += '[';
            bool first = true;
            for (const auto& v : j) {
                if (!first) out += ',';
                first = false;
                nl(depth + 1);
                pretty_into(out, v, p, pad, depth + 1);
            }
            nl(depth);
            out += ']';
            return;
        }
        case nlohmann::json::value_t::string: out += p.green(scalar_text(j)); return;
        case nlohmann::json::value_t::boolean:
        case nlohmann::json::value_t::null: out += p.magenta(scalar_text(j)); return;
        default: out += p.cyan(scalar_text(j)); return;
    }
}

}  // namespace

std::string pretty_json(const nlohmann::json& j, const Palette& p, const std::string& pad) {
    std::string out = pad;
    pretty_into(out, j, p, pad, 0);
    return out;
}

std::string pretty_json(const nlohmann::ordered_json& j, const Palette& p, const std::string& pad) {
    std::string out = pad;
    pretty_into(out, j, p, pad, 0);
    return out;
}

std::optional<nlohmann::ordered_json> parse_ordered_json(std::string_view text) {
    auto j = nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

std::string with_thousands(int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    int count = 0;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (count && count % 3 == 0) out.insert(out.begin(), ',');
        out.insert(out.begin(), *it);
        ++count;
    }
    return n < 0 ? "-" + out : out;
}

std::string human_duration_ms(double ms) {
    if (ms < 1) return fmt::format("{:.3f}ms", ms);
    if (ms < 1000) return fmt::format("{:.0f}ms", ms);
    if (ms < 60000) return fmt::format("{:.2f}s", ms / 1000);
    int minutes = static_cast<int>(ms / 60000);
    return fmt::format("{}m{:.1f}s", minutes, (ms - minutes * 60000.0) / 1000);
}

std::string indent(std::string_view text, std::string_view pad) {
    std::string out;
    out.reserve(text.size() + text.size() / 16 + pad.size());
    bool at_start = true;
    for (char c : text) {
        if (at_start && c != '\n') out += pad;
        out += c;
        at_start = c == '\n';
    }
    return out;
}

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (c == '\n' || c == '\t')
            out += static_cast<char>(c);
        else if (c == '\r')
            out += "\\r";
        else if (c < 0x20 || c == 0x7f) {
            static constexpr char kHex[] = "0123456789abcdef";
            const char escaped[] = {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
            out.append(escaped, sizeof escaped);
        } else
            out += static_cast<char>(c);
    }
    return out;
}

}  // namespace cassette
