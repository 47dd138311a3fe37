#!/usr/bin/env python3
"""Replay a (scrubbed) VCR.py cassette with VCR.py and requests, no network.

    replay_vcrpy.py [--original ORIGINAL] [--secrets FILE] CASSETTE

Every interaction of CASSETTE is issued as the request it recorded (method,
URI, body, the headers a server would have seen) through `requests`, inside
`vcr.VCR(record_mode="none")`. The response that comes back must have the
recorded status code and the body bytes the client sees (after requests /
urllib3 undid gzip or deflate) must be those ORIGINAL recorded: scrubbing may
rewrite the file, but the recorder must still load it, match every request
and hand back what was recorded. Where the original response body held one
of the planted secrets (--secrets, one per line), it differs by design; then
the body must be the one the scrubbed cassette recorded and hold no secret.

Exit 0 all replayed, 1 a failure (one line per failure on stderr), 2 bad
usage or a cassette VCR.py cannot load, 77 VCR.py or requests not installed
(ctest's SKIP_RETURN_CODE).
"""
import argparse
import socket
import sys
import tempfile
import zlib
from pathlib import Path

try:
    import requests
    import vcr
    from vcr.serialize import deserialize
    from vcr.serializers import jsonserializer, yamlserializer
except ImportError as e:  # Debian: python3-vcr python3-requests
    print(f"replay_vcrpy: skipped: {e}", file=sys.stderr)
    sys.exit(77)


def serializer_for(path):
    return jsonserializer if path.suffix == ".json" else yamlserializer


def load(path):
    """(requests, responses) exactly as VCR.py's own loader builds them."""
    text = path.read_text(encoding="utf-8")
    return deserialize(text, serializer_for(path))


def header(headers, name):
    """A response header's values (VCR.py stores lists; some writers scalars)."""
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v if isinstance(v, list) else [v]
    return []


def decoded_body(response):
    """The body bytes a requests user gets from `r.content` for a recorded
    response: the stored bytes with Content-Encoding undone the way urllib3
    does it (gzip, deflate; last applied first)."""
    body = response["body"]["string"] or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    codings = [c.strip().lower() for v in header(response.get("headers", {}), "Content-Encoding")
               for c in v.split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            # urllib3 decodes concatenated gzip members too
            out, data = b"", body
            while data:
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                out += d.decompress(data)
                data = d.unused_data
            body = out
        elif coding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:
                body = zlib.decompress(body, -zlib.MAX_WBITS)
        elif coding != "identity":
            raise ValueError(f"Content-Encoding {coding} is not decoded by this check")
    return body


# Headers that describe the connection or the body framing, not the request:
# requests computes its own, and a recorded Content-Length may no longer
# describe a scrubbed body.
NOT_SENT = {"content-length", "transfer-encoding", "host", "connection"}


def no_network(*_args, **_kwargs):
    raise RuntimeError("a socket was opened during replay: the request did not come from the cassette")


def replay(cassette, original, secrets):
    failures = []
    requests_recorded, responses = load(cassette)
    expected_responses = responses
    if original is not None:
        _, expected_responses = load(original)
        if len(expected_responses) != len(responses):
            return [f"{len(responses)} interactions, the original has {len(expected_responses)}"]

    # Replay from a copy: record_mode none never writes, but a failing
    # matcher must not be able to touch the file under test either.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / cassette.name
        copy.write_bytes(cassette.read_bytes())
        my_vcr = vcr.VCR(
            record_mode="none",
            serializer="json" if cassette.suffix == ".json" else "yaml",
            # Everything of the request a scrubbed cassette still carries
            # verbatim: the scrubbed URI matches the scrubbed URI.
            match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        )
        session = requests.Session()
        with my_vcr.use_cassette(str(copy), allow_playback_repeats=False) as cass:
            for i, req in enumerate(requests_recorded):
                headers = {k: v for k, v in req.headers.items() if k.lower() not in NOT_SENT}
                try:
                    r = session.request(req.method, req.uri, data=req.body, headers=headers,
                                        allow_redirects=False, timeout=5)
                    got = r.content
                except Exception as e:  # CannotOverwriteExistingCassetteException, DecodeError …
                    failures.append(f"interaction {i}: {req.method} {req.uri}: {type(e).__name__}: {e}")
                    continue
                want = expected_responses[i]
                if r.status_code != want["status"]["code"]:
                    failures.append(f"interaction {i}: status {r.status_code}, recorded {want['status']['code']}")
                want_body = decoded_body(want)
                if any(s in want_body for s in secrets):
                    # A secret in the response body: scrubbed on purpose.
                    want_body = decoded_body(responses[i])
                    leaked = [s for s in secrets if s in got]
                    if leaked:
                        failures.append(f"interaction {i}: replayed body still holds {leaked[0][:12]}…")
                if got != want_body:
                    failures.append(f"interaction {i}: body differs from the recorded one "
                                    f"({len(got)} bytes replayed, {len(want_body)} recorded; "
                                    f"first difference at {first_difference(got, want_body)})")
            if not cass.all_played:
                failures.append(f"only {cass.play_count} of {len(cass)} interactions were played")
    return failures


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cassette", type=Path)
    ap.add_argument("--original", type=Path, help="the cassette before scrubbing")
    ap.add_argument("--secrets", type=Path, help="planted secrets, one per line")
    args = ap.parse_args()
    secrets = []
    if args.secrets:
        secrets = [s.encode() for s in args.secrets.read_text().split("\n") if s]

    # The recorder must answer from the cassette; a real connection is a failure.
    socket.socket.connect = no_network
    socket.create_connection = no_network

    try:
        failures = replay(args.cassette, args.original, secrets)
    except Exception as e:  # the cassette does not load
        print(f"replay_vcrpy: {args.cassette}: cannot replay: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    for f in failures:
        print(f"replay_vcrpy: {args.cassette}: {f}", file=sys.stderr)
    n = len(load(args.cassette)[0])
    print(f"replay_vcrpy: {args.cassette.name}: {n} interactions, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
