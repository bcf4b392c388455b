"""An independent SQLCipher 4 client (PyPI sqlcipher3-binary) opens a database haven-cli made.

Usage: python sqlcipher_check.py HAVEN_CLI
Seeds a fresh database with haven-cli, asks it for the recovery key (the raw database key that
per-user passphrases wrap), then opens the file with PRAGMA key = "x'<hex>'" and checks that the
row counts match what `haven-cli info --json` reports, and that a passphrase alone or a wrong key
cannot read it.
"""

import json
import os
import subprocess
import sys
import tempfile

from sqlcipher3 import dbapi2 as sqlcipher


def main() -> int:
    cli = sys.argv[1]
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, HAVEN_PASSPHRASE="demo")
        subprocess.run([cli, "--data-dir", data, "seed-demo", "--people", "500"], check=True, env=env)
        key = subprocess.run([cli, "--data-dir", data, "recovery-key"], check=True, env=env,
                             capture_output=True, text=True).stdout.strip()
        assert len(key) == 64, f"recovery key {key!r}"
        info = json.loads(subprocess.run([cli, "--data-dir", data, "info", "--json"], check=True, env=env,
                                         capture_output=True, text=True).stdout)
        path = os.path.join(data, "haven.db")
        with open(path, "rb") as f:
            assert not f.read(16).startswith(b"SQLite format 3"), "the file is not encrypted"

        db = sqlcipher.connect(path)
        db.execute(f"PRAGMA key = \"x'{key}'\"")
        version = db.execute("PRAGMA cipher_version").fetchone()[0]
        for table, count in info["tables"].items():
            got = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert got == count, f"{table}: {got} rows, haven-cli says {count}"
        names = db.execute("SELECT count(*) FROM people WHERE original_name IS NOT NULL").fetchone()[0]
        assert names > 0, "no original-script names read back"
        db.close()

        wrong_keys = ["PRAGMA key = 'demo'", "PRAGMA key = \"x'" + ("00" * 32) + "'\""]
        for pragma in wrong_keys:
            wrong = sqlcipher.connect(path)
            wrong.execute(pragma)
            try:
                wrong.execute("SELECT count(*) FROM sqlite_master").fetchone()
                print(f"{pragma} read the database", file=sys.stderr)
                return 1
            except sqlcipher.DatabaseError:
                pass
            wrong.close()
        print(f"interop ok: SQLCipher {version} read {info['people']} people with the recovery key; "
              "the passphrase alone and a wrong key were refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
