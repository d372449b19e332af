#!/usr/bin/env python3
"""Builds the corrupt-data corpus from the real data set oc-1.18.33 (see README.md beside this script).

Deterministic: the same inputs give byte-identical outputs. Needs only Python 3's standard library.
The committed database is never opened writable: it is copied to a temporary folder first.
Run from anywhere: python3 tests/data/corrupt/make-corpus.py
"""
import gzip
import hashlib
import os
import shutil
import sqlite3
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "oc-1.18.33", "opencode", "opencode.db")

# Assistant messages whose data is unique (not copied into the fork), so damaging one changes one session only.
SESSION3_ASSISTANT = "msg_21b02550d0015A0PgJ4jkAS8qw"
SESSION4_ASSISTANT = "msg_21b02603f001CToXRqmZsy0K9H"
SESSION5_USER = "msg_21b0269450016ivumPgPmHYkfj"
SESSION6_ASSISTANT = "msg_21b0277430014dRCma1OBOBCXx"
STEP_FINISH_PART = "prt_21b02322c0018hv3gg9nkgfzCB"
TEXT_PART = "prt_21b0231e0001cOYfJ0iAOflvXL"
SESSION1 = "ses_de4fdd850ffeMLlPG9R4zuiYCe"
TEN_MB = 10 * 1024 * 1024


def fresh_copy(tmp, name):
    path = os.path.join(tmp, name)
    with open(SOURCE, "rb") as src, open(path, "wb") as dst:
        dst.write(src.read())
    return path


def edit(path, *statements):
    """Runs SQL on a copy, in rollback-journal mode so the result is one self-contained file."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=DELETE")
    for sql, *args in statements:
        db.execute(sql, *args)
    db.execute("VACUUM")
    db.close()


def save_gz(path, name):
    # mtime=0 and no file name in the header keep the .gz byte-identical from run to run.
    with open(path, "rb") as src, open(os.path.join(HERE, name), "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            shutil.copyfileobj(src, gz)


def junk(length):
    """Pseudo-random bytes from a SHA-256 chain: no SQLite header, no JSON."""
    out, block = bytearray(), b"ocu-corpus"
    while len(out) < length:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:length])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        intact = fresh_copy(tmp, "intact.db")
        edit(intact)  # the same VACUUMed, journal-mode file every damaged copy starts from
        save_gz(intact, "intact.db.gz")

        # Malformed JSON in message and part rows, and its reference: the same rows deleted.
        path = fresh_copy(tmp, "malformed.db")
        edit(path,
             ("UPDATE message SET data = substr(data, 1, length(data) / 2) WHERE id = ?", (SESSION3_ASSISTANT,)),
             ("UPDATE message SET data = '[1,2,3]' WHERE id = ?", (SESSION4_ASSISTANT,)),
             ("UPDATE message SET data = '' WHERE id = ?", (SESSION5_USER,)),
             ("UPDATE part SET data = substr(data, 1, 40) WHERE id = ?", (STEP_FINISH_PART,)),
             ("UPDATE part SET data = '{\"type\":\"text\",\"text\":' WHERE id = ?", (TEXT_PART,)))
        save_gz(path, "malformed-rows.db.gz")
        path = fresh_copy(tmp, "malformed-reference.db")
        edit(path, ("DELETE FROM message WHERE id IN (?, ?, ?)", (SESSION3_ASSISTANT, SESSION4_ASSISTANT, SESSION5_USER)))
        save_gz(path, "malformed-rows.reference.db.gz")

        # Bytes that are not UTF-8 inside JSON strings and a session title; the reference holds U+FFFD instead,
        # which is what a UTF-8 decoder makes of them.
        def non_utf8(replace):
            bad_model, bad_title = b"mock-\xff\xfesmart", b"Fixture session 3 \xc3( sent over"
            fix = (lambda b: b.decode("utf-8", "replace").encode("utf-8")) if replace else (lambda b: b)
            db = sqlite3.connect(intact)
            data = db.execute("SELECT data FROM message WHERE id = ?", (SESSION6_ASSISTANT,)).fetchone()[0].encode("utf-8")
            db.close()
            data = data.replace(b'"modelID":"mock-smart"', b'"modelID":"' + fix(bad_model) + b'"', 1)
            return data, fix(bad_title)
        for replace, name in ((False, "non-utf8.db.gz"), (True, "non-utf8.reference.db.gz")):
            path = fresh_copy(tmp, "utf8.db")
            data, title = non_utf8(replace)
            edit(path,
                 ("UPDATE message SET data = CAST(? AS TEXT) WHERE id = ?", (data, SESSION6_ASSISTANT)),
                 ("UPDATE session SET title = CAST(? AS TEXT) WHERE id = 'ses_de4fdaeccffeeKCCv7oCiV0SAx'", (title,)),
                 # A lone surrogate escape in the session's model column: no string can hold it, in either file.
                 ("UPDATE session SET model = ? WHERE id = 'ses_de4fd8c0fffeiZfo487L8sTcau'", ('{"id":"mock-smart","providerID":"\\ud800"}',)))
            save_gz(path, name)
            os.remove(path)

        # A schema from the future: extra tables and columns, renamed columns, a missing table.
        path = fresh_copy(tmp, "future.db")
        edit(path,
             ("CREATE TABLE usage_ledger (id text PRIMARY KEY, session_id text, amount real)",),
             ("INSERT INTO usage_ledger VALUES ('led_1', ?, 99.5)", (SESSION1,)),
             ("ALTER TABLE message ADD COLUMN data_v2 text",),
             ("ALTER TABLE session ADD COLUMN cost_v2 real DEFAULT 7",),
             ("ALTER TABLE session RENAME COLUMN directory TO cwd",),
             ("ALTER TABLE project RENAME COLUMN name TO display_name",),
             ("DROP TABLE todo",),
             ("DROP TABLE event_sequence",))
        save_gz(path, "future-schema.db.gz")

        path = fresh_copy(tmp, "no-session.db")
        edit(path, ("PRAGMA foreign_keys=OFF",), ("DROP TABLE session",))
        save_gz(path, "future-no-session-table.db.gz")

        path = fresh_copy(tmp, "renamed-data.db")
        edit(path, ("ALTER TABLE message RENAME COLUMN data TO payload",))
        save_gz(path, "future-message-data-renamed.db.gz")

        # Rows of 10 MB: an assistant message and a text part each carry a 10 MB string; figures are unchanged.
        path = fresh_copy(tmp, "big.db")
        edit(path,
             ("UPDATE message SET data = json_insert(data, '$.structured', ?) WHERE id = ?", ("x" * TEN_MB, SESSION6_ASSISTANT)),
             ("UPDATE part SET data = json_set(data, '$.text', ?) WHERE id = ?", ("y" * TEN_MB, TEXT_PART)))
        save_gz(path, "big-rows.db.gz")

        # A copy cut short (half the file), and files that are no database at all.
        with open(intact, "rb") as src:
            whole = src.read()
        with gzip.GzipFile(os.path.join(HERE, "truncated.db.gz"), "wb", mtime=0) as gz:
            gz.write(whole[: len(whole) // 2])
        with open(os.path.join(HERE, "junk.db"), "wb") as out:
            out.write(junk(8192))

    make_legacy_overlay()


LEGACY = os.path.join(HERE, "..", "oc-1.1.65", "opencode", "storage")
OVERLAY = os.path.join(HERE, "legacy-overlay", "storage")


def make_legacy_overlay():
    """Broken legacy JSON files, laid over a copy of oc-1.1.65's storage by the tests."""
    shutil.rmtree(os.path.dirname(OVERLAY), ignore_errors=True)

    def write(relative, data):
        path = os.path.join(OVERLAY, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(data)

    def original(relative):
        with open(os.path.join(LEGACY, relative), "rb") as src:
            return src.read()

    truncated = "message/ses_de4fabf28ffeuHKUdQ4n4a8Yi0/msg_21b05416d001Zz7yFLrxGzpeUv.json"
    write(truncated, original(truncated)[: len(original(truncated)) // 2])
    write("message/ses_de4fab9caffeZYq0eSVGntGyEF/msg_21b0546a5001Lp66ApUI4O3EVC.json", b"")
    write("message/ses_de4fab50bffer0eTWAOIsREDvw/msg_zzcorpusjunk0000000000.json", junk(512))
    write("session/69cd3719683d6018778c1f41ec2ecea9ae62cad3/ses_de4fac9c1ffe8g8bB3qGr1gj8d.json", junk(300))
    project = "project/69cd3719683d6018778c1f41ec2ecea9ae62cad3.json"
    write(project, original(project).replace(b'"worktree": "', b'"worktree": "\xff\xfe', 1))


if __name__ == "__main__":
    main()
