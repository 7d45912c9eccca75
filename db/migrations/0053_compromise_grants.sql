GRANT SELECT, INSERT, UPDATE ON compromise_declarations, compromise_tenants TO mamori_app;
--> statement-breakpoint
-- Only one active declaration per owner: a second would void what the first already voided.
CREATE UNIQUE INDEX compromise_declarations_active_key ON compromise_declarations (tenant_id) WHERE ended_at IS NULL;
--> statement-breakpoint
ALTER TABLE compromise_declarations ADD CONSTRAINT compromise_declarations_reason_check CHECK (length(reason) BETWEEN 1 AND 500);
