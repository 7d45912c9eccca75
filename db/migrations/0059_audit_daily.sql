CREATE TABLE "audit_daily" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"action" text NOT NULL,
	"outcome" text NOT NULL,
	"events" integer NOT NULL,
	"rows" bigint NOT NULL,
	CONSTRAINT "audit_daily_tenant_id_day_action_outcome_pk" PRIMARY KEY("tenant_id","day","action","outcome")
);
--> statement-breakpoint
ALTER TABLE "audit_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "audit_daily_total" (
	"day" date NOT NULL,
	"action" text NOT NULL,
	"outcome" text NOT NULL,
	"events" integer NOT NULL,
	"rows" bigint NOT NULL,
	CONSTRAINT "audit_daily_total_day_action_outcome_pk" PRIMARY KEY("day","action","outcome")
);
--> statement-breakpoint
CREATE TABLE "audit_rollup_marks" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"last_seq" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_rollup_marks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "audit_daily_tenant_isolation" ON "audit_daily" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');--> statement-breakpoint
CREATE POLICY "audit_rollup_marks_tenant_isolation" ON "audit_rollup_marks" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON audit_daily, audit_daily_total, audit_rollup_marks TO mamori_app;
