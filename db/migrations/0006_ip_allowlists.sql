CREATE TABLE "ip_allowlist_entries" (
	"tenant_id" uuid NOT NULL,
	"list_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"cidr" text NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"created_by_login_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ip_allowlist_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "ip_allowlist_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ip_allowlists" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"operator_id" uuid,
	"mode" text DEFAULT 'enforce' NOT NULL,
	"entry_count" integer DEFAULT 0 NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ip_allowlists_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "ip_allowlists_owner_key" UNIQUE NULLS NOT DISTINCT("tenant_id","operator_id")
);
--> statement-breakpoint
ALTER TABLE "ip_allowlists" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ip_break_glass" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"operator_id" uuid NOT NULL,
	"cidr" text NOT NULL,
	"reason" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"granted_by_login_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ip_break_glass_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "ip_break_glass" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ip_allowlist_entries" ADD CONSTRAINT "ip_allowlist_entries_list_fk" FOREIGN KEY ("tenant_id","list_id") REFERENCES "public"."ip_allowlists"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ip_allowlists" ADD CONSTRAINT "ip_allowlists_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ip_allowlists" ADD CONSTRAINT "ip_allowlists_operator_fk" FOREIGN KEY ("tenant_id","operator_id") REFERENCES "public"."operators"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ip_break_glass" ADD CONSTRAINT "ip_break_glass_operator_fk" FOREIGN KEY ("tenant_id","operator_id") REFERENCES "public"."operators"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ip_allowlist_entries_list_idx" ON "ip_allowlist_entries" USING btree ("tenant_id","list_id");--> statement-breakpoint
CREATE INDEX "ip_break_glass_operator_idx" ON "ip_break_glass" USING btree ("tenant_id","operator_id","expires_at");--> statement-breakpoint
CREATE POLICY "ip_allowlist_entries_tenant_isolation" ON "ip_allowlist_entries" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform') WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform');--> statement-breakpoint
CREATE POLICY "ip_allowlists_tenant_isolation" ON "ip_allowlists" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform') WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform');--> statement-breakpoint
CREATE POLICY "ip_break_glass_tenant_isolation" ON "ip_break_glass" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform') WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.scope', true) = 'platform');