-- Haven schema, version 15: this computer's automatic exchange folder (the office's shared
-- folder) and the outcome of its last exchange. Local: every computer has its own.
CREATE TABLE exchange_auto (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    dir         TEXT NOT NULL DEFAULT '',
    minutes     INTEGER NOT NULL DEFAULT 15 CHECK (minutes BETWEEN 5 AND 1440),
    last_at     TEXT,
    last_report TEXT,
    last_error  TEXT
);
