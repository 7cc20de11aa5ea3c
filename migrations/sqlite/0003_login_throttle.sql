-- Failed-login counters per email (hashed) and per client address, in fixed windows, shared by
-- every process: more failures than allowed in a window are answered 429 until it ends.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    window_start TEXT NOT NULL,
    failures INTEGER NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);
