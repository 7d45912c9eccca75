-- mamori_start_session as in 0020, except that the tenant's last activity is moved only once a
-- minute has passed since it was last set.
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
  -- To the minute, as the tenants page shows it: rewriting the row (seven indexes) on every login
  -- cost each login more than its session insert, and queued a tenant's logins on one row lock.
  UPDATE tenants SET last_activity_at = p_at
   WHERE id = p_tenant_id AND last_activity_at < p_at - interval '1 minute';
  UPDATE rotation_targets SET seen_at = p_at
   WHERE tenant_id = p_tenant_id AND operator_id = p_operator_id
     AND status IN ('pending', 'locked') AND seen_at IS NULL;
  INSERT INTO sessions (tenant_id, id, operator_id, token_hash, created_at, last_seen_at, expires_at, ip, user_agent, mfa_verified_at)
  VALUES (p_tenant_id, p_session_id, p_operator_id, p_token_hash, p_at, p_at, p_expires_at, p_ip, p_user_agent, p_mfa_verified_at);
  RETURN mamori_append_audit(p_tenant_id, p_event_id, p_at, p_operator_id, p_event_login_id, 'login.succeeded',
    'session', p_session_id::text, 'success', p_ip, p_event_user_agent, p_session_id, p_details, p_digest);
END $$;
