#!/usr/bin/env bash
# install-opencode.sh [version]   (default 1.18.33)
#
# Installs the real OpenCode CLI from the npm registry into <repo>/.tools/opencode (git-ignored),
# so the live tests and tools/OpenCodeFixture have a binary without touching the user's setup.
# Installs both the wrapper package `opencode-ai` and this platform's binary package: the
# binary is called directly, so the wrapper's postinstall step does not matter.
# Idempotent: does nothing when that version is already installed. Prints the binary's path
# on stdout (everything else goes to stderr).
set -euo pipefail

VERSION=${1:-1.18.33}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=$REPO/.tools/opencode

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "unsupported OS: $(uname -s)" >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "unsupported CPU: $(uname -m)" >&2; exit 2 ;;
esac
PLATFORM_PKG=opencode-$os-$arch
BIN=$PREFIX/node_modules/$PLATFORM_PKG/bin/opencode

installed_version() {
  # the platform package's own manifest says which version is on disk
  local manifest=$PREFIX/node_modules/$PLATFORM_PKG/package.json
  [ -f "$manifest" ] || return 0
  node -e 'process.stdout.write(require(process.argv[1]).version)' "$manifest" 2>/dev/null || true
}

if [ -x "$BIN" ] && [ "$(installed_version)" = "$VERSION" ]; then
  echo "opencode $VERSION already installed" >&2
else
  command -v npm >/dev/null || { echo "npm is needed to install opencode" >&2; exit 2; }
  mkdir -p "$PREFIX"
  # a package.json of its own keeps npm from walking up into some parent project
  [ -f "$PREFIX/package.json" ] || echo '{ "private": true }' > "$PREFIX/package.json"
  npm install --prefix "$PREFIX" --no-audit --no-fund --save-exact \
      "opencode-ai@$VERSION" "$PLATFORM_PKG@$VERSION" >&2 \
    || { echo "npm install failed (is $PLATFORM_PKG@$VERSION published?)" >&2; exit 2; }
  [ -x "$BIN" ] || { echo "installed, but no binary at $BIN" >&2; exit 2; }
fi

# OpenCode up to 1.0.x calls ripgrep and tries to download it from GitHub when `rg` is missing;
# newer versions do not need it. Debian's package is the offline way to provide it.
needs_rg() { [ "$(printf '%s\n' "$VERSION" 1.1 | sort -V | head -1)" != 1.1 ]; }
if needs_rg && ! command -v rg >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "opencode $VERSION needs ripgrep; installing Debian's package" >&2
    { apt-get update -qq && apt-get install -y -qq ripgrep; } >&2 \
      || echo "note: could not install ripgrep; opencode $VERSION may fail to call the model" >&2
  else
    echo "note: opencode $VERSION needs 'rg' (ripgrep) on PATH" >&2
  fi
fi

echo "$BIN"
