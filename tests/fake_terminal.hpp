// A Terminal that keeps what a command writes, for tests that call a
// command's run function directly (options the command line does not offer).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "command.hpp"

namespace testsupport {

class FakeTerminal final : public cassette::Terminal {
public:
    std::string out_text, err_text;
    bool err_tty = false;
    bool out_tty = false;
    std::map<std::string, std::string> vars;  // the environment it reports
    size_t out_calls = 0;
    void out(std::string_view text) override {
        out_text += text;
        ++out_calls;
    }
    void err(std::string_view text) override { err_text += text; }
    bool out_is_tty() const override { return out_tty; }
    bool err_is_tty() const override { return err_tty; }
    std::optional<std::string> env(const char* name) const override {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    unsigned cores() const override { return 2; }
};

}  // namespace testsupport
