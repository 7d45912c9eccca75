CREATE TABLE "tenant_posture" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"operators" integer NOT NULL,
	"totp_enrolled" integer NOT NULL,
	"recovery_codes" integer NOT NULL,
	"renewal_since" timestamp (3) with time zone,
	"passwords_renewed" integer NOT NULL,
	"allowlist_mode" text NOT NULL,
	"allowlist_covered" integer NOT NULL,
	"dormant" integer NOT NULL,
	"open_alerts" integer NOT NULL,
	"last_export_at" timestamp (3) with time zone,
	"old_tokens" integer NOT NULL,
	"webhook" text NOT NULL,
	"score" integer NOT NULL,
	"reasons" text[] NOT NULL,
	"refreshed_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenant_posture" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tenant_posture_daily" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"operators" integer NOT NULL,
	"totp_enrolled" integer NOT NULL,
	"passwords_renewed" integer NOT NULL,
	"score" integer NOT NULL,
	CONSTRAINT "tenant_posture_daily_tenant_id_day_pk" PRIMARY KEY("tenant_id","day")
);
--> statement-breakpoint
ALTER TABLE "tenant_posture_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenant_posture" ADD CONSTRAINT "tenant_posture_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_posture_daily" ADD CONSTRAINT "tenant_posture_daily_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_posture_tenant_isolation" ON "tenant_posture" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');--> statement-breakpoint
CREATE POLICY "tenant_posture_daily_tenant_isolation" ON "tenant_posture_daily" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON tenant_posture, tenant_posture_daily TO mamori_app;
