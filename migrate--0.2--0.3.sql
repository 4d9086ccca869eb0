-- migrate 0.2 -> 0.3: one engine (plan execution for the program,
-- forget, repair, the push digest).
\echo Use "ALTER EXTENSION migrate UPDATE TO '0.3'" to load this file. \quit

-- ---- plan execution (src/server/commands.c) ----

-- ---- store, forget, repair, digest (src/server/store*.c, integrity.c) ----
