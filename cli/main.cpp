// cassette: read, check and convert HTTP cassettes.
//
// This file is wiring only: the terminal (and its pager), the command line
// built from the command table (commands/app.hpp), and turning every failure
// into `cassette: error: …` and an exit status from one place.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "app.hpp"
#include "command.hpp"
#include "error.hpp"
#include "limits.hpp"

namespace {

class StdTerminal final : public cassette::Terminal {
public:
    void out(std::string_view text) override {
        std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    void err(std::string_view text) override {
        std::cout.flush();
        std::cerr.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    // Asked once: while a pager runs, stdout is its pipe, but the person still
    // reads on a terminal (colour stays on; less -R shows it).
    bool out_is_tty() const override { return out_tty_; }
    bool err_is_tty() const override { return isatty(STDERR_FILENO) != 0; }
    std::optional<std::string> env(const char* name) const override {
        const char* v = std::getenv(name);
        return v ? std::optional<std::string>(v) : std::nullopt;
    }
    unsigned cores() const override {
        unsigned n = std::thread::hardware_concurrency();
        return n ? n : 1;
    }

private:
    bool out_tty_ = isatty(STDOUT_FILENO) != 0;
};

// Standard output through `sh -c PAGER` until finish(), as git pages its
// output. Quitting the pager early ends the writes quietly (EPIPE, not
// SIGPIPE), and the command's own exit status stands.
class Pager {
public:
    // False when the pager could not be started; output then stays on stdout.
    bool start(const std::string& command) {
        int fds[2];
        if (pipe(fds) != 0) return false;
        setenv("LESS", "FRX", 0);  // only when unset: the user's own LESS wins
        setenv("LV", "-c", 0);
        std::cout.flush();
        pid_ = fork();
        if (pid_ < 0) {
            close(fds[0]);
            close(fds[1]);
            return false;
        }
        if (pid_ == 0) {
            dup2(fds[0], STDIN_FILENO);
            close(fds[0]);
            close(fds[1]);
            execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        signal(SIGPIPE, SIG_IGN);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        return true;
    }
    ~Pager() { finish(); }
    void finish() {
        if (pid_ <= 0) return;
        std::cout.flush();
        close(STDOUT_FILENO);  // the pager sees end of input
        int status = 0;
        while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
};

// go-vcr files are read mapped into memory (lib/reader.cpp): if another
// program cuts a file short while it is read, touching the lost pages raises
// SIGBUS. Say what happened and exit 2 instead of dying with a core dump.
void on_sigbus(int) {
    static const char msg[] = "cassette: error: a file was cut short by another program while it was being read\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(cassette::exit_trouble);
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    signal(SIGBUS, on_sigbus);
    StdTerminal terminal;
    // Limits from the environment, set once before anything is read (lib/
    // never reads the environment itself), and before the commands' options
    // are made: their ReadOptions take the YAML limits when constructed.
    for (const auto& spec : cassette::limit_specs()) {
        if (auto value = terminal.env(spec.name)) {
            if (auto problem = cassette::set_limit(spec.name, *value)) {
                terminal.err(cassette::error_line(*problem));
                return cassette::exit_trouble;
            }
        }
    }
    CLI::App app{"", "cassette"};
    cassette::Action action;
    bool no_pager = false;
    cassette::build_app(app, action, no_pager);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        terminal.err(cassette::error_line(std::string(e.what()) + "\nRun 'cassette --help' for usage."));
        return cassette::exit_trouble;
    }
    if (!action) return cassette::exit_trouble;
    Pager pager;
    const cassette::CommandInfo* chosen = cassette::chosen_command(app);
    if (chosen && chosen->pages && !no_pager)
        if (auto command = cassette::pager_command(terminal)) pager.start(*command);
    int status = cassette::exit_trouble;
    try {
        status = action(terminal);
    } catch (const cassette::InputError& e) {
        terminal.err(cassette::error_line(cassette::format_input_error(e)));
    } catch (const std::exception& e) {
        terminal.err(cassette::error_line(e.what()));
    }
    pager.finish();
    return status;
}
