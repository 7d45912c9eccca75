-- The application runs every transaction as this role (SET LOCAL ROLE), so row-level security
-- applies even when the connecting user is a superuser (always so on PGlite).
DO $$
BEGIN
  CREATE ROLE mamori_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT mamori_app TO %I', current_user);
EXCEPTION WHEN others THEN NULL;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO mamori_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, sites, operators, sessions, ip_throttles, audit_chains TO mamori_app;
--> statement-breakpoint
-- Append-only: the app role may add and read audit rows, never change or remove them.
GRANT SELECT, INSERT ON audit_events TO mamori_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
-- The platform is tenant zero: platform staff and platform-level audit events live under it.
INSERT INTO tenants (id, kind, code, name) VALUES ('00000000-0000-0000-0000-000000000000', 'platform', 'platform', 'Mamori Platform')
  ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO audit_chains (tenant_id) VALUES ('00000000-0000-0000-0000-000000000000') ON CONFLICT DO NOTHING;
