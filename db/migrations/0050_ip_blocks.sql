CREATE TABLE "ip_blocks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"cidr" text NOT NULL,
	"reason" text NOT NULL,
	"created_by_login_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"lifted_at" timestamp (3) with time zone,
	"lifted_by_login_id" text,
	CONSTRAINT "ip_blocks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "ip_blocks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "ip_block_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ip_blocks" ADD CONSTRAINT "ip_blocks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ip_blocks_live_idx" ON "ip_blocks" USING btree ("tenant_id","expires_at");--> statement-breakpoint
CREATE POLICY "ip_blocks_tenant_isolation" ON "ip_blocks" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');