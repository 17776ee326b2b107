-- The production database, owned by wasl_owner; wasl_app gets data rights only (run as superuser).
SELECT 'CREATE DATABASE wasl OWNER wasl_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'wasl') \gexec
\connect wasl
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO wasl_owner;
GRANT USAGE ON SCHEMA public TO wasl_app;
ALTER DEFAULT PRIVILEGES FOR ROLE wasl_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO wasl_app;
ALTER DEFAULT PRIVILEGES FOR ROLE wasl_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO wasl_app;

-- Search under row-level security (README, "Search under row-level security"). Trigram indexes
-- serve `LIKE '%word%'` only if the planner may evaluate the LIKE before the tenant policy, which
-- it does only for LEAKPROOF functions; `textlike` (the text LIKE operator, ~~) is not declared so
-- by default. Only a superuser can declare it: here, once, for the production database and for
-- template1, from which the test databases are created (so the tests run on the same plans).
-- The migrations create the indexes when the extensions exist, and degrade to a scan when not.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
ALTER FUNCTION pg_catalog.textlike(text, text) LEAKPROOF;
\connect template1
ALTER FUNCTION pg_catalog.textlike(text, text) LEAKPROOF;
