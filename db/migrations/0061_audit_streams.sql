CREATE TABLE "audit_streams" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"format" text NOT NULL,
	"url" text NOT NULL,
	"secret_ciphertext" text,
	"status" text DEFAULT 'running' NOT NULL,
	"cursor_seq" bigint NOT NULL,
	"cursor_hash" text NOT NULL,
	"checkpoint_seq" bigint DEFAULT 0 NOT NULL,
	"backfill_from" timestamp (3) with time zone,
	"delivered_at" timestamp (3) with time zone,
	"delivered_event_at" timestamp (3) with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"last_error_detail" text,
	"failing_since" timestamp (3) with time zone,
	"alerted_at" timestamp (3) with time zone,
	"lease_until" timestamp (3) with time zone,
	"created_by_login_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_streams_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "audit_streams" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_streams" ADD CONSTRAINT "audit_streams_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_streams_tenant_name_key" ON "audit_streams" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "audit_streams_due_idx" ON "audit_streams" USING btree ("next_attempt_at") WHERE status = 'running';--> statement-breakpoint
CREATE POLICY "audit_streams_tenant_isolation" ON "audit_streams" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON audit_streams TO mamori_app;
