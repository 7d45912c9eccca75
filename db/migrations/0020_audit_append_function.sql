-- The hash-chain append as one function call with a cached plan (it is on every write path): the
-- chain head is bumped under its row lock and the event inserted with the new sequence number
-- and head hash, so concurrent writers queue on the chain with no fork and no gap. SECURITY
-- INVOKER: called by the app role in a tenant transaction, row-level security still applies.
CREATE OR REPLACE FUNCTION mamori_append_audit(
  p_tenant_id uuid, p_id uuid, p_occurred_at timestamptz, p_actor_operator_id uuid, p_actor_login_id text,
  p_action text, p_target_type text, p_target_id text, p_outcome text, p_ip text, p_user_agent text,
  p_session_id uuid, p_details jsonb, p_digest bytea
) RETURNS bigint LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
  v_seq bigint;
  v_hash bytea;
BEGIN
  UPDATE audit_chains
     SET last_seq = last_seq + 1, head_hash = sha256(head_hash || int8send(last_seq + 1) || p_digest)
   WHERE tenant_id = p_tenant_id
  RETURNING last_seq, head_hash INTO v_seq, v_hash;
  IF v_seq IS NULL THEN
    RAISE EXCEPTION 'no audit chain for tenant %', p_tenant_id;
  END IF;
  INSERT INTO audit_events (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id, action,
    target_type, target_id, outcome, ip, user_agent, session_id, details, hash)
  VALUES (p_tenant_id, v_seq, p_id, p_occurred_at, p_actor_operator_id, p_actor_login_id, p_action,
    p_target_type, p_target_id, p_outcome, p_ip, p_user_agent, p_session_id, p_details, v_hash);
  RETURN v_seq;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_append_audit(uuid, uuid, timestamptz, uuid, text, text, text, text, text, text, text, uuid, jsonb, bytea) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_append_audit(uuid, uuid, timestamptz, uuid, text, text, text, text, text, text, text, uuid, jsonb, bytea) TO mamori_app;
--> statement-breakpoint
-- The end of a password or second-factor login in one call (and so, outside a transaction, in one
-- round trip): the operator's counters and login history, the tenant's last activity, "seen since
-- the campaign started" on rotation targets, the session row and its `login.succeeded` event
-- (whose stored form and canonical digest the caller computed). SECURITY DEFINER and narrow: it touches only the
-- operator, tenant and session it is given.
CREATE OR REPLACE FUNCTION mamori_start_session(
  p_tenant_id uuid, p_operator_id uuid, p_session_id uuid, p_token_hash text, p_at timestamptz,
  p_expires_at timestamptz, p_ip text, p_user_agent text, p_mfa_verified_at timestamptz, p_password_expired boolean,
  p_event_id uuid, p_event_login_id text, p_event_user_agent text, p_details jsonb, p_digest bytea
) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE operators SET failed_login_count = 0, last_failed_login_at = NULL,
         previous_login_at = last_login_at, previous_login_ip = last_login_ip,
         last_login_at = p_at, last_login_ip = p_ip,
         must_change_password = must_change_password OR p_password_expired
   WHERE tenant_id = p_tenant_id AND id = p_operator_id;
  UPDATE tenants SET last_activity_at = p_at WHERE id = p_tenant_id;
  UPDATE rotation_targets SET seen_at = p_at
   WHERE tenant_id = p_tenant_id AND operator_id = p_operator_id
     AND status IN ('pending', 'locked') AND seen_at IS NULL;
  INSERT INTO sessions (tenant_id, id, operator_id, token_hash, created_at, last_seen_at, expires_at, ip, user_agent, mfa_verified_at)
  VALUES (p_tenant_id, p_session_id, p_operator_id, p_token_hash, p_at, p_at, p_expires_at, p_ip, p_user_agent, p_mfa_verified_at);
  RETURN mamori_append_audit(p_tenant_id, p_event_id, p_at, p_operator_id, p_event_login_id, 'login.succeeded',
    'session', p_session_id::text, 'success', p_ip, p_event_user_agent, p_session_id, p_details, p_digest);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_start_session(uuid, uuid, uuid, text, timestamptz, timestamptz, text, text, timestamptz, boolean, uuid, text, text, jsonb, bytea) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_start_session(uuid, uuid, uuid, text, timestamptz, timestamptz, text, text, timestamptz, boolean, uuid, text, text, jsonb, bytea) TO mamori_app;
