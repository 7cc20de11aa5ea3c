-- PostgreSQL's half of this migration adds a timestamp-formatting function; SQLite stores
-- timestamps as that text already, so there is nothing to change here.
SELECT 1;
