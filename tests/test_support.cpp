#include "test_support.hpp"

#include <sys/wait.h>
#include <zlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "decode/sse.hpp"

namespace fs = std::filesystem;

namespace testsupport {

std::string source_dir() { return CASSETTE_SOURCE_DIR; }

std::string corpus_dir() {
    return (fs::path(CASSETTE_SOURCE_DIR) / ".." / "shared" / "corpus").lexically_normal().string();
}

std::string corpus_next_dir() {
    return (fs::path(CASSETTE_SOURCE_DIR) / ".." / "shared" / "corpus-next").lexically_normal().string();
}

bool have_corpus() { return fs::is_directory(corpus_dir()) && fs::is_directory(corpus_next_dir()); }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> corpus_files(const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        auto ext = e.path().extension().string();
        if (ext == ".yaml" || ext == ".yml") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

static std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'')
            q += "'\\''";
        else
            q += c;
    }
    return q + "'";
}

RunResult run_cassette(const std::vector<std::string>& args, const std::string* stdin_text) {
    char out_tmpl[] = "/tmp/cassette-test-out-XXXXXX";
    char err_tmpl[] = "/tmp/cassette-test-err-XXXXXX";
    int out_fd = mkstemp(out_tmpl);
    int err_fd = mkstemp(err_tmpl);
    close(out_fd);
    close(err_fd);
    std::string in_path = "/dev/null";
    std::string in_tmp;
    if (stdin_text) {
        char in_tmpl[] = "/tmp/cassette-test-in-XXXXXX";
        int in_fd = mkstemp(in_tmpl);
        close(in_fd);
        in_tmp = in_tmpl;
        std::ofstream(in_tmp, std::ios::binary) << *stdin_text;
        in_path = in_tmp;
    }
    std::string cmd =
        "cd " + shell_quote(source_dir()) + " && env -u NO_COLOR TERM=dumb COLUMNS=100 " + shell_quote(CASSETTE_BINARY);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " <" + shell_quote(in_path) + " >" + shell_quote(out_tmpl) + " 2>" + shell_quote(err_tmpl);
    int status = std::system(cmd.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out_tmpl);
    r.err = read_file(err_tmpl);
    std::remove(out_tmpl);
    std::remove(err_tmpl);
    if (!in_tmp.empty()) std::remove(in_tmp.c_str());
    return r;
}

void check_golden(const std::string& name, const std::string& actual) {
    fs::path path = fs::path(source_dir()) / "tests" / "golden" / name;
    const char* update = std::getenv("CASSETTE_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    INFO("golden file " << path.string() << " (run with CASSETTE_UPDATE_GOLDEN=1 to approve a deliberate change)");
    REQUIRE(fs::exists(path));
    std::string expected = read_file(path.string());
    if (actual != expected)
        FAIL_CHECK("output differs from the golden file:\n" +
                   unified_diff(expected, actual, "tests/golden/" + name, "actual output"));
}

namespace {

// Lines with their '\n' kept, so a missing final newline is a difference too.
std::vector<std::string_view> split_lines(const std::string& s) {
    std::vector<std::string_view> out;
    for (size_t start = 0; start < s.size();) {
        size_t nl = s.find('\n', start);
        size_t end = nl == std::string::npos ? s.size() : nl + 1;
        out.emplace_back(s.data() + start, end - start);
        start = end;
    }
    return out;
}

struct EditOp {
    char kind;  // ' ' both, '-' expected only, '+' actual only
    std::string_view line;
};

// Longest common subsequence of the lines between the common head and tail;
// past kMaxCells the middle is shown as all removed, then all added.
std::vector<EditOp> edit_script(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
    constexpr size_t kMaxCells = 4'000'000;
    size_t head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
    size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
    std::vector<EditOp> ops;
    for (size_t i = 0; i < head; ++i) ops.push_back({' ', a[i]});
    const size_t n = a.size() - head - tail, m = b.size() - head - tail;
    if ((n + 1) * (m + 1) <= kMaxCells) {
        std::vector<uint32_t> len((n + 1) * (m + 1), 0);
        auto at = [&](size_t i, size_t j) -> uint32_t& { return len[i * (m + 1) + j]; };
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;)
                at(i, j) = a[head + i] == b[head + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
        size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a[head + i] == b[head + j]) {
                ops.push_back({' ', a[head + i]});
                ++i, ++j;
            } else if (j == m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
                ops.push_back({'-', a[head + i++]});
            } else {
                ops.push_back({'+', b[head + j++]});
            }
        }
    } else {
        for (size_t i = 0; i < n; ++i) ops.push_back({'-', a[head + i]});
        for (size_t j = 0; j < m; ++j) ops.push_back({'+', b[head + j]});
    }
    for (size_t i = a.size() - tail; i < a.size(); ++i) ops.push_back({' ', a[i]});
    return ops;
}

}  // namespace

std::string unified_diff(const std::string& expected, const std::string& actual, const std::string& expected_label,
                         const std::string& actual_label) {
    constexpr size_t kContext = 3;
    if (expected == actual) return {};
    const std::vector<EditOp> ops = edit_script(split_lines(expected), split_lines(actual));
    // Line counts of each side before op k, for the hunk headers.
    std::vector<size_t> a_before(ops.size() + 1, 0), b_before(ops.size() + 1, 0);
    for (size_t k = 0; k < ops.size(); ++k) {
        a_before[k + 1] = a_before[k] + (ops[k].kind != '+');
        b_before[k + 1] = b_before[k] + (ops[k].kind != '-');
    }
    std::string out = "--- " + expected_label + "\n+++ " + actual_label + "\n";
    size_t k = 0;
    while (k < ops.size()) {
        while (k < ops.size() && ops[k].kind == ' ') ++k;
        if (k == ops.size()) break;
        // One hunk: changes closer than two contexts apart share it.
        size_t first = k >= kContext ? k - kContext : 0, last = k;
        for (size_t gap = 0; k < ops.size() && gap <= 2 * kContext; ++k) {
            if (ops[k].kind == ' ') {
                ++gap;
            } else {
                gap = 0;
                last = k;
            }
        }
        size_t end = std::min(ops.size(), last + 1 + kContext);
        size_t a_count = a_before[end] - a_before[first], b_count = b_before[end] - b_before[first];
        out += "@@ -" + std::to_string(a_before[first] + (a_count ? 1 : 0)) + "," + std::to_string(a_count) + " +" +
               std::to_string(b_before[first] + (b_count ? 1 : 0)) + "," + std::to_string(b_count) + " @@\n";
        for (size_t i = first; i < end; ++i) {
            out += ops[i].kind;
            out += ops[i].line;
            if (ops[i].line.empty() || ops[i].line.back() != '\n') out += "\n\\ No newline at end of file\n";
        }
        k = end;
    }
    return out;
}

cassette::Interaction make_ix(const std::string& url, int64_t code) {
    cassette::Interaction ix;
    ix.request.method = "POST";
    ix.request.url = url;
    ix.response.code = code;
    ix.response.status = std::to_string(code);
    return ix;
}

cassette::Interaction make_ix(const std::string& url, const std::string& request_body, int64_t code) {
    cassette::Interaction ix = make_ix(url, code);
    ix.request.body.bytes = request_body;
    ix.request.body.present = true;
    return ix;
}

cassette::DecodedBody json_body(const std::string& text) {
    cassette::DecodedBody b;
    b.kind = cassette::BodyKind::json;
    b.text = text;
    b.json = nlohmann::json::parse(text);
    return b;
}

cassette::DecodedBody sse_body(const std::string& text) {
    cassette::DecodedBody b;
    b.kind = cassette::BodyKind::sse;
    b.text = text;
    for (auto& e : cassette::parse_sse(text).events) b.events.push_back({e.event, e.data, e.id, e.line, 0});
    return b;
}

std::string sse_text(const std::vector<std::string>& datas) {
    std::string out;
    for (const auto& d : datas) out += "data: " + d + "\n\n";
    return out;
}

cassette::DecodedBody events(cassette::BodyKind kind, const std::vector<std::pair<std::string, std::string>>& evs) {
    cassette::DecodedBody b;
    b.kind = kind;
    for (const auto& [e, d] : evs) b.events.push_back({e, d, {}, 0, 0});
    return b;
}

cassette::DecodedBody ndjson(const std::vector<std::string>& lines) {
    cassette::DecodedBody b;
    b.kind = cassette::BodyKind::ndjson;
    size_t n = 0;
    for (const auto& l : lines) {
        b.text += l + "\n";
        b.events.push_back({"message", l, {}, ++n, 0});
    }
    return b;
}

std::string gzip(std::string_view in) {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

namespace {
void put_be32(std::string& out, uint32_t v) {
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint32_t crc_of(std::string_view s) {
    return static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}
}  // namespace

std::string es_string_header(const std::string& name, const std::string& value, uint8_t type) {
    std::string h;
    h.push_back(static_cast<char>(name.size()));
    h += name;
    h.push_back(static_cast<char>(type));
    h.push_back(static_cast<char>((value.size() >> 8) & 0xFF));
    h.push_back(static_cast<char>(value.size() & 0xFF));
    h += value;
    return h;
}

std::string es_frame(const std::string& headers, const std::string& payload) {
    std::string m;
    put_be32(m, static_cast<uint32_t>(16 + headers.size() + payload.size()));
    put_be32(m, static_cast<uint32_t>(headers.size()));
    put_be32(m, crc_of(m));
    m += headers;
    m += payload;
    put_be32(m, crc_of(m));
    return m;
}

}  // namespace testsupport
