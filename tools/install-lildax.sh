#!/usr/bin/env bash
# install-lildax.sh   the real OpenCode 2.0 preview (npm @opencode-ai/cli-linux-x64@1.18.18, bin/lildax)
#
# Unpacks the package into <repo>/.tools/lildax (git-ignored) with `npm pack` (no install scripts run) and prints
# the binary's path on stdout, for `dotnet run --project tools/OpenCodeFixture -- make-preview --bin <path> ...`.
# Linux x64 only: the preview was published for that platform under this name. Idempotent.
set -euo pipefail

VERSION=1.18.18
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=$REPO/.tools/lildax
BIN=$PREFIX/package/bin/lildax

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "the 2.0 preview package is linux-x64 only" >&2; exit 2; }
if [ ! -x "$BIN" ]; then
  command -v npm >/dev/null || { echo "npm is needed" >&2; exit 2; }
  mkdir -p "$PREFIX"
  (cd "$PREFIX" && npm pack "@opencode-ai/cli-linux-x64@$VERSION" --silent >/dev/null && tar xzf "opencode-ai-cli-linux-x64-$VERSION.tgz" \
    && rm "opencode-ai-cli-linux-x64-$VERSION.tgz")
  chmod +x "$BIN"
fi
echo "$BIN"
