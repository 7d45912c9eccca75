-- The audit signer's doors. It reads chains (SELECT granted in 0042) and writes nothing but what
-- it signs, its public key, and the alarm when a chain does not extend what it signed.
ALTER TABLE audit_signing_keys OWNER TO mamori_audit;
--> statement-breakpoint
GRANT SELECT ON audit_signing_keys TO mamori_app, mamori_signer;
--> statement-breakpoint
CREATE FUNCTION mamori_register_signing_key(p_fingerprint text, p_public_key_pem text) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
  INSERT INTO audit_signing_keys (fingerprint, public_key_pem) VALUES (p_fingerprint, p_public_key_pem) ON CONFLICT (fingerprint) DO NOTHING
$$;
--> statement-breakpoint
ALTER FUNCTION mamori_register_signing_key(text, text) OWNER TO mamori_audit;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_register_signing_key(text, text) FROM PUBLIC;
--> statement-breakpoint
-- (The app registers the key for a signer that runs as its child on embedded PGlite.)
GRANT EXECUTE ON FUNCTION mamori_register_signing_key(text, text) TO mamori_signer, mamori_app;
--> statement-breakpoint
-- The signer refused to sign a chain's head: an alert in that tenant, with its event in the
-- tenant's chain and a webhook delivery where the tenant has one; once per refused position.
CREATE FUNCTION mamori_report_chain_refused(p_tenant_id uuid, p_seq bigint, p_reason text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_alert uuid;
  v_details jsonb := jsonb_build_object('seq', p_seq, 'reason', p_reason);
BEGIN
  IF p_reason NOT IN ('rewritten', 'truncated', 'gap') THEN
    RAISE EXCEPTION 'unknown refusal %', p_reason USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- The tenant's scope, for row-level security on its alerts and for the door's check.
  PERFORM set_config('app.tenant_id', p_tenant_id::text, true);
  IF EXISTS (SELECT 1 FROM alerts WHERE tenant_id = p_tenant_id AND rule = 'audit_chain_refused' AND acknowledged_at IS NULL AND details = v_details) THEN
    RETURN;
  END IF;
  INSERT INTO alerts (tenant_id, rule, login_id, details) VALUES (p_tenant_id, 'audit_chain_refused', 'system:audit-signer', v_details)
  RETURNING id INTO v_alert;
  PERFORM mamori_append_audit(p_tenant_id, NULL, 'system:alerts', 'alert.raised', 'alert', v_alert::text, 'success', NULL, NULL, NULL,
    jsonb_build_object('rule', 'audit_chain_refused', 'operatorLoginId', 'system:audit-signer', 'seq', p_seq, 'reason', p_reason), false);
  INSERT INTO webhook_deliveries (tenant_id, alert_id, url)
  SELECT p_tenant_id, v_alert, alert_webhook_url FROM tenants WHERE id = p_tenant_id AND alert_webhook_url IS NOT NULL;
END $$;
--> statement-breakpoint
ALTER FUNCTION mamori_report_chain_refused(uuid, bigint, text) OWNER TO mamori_audit;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_report_chain_refused(uuid, bigint, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_report_chain_refused(uuid, bigint, text) TO mamori_signer, mamori_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON alerts TO mamori_audit;
--> statement-breakpoint
GRANT SELECT (id, alert_webhook_url) ON tenants TO mamori_audit;
--> statement-breakpoint
GRANT INSERT ON webhook_deliveries TO mamori_audit;
--> statement-breakpoint
-- The signer's own clock for signedAt is its machine's; the store door takes it as given.
GRANT EXECUTE ON FUNCTION mamori_store_checkpoint(uuid, bigint, text, timestamptz, text, text, text, text) TO mamori_signer;
