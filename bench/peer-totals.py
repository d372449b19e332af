#!/usr/bin/env python3
"""What each peer reported for the whole database, beside the generator's figures (bench/run.sh prints it under the
table): a peer that reads nothing, or counts a fork's copies twice, is as worth knowing as its time.

usage: peer-totals.py <db>.expected.json <logs dir>
"""
import json
import re
import sys
from pathlib import Path


def last_json(path):
    """The last JSON document of a file holding one per run."""
    text = path.read_text(errors="replace") if path.exists() else ""
    decoder, docs, i = json.JSONDecoder(), [], 0
    while True:
        start = text.find("{", i)
        if start < 0:
            return docs[-1] if docs else None
        try:
            doc, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            i = start + 1
            continue
        docs.append(doc)
        i = end


def first_error(logs, metric):
    err = logs / f"{metric}.err"
    text = re.sub(r"\x1b\[[0-9;]*m", "", err.read_text(errors="replace")) if err.exists() else ""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    # The CLI's own reason, rather than its generic "Error: Unexpected error".
    return next((l for l in lines if not l.startswith("Error:")), lines[0] if lines else "no output")


def main():
    expected = json.loads(Path(sys.argv[1]).read_text())
    logs = Path(sys.argv[2])
    dedup, raw = expected["dedup"]["cost"], expected["raw"]["cost"]
    rows = []

    cc = last_json(logs / "ccusage.json")
    if cc is not None:
        t = cc.get("totals", {})
        rows.append(("ccusage", t.get("totalCost"), f"{t.get('inputTokens', 0):,} input, {t.get('outputTokens', 0):,} output tokens"))
    tk = last_json(logs / "tokscale.json")
    if tk is not None:
        s = tk.get("summary", {})
        rows.append(("tokscale", s.get("totalCost"), f"{s.get('totalTokens', 0):,} tokens, {s.get('activeDays', 0)} active days"))
    stats = logs / "opencode-stats.txt"
    if stats.exists() or (logs / "peer.opencode_stats.err").exists():
        costs = re.findall(r"Total Cost\s+\$([0-9,.]+)", stats.read_text(errors="replace") if stats.exists() else "")
        if costs:
            rows.append(("opencode stats", float(costs[-1].replace(",", "")), "printed to two decimals"))
        else:
            rows.append(("opencode stats", None, "reads nothing: " + first_error(logs, "peer.opencode_stats")))

    print(f"What the peers reported (expected: ${dedup:,.6f} with fork copies once, ${raw:,.6f} with them counted):")
    print()
    print("| reader | total cost | ÷ expected | ÷ raw (copies counted) | |")
    print("|---|---:|---:|---:|---|")
    for name, cost, note in rows:
        if cost is None:
            print(f"| {name} | | | | {note} |")
        else:
            print(f"| {name} | {cost:,.2f} | {cost / dedup:.4f} | {cost / raw:.4f} | {note} |")


if __name__ == "__main__":
    main()
