#!/usr/bin/env python3
"""Writes the hostile fixtures in this directory (run from here). Each is a
go-vcr v2 cassette that `validate` must flag and no command may crash on;
tests/test_malformed.cpp replays them."""
import base64, gzip, struct, zlib

HEAD = ("version: 2\ninteractions:\n- id: 0\n  request:\n    url: https://api.openai.com/v1/chat/completions\n"
        "    method: POST\n  response:\n    status: 200 OK\n    code: 200\n    duration: 1.5s\n")

def write(name, text):
    with open(name, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())

laughs = HEAD + "    body: ''\n    extra:\n      a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n"
for i in range(1, 10):
    laughs += f"      a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]\n"
write("billion-laughs.yaml", laughs)
write("deep-nesting.yaml", HEAD + "    body: ''\n    extra: " + "[" * 1000 + "]" * 1000 + "\n")
write("nul-byte.yaml", (HEAD + "    body: \"a\0b\"\n").encode())
write("invalid-utf8.yaml", (HEAD + "    body: ").encode() + b"\xff\xfe\xfd\n")
write("gzip-bomb.yaml", HEAD + "    headers:\n      Content-Type: [application/json]\n      Content-Encoding: [gzip]\n"
      "    body: !!binary " + base64.b64encode(gzip.compress(b"\0" * (16 << 20), 9)).decode() + "\n")
write("gzip-truncated.yaml", HEAD + "    headers:\n      Content-Type: [application/json]\n      Content-Encoding: [gzip]\n"
      "    body: !!binary " + base64.b64encode(gzip.compress(b'{"a":1}' * 100)[:-9]).decode() + "\n")

def es_message(payload, headers=b""):
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(headers))
    msg = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + payload
    return msg + struct.pack(">I", zlib.crc32(msg))

hdr = b"\x0b:event-type\x07\x00\x05chunk"
bad = bytearray(es_message(b'{"bytes":"e30="}', hdr))
bad[-6] ^= 0x20
cut = es_message(b'{"bytes":"e30="}', hdr)[:-7]
for name, body in (("eventstream-crc.yaml", bytes(bad)), ("eventstream-truncated.yaml", cut)):
    write(name, HEAD.replace("https://api.openai.com/v1/chat/completions",
                             "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1:0/invoke-with-response-stream")
          + "    headers:\n      Content-Type: [application/vnd.amazon.eventstream]\n"
          + "    body: !!binary " + base64.b64encode(body).decode() + "\n")
write("sse-unterminated.yaml", HEAD + "    headers:\n      Content-Type: [text/event-stream]\n"
      "    body: 'data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}'\n")
write("truncated.yaml", HEAD + "    headers:\n      Content-Type: [application/json]\n    body: '{\"id\": \"x")
