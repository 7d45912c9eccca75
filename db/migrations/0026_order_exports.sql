CREATE TABLE "order_exports" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"site_id" uuid NOT NULL,
	"operator_id" uuid NOT NULL,
	"login_id" text NOT NULL,
	"period_from" timestamp (3) with time zone NOT NULL,
	"period_to" timestamp (3) with time zone NOT NULL,
	"columns" jsonb NOT NULL,
	"encoding" text NOT NULL,
	"reason" text NOT NULL,
	"row_count" integer NOT NULL,
	"customer_count" integer NOT NULL,
	"status" text NOT NULL,
	"requested_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp (3) with time zone,
	"decided_by_login_id" text,
	"downloaded_at" timestamp (3) with time zone,
	"bytes" bigint,
	"sha256" text,
	CONSTRAINT "order_exports_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "order_exports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "order_export_daily_quota" integer DEFAULT 5000 NOT NULL;--> statement-breakpoint
ALTER TABLE "order_exports" ADD CONSTRAINT "order_exports_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_exports" ADD CONSTRAINT "order_exports_operator_fk" FOREIGN KEY ("tenant_id","operator_id") REFERENCES "public"."operators"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_exports_operator_idx" ON "order_exports" USING btree ("tenant_id","operator_id","requested_at");--> statement-breakpoint
CREATE INDEX "order_exports_status_idx" ON "order_exports" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE POLICY "order_exports_tenant_isolation" ON "order_exports" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');