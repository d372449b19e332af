#!/usr/bin/env python3
"""oracle.py: independent expected usage figures for an OpenCode data dir.

Run:   python3 tests/data/oracle.py <data-dir> > expected-usage.tsv
       (<data-dir> is the folder holding opencode*.db and/or storage/, e.g.
       tests/data/oc-1.18.33/opencode). Python 3.9+ standard library only.

It reads the raw rows itself and never shares code with the product, so the product's
tests can compare against it. The rules (the product's spec):

* Stores: every <data-dir>/opencode*.db (tables `session` and `message`; message `data` is
  the JSON payload without id/sessionID) and the legacy JSON tree
  storage/session/<project>/<id>.json + storage/message/<sessionID>/<msgID>.json.
* A session present in several stores is read from ONE store: the one whose session row
  has the latest time_updated (JSON: time.updated); ties go to a database (among several
  databases, the first in name order). Only that store's messages of that session count.
  (Messages whose session has no row anywhere: the stores holding them compete with an
  unknown update time, so again a database wins.)
* Only assistant messages (role == "assistant") count. Fields: tokens.input, tokens.output,
  tokens.reasoning, tokens.cache.read, tokens.cache.write, cost (missing = 0), modelID,
  providerID, agent (fallback mode, else ""), time.created (fallback: db column
  time_created).
* output EXCLUDES reasoning. When the session's `version` is below 1.4 (OpenCode then stored
  output including reasoning) reasoning is subtracted from output. Decided from the
  session's version string only; a missing/unparsable version counts as new (>= 1.4).
* Fork copies: key = canonical JSON of the payload without id, sessionID, parentID
  (json.dumps(sort_keys=True, separators=(',',':'))) + '|' + time.created. Among the
  counted assistant messages of each key only the one with the smallest message id counts
  ("deduped"); the others are fork copies. The *-raw groupings count everything.
* Day/week/month are cut from time.created (epoch ms) in the named IANA zone.

Output: TSV, header
  grouping key sessions messages input output reasoning cache_read cache_write cost
messages = assistant messages counted; sessions = distinct session ids with >= 1 counted
message in that row; cost = exact (math.fsum) sum printed '%.9f'. Groupings, in this order,
one row per key sorted by key:
  total (key "all"), total-raw ("all", fork copies included), day-utc (yyyy-MM-dd, UTC),
  day-la (same, America/Los_Angeles), week-utc (ISO week YYYY-Www, UTC), month-utc (YYYY-MM,
  UTC), model ("providerID/modelID"), model-raw (same, copies included), provider (providerID),
  agent, project (the session's project id), session (session id; fork copies count for
  nobody, so a fork's row holds only its own new messages).
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
LA = ZoneInfo("America/Los_Angeles")


class Store:
    def __init__(self, name, is_db, order):
        self.name, self.is_db, self.order = name, is_db, order
        self.sessions = {}   # id -> {"project", "version", "updated"}
        self.messages = {}   # session id -> list of (msg id, payload dict, column time_created)


def read_db(path, order):
    st = Store(os.path.basename(path), True, order)
    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        if "session" in tables:
            cols = [r[1] for r in con.execute("pragma table_info('session')")]
            want = [c if c in cols else "NULL" for c in ("id", "project_id", "version", "time_updated")]
            for sid, proj, ver, upd in con.execute(f"select {', '.join(want)} from session"):
                st.sessions[sid] = {"project": proj, "version": ver, "updated": upd}
        if "message" in tables:
            for mid, sid, tc, data in con.execute(
                    "select id, session_id, time_created, data from message"):
                st.messages.setdefault(sid, []).append((mid, json.loads(data), tc))
    finally:
        con.close()
    return st


def read_json_storage(root, order):
    st = Store("storage/", False, order)
    for f in sorted(glob.glob(os.path.join(root, "session", "*", "*.json"))):
        with open(f, encoding="utf-8") as fh:
            s = json.load(fh)
        if not isinstance(s, dict):
            continue
        sid = s.get("id") or Path(f).stem
        st.sessions[sid] = {"project": s.get("projectID") or os.path.basename(os.path.dirname(f)),
                            "version": s.get("version"),
                            "updated": (s.get("time") or {}).get("updated")}
    for f in sorted(glob.glob(os.path.join(root, "message", "*", "*.json"))):
        with open(f, encoding="utf-8") as fh:
            m = json.load(fh)
        if not isinstance(m, dict):
            continue
        sid = m.get("sessionID") or os.path.basename(os.path.dirname(f))
        st.messages.setdefault(sid, []).append((m.get("id") or Path(f).stem, m, None))
    return st


def load_stores(data_dir):
    stores = []
    for i, p in enumerate(sorted(glob.glob(os.path.join(data_dir, "opencode*.db")))):
        stores.append(read_db(p, i))
    root = os.path.join(data_dir, "storage")
    if os.path.isdir(os.path.join(root, "session")) or os.path.isdir(os.path.join(root, "message")):
        stores.append(read_json_storage(root, len(stores)))
    return stores


def is_old(version):
    m = re.match(r"^\s*v?(\d+)\.(\d+)", str(version or ""))
    return bool(m) and (int(m.group(1)), int(m.group(2))) < (1, 4)


def num(v):
    if v is None or isinstance(v, bool):
        return 0
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def collect(data_dir):
    """-> list of counted assistant messages (dicts), each with a 'copy' flag."""
    stores = load_stores(data_dir)
    sids = set()
    for st in stores:
        sids.update(st.sessions)
        sids.update(st.messages)
    rows = []
    for sid in sorted(sids):
        cands = [st for st in stores if sid in st.sessions or sid in st.messages]

        def rank(st):
            upd = st.sessions.get(sid, {}).get("updated")
            return (upd if isinstance(upd, (int, float)) else -math.inf, st.is_db, -st.order)
        best = max(cands, key=rank)
        sess = best.sessions.get(sid, {})
        old = is_old(sess.get("version"))
        for mid, payload, col_tc in best.messages.get(sid, []):
            if payload.get("role") != "assistant":
                continue
            tok = payload.get("tokens") or {}
            cache = tok.get("cache") or {}
            tc = (payload.get("time") or {}).get("created")
            if tc is None:
                tc = col_tc
            out, rea = num(tok.get("output")), num(tok.get("reasoning"))
            if old:
                out -= rea
            key = json.dumps({k: v for k, v in payload.items() if k not in ("id", "sessionID", "parentID")},
                             sort_keys=True, separators=(",", ":")) + "|" + str(tc)
            rows.append({"id": mid, "session": sid, "project": sess.get("project") or "",
                         "key": key, "created": tc,
                         "input": num(tok.get("input")), "output": out, "reasoning": rea,
                         "cache_read": num(cache.get("read")), "cache_write": num(cache.get("write")),
                         "cost": num(payload.get("cost")),
                         "provider": payload.get("providerID") or "", "model": payload.get("modelID") or "",
                         "agent": payload.get("agent") or payload.get("mode") or ""})
    first = {}
    for r in rows:
        if r["key"] not in first or r["id"] < first[r["key"]]:
            first[r["key"]] = r["id"]
    for r in rows:
        r["copy"] = first[r["key"]] != r["id"]
    return rows


def day(ms, tz):
    return datetime.fromtimestamp(ms / 1000, tz).strftime("%Y-%m-%d")


def week(ms):
    y, w, _ = datetime.fromtimestamp(ms / 1000, timezone.utc).isocalendar()
    return "%04d-W%02d" % (y, w)


GROUPINGS = [
    ("total", False, lambda r: "all"),
    ("total-raw", True, lambda r: "all"),
    ("day-utc", False, lambda r: day(r["created"], timezone.utc)),
    ("day-la", False, lambda r: day(r["created"], LA)),
    ("week-utc", False, lambda r: week(r["created"])),
    ("month-utc", False, lambda r: day(r["created"], timezone.utc)[:7]),
    ("model", False, lambda r: r["provider"] + "/" + r["model"]),
    ("model-raw", True, lambda r: r["provider"] + "/" + r["model"]),
    ("provider", False, lambda r: r["provider"]),
    ("agent", False, lambda r: r["agent"]),
    ("project", False, lambda r: r["project"]),
    ("session", False, lambda r: r["session"]),
]
FIELDS = ["input", "output", "reasoning", "cache_read", "cache_write"]


def report(rows, out=sys.stdout):
    out.write("\t".join(HEADER) + "\n")
    for name, raw, keyf in GROUPINGS:
        groups = {}
        for r in rows:
            if raw or not r["copy"]:
                groups.setdefault(keyf(r), []).append(r)
        if name in ("total", "total-raw") and not groups:
            groups["all"] = []
        for k in sorted(groups):
            g = groups[k]
            vals = [name, k, str(len({r["session"] for r in g})), str(len(g))]
            vals += [str(sum(r[f] for r in g)) for f in FIELDS]
            vals.append("%.9f" % math.fsum(r["cost"] for r in g))
            out.write("\t".join(vals) + "\n")


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        sys.stderr.write("usage: python3 oracle.py <opencode-data-dir> > expected-usage.tsv\n")
        return 2
    report(collect(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
