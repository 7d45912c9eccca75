-- Denormalised counters on tenants, maintained in the same transaction as the change.
CREATE OR REPLACE FUNCTION tenants_count_sites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'open' THEN
    UPDATE tenants SET site_count = site_count - 1 WHERE id = OLD.tenant_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'open' THEN
    UPDATE tenants SET site_count = site_count + 1 WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sites_count AFTER INSERT OR DELETE OR UPDATE OF status ON sites
  FOR EACH ROW EXECUTE FUNCTION tenants_count_sites();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tenants_count_operators() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE tenants SET operator_count = operator_count - 1 WHERE id = OLD.tenant_id;
  ELSE
    UPDATE tenants SET operator_count = operator_count + 1 WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER operators_count AFTER INSERT OR DELETE ON operators
  FOR EACH ROW EXECUTE FUNCTION tenants_count_operators();
--> statement-breakpoint
UPDATE tenants t SET
  site_count = (SELECT count(*) FROM sites s WHERE s.tenant_id = t.id AND s.status = 'open'),
  operator_count = (SELECT count(*) FROM operators o WHERE o.tenant_id = t.id),
  last_activity_at = coalesce((SELECT max(o.last_login_at) FROM operators o WHERE o.tenant_id = t.id), t.created_at);
