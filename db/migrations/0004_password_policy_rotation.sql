CREATE TABLE "password_history" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"operator_id" uuid NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "password_history_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "password_history" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rotation_campaigns" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reason" text NOT NULL,
	"deadline" timestamp (3) with time zone NOT NULL,
	"revoke_sessions" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"started_by_operator_id" uuid NOT NULL,
	"started_by_login_id" text NOT NULL,
	"target_count" integer DEFAULT 0 NOT NULL,
	"tenant_count" integer DEFAULT 0 NOT NULL,
	"cancelled_at" timestamp (3) with time zone,
	CONSTRAINT "rotation_campaigns_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "rotation_campaigns" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rotation_targets" (
	"tenant_id" uuid NOT NULL,
	"campaign_tenant_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"operator_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"deadline" timestamp (3) with time zone NOT NULL,
	"rotated_at" timestamp (3) with time zone,
	"locked_at" timestamp (3) with time zone,
	CONSTRAINT "rotation_targets_tenant_id_campaign_id_operator_id_pk" PRIMARY KEY("tenant_id","campaign_id","operator_id")
);
--> statement-breakpoint
ALTER TABLE "rotation_targets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "password_min_length" integer DEFAULT 12 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "password_max_age_days" integer;--> statement-breakpoint
ALTER TABLE "password_history" ADD CONSTRAINT "password_history_operator_fk" FOREIGN KEY ("tenant_id","operator_id") REFERENCES "public"."operators"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_campaigns" ADD CONSTRAINT "rotation_campaigns_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_targets" ADD CONSTRAINT "rotation_targets_operator_fk" FOREIGN KEY ("tenant_id","operator_id") REFERENCES "public"."operators"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rotation_targets" ADD CONSTRAINT "rotation_targets_campaign_fk" FOREIGN KEY ("campaign_tenant_id","campaign_id") REFERENCES "public"."rotation_campaigns"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "password_history_operator_idx" ON "password_history" USING btree ("tenant_id","operator_id","created_at");--> statement-breakpoint
CREATE INDEX "rotation_campaigns_started_idx" ON "rotation_campaigns" USING btree ("tenant_id","started_at");--> statement-breakpoint
CREATE INDEX "rotation_targets_campaign_idx" ON "rotation_targets" USING btree ("campaign_id","tenant_id","status");--> statement-breakpoint
CREATE INDEX "rotation_targets_operator_idx" ON "rotation_targets" USING btree ("tenant_id","operator_id","status");--> statement-breakpoint
CREATE INDEX "rotation_targets_overdue_idx" ON "rotation_targets" USING btree ("deadline") WHERE status = 'pending';--> statement-breakpoint
CREATE POLICY "password_history_tenant_isolation" ON "password_history" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform') WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform');--> statement-breakpoint
CREATE POLICY "rotation_campaigns_tenant_isolation" ON "rotation_campaigns" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform') WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform');--> statement-breakpoint
CREATE POLICY "rotation_targets_tenant_isolation" ON "rotation_targets" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform') WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform');