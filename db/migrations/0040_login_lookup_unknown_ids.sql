GRANT SELECT, INSERT, UPDATE, DELETE ON login_id_throttles TO mamori_app;
--> statement-breakpoint
-- The login lookup also returns the failure count kept for an unknown ID (p_id_key: its keyed
-- hash), so both kinds of failed login decide and write the same way.
DROP FUNCTION mamori_login_lookup(text, text, timestamptz);
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
  id_failures integer, id_last_failed_at timestamptz
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
         lt.failures, lt.last_failed_at
    FROM (SELECT 1) AS one
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
