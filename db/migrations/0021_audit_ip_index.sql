-- "Everything this address did": audit search by client IP or CIDR through an index. The stored
-- ip is text (it is hashed as text); audit_ip() gives its inet form, or null for anything that is
-- not an address, so neither the index nor an append can fail on an odd value. (Its exception
-- block is a subtransaction, which parallel workers may not start: PARALLEL RESTRICTED. It
-- raises nothing and reveals nothing but its result: LEAKPROOF, so that under row-level security
-- a filter on it can still be an index condition.)
CREATE OR REPLACE FUNCTION audit_ip(p_ip text) RETURNS inet LANGUAGE plpgsql IMMUTABLE LEAKPROOF PARALLEL RESTRICTED AS $$
BEGIN
  IF p_ip IS NULL OR p_ip !~ '^[0-9a-fA-F.:]{2,45}$' THEN
    RETURN NULL;
  END IF;
  RETURN p_ip::inet;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_ip(text) TO mamori_app;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS audit_events_tenant_ip_time_idx ON audit_events (tenant_id, audit_ip(ip), occurred_at DESC, seq DESC);
