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
