#!/usr/bin/env python3
"""tool_oracle.py: independent expected tool-call and speed figures for an OpenCode data dir (databases).

Run:   python3 tests/data/tool_oracle.py <data-dir> > expected-tools.tsv
Python 3.9+ standard library only. Shares nothing with the product: which assistant messages count (fork
copies once, 1.x and 2.x rows, 2.x rows only for ids 1.x lacks) is v2/oracle_v2.py's `collect`, itself
independent; this file then reads the raw tool calls of exactly those messages:
* 1.x: `part` rows of the message with data.type == "tool": tool = data.tool, status = data.state.status,
  run time = state.time.end - state.time.start (when both are set and end >= start), output = UTF-8 bytes of
  state.output (a string).
* 2.x: items of the row's data.content[] with type == "tool": tool = name, status = state.status, run time =
  time.completed - (time.ran, else time.created), output = UTF-8 bytes of the state.content[] items of type text.
Legacy JSON storage/ trees are out of scope (no real data set has tool parts there).

Rows (tab-separated, one header line), sorted by grouping then key:
  tool   <tool>            calls failures unfinished duration_ms output_bytes sessions
  speed  <provider/model>  messages generation_ms generated_tokens
(speed: counted messages with time.completed > time.created; generated = output + reasoning, output without
reasoning as the usage oracle has it.)
"""
import json
import os
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "v2"))
import oracle_v2  # noqa: E402


def utf8(s):
    return len(s.encode("utf-8")) if isinstance(s, str) else 0


def num(v):
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def calls_v1(part):
    if part.get("type") != "tool" or not isinstance(part.get("tool"), str):
        return []
    state = part.get("state") if isinstance(part.get("state"), dict) else {}
    t = state.get("time") if isinstance(state.get("time"), dict) else {}
    start, end = num(t.get("start")), num(t.get("end"))
    return [(part["tool"], state.get("status"), end - start if start > 0 and end >= start else -1, utf8(state.get("output")))]


def calls_v2(data):
    out = []
    for item in data.get("content") or []:
        if not isinstance(item, dict) or item.get("type") != "tool" or not isinstance(item.get("name"), str):
            continue
        state = item.get("state") if isinstance(item.get("state"), dict) else {}
        t = item.get("time") if isinstance(item.get("time"), dict) else {}
        start = num(t.get("ran")) or num(t.get("created"))
        end = num(t.get("completed"))
        size = sum(utf8(c.get("text")) for c in state.get("content") or [] if isinstance(c, dict) and c.get("type") == "text")
        out.append((item["name"], state.get("status"), end - start if start > 0 and end >= start else -1, size))
    return out


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        sys.stderr.write("usage: python3 tool_oracle.py <opencode-data-dir>\n")
        return 2
    tools, speed = {}, {}
    for path in sorted(Path(argv[1]).glob("opencode*.db")):
        db = oracle_v2.Db(path)
        for r in db.rows:
            r.setdefault("seq", None)  # 1.15's agent-switched/model-switched rows have no seq column
        entries, _ = oracle_v2.collect_db(db)
        con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)  # leaves no -wal/-shm
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        parts = {}
        if "part" in tables:
            for mid, data in con.execute("select message_id, data from part"):
                try:
                    parts.setdefault(mid, []).append(json.loads(data))
                except ValueError:
                    pass
        messages = {}
        if "message" in tables:
            for mid, data in con.execute("select id, data from message"):
                messages[mid] = data
        rows = {}
        if "session_message" in tables:
            for rid, data in con.execute("select id, data from session_message"):
                rows[rid] = data
        con.close()
        for e in entries:
            if e["copy"] or e["kind"] == "rest":
                continue
            raw = messages.get(e["id"]) if e["kind"] == "v1" else rows.get(e["id"])
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:
                data = {}
            calls = [c for p in parts.get(e["id"], []) if isinstance(p, dict) for c in calls_v1(p)] if e["kind"] == "v1" else calls_v2(data)
            for tool, status, duration, size in calls:
                t = tools.setdefault(tool, {"calls": 0, "failures": 0, "unfinished": 0, "duration_ms": 0, "output_bytes": 0, "sessions": set()})
                t["calls"] += 1
                t["failures"] += status == "error"
                t["unfinished"] += status in ("pending", "running")
                t["duration_ms"] += max(duration, 0)
                t["output_bytes"] += size
                t["sessions"].add(e["session"])
            time = data.get("time") if isinstance(data.get("time"), dict) else {}
            created, completed = num(time.get("created")), num(time.get("completed"))
            if created > 0 and completed > created:
                s = speed.setdefault(e["model"], [0, 0, 0])
                s[0] += 1
                s[1] += completed - created
                s[2] += e["output"] + e["reasoning"]
    out = sys.stdout
    out.write("\t".join(["grouping", "key", "a", "b", "c", "d", "e", "f"]) + "\n")
    for tool in sorted(tools):
        t = tools[tool]
        out.write("\t".join(map(str, ["tool", tool, t["calls"], t["failures"], t["unfinished"], t["duration_ms"], t["output_bytes"], len(t["sessions"])])) + "\n")
    for model in sorted(speed):
        out.write("\t".join(map(str, ["speed", model] + speed[model])) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
