#!/usr/bin/env bash
# Installs the build into a scratch prefix (cmake --install, what the .deb
# packs) and checks what a user gets: a binary that runs, one gzipped man page
# per page in man/ (gzip -9n, identical to its source), the completions where
# bash, zsh and fish look, and the docs.
#   check_install.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null

fail=0
need() { [[ -e "$prefix/$1" ]] || { echo "missing after install: $1"; fail=1; }; }

"$prefix/bin/cassette" --version | grep -q '^cassette ' || { echo "installed binary does not run"; fail=1; }
for page in "$src"/man/*.1; do
  name=$(basename "$page")
  gz="share/man/man1/$name.gz"
  need "$gz"
  [[ -e "$prefix/$gz" ]] || continue
  cmp -s <(gzip -dc "$prefix/$gz") "$page" || { echo "$gz differs from man/$name"; fail=1; }
  # -n: no file name or time stamp in the gzip header (reproducible packages)
  [[ $(od -An -tu1 -j4 -N4 "$prefix/$gz" | tr -s ' ') == " 0 0 0 0" ]] || { echo "$gz has a time stamp"; fail=1; }
done
[[ -z $(find "$prefix/share/man" -name '*.1') ]] || { echo "uncompressed man pages installed"; fail=1; }
need share/bash-completion/completions/cassette
need share/zsh/vendor-completions/_cassette
need share/fish/vendor_completions.d/cassette.fish
need share/doc/cassette/README.md
need share/doc/cassette/scrub.md
exit $fail
