-- The per-request session lookup in one round trip, before any tenant is known: a narrow
-- SECURITY DEFINER function that returns only the session named by its token hash, with what
-- the guard decides on (operator, tenant, TOTP state, IP allowlist references). It also touches
-- last_seen_at when that is older than p_touch_before and the session is still live.
CREATE OR REPLACE FUNCTION mamori_session_context(p_token_hash text, p_now timestamptz, p_idle_cutoff timestamptz, p_touch_before timestamptz)
RETURNS TABLE (
  session_id uuid, tenant_id uuid, operator_id uuid, last_seen_at timestamptz, expires_at timestamptz, revoked_at timestamptz,
  mfa_verified_at timestamptz, login_id text, display_name text, role text, status text, must_change_password boolean,
  previous_login_at timestamptz, previous_login_ip text, tenant_code text, tenant_name text, tenant_kind text, tenant_status text,
  totp_required boolean, totp_grace_until timestamptz, totp_enrolled boolean,
  tenant_list_id uuid, tenant_list_version bigint, tenant_list_mode text, tenant_list_entries integer,
  operator_list_id uuid, operator_list_version bigint, operator_list_mode text, operator_list_entries integer
) LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE sessions s SET last_seen_at = p_now
   WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND s.expires_at > p_now
     AND s.last_seen_at >= p_idle_cutoff AND s.last_seen_at < p_touch_before;
  RETURN QUERY
  SELECT s.id, s.tenant_id, s.operator_id, s.last_seen_at, s.expires_at, s.revoked_at, s.mfa_verified_at,
         o.login_id, o.display_name, o.role, o.status, o.must_change_password, o.previous_login_at, o.previous_login_ip,
         t.code, t.name, t.kind, t.status, t.totp_required, t.totp_grace_until,
         EXISTS (SELECT 1 FROM totp_credentials tc WHERE tc.tenant_id = s.tenant_id AND tc.operator_id = s.operator_id AND tc.status = 'active'),
         tl.id, tl.version, tl.mode, tl.entry_count, ol.id, ol.version, ol.mode, ol.entry_count
    FROM sessions s
    JOIN operators o ON o.tenant_id = s.tenant_id AND o.id = s.operator_id
    JOIN tenants t ON t.id = s.tenant_id
    LEFT JOIN ip_allowlists tl ON tl.tenant_id = s.tenant_id AND tl.operator_id IS NULL
    LEFT JOIN ip_allowlists ol ON ol.tenant_id = s.tenant_id AND ol.operator_id = s.operator_id
   WHERE s.token_hash = p_token_hash;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_session_context(text, timestamptz, timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_session_context(text, timestamptz, timestamptz, timestamptz) TO mamori_app;
