#include "import.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "error.hpp"
#include "formats/govcr_writer.hpp"
#include "formats/har_reader.hpp"

namespace cassette {

namespace {

const char* kImportHelp =
    "Reads a HAR 1.2 log (from browser dev tools, a proxy, or `cassette export\n"
    "--format har`) and writes it as a go-vcr format 2 cassette, fields named and\n"
    "ordered as go-vcr v4 saves them. Every entry of every page becomes one\n"
    "interaction, ids 0..n-1. Bodies come back byte-exact (base64 content is\n"
    "decoded; bytes that are not UTF-8 are written as !!binary). The `_` fields\n"
    "that `export --format har` writes (_duration, _content_length, _host ...)\n"
    "are read back, so cassette -> HAR -> cassette keeps every field go-vcr reads.\n\n"
    "With -o the cassette is written to a temporary file and renamed into place;\n"
    "the input file is never overwritten.";

std::string read_input(const std::string& path) {
    if (path == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        return ss.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, {}, "cannot open file", "", "io");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw InputError(path, {}, "cannot read file", "", "io");
    return text;
}

}  // namespace

int run_import(const ImportOptions& opts, Terminal& t) {
    refuse_overwriting_input(opts.input, opts.output);
    std::string text = read_input(opts.input);
    std::string yaml = write_govcr_v2(har_to_cassette(text, opts.input));
    write_output(opts.output, yaml, t);
    return exit_ok;
}

const CommandInfo& import_command() {
    static const CommandInfo info{
        "import", "Write a HAR log as a go-vcr format 2 cassette", [](CLI::App& command, Action& action) {
            auto opts = std::make_shared<ImportOptions>();
            CLI::App* sub = &command;
            sub->footer(kImportHelp);
            sub->add_option("file", opts->input, "HAR file ('-' for standard input)")->required();
            sub->add_option("-o,--output", opts->output,
                            "Write the cassette to this file (atomically) instead of standard output");
            sub->callback([opts, &action] { action = [opts](Terminal& t) { return run_import(*opts, t); }; });
        }};
    return info;
}

}  // namespace cassette
