#!/usr/bin/env bash
# The benchmark of issue 4: times OpenCodeUsage and the installed peers on one generated OpenCode database.
#
#   bench/run.sh [S|M|L] [--v2] [--runs N] [--peer-runs N] [--no-peers] [--no-pwsh] [--no-build] [--seed N] [--module PSD1] [--jit-host]
#
# --v2 measures a native OpenCode 2.x database (session_v2 + session_message, tools/OpenCodeV2Data BenchScenario)
# in bench/data/<size>-v2 instead of the 1.18.33 one.
#
# --no-pwsh leaves out the rows measured in the real pwsh 7.6.9 (the repository's local dotnet tool).
#
# --jit-host hosts the engine as NuGet ships it (IL only, compiled at run time) instead of ReadyToRun like pwsh.
# --module measures another build of the module (e.g. an older commit staged elsewhere) instead of the
# repository's artifacts/module.
# Generates bench/data/<size>/opencode/opencode.db if it is missing, then measures (median of --runs, 3 by
# default; peak RSS from GNU time) and prints a Markdown table; every sample is kept in bench/results/.
# See bench/README.md for what each figure means.
set -euo pipefail

SIZE=M RUNS=3 PEER_RUNS="" PEERS=1 PWSH_ROWS=1 BUILD=1 SEED=1 OTHER_MODULE="" JIT_HOST=0 GENERATION=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    S|M|L|s|m|l) SIZE=${1^^} ;;
    --runs) RUNS=$2; shift ;;
    --peer-runs) PEER_RUNS=$2; shift ;;
    --no-peers) PEERS=0 ;;
    --no-pwsh) PWSH_ROWS=0 ;;
    --no-build) BUILD=0 ;;
    --seed) SEED=$2; shift ;;
    --module) OTHER_MODULE=$(realpath "$2"); shift ;;
    --jit-host) JIT_HOST=1 ;;
    --v2) GENERATION=2 ;;
    *) echo "usage: $0 [S|M|L] [--v2] [--runs N] [--peer-runs N] [--no-peers] [--no-pwsh] [--no-build] [--seed N] [--module PSD1] [--jit-host]" >&2; exit 2 ;;
  esac
  shift
done
PEER_RUNS=${PEER_RUNS:-$RUNS}

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH")
LABEL=$SIZE$([[ $GENERATION == 2 ]] && echo -v2 || true)
DATA=$BENCH/data/$LABEL
# The table the 2.x rows are in, for the floor scan and the clean-up of an interrupted run.
ROWS=$([[ $GENERATION == 2 ]] && echo session_message || echo message)
DB=$DATA/opencode/opencode.db
TOOLS=$BENCH/.tools
MODULE=$TOOLS/module/OpenCodeUsage/OpenCodeUsage.psd1
# The host is published ReadyToRun, as pwsh itself ships: the engine from NuGet is IL only, and timing its JIT
# (about 150 ms of every fresh process) would measure the package, not what a pwsh user waits for.
HOST=$TOOLS/host/OpenCodeUsage.Bench.Host
GENERATOR=$BENCH/OpenCodeUsage.Bench.Generator/bin/Release/net10.0/OpenCodeUsage.Bench.Generator
mkdir -p "$BENCH/results" "$TOOLS"
RESULTS=$BENCH/results/$LABEL-$(date -u +%Y%m%dT%H%M%SZ).jsonl
LOGS=$BENCH/results/logs-$LABEL
mkdir -p "$LOGS" && rm -f "$LOGS"/*.err
: > "$RESULTS"

log() { printf '== %s\n' "$*" >&2; }

# --- what the harness needs -------------------------------------------------------------------------
need_apt() { # <command> <debian package>
  command -v "$1" >/dev/null 2>&1 && return
  log "installing $2"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
[[ -x /usr/bin/time ]] || { log "installing time"; apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
need_apt sqlite3 sqlite3

if [[ $BUILD == 1 ]]; then
  log "building the module (dotnet build -c Release) and the bench projects"
  : >"$LOGS/build.log"
  if [[ -z $OTHER_MODULE ]]; then
    (cd "$REPO" && dotnet build -c Release -nologo -v q) >>"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log" >&2; exit 1; }
  fi
  dotnet build "$BENCH/OpenCodeUsage.Bench.Generator" -c Release -nologo -v q >>"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log" >&2; exit 1; }
  if [[ $JIT_HOST == 1 ]]; then
    dotnet publish "$BENCH/OpenCodeUsage.Bench.Host" -c Release -nologo -v q -o "$TOOLS/host" \
      >>"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log" >&2; exit 1; }
  else
    dotnet publish "$BENCH/OpenCodeUsage.Bench.Host" -c Release -nologo -v q -o "$TOOLS/host" \
      -r "$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')" --self-contained false -p:PublishReadyToRun=true \
      >>"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log" >&2; exit 1; }
  fi
fi
# Measure a private copy of the staged module, so a rebuild of artifacts/ during the run changes nothing;
# with --no-build an existing copy is kept, so several sizes can be measured on the same build.
if [[ -n $OTHER_MODULE ]]; then
  MODULE=$OTHER_MODULE
  PROVENANCE="$OTHER_MODULE (given with --module)"
elif [[ $BUILD == 1 || ! -f $MODULE ]]; then
  rm -rf "$TOOLS/module" && mkdir -p "$TOOLS/module" && cp -r "$REPO/artifacts/module/OpenCodeUsage" "$TOOLS/module/"
  echo "staged build of $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "(+$(git -C "$REPO" status --porcelain 2>/dev/null | grep -c . || true) uncommitted files)," \
    "copied $(date -u +%Y-%m-%dT%H:%MZ)" >"$TOOLS/module/PROVENANCE"
fi
PROVENANCE=${PROVENANCE:-$(cat "$TOOLS/module/PROVENANCE")}

# --- the database -----------------------------------------------------------------------------------
if [[ ! -f $DB.expected.json ]]; then
  log "generating size $SIZE (seed $SEED) into $DB"
  start=$(date +%s%N)
  "$GENERATOR" --size "$SIZE" --seed "$SEED" --out "$DB" --generation "$GENERATION"
  log "generated in $(( ($(date +%s%N) - start) / 1000000 )) ms"
fi
# Leftovers of an interrupted run's "new message" step would change the totals.
sqlite3 "$DB" ".timeout 5000" "DELETE FROM $ROWS WHERE id LIKE 'msg_ffffffffffffBenchAppend%';" >/dev/null
log "$(du -h "$DB" | cut -f1) $DB; warming the page cache"
cat "$DB" "$DB-wal" >/dev/null 2>&1 || true

# --- timing -----------------------------------------------------------------------------------------
ms_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# measure <metric> <stdout file> <command…>: wall time from process start to exit; peak RSS and CPU time
# (user + system, which a busy machine disturbs less than the wall time) from GNU time.
measure() {
  local metric=$1 out=$2; shift 2
  local time_file start
  time_file=$(mktemp)
  start=$(date +%s%N)
  if ! /usr/bin/time -f '%M %U %S' -o "$time_file" "$@" >>"$out" 2>>"$LOGS/$metric.err"; then
    log "FAILED: $metric (see $LOGS/$metric.err)"
    rm -f "$time_file"
    return 0
  fi
  local ms rss cpu
  ms=$(ms_since "$start")
  read -r rss cpu < <(awk 'END { printf "%.1f %.0f\n", $1 / 1024, ($2 + $3) * 1000 }' "$time_file")
  rm -f "$time_file"
  printf '{"metric":"%s","ms":%s,"cpu_ms":%s,"rss_mb":%s}\n' "$metric" "$ms" "$cpu" "$rss" >>"$RESULTS"
  log "$metric: $ms ms (CPU $cpu ms), $rss MB"
}

repeat() { local n=$1; shift; for ((i = 0; i < n; i++)); do "$@"; done; }

# Our persistent cache goes to a private folder, emptied first, so "cold" and "cached" mean what they say;
# a private XDG_CACHE_HOME also keeps this machine's models.json (prices) out of the measurement.
export OPENCODEUSAGE_CACHE_DIR=$DATA/cache XDG_CACHE_HOME=$DATA/xdg-cache
rm -rf "$OPENCODEUSAGE_CACHE_DIR" "$XDG_CACHE_HOME"

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "floor: sqlite3"
repeat "$RUNS" measure floor.sqlite /dev/null sqlite3 "$DB" "SELECT count(*), sum(length(data)) FROM $ROWS"

log "ours: Import-Module in fresh processes"
repeat "$RUNS" measure ours.import.process "$RESULTS" "$HOST" import --module "$MODULE"

log "ours: in-session"
"$HOST" insession --module "$MODULE" --data "$DATA/opencode" --runs "$RUNS" \
  --expected "$DB.expected.json" --append "$DB" >>"$RESULTS" 2>>"$LOGS/insession.err" || log "FAILED: in-session (see $LOGS/insession.err)"
cat "$LOGS/insession.err" >&2

log "ours: end to end"
repeat "$RUNS" measure ours.e2e.usage-cold "$RESULTS" "$HOST" e2e --module "$MODULE" --data "$DATA/opencode" --command usage-cold
"$HOST" e2e --module "$MODULE" --data "$DATA/opencode" --command usage >/dev/null 2>&1 || true # primes the persistent cache
repeat "$RUNS" measure ours.e2e.usage "$RESULTS" "$HOST" e2e --module "$MODULE" --data "$DATA/opencode" --command usage
# Another question than the one asked last: each run follows a process that asked the daily one, with the saved
# reports (which keep several questions) removed before it, so what the cache holds is the digest and the daily
# report, never the report asked for.
forget_reports() { find "$OPENCODEUSAGE_CACHE_DIR" \( -name reports.bin -o -name reports.json \) -delete 2>/dev/null || true; }
for ((i = 0; i < RUNS; i++)); do
  forget_reports
  "$HOST" e2e --module "$MODULE" --data "$DATA/opencode" --command usage >/dev/null 2>&1 || true
  measure ours.e2e.usage-model "$RESULTS" "$HOST" e2e --module "$MODULE" --data "$DATA/opencode" --command usage-model
done
repeat "$RUNS" measure ours.e2e.session "$RESULTS" "$HOST" e2e --module "$MODULE" --data "$DATA/opencode" --command session

# --- the real pwsh ---------------------------------------------------------------------------------
# PowerShell 7.6.9 as the repository's local dotnet tool (.config/dotnet-tools.json), started as `dotnet pwsh.dll`
# the way CI's shim and an installed pwsh start it (`dotnet pwsh` would add the tool manifest's lookup to every start).
if [[ $PWSH_ROWS == 1 ]]; then
  PSHOME_DIR=$( (cd "$REPO" && dotnet tool restore >/dev/null 2>&1 && dotnet pwsh -NoProfile -NonInteractive -c '$PSHOME') 2>/dev/null || true)
  if [[ -f $PSHOME_DIR/pwsh.dll ]]; then
    PWSH=(dotnet "$PSHOME_DIR/pwsh.dll" -NoProfile -NonInteractive -File "$BENCH/pwsh/Measure.ps1" -Module "$MODULE" -Data "$DATA/opencode")
    log "real pwsh $("${PWSH[@]:0:2}" -NoProfile -NonInteractive -c '$PSVersionTable.PSVersion.ToString()'): in-session"
    "${PWSH[@]}" -Mode InSession -Runs "$RUNS" >>"$RESULTS" 2>>"$LOGS/pwsh.insession.err" || log "FAILED: pwsh in-session (see $LOGS/pwsh.insession.err)"
    log "real pwsh: end to end"
    repeat "$RUNS" measure pwsh.e2e.usage-cold "$RESULTS" "${PWSH[@]}" -Mode Command -Command usage-cold
    for ((i = 0; i < RUNS; i++)); do
      forget_reports
      "${PWSH[@]}" -Mode Command -Command usage >/dev/null 2>&1 || true
      measure pwsh.e2e.usage-model "$RESULTS" "${PWSH[@]}" -Mode Command -Command usage-model
    done
  else
    log "the real pwsh (dotnet tool restore) is not available: its rows are skipped"
  fi
fi

# --- peers ------------------------------------------------------------------------------------------
if [[ $PEERS == 1 ]]; then
  CCUSAGE=$TOOLS/node_modules/.bin/ccusage
  if [[ ! -x $CCUSAGE ]] && command -v npm >/dev/null; then
    log "installing ccusage 20.0.24 into $TOOLS (20.0.26 lacks its platform package)"
    (cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error ccusage@20.0.24 @ccusage/ccusage-linux-x64@20.0.24) >&2 || true
  fi
  if [[ -x $CCUSAGE ]]; then
    log "peer: ccusage (reads $DATA/opencode through XDG_DATA_HOME)"
    mkdir -p "$DATA/ccusage-home"
    : >"$LOGS/ccusage.json"
    repeat "$PEER_RUNS" measure peer.ccusage "$LOGS/ccusage.json" env HOME="$DATA/ccusage-home" XDG_DATA_HOME="$DATA" \
      XDG_CONFIG_HOME="$DATA/ccusage-home/.config" XDG_CACHE_HOME="$DATA/ccusage-home/.cache" \
      "$CCUSAGE" opencode daily --json --offline
  else
    log "ccusage not installed: skipped"
  fi

  # tokscale runs on bun (both from npm) and fetches model prices from the internet on every run unless its
  # cache holds them: the cache is seeded, in a private home, with the generator's own prices in LiteLLM's format.
  TOKSCALE=$TOOLS/node_modules/.bin/tokscale
  if [[ ! -x $TOKSCALE ]] && command -v npm >/dev/null; then
    log "installing tokscale 1.4.3 and bun into $TOOLS"
    (cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error tokscale@1.4.3 bun@1.4.4) >&2 || true
  fi
  if [[ -x $TOKSCALE && -x $TOOLS/node_modules/.bin/bun ]]; then
    log "peer: tokscale (reads $DATA/opencode through XDG_DATA_HOME)"
    TK_HOME=$DATA/tokscale-home
    mkdir -p "$TK_HOME/.cache/tokscale"
    python3 "$BENCH/tokscale-prices.py" "$BENCH/OpenCodeUsage.Bench.Generator/Catalog.cs" "$TK_HOME/.cache/tokscale"
    : >"$LOGS/tokscale.json"
    repeat "$PEER_RUNS" measure peer.tokscale "$LOGS/tokscale.json" env PATH="$TOOLS/node_modules/.bin:$PATH" HOME="$TK_HOME" \
      XDG_DATA_HOME="$DATA" XDG_CONFIG_HOME="$TK_HOME/.config" XDG_CACHE_HOME="$TK_HOME/.cache" \
      "$TOKSCALE" graph --opencode --no-spinner
  else
    log "tokscale not installed: skipped"
  fi

  OPENCODE=""
  for candidate in "$REPO/.tools/opencode/node_modules/opencode-linux-x64/bin/opencode" \
                   /work/gen/cache/oc-1.18.33/node_modules/opencode-linux-x64/bin/opencode; do
    [[ -x $candidate ]] && { OPENCODE=$candidate; break; }
  done
  if [[ -n $OPENCODE ]]; then
    # opencode may migrate or write to the database it opens: it gets its own copy, in a private home.
    OC_HOME=$DATA/opencode-home
    OC_DB=$OC_HOME/.local/share/opencode/opencode.db
    if [[ ! -f $OC_DB || $DB -nt $OC_DB ]]; then
      log "copying the database for opencode stats"
      rm -rf "$OC_HOME" && mkdir -p "$(dirname "$OC_DB")" "$DATA/opencode-cwd"
      cp "$DB" "$OC_DB"
    fi
    log "peer: opencode stats ($("$OPENCODE" --version 2>/dev/null))"
    : >"$LOGS/opencode-stats.txt"
    (cd "$DATA/opencode-cwd" && repeat "$PEER_RUNS" measure peer.opencode_stats "$LOGS/opencode-stats.txt" env HOME="$OC_HOME" \
      XDG_DATA_HOME="$OC_HOME/.local/share" XDG_CONFIG_HOME="$OC_HOME/.config" XDG_CACHE_HOME="$OC_HOME/.cache" \
      XDG_STATE_HOME="$OC_HOME/.local/state" OPENCODE_DISABLE_MODELS_FETCH=1 OPENCODE_DISABLE_AUTOUPDATE=1 \
      "$OPENCODE" stats </dev/null)
  else
    log "opencode not installed: skipped"
  fi
fi

# --- the table --------------------------------------------------------------------------------------
{
  echo "Size $SIZE: $(du -h --apparent-size "$DB" | cut -f1) database, $(grep -o '"messages": [0-9]*' "$DB.expected.json" | head -1 | grep -o '[0-9]*') messages;" \
    "module: $PROVENANCE;" \
    "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
    "load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(date -u +%Y-%m-%d)."
  echo
  "$HOST" report --results "$RESULTS" --size "$SIZE"
  echo
  python3 "$BENCH/peer-totals.py" "$DB.expected.json" "$LOGS"
} | tee "$BENCH/results/$LABEL-latest.md"
echo
echo "samples: $RESULTS"
