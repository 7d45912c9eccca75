CREATE TABLE "compromise_declarations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"reason" text NOT NULL,
	"void_before" timestamp (3) with time zone NOT NULL,
	"reenroll_totp" boolean NOT NULL,
	"declared_at" timestamp (3) with time zone NOT NULL,
	"declared_by_login_id" text NOT NULL,
	"operators" integer DEFAULT 0 NOT NULL,
	"sessions_ended" integer DEFAULT 0 NOT NULL,
	"tokens_revoked" integer DEFAULT 0 NOT NULL,
	"totp_voided" integer DEFAULT 0 NOT NULL,
	"recovery_codes_voided" integer DEFAULT 0 NOT NULL,
	"webhooks_rotated" integer DEFAULT 0 NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"ended_by_login_id" text,
	CONSTRAINT "compromise_declarations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "compromise_declarations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "compromise_tenants" (
	"tenant_id" uuid NOT NULL,
	"owner_tenant_id" uuid NOT NULL,
	"declaration_id" uuid NOT NULL,
	CONSTRAINT "compromise_tenants_owner_tenant_id_declaration_id_tenant_id_pk" PRIMARY KEY("owner_tenant_id","declaration_id","tenant_id")
);
--> statement-breakpoint
ALTER TABLE "compromise_tenants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "compromise_declarations" ADD CONSTRAINT "compromise_declarations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compromise_tenants" ADD CONSTRAINT "compromise_tenants_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "compromise_tenants_tenant_idx" ON "compromise_tenants" USING btree ("tenant_id");--> statement-breakpoint
CREATE POLICY "compromise_declarations_tenant_isolation" ON "compromise_declarations" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');--> statement-breakpoint
CREATE POLICY "compromise_tenants_tenant_isolation" ON "compromise_tenants" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');