// Go httprr traces (rsc.io/httprr, golang.org/x/oscar/internal/httprr, as
// vendored by langchaingo): the line "httprr trace v1\n", then per exchange
// "<req-len> <resp-len>\n" followed by the request as http.Request.Write
// (WriteProxy: absolute URL in the request line) and the response as
// http.Response.Write wrote them, byte for byte. Bodies sent with
// `Transfer-Encoding: chunked` keep their chunk framing on disk; the model
// holds the de-chunked bytes (what the client read) and notes the coding.
#include <charconv>

#include "error.hpp"
#include "formats/sniff.hpp"
#include "util/http.hpp"
#include "util/text.hpp"

namespace cassette {

namespace {

constexpr std::string_view kMagic = "httprr trace v1\n";

// One HTTP/1.x message as it was on the wire, split (not the LLM Message of
// lib/message.hpp).
struct WireMessage {
    std::string start_line;
    Headers headers;
    std::string body;
    bool ok = true;
};

// Splits one HTTP/1.x message into start line, headers and body. As Go's
// net/textproto reads them, a line ends at LF with an optional CR before it,
// and the header ends at the first empty line: CRLF and bare-LF files alike
// (a body's own blank lines, "\r\n\r\n" in an SSE stream, are never taken
// for the header's end).
WireMessage split_message(std::string_view m) {
    WireMessage out;
    size_t end = std::string_view::npos, body_at = 0;
    for (size_t pos = 0; pos < m.size();) {
        size_t nl = m.find('\n', pos);
        if (nl == std::string_view::npos) break;
        std::string_view line = m.substr(pos, nl - pos);
        if (line.empty() || line == "\r") {
            end = pos;
            body_at = nl + 1;
            break;
        }
        pos = nl + 1;
    }
    std::string_view head = end == std::string_view::npos ? m : m.substr(0, end);
    if (end != std::string_view::npos)
        out.body.assign(m.substr(body_at));
    else
        out.ok = false;
    size_t nl = head.find('\n');
    out.start_line = std::string(trim(head.substr(0, nl)));
    std::string_view rest = nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
    while (!rest.empty()) {
        size_t e = rest.find('\n');
        std::string_view line = trim(rest.substr(0, e));
        rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 1);
        if (line.empty()) continue;
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            out.ok = false;
            continue;
        }
        std::string name(trim(line.substr(0, colon)));
        std::string value(trim(line.substr(colon + 1)));
        bool merged = false;
        for (auto& h : out.headers.items)
            if (h.name == name) {
                h.values.push_back(value);
                merged = true;
                break;
            }
        if (!merged) out.headers.items.push_back(Header{name, {value}, {}});
    }
    return out;
}

bool is_chunked(const Headers& h) {
    const auto* te = h.all("Transfer-Encoding");
    if (!te) return false;
    for (const auto& v : *te)
        if (v.find("chunked") != std::string::npos) return true;
    return false;
}

void apply_body(FieldConvert& cv, Position pos, WireMessage& m, Body& body,
                std::optional<std::vector<std::string>>& te) {
    body.present = true;
    body.pos = body.key_pos = pos;
    if (is_chunked(m.headers)) {
        te = std::vector<std::string>{"chunked"};
        if (auto d = dechunk(m.body)) {
            body.bytes = std::move(*d);
            return;
        }
        cv.problem(pos, "body declares `Transfer-Encoding: chunked` but its chunk framing is broken; kept as recorded");
    }
    body.bytes = std::move(m.body);
}

}  // namespace

bool httprr_sniff(std::string_view head) { return head.substr(0, kMagic.size()) == kMagic; }

Cassette httprr_read(std::string_view text, const std::string& name, const InteractionSink& sink,
                     const ReadOptions& opts) {
    Cassette c;
    c.path = name;
    c.format = "httprr";
    if (!httprr_sniff(text))
        throw InputError(name, Position{1, 1}, "not an httprr trace: expected the line `httprr trace v1`", "",
                         "schema");
    c.version = 1;
    LineCursor cur{text};
    cur.pos = kMagic.size();
    size_t index = 0;
    bool header_sent = false;
    FieldConvert top(c, std::nullopt);
    // What rsc.io/httprr's open() refuses as "corrupt httprr trace" is a
    // schema Problem here: the records before it are read, a record cut
    // short is read as far as it goes, and after a line that is not two
    // lengths nothing can be found again.
    while (cur.pos < text.size()) {
        Position at = cur.where(cur.pos);
        size_t nl = text.find('\n', cur.pos);
        std::string_view lens =
            text.substr(cur.pos, nl == std::string_view::npos ? std::string_view::npos : nl - cur.pos);
        uint64_t nreq = 0, nresp = 0;
        size_t sp = lens.find(' ');
        auto r1 = std::from_chars(lens.data(), lens.data() + (sp == std::string_view::npos ? lens.size() : sp), nreq);
        auto r2 = sp == std::string_view::npos
                      ? std::from_chars_result{lens.data(), std::errc::invalid_argument}
                      : std::from_chars(lens.data() + sp + 1, lens.data() + lens.size(), nresp);
        if (nl == std::string_view::npos || sp == std::string_view::npos || r1.ec != std::errc() ||
            r1.ptr != lens.data() + sp || r2.ec != std::errc() || r2.ptr != lens.data() + lens.size()) {
            // Shown as printable ASCII: the line may be any bytes.
            std::string shown(lens.substr(0, 40));
            for (char& ch : shown)
                if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e) ch = '?';
            top.problem(at, "record " + std::to_string(index) + ": `" + shown + (lens.size() > 40 ? "…" : "") +
                                "` is not a `<request-length> <response-length>` line; the last " +
                                std::to_string(text.size() - cur.pos) + " bytes of the file are not read");
            break;
        }
        size_t start = nl + 1;
        size_t left = text.size() - start;
        if (nreq > left || nresp > left - nreq) {
            // The column of the length that runs past the end.
            Position col = cur.where(nreq > left ? cur.pos : cur.pos + sp + 1);
            FieldConvert(c, index).problem(col, "record " + std::to_string(index) + " declares " +
                                                    std::to_string(nreq) + " + " + std::to_string(nresp) +
                                                    " bytes but the file ends " + std::to_string(left) +
                                                    " bytes after this line; read as far as it goes");
            if (nreq > left) nreq = left;
            nresp = left - nreq;
        }
        std::string_view req = text.substr(start, nreq);
        std::string_view resp = text.substr(start + nreq, nresp);
        cur.pos = start + nreq + nresp;

        Interaction ix;
        ix.index = index;
        ix.pos = at;
        FieldConvert cv(c, index);
        Position req_pos = cur.where(start);
        ix.request.pos = ix.request.url_pos = ix.request.headers_pos = req_pos;
        WireMessage rq = split_message(req);
        if (!rq.ok) cv.problem(req_pos, "request is not a complete HTTP/1.1 message");
        {
            std::string_view line = rq.start_line;
            size_t a = line.find(' '), b = line.rfind(' ');
            if (a == std::string_view::npos || b == a) {
                cv.problem(req_pos, "request line is not `METHOD URL HTTP/1.1`");
            } else {
                ix.request.method = std::string(line.substr(0, a));
                std::string target(line.substr(a + 1, b - a - 1));
                set_proto(line.substr(b + 1), ix.request.proto, ix.request.proto_major, ix.request.proto_minor);
                if (!target.empty() && target[0] == '/') {
                    const std::string* host = rq.headers.first("Host");
                    target = "https://" + (host ? *host : std::string()) + target;
                }
                ix.request.url = std::move(target);
            }
            if (const std::string* host = rq.headers.first("Host")) ix.request.host = *host;
        }
        apply_body(cv, req_pos, rq, ix.request.body, ix.request.transfer_encoding);
        ix.request.headers = std::move(rq.headers);

        Position resp_pos = cur.where(start + nreq);
        ix.response.pos = ix.response.status_pos = ix.response.code_pos = ix.response.headers_pos = resp_pos;
        WireMessage rs = split_message(resp);
        if (!rs.ok) cv.problem(resp_pos, "response is not a complete HTTP/1.1 message");
        {
            std::string_view line = rs.start_line;
            size_t a = line.find(' ');
            if (a == std::string_view::npos) {
                cv.problem(resp_pos, "status line is not `HTTP/1.1 200 OK`");
            } else {
                set_proto(line.substr(0, a), ix.response.proto, ix.response.proto_major, ix.response.proto_minor);
                ix.response.status = std::string(line.substr(a + 1));
                // Go's http.ReadResponse takes exactly three digits.
                std::string_view digits = std::string_view(ix.response.status).substr(0, ix.response.status.find(' '));
                int64_t code = 0;
                auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
                if (ec == std::errc() && p == digits.data() + digits.size() && digits.size() == 3)
                    ix.response.code = code;
                else
                    cv.problem(resp_pos, "status line has no three-digit status code");
            }
        }
        apply_body(cv, resp_pos, rs, ix.response.body, ix.response.transfer_encoding);
        ix.response.headers = std::move(rs.headers);
        ++index;
        if (!header_sent && opts.on_header) opts.on_header(c);
        header_sent = true;
        sink(std::move(ix));
    }
    c.interaction_count = index;
    if (!header_sent && opts.on_header) opts.on_header(c);
    return c;
}

}  // namespace cassette
