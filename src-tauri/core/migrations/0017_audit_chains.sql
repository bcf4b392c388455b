-- Haven schema, version 17: the audit log travels between replicas, one hash chain per origin.
--
-- Each entry names the replica that wrote it (`origin`); its sequence number and previous hash
-- belong to that replica's own chain, so the unique number becomes (origin, seq). Every entry
-- already here was written on this replica (the log was local until now, and a join file
-- carried none), so they take this replica's id. `audit_head` stays local: the newest entry of
-- this replica's own chain.
-- Never edit this file once it has landed.

ALTER TABLE audit_log ADD COLUMN origin TEXT;

DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET origin = (SELECT replica FROM exchange_secrets WHERE id = 1);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

DROP INDEX audit_log_seq;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (origin, seq);
