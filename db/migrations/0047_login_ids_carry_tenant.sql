-- A login ID starts with its tenant's code and a dot (sakura.tanaka; platform staff platform.x):
-- IDs of different tenants can never collide, so creating one tells nothing about another
-- tenant's operators. Tenant codes contain no dot and, from here on, never change.
CREATE FUNCTION mamori_login_id_in_tenant() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
  v_code text;
BEGIN
  SELECT code INTO v_code FROM tenants WHERE id = NEW.tenant_id;
  IF v_code IS NULL OR NOT starts_with(NEW.login_id_key, v_code || '.') OR length(NEW.login_id_key) <= length(v_code) + 1 THEN
    RAISE EXCEPTION 'login ID % does not start with its tenant''s code %.', NEW.login_id_key, v_code
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operators_login_id_tenant_prefix';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER operators_login_id_tenant_prefix BEFORE INSERT OR UPDATE OF login_id_key, tenant_id ON operators
  FOR EACH ROW EXECUTE FUNCTION mamori_login_id_in_tenant();
--> statement-breakpoint
CREATE FUNCTION mamori_tenant_code_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.code IS DISTINCT FROM OLD.code THEN
    RAISE EXCEPTION 'a tenant''s code never changes: its login IDs start with it' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER tenants_code_fixed BEFORE UPDATE OF code ON tenants FOR EACH ROW EXECUTE FUNCTION mamori_tenant_code_fixed();
