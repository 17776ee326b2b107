-- Two database roles (run as a superuser, idempotent):
--   wasl_owner  owns the schema and runs migrations;
--   wasl_app    the application: DML only, never a superuser, never BYPASSRLS, so row-level
--               security binds it. CREATEDB only so the test runner can create its test database.
-- Passwords come from psql variables: psql -v owner_password=... -v app_password=...
SELECT format('CREATE ROLE wasl_owner LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB PASSWORD %L', :'owner_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wasl_owner') \gexec
SELECT format('CREATE ROLE wasl_app LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wasl_app') \gexec
ALTER ROLE wasl_app NOSUPERUSER NOBYPASSRLS;
ALTER ROLE wasl_owner NOSUPERUSER NOBYPASSRLS;
