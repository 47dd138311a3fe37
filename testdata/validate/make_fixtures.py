#!/usr/bin/env python3
"""Regenerates the mutated fixtures from ../shared/corpus (see README.md).

Each fixture is a small corpus cassette with exactly one thing broken; the
test (tests/test_validate.cpp) knows which rule must catch it and where.
Run from the project root: python3 testdata/validate/make_fixtures.py
"""
import base64, os, re, sys

ROOT = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "..", "..", "shared", "corpus"))
F = "fantasy/TestOpenAICommon/openai-gpt-4o-mini/"


def read(rel):
    with open(os.path.join(CORPUS, rel), encoding="utf-8") as f:
        return f.read()


def write(name, text):
    with open(os.path.join(ROOT, name), "w", encoding="utf-8") as f:
        f.write(text)


def replace_once(text, old, new):
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


simple = read(F + "simple.yaml")
streaming = read(F + "simple_streaming.yaml")

# yaml-syntax: an unterminated flow sequence.
write("yaml_syntax.yaml", replace_once(simple, '    host: ""\n', '    host: [unclosed\n'))
# schema: code is not an integer.
write("schema.yaml", replace_once(simple, "    code: 200\n", "    code: OK\n"))
# interaction-id: the second interaction reuses id 0.
write("interaction_id.yaml", replace_once(read(F + "tool.yaml"), "- id: 1\n", "- id: 0\n"))
# status: code 200 with another code's status text.
write("status.yaml", replace_once(simple, "    status: 200 OK\n", "    status: 404 Not Found\n"))
# content-length: the response declares more bytes than it stores.
cl = replace_once(simple, "    content_length: -1\n    uncompressed: true\n", "    content_length: 999\n")
write("content_length.yaml", cl)
# json-body: a comma dropped from the JSON response.
write("json_body.yaml", replace_once(simple, '"object": "chat.completion",', '"object": "chat.completion"'))
# sse-syntax: a corrupted field name in the middle of the stream.
lines = streaming.split("\n")
idx = [i for i, l in enumerate(lines) if l.startswith("      data: {")][2]
lines[idx] = lines[idx].replace("      data: {", "      dta: {", 1)
write("sse_syntax.yaml", "\n".join(lines))
# stream-truncated: everything after the second chunk cut off.
lines = streaming.split("\n")
data = [i for i, l in enumerate(lines) if l.startswith("      data: ")]
end = [i for i, l in enumerate(lines) if l.startswith("    headers:") and i > data[0]][0]
write("stream_truncated.yaml", "\n".join(lines[: data[1] + 2] + lines[end:]))
# eventstream-crc: one payload byte flipped in a Bedrock event stream.
bed = read("fantasy/TestBedrockCommon/bedrock-anthropic-claude-sonnet-4-5/simple_streaming.yaml")
m = re.search(r"    body: !!binary \|\n((?:      .*\n)+)", bed)
raw = bytearray(base64.b64decode("".join(l.strip() for l in m.group(1).splitlines())))
raw[40] ^= 0x20  # inside the first message's headers/payload, after the prelude
enc = base64.b64encode(bytes(raw)).decode()
block = "".join("      " + enc[i : i + 70] + "\n" for i in range(0, len(enc), 70))
write("eventstream_crc.yaml", bed[: m.start(1)] + block + bed[m.end(1) :])
# usage-mismatch: total_tokens no longer prompt + completion.
write("usage_mismatch.yaml", replace_once(simple, '"total_tokens": 22,', '"total_tokens": 25,'))
# secret: a key-shaped (made-up) OpenAI key left in Authorization.
fake_key = "sk-" + "proj-" + "CassetteTest0123456789abcdefGHIJKLmnopQRST"
write("secret.yaml", replace_once(simple, "      Accept:\n      - application/json\n",
                                  "      Accept:\n      - application/json\n      Authorization:\n      - Bearer " + fake_key + "\n"))
# duration: negative.
write("duration.yaml", replace_once(simple, "    duration: 608.021ms\n", "    duration: -608.021ms\n"))


# Bodies that do not decompress (validate reports them under the rule of what
# the body is declared to be; docs/validate-ci.md). The response body is
# gzipped, cut in half, stored as !!binary under Content-Encoding: gzip.
import gzip


def gzip_cut_body(text):
    """The response body of `text` (a literal block) as truncated gzip !!binary."""
    m = re.search(r"  response:\n(?:    .*\n)*?    body: \|\+?\n((?:      .*\n|\n)+?)    headers:\n", text)
    assert m, "no literal response body"
    body = "".join(l[6:] + "\n" if l else "\n" for l in m.group(1).rstrip("\n").split("\n"))
    gz = gzip.compress(body.encode(), mtime=0)
    cut = gz[: len(gz) // 2]
    enc = base64.b64encode(cut).decode()
    block = "".join("      " + enc[i : i + 70] + "\n" for i in range(0, len(enc), 70))
    out = text[: m.start()] + text[m.start() : m.start(1)].replace("body: |+", "body: !!binary |").replace(
        "body: |", "body: !!binary |") + block + "    headers:\n      Content-Encoding:\n      - gzip\n" + text[m.end() :]
    return out


write("content_encoding_json.yaml", gzip_cut_body(simple))
write("content_encoding_sse.yaml", gzip_cut_body(streaming))
write("content_encoding_other.yaml",
      replace_once(gzip_cut_body(simple), "      Content-Type:\n      - application/json\n    status: 200 OK",
                   "      Content-Type:\n      - text/plain\n    status: 200 OK"))
print("ok")
