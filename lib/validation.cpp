#include "validation.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "decode/body.hpp"
#include "decode/encoding.hpp"
#include "error.hpp"
#include "formats/message_log.hpp"
#include "reader.hpp"
#include "providers/api_table.hpp"
#include "providers/reassemble.hpp"
#include "secrets.hpp"
#include "util/http.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

namespace cassette {

namespace {

// Over an hour for one HTTP exchange is a clock or unit mistake, not a slow server.
constexpr double kAbsurdDurationMs = 3600.0 * 1000.0;
// Distinct key-shaped tokens reported per body (an echoing server repeats them).
constexpr size_t kMaxSecretsPerBody = 8;

Finding make(std::string rule, Severity sev, Position pos, std::optional<size_t> ix, std::string message) {
    return Finding{std::move(rule), sev, pos, ix, std::move(message)};
}

std::string quote_value(std::string_view s, size_t max = 60) {
    std::string out = "\"";
    size_t n = 0;
    for (unsigned char c : s) {
        if (n++ >= max) {
            out += "…";
            break;
        }
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    return out + "\"";
}

std::optional<int64_t> parse_int(std::string_view s) {
    s = trim_ows(s);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// ---- status -----------------------------------------------------------------

// RFC 9110 renamed a few; either spelling is standard.
bool is_alternate_phrase(int64_t code, std::string_view reason) {
    return (code == 413 && iequals(reason, "Content Too Large")) || (code == 414 && iequals(reason, "URI Too Long")) ||
           (code == 416 && iequals(reason, "Range Not Satisfiable")) ||
           (code == 422 && iequals(reason, "Unprocessable Content"));
}

std::optional<int64_t> code_with_phrase(std::string_view reason) {
    for (int64_t c = 100; c < 600; ++c)
        if (std::string_view p = reason_phrase(c); !p.empty() && iequals(reason, p)) return c;
    return std::nullopt;
}

// An empty status with a code is accepted: Go's http.Response replays fine
// without one, and hand-written format 1 cassettes often leave it out.
void check_status(const Interaction& ix, std::vector<Finding>& out) {
    const Response& r = ix.response;
    if (!r.code) return;  // missing/mistyped code: a schema problem already
    const int64_t code = *r.code;
    const Position code_pos = r.code_pos.line ? r.code_pos : r.pos;
    if (code < 100 || code > 599) {
        out.push_back(make("status", Severity::error, code_pos, ix.index,
                           "code " + std::to_string(code) +
                               " is not an HTTP status code (100-599): set it to the status the server sent."));
        return;
    }
    if (r.status.empty()) return;
    const Position pos = r.status_pos.line ? r.status_pos : code_pos;
    std::string_view status = trim_ows(r.status);
    size_t sp = status.find(' ');
    std::string_view number = status.substr(0, sp);
    std::string_view reason = sp == std::string_view::npos ? std::string_view{} : trim_ows(status.substr(sp + 1));
    const std::string want = std::to_string(code);
    if (number != want) {
        std::string_view p = reason_phrase(code);
        out.push_back(make("status", Severity::error, pos, ix.index,
                           "status " + quote_value(r.status) + " does not start with code " + want +
                               ": make status and code agree (e.g. status \"" + want +
                               (p.empty() ? "" : " " + std::string(p)) + "\")."));
        return;
    }
    std::string_view standard = reason_phrase(code);
    if (reason.empty() || standard.empty() || iequals(reason, standard) || is_alternate_phrase(code, reason)) return;
    if (auto other = code_with_phrase(reason); other && *other != code) {
        out.push_back(make("status", Severity::error, pos, ix.index,
                           "status " + quote_value(r.status) + " carries the reason phrase of " +
                               std::to_string(*other) + ", not of code " + want + ": make status and code agree (\"" +
                               want + " " + std::string(standard) + "\")."));
        return;
    }
    out.push_back(make("status", Severity::warning, pos, ix.index,
                       "status " + quote_value(r.status) + " has a non-standard reason phrase for " + want +
                           ": use \"" + want + " " + std::string(standard) +
                           "\" unless the server really sent this one."));
}

// ---- content-length -------------------------------------------------------------

// The recorder stored the body decoded although a length for the encoded
// body was declared: the length cannot be checked.
bool stored_decoded(const Headers& h, const std::string& bytes, std::optional<bool> uncompressed) {
    if (uncompressed.value_or(false)) return true;
    const std::string* ce = h.first("Content-Encoding");
    if (!ce || trim_ows(*ce).empty() || iequals(trim_ows(*ce), "identity")) return false;
    return sniff_compression(bytes, ce) == Compression::none;
}

void check_length(const Interaction& ix, bool response, std::vector<Finding>& out) {
    const Headers& h = response ? ix.response.headers : ix.request.headers;
    const Body& body = response ? ix.response.body : ix.request.body;
    const std::optional<int64_t>& field = response ? ix.response.content_length : ix.request.content_length;
    const Position field_pos = response ? ix.response.content_length_pos : ix.request.content_length_pos;
    if (stored_decoded(h, body.bytes, response ? ix.response.uncompressed : std::nullopt)) return;
    if (response) {
        // HEAD answers and bodiless statuses declare the length of a body never sent.
        const int64_t code = ix.response.code.value_or(0);
        if (iequals(ix.request.method, "HEAD") || code == 204 || code == 304 || (code >= 100 && code < 200)) return;
    }
    const Severity sev = response ? Severity::error : Severity::warning;  // recorders rewrite request bodies
    const std::string which = response ? "response" : "request";
    const auto actual = static_cast<int64_t>(body.bytes.size());
    const Position fallback = body.key_pos.line ? body.key_pos : (response ? ix.response.pos : ix.request.pos);

    bool field_reported = false;
    if (field && *field >= 0 && *field != actual) {
        out.push_back(make("content-length", sev, field_pos.line ? field_pos : fallback, ix.index,
                           which + " body is " + std::to_string(actual) + " bytes but content_length declares " +
                               std::to_string(*field) + ": re-record the interaction, or set content_length to " +
                               std::to_string(actual) + " (-1 when unknown)."));
        field_reported = true;
    }
    for (const Header& hd : h.items) {
        if (!iequals(hd.name, "Content-Length") || hd.values.empty()) continue;
        const std::string& v = hd.values.front();
        auto n = parse_int(v);
        if (!n || *n < 0) {
            out.push_back(make("content-length", sev, hd.pos, ix.index,
                               which + " header Content-Length " + quote_value(v) + " is not a byte count: set it to " +
                                   std::to_string(actual) + " or remove it."));
        } else if (*n != actual && !(field_reported && field && *field == *n)) {
            out.push_back(make("content-length", sev, hd.pos, ix.index,
                               which + " body is " + std::to_string(actual) +
                                   " bytes but its Content-Length header says " + std::to_string(*n) +
                                   ": re-record the interaction, or correct the header."));
        }
        break;
    }
}

// ---- body-level rules -------------------------------------------------------------

// Where body line `line` is in the file; the body's key when lines do not map.
Position body_position(const Body& body, const DecodedBody& decoded, size_t line) {
    const Position fallback = body.key_pos.line ? body.key_pos : body.pos;
    if (line == 0 || decoded.compression != Compression::none) return fallback;
    if (body.style == ScalarStyle::literal && !body.binary_tag && body.pos.line)
        return Position{body.file_line_of(line), body.key_pos.column ? body.key_pos.column + 2 : 0};
    return body.pos.line ? body.pos : fallback;
}

size_t line_at(std::string_view text, size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(offset), '\n'));
}

const char* advice_for(const std::string& rule) {
    if (rule == "json-body") return "fix the JSON, or the Content-Type if the body is not JSON.";
    if (rule == "sse-syntax") return "the stream is corrupted there: restore the line or re-record the interaction.";
    if (rule == "eventstream-crc") return "the event-stream bytes are corrupted: re-record the interaction.";
    return "check the recording.";
}

// The rule for a body that is compressed (by its magic bytes, or by its
// Content-Encoding once the bytes are not text) but does not decompress:
// truncated, corrupt, or over the size limit. The rule ids are stable,
// so it is the rule of what the body is declared to be: it cannot be that.
// A body declared as nothing in particular has a mistyped field: `schema`.
// (docs/validate-ci.md, "Bodies that do not decompress".)
std::string undecodable_rule(const Headers& headers) {
    const std::string* ct = headers.first("Content-Type");
    std::string mt = ct ? *ct : std::string();
    mt = mt.substr(0, mt.find(';'));
    std::transform(mt.begin(), mt.end(), mt.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    auto has = [&](std::string_view part) { return mt.find(part) != std::string::npos; };
    if (has("text/event-stream")) return "sse-syntax";
    if (has("application/vnd.amazon.eventstream")) return "eventstream-crc";
    if (has("json")) return "json-body";  // application/json, +json, (x-)ndjson, jsonl
    return "schema";
}

void body_problems(const Interaction& ix, bool response, const DecodedBody& d, std::vector<Finding>& out) {
    const Body& body = response ? ix.response.body : ix.request.body;
    const std::string which = response ? "response" : "request";
    for (const BodyProblem& p : d.problems) {
        if (p.rule == "content-encoding") {
            // The rest was found in the still-compressed bytes: noise.
            const std::string rule = undecodable_rule(response ? ix.response.headers : ix.request.headers);
            const bool over_limit = p.message.find("exceeds limit") != std::string::npos;
            out.push_back(
                make(rule, Severity::error, body_position(body, d, 0), ix.index,
                     which + " body: " + p.message +
                         (over_limit ? "" : "; the compressed bytes are damaged: re-record the interaction.")));
            return;
        }
    }
    for (const BodyProblem& p : d.problems) {
        // Only the contract's ids.
        if (p.rule != "json-body" && p.rule != "sse-syntax" && p.rule != "eventstream-crc") continue;
        std::string msg = which + " body";
        if (p.line) msg += " line " + std::to_string(p.line);
        msg += ": " + p.message + "; " + advice_for(p.rule);
        out.push_back(make(p.rule, Severity::error, body_position(body, d, p.line), ix.index, std::move(msg)));
    }
}

// What ends a complete stream of the API, from the provider table.
std::string terminal_event(const std::string& api) {
    const ApiRow* row = api_row(api);
    return row ? std::string(row->terminal_event) : std::string("its terminal event");
}

void check_truncated(const Interaction& ix, const DecodedBody& d, const Message& m, std::vector<Finding>& out) {
    if (!m.streamed || m.complete) return;
    size_t line = d.events.empty() ? 0 : d.events.back().line;
    out.push_back(make("stream-truncated", Severity::error, body_position(ix.response.body, d, line), ix.index,
                       "the " + m.api + " stream ends before " + terminal_event(m.api) +
                           ": the recording was cut off; re-record the interaction."));
}

std::optional<int64_t> int_field(const nlohmann::json& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int64_t>();
}

// The provider's own total against its own parts, by the usage rules of the
// API's row in the provider table (api_table.cpp). OpenAI chat: total_tokens =
// prompt_tokens + completion_tokens (xAI adds reasoning outside the completion
// count: accepted). Responses: input + output. Gemini: totalTokenCount =
// prompt + candidates + thoughts + toolUsePrompt. Bedrock Converse:
// totalTokens = input + output (cache counts may be added). Anthropic reports
// no total.
void check_usage(const Interaction& ix, const DecodedBody& d, const Message& m, std::vector<Finding>& out) {
    if (!m.usage || !m.usage->raw.is_object()) return;
    const ApiRow* row = api_row(m.api);
    if (!row) return;
    const nlohmann::json& raw = m.usage->raw;
    for (const UsageTotalRule& c : row->usage_totals) {
        auto total = int_field(raw, c.total);
        if (!total) continue;
        // The first two parts identify the shape; Gemini may omit candidates.
        if (!raw.contains(c.parts[0])) continue;
        if (c.parts.size() == 2 && !raw.contains(c.parts[1])) continue;
        int64_t sum = 0;
        std::string expr;
        for (const char* p : c.parts) {
            auto v = int_field(raw, p);
            if (!v) continue;
            sum += *v;
            expr += (expr.empty() ? "" : " + ") + std::string(p) + " " + std::to_string(*v);
        }
        if (*total == sum) return;
        int64_t extra = 0;
        for (const char* p : c.optional) extra += int_field(raw, p).value_or(0);
        if (extra && *total == sum + extra) return;
        // Reasoning counted outside the completion count (xAI, gateways relaying Gemini).
        int64_t reasoning = 0;
        for (const char* details : {"completion_tokens_details", "output_tokens_details"})
            if (auto it = raw.find(details); it != raw.end() && it->is_object())
                reasoning = int_field(*it, "reasoning_tokens").value_or(0);
        if (reasoning && *total == sum + reasoning) return;
        // Point at the last place the total was reported.
        const std::string needle = std::string("\"") + c.total + "\"";
        size_t at = d.text.rfind(needle);
        size_t line = (at == std::string::npos || d.kind == BodyKind::eventstream) ? 0 : line_at(d.text, at);
        out.push_back(make("usage-mismatch", Severity::warning, body_position(ix.response.body, d, line), ix.index,
                           std::string("usage ") + c.total + " " + std::to_string(*total) + " is not " + expr +
                               " (= " + std::to_string(sum) +
                               "): the recorded usage is inconsistent; check that the body was not edited by hand."));
        return;
    }
}

// ---- duration ---------------------------------------------------------------------

void check_duration(const Interaction& ix, std::vector<Finding>& out) {
    const Response& r = ix.response;
    if (!r.duration || trim_ows(*r.duration).empty()) return;
    const Position pos = r.duration_pos.line ? r.duration_pos : r.pos;
    if (!r.duration_ms) {
        out.push_back(
            make("duration", Severity::warning, pos, ix.index,
                 "duration " + quote_value(*r.duration) +
                     " is not a Go duration: write it as time.Duration prints it (e.g. 1.5s, 300ms) or \"\"."));
    } else if (*r.duration_ms < 0) {
        out.push_back(make("duration", Severity::warning, pos, ix.index,
                           "duration " + quote_value(*r.duration) + " is negative: record a non-negative duration."));
    } else if (*r.duration_ms > kAbsurdDurationMs) {
        out.push_back(
            make("duration", Severity::warning, pos, ix.index,
                 "duration " + quote_value(*r.duration) +
                     " is over an hour: check the unit (a bare integer means nanoseconds) or the recorder's clock."));
    }
}

// ---- secret -----------------------------------------------------------------------

std::string credential_name(const std::string& kind) {
    if (kind == "random token") return "credential (a long random token)";
    if (kind == "JWT") return "bearer token (JWT)";
    return kind;
}

void report_secret(const Interaction& ix, Position pos, const std::string& where, const SecretVerdict& v,
                   std::vector<Finding>& out, bool credentials_only = false) {
    if (v.level == SecretLevel::none) return;
    if (credentials_only && v.level != SecretLevel::credential) return;
    if (v.level == SecretLevel::credential) {
        out.push_back(make("secret", Severity::error, pos, ix.index,
                           where + " holds what looks like a real " + credential_name(v.kind) + ", " + v.masked +
                               ": revoke it, replace it with REDACTED, and filter it in the recorder."));
    } else {
        out.push_back(make("secret", Severity::warning, pos, ix.index,
                           where + " holds an unredacted placeholder-like value " + v.masked +
                               ": replace it with REDACTED so the cassette plainly stores no credential."));
    }
}

// A Cookie header: the worst verdict over its name=value pairs.
SecretVerdict classify_cookie(std::string_view value) {
    SecretVerdict worst;
    size_t pos = 0;
    while (pos <= value.size()) {
        size_t end = value.find(';', pos);
        if (end == std::string_view::npos) end = value.size();
        std::string_view pair = trim_ows(value.substr(pos, end - pos));
        size_t eq = pair.find('=');
        SecretVerdict v = classify_credential(eq == std::string_view::npos ? pair : pair.substr(eq + 1));
        if (static_cast<int>(v.level) > static_cast<int>(worst.level)) worst = v;
        pos = end + 1;
    }
    return worst;
}

void scan_text(const Interaction& ix, Position pos, const std::string& where, std::string_view text,
               std::vector<Finding>& out) {
    for (const SecretHit& h : find_key_shapes(text, 1)) {
        out.push_back(make("secret", Severity::error, pos, ix.index,
                           where + " holds what looks like a real " + credential_name(h.kind) + ", " +
                               mask_secret(text.substr(h.offset, h.length), h.kind == "JWT" ? 3 : 0) +
                               ": revoke it, replace it with REDACTED, and filter it in the recorder."));
    }
}

void check_headers(const Interaction& ix, const Headers& headers, bool request, std::vector<Finding>& out) {
    const std::string side = request ? "request header " : "response header ";
    for (const Header& h : headers.items) {
        bool named = request && is_credential_header(h.name);
        for (const std::string& v : h.values) {
            if (named) {
                report_secret(ix, h.pos, side + h.name,
                              iequals(h.name, "Cookie") ? classify_cookie(v) : classify_credential(v), out);
            } else {
                scan_text(ix, h.pos, side + h.name, v, out);
            }
        }
    }
}

void check_url(const Interaction& ix, std::vector<Finding>& out) {
    const std::string& url = ix.request.url;
    const Position pos = ix.request.url_pos.line ? ix.request.url_pos : ix.request.pos;
    size_t before = out.size();
    // user:password@host
    if (size_t scheme = url.find("://"); scheme != std::string::npos) {
        size_t host_end = url.find_first_of("/?#", scheme + 3);
        std::string_view authority = std::string_view(url).substr(
            scheme + 3, host_end == std::string::npos ? std::string::npos : host_end - scheme - 3);
        if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
            std::string_view userinfo = authority.substr(0, at);
            if (size_t colon = userinfo.find(':'); colon != std::string_view::npos)
                report_secret(ix, pos, "the URL's password",
                              classify_credential(percent_decode(userinfo.substr(colon + 1), PercentMode::form)), out);
        }
    }
    size_t q = url.find('?');
    if (q != std::string::npos) {
        std::string_view query = std::string_view(url).substr(q + 1);
        query = query.substr(0, query.find('#'));
        size_t p = 0;
        while (p <= query.size()) {
            size_t end = query.find('&', p);
            if (end == std::string_view::npos) end = query.size();
            std::string_view pair = query.substr(p, end - p);
            size_t eq = pair.find('=');
            if (eq != std::string_view::npos) {
                std::string name = percent_decode(pair.substr(0, eq), PercentMode::form);
                if (is_credential_param(name))
                    report_secret(ix, pos, "URL query parameter " + name,
                                  classify_credential(percent_decode(pair.substr(eq + 1), PercentMode::form)), out,
                                  is_ambiguous_param(name));
            }
            p = end + 1;
        }
    }
    if (out.size() == before) scan_text(ix, pos, "the URL", url, out);
    if (ix.request.form) {
        for (const auto& [name, values] : *ix.request.form) {
            if (!is_credential_param(name)) continue;
            for (const auto& v : values)
                report_secret(ix, pos, "form field " + name, classify_credential(v), out, is_ambiguous_param(name));
        }
    }
}

void check_body_secrets(const Interaction& ix, bool response, const DecodedBody& d, std::vector<Finding>& out) {
    const Body& body = response ? ix.response.body : ix.request.body;
    std::string_view text = d.text;
    std::set<std::string_view> seen;
    for (const SecretHit& h : find_key_shapes(text, 64)) {
        std::string_view token = text.substr(h.offset, h.length);
        if (!seen.insert(token).second) continue;
        if (seen.size() > kMaxSecretsPerBody) break;
        size_t line = d.kind == BodyKind::eventstream ? 0 : line_at(text, h.offset);
        out.push_back(make("secret", Severity::error, body_position(body, d, line), ix.index,
                           std::string(response ? "response" : "request") + " body holds what looks like a real " +
                               credential_name(h.kind) + ", " + mask_secret(token, h.kind == "JWT" ? 3 : 0) +
                               ": revoke it, replace it with REDACTED, and filter it in the recorder."));
    }
}

bool position_less(const Finding& a, const Finding& b) {
    auto key = [](const Finding& f) {
        int line = f.pos.line > 0 ? f.pos.line : std::numeric_limits<int>::max();
        return std::pair<int, int>(line, f.pos.column);
    };
    return key(a) < key(b);
}

}  // namespace

const char* severity_name(Severity s) { return s == Severity::error ? "error" : "warning"; }

const std::vector<std::string_view>& validation_rules() {
    static const std::vector<std::string_view> rules{
        "yaml-syntax", "schema",           "interaction-id",  "status",         "content-length", "json-body",
        "sse-syntax",  "stream-truncated", "eventstream-crc", "usage-mismatch", "secret",         "duration",
    };
    return rules;
}

bool is_validation_rule(std::string_view id) {
    const auto& r = validation_rules();
    return std::find(r.begin(), r.end(), id) != r.end();
}

std::vector<Finding> validate_interaction(const Interaction& ix) {
    std::vector<Finding> out;
    check_status(ix, out);
    check_length(ix, false, out);
    check_length(ix, true, out);
    check_duration(ix, out);
    check_url(ix, out);
    check_headers(ix, ix.request.headers, true, out);
    check_headers(ix, ix.response.headers, false, out);

    const DecodedBody req = decode_body(ix.request.headers, ix.request.body.bytes);
    body_problems(ix, false, req, out);
    check_body_secrets(ix, false, req, out);

    const DecodedBody resp = decode_body(ix.response.headers, ix.response.body.bytes);
    body_problems(ix, true, resp, out);
    check_body_secrets(ix, true, resp, out);
    // A body that did not decompress has its one finding already; the stream
    // rules would only misread the compressed bytes.
    const bool undecoded = std::any_of(resp.problems.begin(), resp.problems.end(),
                                       [](const BodyProblem& p) { return p.rule == "content-encoding"; });
    if (auto m = undecoded ? std::nullopt : reassemble(ix, resp)) {
        check_truncated(ix, resp, *m, out);
        check_usage(ix, resp, *m, out);
    }
    std::stable_sort(out.begin(), out.end(), position_less);
    return out;
}

void CassetteValidator::add(const Interaction& ix, std::vector<Finding> f) {
    if (ix.id) ids_.push_back({ix.index, *ix.id, ix.id_pos.line ? ix.id_pos : ix.pos});
    findings_.insert(findings_.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
}

void CassetteValidator::fatal(const std::string& rule, Position pos, const std::string& message) {
    std::string advice = rule == "yaml-syntax" ? "fix the YAML there (a YAML linter shows the context)."
                                               : "fix the cassette's structure there.";
    findings_.push_back(make(rule, Severity::error, pos, std::nullopt, message + ": " + advice));
}

void CassetteValidator::add_problems(const std::vector<Problem>& problems, size_t from) {
    for (size_t i = from; i < problems.size(); ++i) {
        const Problem& p = problems[i];
        findings_.push_back(make(is_validation_rule(p.rule) ? p.rule : "schema", Severity::error, p.pos, p.interaction,
                                 p.message + ": fix the field or re-record the cassette."));
    }
}

void CassetteValidator::finish(const Cassette& c) {
    // go-vcr format 2 numbers interactions 0, 1, 2 … in file order.
    if (c.version == 2) {
        std::unordered_map<int64_t, size_t> first;
        std::optional<int64_t> previous;
        for (const IdSeen& s : ids_) {
            auto [it, fresh] = first.emplace(s.id, s.index);
            if (!fresh) {
                findings_.push_back(make("interaction-id", Severity::error, s.pos, s.index,
                                         "id " + std::to_string(s.id) + " is also the id of interaction " +
                                             std::to_string(it->second) +
                                             ": ids must be unique; renumber the interactions 0, 1, 2 … in order."));
            } else if (s.id < 0 || (previous && s.id < *previous)) {
                findings_.push_back(
                    make("interaction-id", Severity::error, s.pos, s.index,
                         "id " + std::to_string(s.id) +
                             (s.id < 0 ? std::string(" is negative") : " comes after id " + std::to_string(*previous)) +
                             ": go-vcr numbers interactions in file order; renumber them 0, 1, 2 …."));
            }
            previous = previous ? std::max(*previous, s.id) : s.id;
        }
    }
    ids_.clear();
}

std::vector<Finding> CassetteValidator::take() {
    std::stable_sort(findings_.begin(), findings_.end(), position_less);
    return std::move(findings_);
}

FileReport validate_file(const std::string& path, const ReadOptions& ropts) {
    FileReport report;
    report.path = path;
    CassetteValidator v;
    // Schema problems are collected as the reader finds them, so that a
    // fatal error later in the file does not lose them.
    const Cassette* live = nullptr;
    size_t problems_seen = 0;
    auto sync_problems = [&](const Cassette& c) {
        v.add_problems(c.problems, problems_seen);
        problems_seen = c.problems.size();
    };
    ReadOptions opts = ropts;
    opts.on_header = [&](const Cassette& c) { live = &c; };
    // The per-interaction rules run on worker threads (lib/util/ordered_work.hpp);
    // their findings are added here in file order.
    OrderedWork<Interaction, std::vector<Finding>> work(
        [](const Interaction& ix) { return validate_interaction(ix); },
        [&](Interaction&& ix, std::vector<Finding>&& f) { v.add(ix, std::move(f)); }, work_options(opts));
    try {
        Cassette c = read_cassette_through(path, work, opts, [&](const Interaction&) {
            if (live) sync_problems(*live);
            return !live || live->not_http.empty();  // a WebSocket or gRPC log has no HTTP to check
        });
        live = nullptr;
        if (!c.not_http.empty()) {
            report.skipped = "a " + not_http_description(c.not_http) + ", not HTTP";
            return report;
        }
        sync_problems(c);
        v.finish(c);
    } catch (const InputError& e) {
        live = nullptr;
        if (e.rule() == "io") {
            report.trouble = e.file() + ": " + e.what();
        } else {
            v.fatal(e.rule() == "schema" ? "schema" : "yaml-syntax", e.pos(), e.what());
        }
    } catch (const std::exception& e) {
        live = nullptr;
        report.trouble = path + ": " + e.what();
    }
    report.findings = v.take();
    return report;
}

}  // namespace cassette
