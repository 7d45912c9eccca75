CREATE TABLE "audit_inbox" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"n" bigint GENERATED ALWAYS AS IDENTITY (sequence name "audit_inbox_n_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"actor_operator_id" uuid,
	"actor_login_id" text,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"outcome" text NOT NULL,
	"ip" text,
	"user_agent" text,
	"session_id" uuid,
	"details" jsonb NOT NULL,
	"digest" "bytea" NOT NULL,
	CONSTRAINT "audit_inbox_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "audit_inbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "audit_inbox_tenant_isolation" ON "audit_inbox" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');