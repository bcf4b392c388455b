"""An independent SQLCipher 4 client (PyPI sqlcipher3-binary) opens a database haven-cli made.

Usage: python sqlcipher_check.py HAVEN_CLI
Seeds a fresh database with haven-cli, then opens the file with PRAGMA key and checks that the
row counts match what `haven-cli info --json` reports, and that the wrong key cannot read it.
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
        info = json.loads(subprocess.run([cli, "--data-dir", data, "info", "--json"], check=True, env=env,
                                         capture_output=True, text=True).stdout)
        path = os.path.join(data, "haven.db")
        with open(path, "rb") as f:
            assert not f.read(16).startswith(b"SQLite format 3"), "the file is not encrypted"

        db = sqlcipher.connect(path)
        db.execute("PRAGMA key = 'demo'")
        version = db.execute("PRAGMA cipher_version").fetchone()[0]
        for table, count in info["tables"].items():
            got = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert got == count, f"{table}: {got} rows, haven-cli says {count}"
        names = db.execute("SELECT count(*) FROM people WHERE original_name IS NOT NULL").fetchone()[0]
        assert names > 0, "no original-script names read back"
        db.close()

        wrong = sqlcipher.connect(path)
        wrong.execute("PRAGMA key = 'not the passphrase'")
        try:
            wrong.execute("SELECT count(*) FROM sqlite_master").fetchone()
            print("the wrong key read the database", file=sys.stderr)
            return 1
        except sqlcipher.DatabaseError:
            pass
        print(f"interop ok: SQLCipher {version} read {info['people']} people with the key; the wrong key was refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
