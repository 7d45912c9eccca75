CREATE TABLE "audit_checkpoints" (
	"tenant_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"signed_at" timestamp (3) with time zone NOT NULL,
	"previous_checkpoint_hash" text NOT NULL,
	"checkpoint_hash" text NOT NULL,
	"signature" text NOT NULL,
	"key_fingerprint" text NOT NULL,
	CONSTRAINT "audit_checkpoints_tenant_id_seq_pk" PRIMARY KEY("tenant_id","seq")
);
--> statement-breakpoint
ALTER TABLE "audit_checkpoints" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "audit_checkpoints_tenant_isolation" ON "audit_checkpoints" AS PERMISSIVE FOR ALL TO public USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform') WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), '')::uuid) or (select current_setting('app.scope', true)) = 'platform');