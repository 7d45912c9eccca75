CREATE TABLE "incident_pivots" (
	"tenant_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"filter" text NOT NULL,
	"added_at" timestamp (3) with time zone NOT NULL,
	"added_by_login_id" text NOT NULL,
	CONSTRAINT "incident_pivots_tenant_id_incident_id_filter_pk" PRIMARY KEY("tenant_id","incident_id","filter")
);
--> statement-breakpoint
ALTER TABLE "incident_pivots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "incidents" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"opened_at" timestamp (3) with time zone NOT NULL,
	"opened_by_login_id" text NOT NULL,
	"closed_at" timestamp (3) with time zone,
	"closed_by_login_id" text,
	"closing_note" text,
	CONSTRAINT "incidents_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "incidents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_incident_idx" ON "audit_events" USING btree ((details->>'incidentId')) WHERE (details->>'incidentId') is not null;--> statement-breakpoint
CREATE POLICY "incident_pivots_tenant_isolation" ON "incident_pivots" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');--> statement-breakpoint
CREATE POLICY "incidents_tenant_isolation" ON "incidents" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');--> statement-breakpoint
-- Incidents are closed, never deleted: their record stays for the report.
GRANT SELECT, INSERT, UPDATE ON incidents TO mamori_app;--> statement-breakpoint
GRANT SELECT, INSERT ON incident_pivots TO mamori_app;--> statement-breakpoint
ALTER TABLE incidents ADD CONSTRAINT incidents_title_check CHECK (length(title) BETWEEN 1 AND 200);
