-- Failed-login counters per email (hashed) and per client address, in fixed windows, shared by
-- every process: more failures than allowed in a window are answered 429 until it ends.
CREATE TABLE login_throttle (
    key text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    failures integer NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);
