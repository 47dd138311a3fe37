#!/bin/sh
# Validates the HAR export of every corpus cassette with har-validator.
# Needs node and npm; installs the pinned har-validator here first.
# Usage: tests/har_validator/run.sh [path/to/cassette-binary]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-}
if [ -z "$bin" ]; then
  for b in "$root"/build/cassette "$root"/build-*/cassette; do
    if [ -x "$b" ]; then bin=$b; break; fi
  done
fi
[ -n "$bin" ] && [ -x "$bin" ] || { echo "run.sh: no cassette binary; pass its path" >&2; exit 2; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "run.sh: node and npm are needed" >&2; exit 2; }
(cd "$here" && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi) >/dev/null
corpus=$(cd "$root/../shared/corpus" 2>/dev/null && pwd) || { echo "run.sh: corpus not found" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
find "$corpus" -type f \( -name '*.yaml' -o -name '*.yml' \) | sort > "$tmp/list"
while IFS= read -r f; do
  n=$((n + 1))
  "$bin" export --format har "$f" -o "$tmp/$n.har"
done < "$tmp/list"
# And all of them merged into one log.
tr '\n' '\0' < "$tmp/list" | xargs -0 "$bin" export --format har -o "$tmp/merged.har"
node "$here/validate.js" "$tmp"/*.har > "$tmp/out" || { grep -v '^ok ' "$tmp/out"; exit 1; }
echo "har-validator: $(grep -c '^ok ' "$tmp/out") HAR files valid ($n corpus files, plus one merged log)"
