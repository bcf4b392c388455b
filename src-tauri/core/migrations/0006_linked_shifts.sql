-- Haven schema, version 6: a shift that staffs an activity session follows that session.
--
-- `session_on` names the session's instance (the date it is scheduled on); the shift's own date
-- and times are the instance's, moved with it when the instance is moved. `cancelled` is set
-- when the instance is cancelled or no longer held: the shift stays on the rota, marked, with
-- its volunteers (so the coordinator can tell them) and no gaps.

ALTER TABLE shifts ADD COLUMN session_on TEXT;
ALTER TABLE shifts ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1));

UPDATE shifts SET session_on = on_date WHERE session_id IS NOT NULL;

CREATE INDEX shifts_session ON shifts (session_id, session_on) WHERE session_id IS NOT NULL;
