// Text rendering helpers the commands share (commands/render.hpp).
#include <string>

#include <catch2/catch.hpp>

#include "render.hpp"

using namespace cassette;

TEST_CASE("printable escapes control characters, keeps newlines, tabs and UTF-8", "[render]") {
    using namespace std::string_literals;
    CHECK(printable("a\tb\nc") == "a\tb\nc");
    CHECK(printable("\r\x1b[1m\x7f"s) == "\\r\\x1b[1m\\x7f");
    CHECK(printable("\0\x01\x1f"s) == "\\x00\\x01\\x1f");
    CHECK(printable("Olá ✓") == "Olá ✓");
    // Linear: a megabyte of controls is four megabytes of escapes.
    CHECK(printable(std::string(1 << 20, '\x01')).size() == 4u << 20);
}

TEST_CASE("indent pads every line that has text", "[render]") {
    CHECK(indent("a\nb\n", "  ") == "  a\n  b\n");
    CHECK(indent("a\n\nb", "  ") == "  a\n\n  b");
    CHECK(indent("", "  ").empty());
}
