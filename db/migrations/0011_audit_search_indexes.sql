-- Audit search: newest first within a tenant, for every filter (keyset on occurred_at, seq).
CREATE INDEX IF NOT EXISTS audit_events_tenant_time_seq_idx ON audit_events (tenant_id, occurred_at DESC, seq DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS audit_events_tenant_action_time_idx ON audit_events (tenant_id, action, occurred_at DESC, seq DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS audit_events_tenant_login_time_idx ON audit_events (tenant_id, actor_login_id, occurred_at DESC, seq DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS audit_events_tenant_target_idx ON audit_events (tenant_id, target_id);
