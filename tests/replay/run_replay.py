#!/usr/bin/env python3
"""Scrubbed cassettes still replay with the recorders that wrote them.

    run_replay.py --cassette build/cassette --recorder vcrpy testdata/vcrpy
    run_replay.py --cassette build/cassette --recorder ruby testdata/ruby-vcr

For each cassette (files, or the *.yaml / *.yml / *.json of a directory):

 1. the original replays with the recorder (else the test data or this
    harness is wrong, not scrub);
 2. a copy gets real-shaped fake secrets planted (tests/scrub_corpus/plant.py:
    Authorization `Bearer sk-proj-…`, `?key=AIza…`, `"api_key":
    "sk-ant-api03-…"` in the JSON request body, a `ghp_…` token in the
    response body, inside gzip and base64 where the body is stored so) and
    must replay too;
 3. `cassette scrub --check` on the planted copy exits 1 and leaves it alone;
    `cassette scrub` rewrites it in place, `cassette scrub -o OUT` writes the
    same bytes elsewhere;
 4. no planted secret is left in the scrubbed bytes; `cassette validate
    --format json` has no `secret` finding and no finding of another rule
    that the planted copy did not have (compared as rule + interaction: a
    re-encoded base64 block may move the lines after it);
 5. scrubbing the scrubbed file changes nothing, and `--check` on it exits 0;
 6. the scrubbed cassette replays with the recorder, giving back the planted
    copy's status codes and bodies, except a response body that held a
    secret, which must be the scrubbed one.

Exit 0 all passed, 1 a failure, 77 the recorder is not installed (Debian:
python3-vcr python3-requests / ruby-vcr ruby-webmock). Standard library only.
"""
import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scrub_corpus"))
import plant  # noqa: E402

SKIP = 77


def find_recorder(name):
    """The command line that runs this recorder's replay script, or None."""
    if name == "vcrpy":
        # Debian's python3-vcr is on /usr/bin/python3; a python3 earlier on
        # PATH (pyenv, a venv) may not see it.
        for py in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
            if py and Path(py).exists() and subprocess.run(
                    [py, "-c", "import vcr, requests"], capture_output=True).returncode == 0:
                return [py, str(HERE / "replay_vcrpy.py")]
        return None
    ruby = shutil.which("ruby")
    if ruby and subprocess.run([ruby, "-e", 'require "vcr"; require "webmock"'],
                               capture_output=True).returncode == 0:
        return [ruby, str(HERE / "replay_ruby.rb")]
    return None


def run(cmd):
    # Run from the temporary directory: scrub reads the [scrub] policy of a
    # .cassette.toml found upward from its working directory, and the check
    # is of the default policy, not of whatever the checkout holds.
    return subprocess.run([str(c) for c in cmd], capture_output=True, cwd=tempfile.gettempdir())


def findings(cassette_bin, path):
    """validate's findings as a Counter of (rule, interaction), and the
    messages of the `secret` ones."""
    p = run([cassette_bin, "validate", "--format", "json", path])
    if p.returncode not in (0, 1):
        raise RuntimeError(f"validate exited {p.returncode}: {p.stderr.decode(errors='replace').strip()}")
    found = [f for file in json.loads(p.stdout)["files"] for f in file["findings"]]
    return (Counter((f["rule"], f.get("interaction")) for f in found),
            [f"line {f.get('line')}: {f['message']}" for f in found if f["rule"] == "secret"])


class Check:
    def __init__(self, name):
        self.name = name
        self.failures = []

    def fail(self, why):
        self.failures.append(why)


def check_one(args, recorder, original, tmp):
    c = Check(original.name)

    # 1. the original replays
    p = run(recorder + [original])
    if p.returncode != 0:
        c.fail("the original does not replay: " + (p.stderr or p.stdout).decode(errors="replace").strip())
        return c

    # 2. planted copy
    secrets = plant.Secrets(original.name)
    planted_bytes = plant.plant(original, original.read_bytes(), secrets)
    if planted_bytes is None or not secrets.planted:
        c.fail("nothing could be planted")
        return c
    planted = tmp / "planted" / original.name
    planted.parent.mkdir(exist_ok=True)
    planted.write_bytes(planted_bytes)
    secret_file = tmp / (original.name + ".secrets")
    secret_file.write_text("".join(s + "\n" for _, s, _ in secrets.planted))
    p = run(recorder + [planted])
    if p.returncode != 0:
        c.fail("the planted copy does not replay (planter bug): " + p.stderr.decode(errors="replace").strip())
        return c

    # 3. scrub: --check, in place, -o
    p = run([args.cassette, "scrub", "--check", planted])
    if p.returncode != 1:
        c.fail(f"scrub --check on the planted copy exited {p.returncode}, not 1")
    if planted.read_bytes() != planted_bytes:
        c.fail("scrub --check changed the file")
        planted.write_bytes(planted_bytes)
    scrubbed = tmp / "scrubbed" / original.name
    scrubbed.parent.mkdir(exist_ok=True)
    shutil.copyfile(planted, scrubbed)
    p = run([args.cassette, "scrub", scrubbed])
    if p.returncode != 0:
        c.fail(f"scrub exited {p.returncode}: {p.stderr.decode(errors='replace').strip()}")
        return c
    out = tmp / "out" / original.name
    out.parent.mkdir(exist_ok=True)
    p = run([args.cassette, "scrub", "-o", out, planted])
    if p.returncode != 0 or not out.exists():
        c.fail(f"scrub -o exited {p.returncode}: {p.stderr.decode(errors='replace').strip()}")
    elif out.read_bytes() != scrubbed.read_bytes():
        c.fail("scrub -o wrote other bytes than scrub in place")
    if planted.read_bytes() != planted_bytes:
        c.fail("scrub -o changed its input")

    # 4. nothing left, nothing new
    data = scrubbed.read_bytes()
    for kind, s, where in secrets.planted:
        if s.encode() in data:
            c.fail(f"planted {kind} secret still in the scrubbed file ({where})")
    (before, _), (after, left) = findings(args.cassette, planted), findings(args.cassette, scrubbed)
    for message in left:
        c.fail("validate still finds a secret: " + message)
    new = {k: n for k, n in (after - before).items() if k[0] != "secret"}
    if new:
        c.fail("validate findings the planted copy did not have: " + ", ".join(
            f"{rule} (interaction {i}) x{n}" for (rule, i), n in sorted(new.items(), key=str)))

    # 5. idempotent
    twice = tmp / "twice" / original.name
    twice.parent.mkdir(exist_ok=True)
    shutil.copyfile(scrubbed, twice)
    p = run([args.cassette, "scrub", twice])
    if p.returncode != 0 or twice.read_bytes() != data:
        c.fail(f"a second scrub changed the file (exit {p.returncode})")
    p = run([args.cassette, "scrub", "--check", scrubbed])
    if p.returncode != 0:
        c.fail(f"scrub --check on the scrubbed file exited {p.returncode}, not 0")

    # 6. the recorder replays the scrubbed file
    p = run(recorder + ["--original", planted, "--secrets", secret_file, scrubbed])
    if p.returncode != 0:
        c.fail("the scrubbed copy does not replay: " + (p.stderr or p.stdout).decode(errors="replace").strip())
    return c


def cassettes(paths):
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.iterdir() if f.suffix in (".yaml", ".yml", ".json"))
        else:
            yield p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cassette", required=True, type=Path, help="the cassette binary")
    ap.add_argument("--recorder", required=True, choices=["vcrpy", "ruby"])
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    args.cassette = args.cassette.resolve()
    args.paths = [Path(p).resolve() for p in args.paths]

    recorder = find_recorder(args.recorder)
    if recorder is None:
        need = "python3-vcr and python3-requests" if args.recorder == "vcrpy" else "ruby-vcr and ruby-webmock"
        print(f"run_replay: skipped: {need} not installed")
        return SKIP

    passed = failed = 0
    with tempfile.TemporaryDirectory() as t:
        for original in cassettes(args.paths):
            try:
                c = check_one(args, recorder, original, Path(t))
            except Exception as e:  # a crash of the harness is a failure, not a pass
                c = Check(original.name)
                c.fail(f"{type(e).__name__}: {e}")
            if c.failures:
                failed += 1
                print(f"FAIL {c.name}")
                for f in c.failures:
                    print(f"  {f}")
            else:
                passed += 1
                print(f"ok   {c.name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
