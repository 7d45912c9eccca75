ALTER TABLE tenants ADD CONSTRAINT tenants_audit_retention_check CHECK (audit_retention_days >= 365);
--> statement-breakpoint
-- Audit rows never change. The one exception is pruning past the retention period, and only
-- through prune_audit_events(), which deletes up to a signed checkpoint so what remains still
-- verifies from there. The app role has no DELETE privilege and cannot call it.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('mamori.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION prune_audit_events(p_tenant uuid, p_before timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  upto bigint;
  removed bigint;
BEGIN
  -- The newest checkpoint whose events are all older than the cut-off.
  SELECT max(k.seq) INTO upto FROM audit_checkpoints k
   WHERE k.tenant_id = p_tenant
     AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.tenant_id = p_tenant AND e.seq <= k.seq AND e.occurred_at >= p_before);
  IF upto IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM set_config('mamori.audit_prune', 'on', true);
  DELETE FROM audit_events WHERE tenant_id = p_tenant AND seq <= upto;
  GET DIAGNOSTICS removed = ROW_COUNT;
  PERFORM set_config('mamori.audit_prune', 'off', true);
  RETURN removed;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION prune_audit_events(uuid, timestamptz) FROM PUBLIC;
