#!/usr/bin/env python3
"""Deterministic benchmark inputs from the corpus's real interactions.

  gen_cassette.py CORPUS cassette OUT.yaml SIZE_MB
      One go-vcr format 2 cassette of about SIZE_MB megabytes: the corpus's
      format 2 interactions (fantasy/, sorted by path) repeated in order, as
      written by their recorder (every YAML form they use: literal `|+`,
      double-quoted with escapes, !!binary event streams ...), ids renumbered
      0, 1, 2 ... so the file reads as one long recorded agent loop.

  gen_cassette.py CORPUS tree OUT_DIR COUNT
      COUNT small cassettes (the corpus's format 2 files, cycled in sorted
      order) under OUT_DIR/NN/, 100 per folder, as a fixture tree would hold.

The same inputs give the same bytes on every run and machine: no clocks, no
randomness, sorted directory walks.
"""
import os
import re
import sys

ITEM = re.compile(rb"^- ", re.M)


def format2_files(corpus):
    root = os.path.join(corpus, "fantasy")
    out = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if f.endswith((".yaml", ".yml")):
                out.append(os.path.join(d, f))
    out.sort()
    if not out:
        sys.exit(f"gen_cassette: no cassettes under {root}")
    return out


def interactions(path):
    """The raw text of each top-level interaction item (column-0 `- ` lines)."""
    data = open(path, "rb").read()
    head, sep, rest = data.partition(b"\ninteractions:\n")
    if not sep or not head.lstrip(b"-\n ").startswith(b"version: 2"):
        return []
    starts = [m.start() for m in ITEM.finditer(rest)]
    items = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(rest)
        item = rest[s:e]
        if not item.endswith(b"\n"):
            item += b"\n"
        items.append(item)
    return items


def gen_cassette(corpus, out, size_mb):
    pool = [it for p in format2_files(corpus) for it in interactions(p)]
    target = int(size_mb * 1_000_000)
    tmp = out + ".tmp"
    n = 0
    written = 0
    with open(tmp, "wb") as f:
        f.write(b"---\nversion: 2\ninteractions:\n")
        while written < target:
            item = pool[n % len(pool)]
            # `- id: K` -> this interaction's place in the long file.
            item = re.sub(rb"^- id: \d+", b"- id: %d" % n, item, count=1)
            f.write(item)
            written += len(item)
            n += 1
    os.replace(tmp, out)
    print(f"{out}: {n} interactions, {os.path.getsize(out)} bytes")


def gen_tree(corpus, out_dir, count):
    files = format2_files(corpus)
    total = 0
    for i in range(count):
        src = files[i % len(files)]
        d = os.path.join(out_dir, "%02d" % (i // 100))
        os.makedirs(d, exist_ok=True)
        data = open(src, "rb").read()
        with open(os.path.join(d, "c%05d.yaml" % i), "wb") as f:
            f.write(data)
        total += len(data)
    print(f"{out_dir}: {count} files, {total} bytes")


def main(argv):
    if len(argv) != 5 or argv[2] not in ("cassette", "tree"):
        sys.exit(__doc__)
    corpus, kind, out, n = argv[1], argv[2], argv[3], argv[4]
    if kind == "cassette":
        gen_cassette(corpus, out, float(n))
    else:
        gen_tree(corpus, out, int(n))


if __name__ == "__main__":
    main(sys.argv)
