-- The client-IP index also carries the raw ip, so a search by address or CIDR can find its newest
-- matches from the index alone (an index-only scan: audit_ip(ip) is recomputable from it) and
-- then read just those rows. A /24 that matches thousands of events no longer reads every one of
-- them from the table to keep the newest 50.
DROP INDEX IF EXISTS audit_events_tenant_ip_time_idx;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS audit_events_tenant_ip_time_idx ON audit_events (tenant_id, audit_ip(ip), occurred_at DESC, seq DESC) INCLUDE (ip);
--> statement-breakpoint
-- "Everything done to this operator" in time order from its index, as for actors and actions,
-- instead of every such event read and sorted (17 ms for one operator at 10M events).
DROP INDEX IF EXISTS audit_events_tenant_target_idx;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS audit_events_tenant_target_idx ON audit_events (tenant_id, target_id, occurred_at DESC, seq DESC);
