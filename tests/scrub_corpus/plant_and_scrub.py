#!/usr/bin/env python3
"""Every real-shaped key planted into a copy of the corpus is gone after
`cassette scrub`, and nothing else changed.

    plant_and_scrub.py --cassette build/cassette [CORPUS_DIR ...]

(default: ../shared/corpus and ../shared/corpus-next, from the source dir).
Each cassette (go-vcr, VCR.py, Ruby VCR, HAR, httprr, nock; whole-file gzip
too) gets fake secrets planted by tests/scrub_corpus/plant.py in a copy: a
request Authorization header, a `key=AIza…` query parameter, an `"api_key"`
member in a JSON request body, a `ghp_…` token in the response body (in the
SSE event, the gzip, base64 or AWS event-stream body where the body is stored
so), each interaction its own values. Then `cassette scrub` rewrites the copy
in place, and:

 (a) no planted secret is left: not in the file's bytes, not in what
     `cassette export --format json` decodes (bodies, events), not inside a
     base64 body once decoded and gunzipped;
 (b) `cassette validate --format json` has no `secret` finding, and no
     finding of another rule the planted copy did not have (compared as rule
     + interaction, since a re-encoded base64 block may shift later lines);
 (c) a line diff of the planted and the scrubbed copy touches only lines that
     held a planted secret (and then only the secret: the line with each
     secret replaced by REDACTED is the new line), lines of a length
     (Content-Length, content_length, bodySize, size, httprr record lengths),
     and lines of a re-encoded base64 body;
 (d) scrubbing again changes nothing.

Prints one line per failure and a summary; exit 0 all passed, 1 a failure,
77 no corpus here (ctest SKIP_RETURN_CODE). Standard library only.
"""
import argparse
import base64
import binascii
import difflib
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plant  # noqa: E402

SKIP = 77
DEFAULT_CORPORA = ["../shared/corpus", "../shared/corpus-next"]
NOT_CASSETTES = re.compile(r"^(LICENSE|NOTICE|PATENTS|COPYING)|\.md$", re.I)
REPLACEMENT = "REDACTED"

# A line that states a length: the key on the line itself, or on the line
# before (`Content-Length:` then `- '294'`).
LENGTH_KEY = re.compile(r"content[-_]length|bodysize|\"size\"|^\s*size:", re.I)
HTTPRR_RECORD = re.compile(r"^\d+ \d+$")
# A line of base64 (a `!!binary` block line, or a JSON/YAML string holding a
# long base64 run): re-encoding a body rewrites all of them.
BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")


def run(cmd):
    # Run from the temporary directory: scrub reads the [scrub] policy of a
    # .cassette.toml found upward from its working directory, and the check
    # is of the default policy, not of whatever the checkout holds.
    return subprocess.run([str(c) for c in cmd], capture_output=True, cwd=tempfile.gettempdir())


def maybe_gunzip(data):
    return plant._gunzip_all(data) if data[:2] == b"\x1f\x8b" else data


def decoded_texts(export):
    """Everything export decoded that a secret could hide in: the JSON text
    itself (bodies, events, headers, URLs) and base64 bodies decoded and
    uncompressed."""
    yield json.dumps(export, ensure_ascii=False).encode()
    for it in export.get("interactions", []):
        for side in ("request", "response"):
            b64 = (it.get(side) or {}).get("body_base64")
            if not b64:
                continue
            try:
                raw = base64.b64decode(b64)
            except (binascii.Error, ValueError):
                continue
            yield raw
            for unpack in (maybe_gunzip, zlib.decompress, lambda d: zlib.decompress(d, -15)):
                try:
                    yield unpack(raw)
                except (OSError, ValueError, zlib.error, EOFError):
                    pass


def validate_all(cassette, paths):
    """{path: Counter((rule, interaction)) and secret messages}, one run per
    batch of files; files validate could not read are absent."""
    out = {}
    paths = list(paths)
    for k in range(0, len(paths), 200):
        p = run([cassette, "validate", "--format", "json", *paths[k:k + 200]])
        try:
            doc = json.loads(p.stdout)
        except json.JSONDecodeError:
            continue
        for f in doc.get("files", []):
            found = f.get("findings", [])
            out[os.path.realpath(f["path"])] = (
                Counter((x["rule"], x.get("interaction")) for x in found),
                [f"line {x.get('line')}: {x['message']}" for x in found if x["rule"] == "secret"])
    return out


def length_line(lines, i):
    line = lines[i]
    if HTTPRR_RECORD.match(line.strip()):
        return True
    if not re.search(r"\d", line):
        return False
    return bool(LENGTH_KEY.search(line) or (i > 0 and LENGTH_KEY.search(lines[i - 1])))


def base64_line(line):
    """A line of a base64 block: a long base64 run, or (the short last line of
    a block) a line that is nothing but base64."""
    return bool(BASE64_RUN.search(line) or FULL_BASE64.fullmatch(line))


FULL_BASE64 = re.compile(r"\s*[A-Za-z0-9+/]+={0,2}\s*")


def only_redacted(old, new):
    """True when `new` is `old` with one or more values replaced by
    REDACTED, each a run without whitespace or quotes (a token, a cookie
    value, a query value), so no structure around a value was eaten."""
    if REPLACEMENT not in new:
        return False
    pieces = new.split(REPLACEMENT)
    pattern = "".join(re.escape(p) + ("""[^\\s"']+?""" if k < len(pieces) - 1 else "")
                      for k, p in enumerate(pieces))
    return re.fullmatch(pattern, old) is not None


def check_diff(planted, scrubbed, secrets, numbers_may_change=False):
    """(c): reasons for changed lines that no secret, length or re-encoded
    body explains. Also counts the lines where a value that was already in
    the corpus (not planted: a placeholder in a credential header, a cookie)
    became REDACTED."""
    a = planted.decode("utf-8", errors="surrogateescape").split("\n")
    b = scrubbed.decode("utf-8", errors="surrogateescape").split("\n")
    problems, already = [], 0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        old, new = a[i1:i2], b[j1:j2]
        # a re-encoded base64 block may change its line count; lengths keep
        # theirs; a secret line maps one to one onto its scrubbed line
        if all(base64_line(l) for l in old + new):
            continue
        if op == "replace" and len(old) == len(new):
            for k, (o, n) in enumerate(zip(old, new)):
                if o == n or length_line(a, i1 + k) or (base64_line(o) and base64_line(n)):
                    continue
                if only_redacted(o, n) or (numbers_may_change and only_redacted(
                        re.sub(r"\d+", "0", o), re.sub(r"\d+", "0", n))):
                    if not any(sec in o for sec in secrets):
                        already += 1
                    continue
                problems.append(f"line {i1 + k + 1} changed beyond its secret: {short(o)} -> {short(n)}")
            continue
        problems.append(f"lines {i1 + 1}-{i2} ({len(old)}) became {len(new)} lines: "
                        f"{short(old[0] if old else '')} -> {short(new[0] if new else '')}")
    return problems, already


def short(s, n=110):
    s = s.strip()
    return s if len(s) <= n else s[: n - 1] + "…"


class Result:
    def __init__(self, rel):
        self.rel = rel
        self.planted = []       # (kind, secret, where)
        self.removed = 0
        self.already = 0        # lines where a value already in the corpus became REDACTED
        self.failures = []      # (category, reason)
        self.skipped = None     # reason
        self.planter = []       # findings the planting itself added (a harness problem)


def scrub_one(args, tmp, src, rel, res):
    planted = tmp / "planted" / rel
    scrubbed = tmp / "scrubbed" / rel
    twice = tmp / "twice" / rel
    for p in (scrubbed, twice):
        p.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(planted, scrubbed)
    p = run([args.cassette, "scrub", scrubbed])
    if p.returncode == 1:
        # something looked secret but could not be scrubbed; the rest was
        res.failures.append(("unscrubbable", short(p.stdout.decode(errors="replace") +
                                                   p.stderr.decode(errors="replace"), 300)))
    elif p.returncode != 0:
        res.failures.append(("scrub failed", f"exit {p.returncode}: {short(p.stderr.decode(errors='replace'), 300)}"))
        return
    planted_bytes, scrubbed_bytes = planted.read_bytes(), scrubbed.read_bytes()

    # (a) in the bytes and in what export decodes
    flat = maybe_gunzip(scrubbed_bytes)
    texts = [flat]
    p = run([args.cassette, "export", "--format", "json", scrubbed])
    if p.returncode == 0:
        try:
            texts += list(decoded_texts(json.loads(p.stdout)))
        except json.JSONDecodeError:
            res.failures.append(("export", "export --format json printed no JSON"))
    else:
        res.failures.append(("export", f"export of the scrubbed file exited {p.returncode}: "
                                       f"{short(p.stderr.decode(errors='replace'), 200)}"))
    for kind, s, where in res.planted:
        if any(s.encode() in t for t in texts):
            res.failures.append(("secret left", f"{kind} secret at {where}"))
        else:
            res.removed += 1

    # (c) the diff
    # httprr: a body without a final newline runs into the next record's
    # "N M" length line, so one text line may hold a secret and lengths
    httprr = flat.startswith(b"httprr trace v1")
    problems, res.already = check_diff(maybe_gunzip(planted_bytes), flat, [s for _, s, _ in res.planted], httprr)
    for why in problems:
        res.failures.append(("diff", why))

    # (d) idempotent
    shutil.copyfile(scrubbed, twice)
    p = run([args.cassette, "scrub", twice])
    if p.returncode != 0 or twice.read_bytes() != scrubbed_bytes:
        res.failures.append(("not idempotent", f"a second scrub changed the file (exit {p.returncode})"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cassette", required=True, type=Path, help="the cassette binary")
    ap.add_argument("--keep", type=Path, help="keep the planted/scrubbed copies in this directory")
    ap.add_argument("-j", type=int, default=2, help="files scrubbed at once")
    ap.add_argument("corpora", nargs="*")
    args = ap.parse_args()
    args.cassette = args.cassette.resolve()

    corpora = [Path(c).resolve() for c in (args.corpora or DEFAULT_CORPORA) if Path(c).is_dir()]
    if not corpora:
        print("plant_and_scrub: skipped: no corpus at " + ", ".join(args.corpora or DEFAULT_CORPORA))
        return SKIP

    tmpdir = tempfile.mkdtemp(prefix="scrub_corpus.") if not args.keep else str(args.keep)
    tmp = Path(tmpdir)
    results = []
    # plant
    for corpus in corpora:
        for src in sorted(corpus.rglob("*")):
            if not src.is_file() or NOT_CASSETTES.search(src.name):
                continue
            rel = Path(corpus.name) / src.relative_to(corpus)
            res = Result(rel)
            results.append(res)
            secrets = plant.Secrets(str(rel))
            try:
                data = plant.plant(src, src.read_bytes(), secrets)
            except Exception as e:  # the planter could not follow this file
                res.skipped = f"planter: {type(e).__name__}: {e}"
                continue
            if data is None:
                res.skipped = "not a layout the planter knows"
                continue
            if not secrets.planted:
                res.skipped = "no header, URL or body to plant into"
                continue
            res.planted = secrets.planted
            dst = tmp / "planted" / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(data)
            res.src = src

    work = [r for r in results if r.planted]
    # (b) baseline: the original and the planted copy
    originals = validate_all(args.cassette, [r.src for r in work])
    planted = validate_all(args.cassette, [tmp / "planted" / r.rel for r in work])
    # scrub, check (a) (c) (d)
    with ThreadPoolExecutor(max_workers=max(1, args.j)) as pool:
        list(pool.map(lambda r: scrub_one(args, tmp, r.src, r.rel, r), work))
    scrubbed = validate_all(args.cassette, [tmp / "scrubbed" / r.rel for r in work if not any(
        c == "scrub failed" for c, _ in r.failures)])

    for r in work:
        if any(c == "scrub failed" for c, _ in r.failures):
            continue
        key = lambda d: os.path.realpath(tmp / d / r.rel)  # noqa: E731
        before, after = planted.get(key("planted")), scrubbed.get(key("scrubbed"))
        orig = originals.get(os.path.realpath(r.src))
        if before is None or after is None:
            r.failures.append(("validate", "validate could not read the planted or the scrubbed copy"))
            continue
        for message in after[1]:
            r.failures.append(("validate secret", message))
        new = {k: n for k, n in (after[0] - before[0]).items() if k[0] != "secret"}
        if new:
            r.failures.append(("validate new", ", ".join(
                f"{rule} (interaction {i}) x{n}" for (rule, i), n in sorted(new.items(), key=str))))
        if orig is not None:
            extra = {k: n for k, n in (before[0] - orig[0]).items() if k[0] != "secret"}
            if extra:
                r.planter.append(", ".join(f"{rule} (interaction {i})" for (rule, i), n in extra.items()))

    # report
    failed = [r for r in work if r.failures]
    by_cat = Counter(c for r in failed for c, _ in r.failures)
    for r in failed:
        print(f"FAIL {r.rel}")
        shown = defaultdict(int)
        for cat, why in r.failures:
            shown[cat] += 1
            if shown[cat] <= 3:
                print(f"  [{cat}] {why}")
        for cat, n in shown.items():
            if n > 3:
                print(f"  [{cat}] … and {n - 3} more")
    for r in results:
        if r.planter:
            print(f"NOTE {r.rel}: planting alone added findings: {'; '.join(r.planter)}")
    skipped = [r for r in results if r.skipped]
    skip_reasons = Counter(r.skipped.split(":")[0] if r.skipped.startswith("planter") else r.skipped
                           for r in skipped)
    n_planted = sum(len(r.planted) for r in work)
    n_removed = sum(r.removed for r in work)
    kinds = Counter(k for r in work for k, _, _ in r.planted)
    print()
    reasons = (": " + ", ".join(f"{n} {why}" for why, n in skip_reasons.items())) if skip_reasons else ""
    print(f"files: {len(results)} ({len(work)} planted, {len(skipped)} not planted{reasons})")
    print(f"secrets planted: {n_planted} (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
          + f"), removed: {n_removed}; lines where a value already in the corpus became {REPLACEMENT}: "
          + str(sum(r.already for r in work)))
    if by_cat:
        print("failures: " + ", ".join(f"{n} {c}" for c, n in by_cat.most_common()))
    if args.keep:
        print(f"copies kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(work) - len(failed)} passed, {len(failed)} failed, {len(skipped)} skipped")
    return 1 if failed or not work else 0


if __name__ == "__main__":
    sys.exit(main())
