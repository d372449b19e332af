#!/usr/bin/env python3
"""oracle_v2.py: independent expected usage figures for an OpenCode 2.x data dir.

Run:   python3 tests/data/v2/oracle_v2.py <data-dir>              > expected-usage.tsv
       python3 tests/data/v2/oracle_v2.py --sessions <data-dir>   > expected-sessions.tsv
       (<data-dir> holds opencode*.db). Python 3.9+ standard library only.

It reads the raw rows itself and shares nothing with the product or with the generator
(tools/OpenCodeV2Data), so tests can compare both against it. It implements the counting rules of
tests/data/v2/README.md ("Counting rules"), on every database shape: 2.x only (session_v2 +
session_message), migrated (session_v2 and session), the 2.0 preview (session + session_message rows),
and plain 1.x (session + message, counted as ../oracle.py counts them; the legacy JSON storage/ tree
is out of scope here: ../oracle.py covers it).

Usage entries:
* 1.x entries: every assistant message of `message` (role == "assistant"), for sessions that are not
  native 2.x; fork copies by ../oracle.py's key (payload without id/sessionID/parentID + time.created),
  the smallest message id counting. Output minus reasoning when the session's version is < 1.4.
* 2.x entries: `session_message` rows of type assistant, or compaction, whose data has `tokens`, and
  whose id is not a 1.x message id. A row of a session with fork_session_id is a fork copy when the
  source session has a row with the same seq, time_created and byte-identical data.
* Remainder ("usage no row carries"): for a session in session_v2, its columns minus its counted
  entries (for a migrated session: minus ALL its 1.x assistant messages created at or before
  kv['migration.v1-v2'].time_updated, copies included, and minus its 2.x entries). It lands at
  session_v2.time_updated with the session's model and agent, and counts 0 messages. A negative
  remainder is a contradiction in the data: the oracle stops with an error.
"""
import glob
import json
import math
import os
import re
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

HEADER = ["grouping", "key", "sessions", "messages", "input", "output", "reasoning",
          "cache_read", "cache_write", "cost"]
FIELDS = ["input", "output", "reasoning", "cache_read", "cache_write"]
LA = ZoneInfo("America/Los_Angeles")
EPS = 1e-12


def num(v):
    if v is None or isinstance(v, bool):
        return 0
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def is_old(version):
    m = re.match(r"^\s*v?(\d+)\.(\d+)", str(version or ""))
    return bool(m) and (int(m.group(1)), int(m.group(2))) < (1, 4)


def model_key(model):
    model = model if isinstance(model, dict) else {}
    return (model.get("providerID") or "") + "/" + (model.get("id") or model.get("modelID") or "")


def table_rows(con, table):
    cur = con.execute(f"select * from \"{table}\"")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur]


class Db:
    def __init__(self, path):
        # immutable: a read-only open of a WAL database leaves -wal/-shm beside the committed file otherwise
        con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
        try:
            tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
            self.v1 = {r["id"]: r for r in table_rows(con, "session")} if "session" in tables else {}
            self.v2 = {r["id"]: r for r in table_rows(con, "session_v2")} if "session_v2" in tables else {}
            self.messages = table_rows(con, "message") if "message" in tables else []
            self.rows = table_rows(con, "session_message") if "session_message" in tables else []
            self.migrated_at = None
            if "kv" in tables:
                for r in con.execute("select time_updated from kv where key = 'migration.v1-v2'"):
                    self.migrated_at = r[0]
        finally:
            con.close()
        self.has_v2 = bool(self.v2) or "session_v2" in tables

    def generation(self, sid):
        if sid in self.v2:
            return "migrated" if sid in self.v1 else "v2"
        if any(r["session_id"] == sid for r in self.rows):
            return "preview"
        return "v1"


def tokens_of(t):
    t = t if isinstance(t, dict) else {}
    cache = t.get("cache") if isinstance(t.get("cache"), dict) else {}
    return {"input": num(t.get("input")), "output": num(t.get("output")), "reasoning": num(t.get("reasoning")),
            "cache_read": num(cache.get("read")), "cache_write": num(cache.get("write"))}


def collect(data_dir):
    """-> (entries, sessions): entries are dicts with a 'copy' flag; sessions id -> info dict."""
    entries, sessions = [], {}
    for path in sorted(glob.glob(os.path.join(data_dir, "opencode*.db"))):
        db = Db(path)
        one_entries, one_sessions = collect_db(db)
        entries += one_entries
        sessions.update(one_sessions)
    return entries, sessions


def collect_db(db):
    entries = []
    sessions = {}
    for sid in sorted(set(db.v1) | set(db.v2) | {m["session_id"] for m in db.messages} | {r["session_id"] for r in db.rows}):
        row = db.v2.get(sid) or db.v1.get(sid) or {}
        model = None
        try:
            model = json.loads(row.get("model") or "null")
        except ValueError:
            pass
        sessions[sid] = {"id": sid, "generation": db.generation(sid), "row": row, "model": model,
                         "project": row.get("project_id") or "", "agent": row.get("agent") or ""}

    # 1.x entries (never for native 2.x sessions: they have no 1.x rows anyway).
    v1_ids = {m["id"] for m in db.messages}
    v1_all = []
    for m in db.messages:
        try:
            p = json.loads(m["data"])
        except ValueError:
            continue
        if not isinstance(p, dict) or p.get("role") != "assistant":
            continue
        s = sessions.get(m["session_id"], {})
        tc = (p.get("time") or {}).get("created")
        if tc is None:
            tc = m["time_created"]
        t = tokens_of(p.get("tokens"))
        if is_old((s.get("row") or {}).get("version")):
            t["output"] -= t["reasoning"]
        key = json.dumps({k: v for k, v in p.items() if k not in ("id", "sessionID", "parentID")},
                         sort_keys=True, separators=(",", ":")) + "|" + str(tc)
        e = {"id": m["id"], "session": m["session_id"], "created": tc, "column_created": m["time_created"],
             "cost": num(p.get("cost")), "model": (p.get("providerID") or "") + "/" + (p.get("modelID") or ""),
             "agent": p.get("agent") or p.get("mode") or "", "messages": 1, "key": key, "kind": "v1", **t}
        v1_all.append(e)
    first = {}
    for e in v1_all:
        if e["key"] not in first or e["id"] < first[e["key"]]:
            first[e["key"]] = e["id"]
    for e in v1_all:
        e["copy"] = first[e["key"]] != e["id"]
    entries += v1_all

    # 2.x entries.
    by_session = {}
    for r in db.rows:
        by_session.setdefault(r["session_id"], []).append(r)
    fingerprints = {sid: {(r["seq"], r["time_created"], r["data"]) for r in rows} for sid, rows in by_session.items()}
    for r in db.rows:
        if r["id"] in v1_ids or r["type"] not in ("assistant", "compaction"):
            continue
        try:
            p = json.loads(r["data"])
        except ValueError:
            continue
        if not isinstance(p, dict) or not isinstance(p.get("tokens"), dict):
            continue
        s = sessions[r["session_id"]]
        source = (s["row"] or {}).get("fork_session_id")
        copy = bool(source) and (r["seq"], r["time_created"], r["data"]) in fingerprints.get(source, set())
        tc = (p.get("time") or {}).get("created")
        if tc is None:
            tc = r["time_created"]
        model = p.get("model") if isinstance(p.get("model"), dict) else s["model"]
        entries.append({"id": r["id"], "session": r["session_id"], "created": tc, "cost": num(p.get("cost")),
                        "model": model_key(model), "agent": p.get("agent") or s["agent"], "messages": 1,
                        "copy": copy, "kind": r["type"], **tokens_of(p.get("tokens"))})

    # Remainders of sessions in session_v2.
    own_v2, own_v1 = {}, {}
    for e in entries:
        if e["kind"] != "v1" and not e["copy"]:
            own_v2.setdefault(e["session"], []).append(e)
    for e in v1_all:
        if db.migrated_at is None or e["column_created"] <= db.migrated_at:
            own_v1.setdefault(e["session"], []).append(e)
    for sid in sorted(db.v2):
        s, row = sessions[sid], db.v2[sid]
        own = list(own_v2.get(sid, []))
        if s["generation"] == "migrated":
            own += own_v1.get(sid, [])
        rest = {f: num(row["tokens_" + f]) - sum(e[f] for e in own) for f in FIELDS}
        rest_cost = num(row["cost"]) - math.fsum(e["cost"] for e in own)
        if any(v < 0 for v in rest.values()) or rest_cost < -EPS:
            raise SystemExit(f"oracle_v2: session {sid}: its session_v2 totals are below its rows: {rest} cost {rest_cost!r}")
        if any(rest.values()) or abs(rest_cost) > EPS:
            entries.append({"id": "", "session": sid, "created": row["time_updated"], "cost": rest_cost,
                            "model": model_key(s["model"]), "agent": s["agent"], "messages": 0, "copy": False,
                            "kind": "rest", **rest})
    for e in entries:
        e["project"] = sessions.get(e["session"], {}).get("project", "")
    return entries, sessions


def day(ms, tz):
    return datetime.fromtimestamp(ms / 1000, tz).strftime("%Y-%m-%d")


def week(ms):
    y, w, _ = datetime.fromtimestamp(ms / 1000, timezone.utc).isocalendar()
    return "%04d-W%02d" % (y, w)


GROUPINGS = [
    ("total", False, lambda e: "all"),
    ("total-raw", True, lambda e: "all"),
    ("day-utc", False, lambda e: day(e["created"], timezone.utc)),
    ("day-la", False, lambda e: day(e["created"], LA)),
    ("week-utc", False, lambda e: week(e["created"])),
    ("month-utc", False, lambda e: day(e["created"], timezone.utc)[:7]),
    ("model", False, lambda e: e["model"]),
    ("model-raw", True, lambda e: e["model"]),
    ("provider", False, lambda e: e["model"].split("/", 1)[0]),
    ("agent", False, lambda e: e["agent"]),
    ("project", False, lambda e: e["project"]),
    ("session", False, lambda e: e["session"]),
]


def report(entries, out):
    out.write("\t".join(HEADER) + "\n")
    for name, raw, keyf in GROUPINGS:
        groups = {}
        for e in entries:
            if raw or not e["copy"]:
                groups.setdefault(keyf(e), []).append(e)
        if name in ("total", "total-raw") and not groups:
            groups["all"] = []
        for k in sorted(groups):
            g = groups[k]
            vals = [name, k, str(len({e["session"] for e in g})), str(sum(e["messages"] for e in g))]
            vals += [str(sum(e[f] for e in g)) for f in FIELDS]
            vals.append("%.9f" % math.fsum(e["cost"] for e in g))
            out.write("\t".join(vals) + "\n")


SESSION_HEADER = ["session", "generation", "parent", "fork_of", "project", "title", "messages"] + FIELDS + [
    "cost", "rest_tokens", "rest_cost"] + ["s_" + f for f in FIELDS] + ["s_cost"]


def report_sessions(entries, sessions, out):
    out.write("\t".join(SESSION_HEADER) + "\n")
    by_session = {}
    for e in entries:
        if not e["copy"]:
            by_session.setdefault(e["session"], []).append(e)
    for sid in sorted(sessions):
        s, row = sessions[sid], sessions[sid]["row"] or {}
        own = by_session.get(sid, [])
        rest = [e for e in own if e["kind"] == "rest"]
        vals = [sid, s["generation"], row.get("parent_id") or "", row.get("fork_session_id") or "", s["project"],
                (row.get("title") or "").replace("\t", " "), str(sum(e["messages"] for e in own))]
        vals += [str(sum(e[f] for e in own)) for f in FIELDS]
        vals += ["%.12f" % math.fsum(e["cost"] for e in own), str(sum(e[f] for e in rest for f in FIELDS)),
                 "%.12f" % math.fsum(e["cost"] for e in rest)]
        vals += [str(num(row.get("tokens_" + f))) for f in FIELDS] + ["%.12f" % num(row.get("cost"))]
        out.write("\t".join(vals) + "\n")


def main(argv):
    args = argv[1:]
    sessions_mode = bool(args) and args[0] == "--sessions"
    if sessions_mode:
        args = args[1:]
    if len(args) != 1 or not os.path.isdir(args[0]):
        sys.stderr.write("usage: python3 oracle_v2.py [--sessions] <opencode-data-dir>\n")
        return 2
    entries, sessions = collect(args[0])
    if sessions_mode:
        report_sessions(entries, sessions, sys.stdout)
    else:
        report(entries, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
