#!/bin/bash
# Points the staged module at special files (issue 15) and prints, for each, the peak RSS, the time taken and the
# refusal it gave. A hang shows as the time limit reached (the run is killed). Usage, from the repo root:
#   tools/probe-special-files.sh [module dir, default artifacts/module/OpenCodeUsage]
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
module=${1:-$repo/artifacts/module/OpenCodeUsage}
root=$(mktemp -d /tmp/ocu-probe-XXXXXX)
mkdir -p "$root/proj/.git" "$root/config" "$root/data/opencode" "$root/cache" "$root/fifo"
export XDG_CONFIG_HOME=$root/config XDG_DATA_HOME=$root/data XDG_CACHE_HOME=$root/cache XDG_STATE_HOME=$root/state
export OPENCODEUSAGE_CACHE_DIR=$root/cache/ocu
cd "$repo"
run() { # name, time limit in seconds, script
  /usr/bin/time -f "%M KB peak RSS, %e s" -o "$root/$1.time" timeout -s KILL "$2" \
    dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; Set-Location '$root/proj'; $3" > "$root/$1.out" 2>&1
  echo "$1: $(tail -1 "$root/$1.time") | $(grep -oE "is a [a-zA-Z ]+, not a regular file|larger than [0-9]+ MB|Insufficient memory" "$root/$1.out" | head -1)"
}
key() { printf '{ "provider": { "mock": { "options": { "apiKey": "%s" } } } }' "$1" > "$root/proj/opencode.json"; }
key plain;               run baseline 60 'Get-OpenCodeCredential | Out-Null'
key '{file:/dev/zero}';  run dev-zero-key 120 'Get-OpenCodeCredential 2>&1 | Out-String'
key '{file:/dev/stdin}'; run dev-stdin-key 20 'Get-OpenCodeCredential 2>&1 | Out-String'
echo '{}' > "$root/proj/opencode.json"
mkfifo "$root/data/opencode/auth.json"; run auth-fifo 20 'Get-OpenCodeCredential 2>&1 | Out-String'
mkfifo "$root/fifo/opencode.db"
run db-fifo 20 "Get-OpenCodeSession -DataPath '$root/fifo' 2>&1 | Out-String"
run datapath-fifo 20 "Get-OpenCodeSession -DataPath '$root/fifo/opencode.db' 2>&1 | Out-String"
run pricing-fifo 20 "Get-OpenCodeUsage -DataPath '$repo/tests/data/oc-1.18.33/opencode' -PricingPath '$root/fifo/opencode.db' 2>&1 | Out-String"
rm -rf "$root"
