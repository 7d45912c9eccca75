-- Blocked addresses: the app role records and lifts blocks (rows are kept as the record).
GRANT SELECT, INSERT, UPDATE ON ip_blocks TO mamori_app;
--> statement-breakpoint
ALTER TABLE ip_blocks ADD CONSTRAINT ip_blocks_reason_check CHECK (length(reason) BETWEEN 1 AND 500);
--> statement-breakpoint
ALTER TABLE ip_blocks ADD CONSTRAINT ip_blocks_expiry_check CHECK (expires_at > created_at);
--> statement-breakpoint
-- The session lookup also returns the block versions of the session's tenant and of the platform:
-- while both are 0 nothing was ever blocked and no decision is needed.
DROP FUNCTION mamori_session_context(text, timestamptz, timestamptz, timestamptz);
--> statement-breakpoint
CREATE FUNCTION mamori_session_context(p_token_hash text, p_now timestamptz, p_idle_cutoff timestamptz, p_touch_before timestamptz)
RETURNS TABLE (
  session_id uuid, tenant_id uuid, operator_id uuid, last_seen_at timestamptz, expires_at timestamptz, revoked_at timestamptz,
  mfa_verified_at timestamptz, login_id text, display_name text, role text, status text, must_change_password boolean,
  previous_login_at timestamptz, previous_login_ip text, tenant_code text, tenant_name text, tenant_kind text, tenant_status text,
  totp_required boolean, totp_grace_until timestamptz, totp_enrolled boolean,
  tenant_list_id uuid, tenant_list_version bigint, tenant_list_mode text, tenant_list_entries integer,
  operator_list_id uuid, operator_list_version bigint, operator_list_mode text, operator_list_entries integer,
  tenant_block_version bigint, platform_block_version bigint
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
         tl.id, tl.version, tl.mode, tl.entry_count, ol.id, ol.version, ol.mode, ol.entry_count,
         t.ip_block_version, p.ip_block_version
    FROM sessions s
    JOIN operators o ON o.tenant_id = s.tenant_id AND o.id = s.operator_id
    JOIN tenants t ON t.id = s.tenant_id
    JOIN tenants p ON p.id = '00000000-0000-0000-0000-000000000000'
    LEFT JOIN ip_allowlists tl ON tl.tenant_id = s.tenant_id AND tl.operator_id IS NULL
    LEFT JOIN ip_allowlists ol ON ol.tenant_id = s.tenant_id AND ol.operator_id = s.operator_id
   WHERE s.token_hash = p_token_hash;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_session_context(text, timestamptz, timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_session_context(text, timestamptz, timestamptz, timestamptz) TO mamori_app;
--> statement-breakpoint
DROP FUNCTION mamori_login_lookup(text, text, timestamptz, text);
--> statement-breakpoint
CREATE FUNCTION mamori_login_lookup(p_login_key text, p_ip text, p_now timestamptz, p_id_key text)
RETURNS TABLE (
  ip_failures integer, ip_window_started_at timestamptz, ip_last_failed_at timestamptz,
  tenant_id uuid, operator_id uuid, login_id text, password_hash text, status text,
  failed_login_count integer, last_failed_login_at timestamptz, locked_at timestamptz,
  password_changed_at timestamptz, tenant_status text, password_max_age_days integer,
  totp_active boolean, rotation_overdue boolean,
  tenant_list_id uuid, tenant_list_version bigint, tenant_list_mode text, tenant_list_entries integer,
  operator_list_id uuid, operator_list_version bigint, operator_list_mode text, operator_list_entries integer,
  id_failures integer, id_last_failed_at timestamptz,
  tenant_block_version bigint, platform_block_version bigint
) LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  RETURN QUERY
  SELECT it.failures, it.window_started_at, it.last_failed_at,
         o.tenant_id, o.id, o.login_id, o.password_hash, o.status, o.failed_login_count,
         o.last_failed_login_at, o.locked_at, o.password_changed_at, t.status, t.password_max_age_days,
         CASE WHEN o.id IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM totp_credentials tc
           WHERE tc.tenant_id = o.tenant_id AND tc.operator_id = o.id AND tc.status = 'active') END,
         CASE WHEN o.id IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM rotation_targets rt
           WHERE rt.tenant_id = o.tenant_id AND rt.operator_id = o.id AND rt.status = 'pending' AND rt.deadline <= p_now) END,
         tl.id, tl.version, tl.mode, tl.entry_count, ol.id, ol.version, ol.mode, ol.entry_count,
         lt.failures, lt.last_failed_at,
         t.ip_block_version, p.ip_block_version
    FROM (SELECT 1) AS one
    JOIN tenants p ON p.id = '00000000-0000-0000-0000-000000000000'
    LEFT JOIN ip_throttles it ON it.ip = p_ip
    LEFT JOIN login_id_throttles lt ON lt.key_hash = p_id_key
    LEFT JOIN operators o ON o.login_id_key = p_login_key
    LEFT JOIN tenants t ON t.id = o.tenant_id
    LEFT JOIN ip_allowlists tl ON tl.tenant_id = o.tenant_id AND tl.operator_id IS NULL
    LEFT JOIN ip_allowlists ol ON ol.tenant_id = o.tenant_id AND ol.operator_id = o.id;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_login_lookup(text, text, timestamptz, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_login_lookup(text, text, timestamptz, text) TO mamori_app;
