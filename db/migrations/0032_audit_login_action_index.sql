-- "What did this operator do of this kind" (their failed logins, their exports) from one index in
-- time order. Before, the login-ID and action indexes competed, so that search was planned for its
-- values on every call (a plan made once could take the action index for a busy login ID: 68 ms
-- where this takes 0.2 ms); with this index one plan serves every value.
CREATE INDEX IF NOT EXISTS audit_events_tenant_login_action_time_idx ON audit_events (tenant_id, actor_login_id, action, occurred_at DESC, seq DESC);
