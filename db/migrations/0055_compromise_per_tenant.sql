ALTER TABLE "compromise_tenants" ADD COLUMN "applied_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "compromise_tenants" ADD COLUMN "operators" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "compromise_tenants" ADD COLUMN "sessions_ended" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "compromise_tenants" ADD COLUMN "tokens_revoked" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "compromise_tenants" ADD COLUMN "totp_voided" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "compromise_tenants" ADD COLUMN "recovery_codes_voided" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "compromise_tenants" ADD COLUMN "webhooks_rotated" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "compromise_tenants_pending_idx" ON "compromise_tenants" USING btree ("owner_tenant_id","declaration_id") WHERE applied_at is null;--> statement-breakpoint
-- Declarations made before this column existed were applied in their own single transaction: every
-- covered tenant is applied; a tenant's own declaration keeps its counts on its one row.
UPDATE "compromise_tenants" SET "applied_at" = "d"."declared_at",
  "operators" = CASE WHEN "d"."tenant_id" = "compromise_tenants"."tenant_id" THEN "d"."operators" ELSE 0 END,
  "sessions_ended" = CASE WHEN "d"."tenant_id" = "compromise_tenants"."tenant_id" THEN "d"."sessions_ended" ELSE 0 END,
  "tokens_revoked" = CASE WHEN "d"."tenant_id" = "compromise_tenants"."tenant_id" THEN "d"."tokens_revoked" ELSE 0 END,
  "totp_voided" = CASE WHEN "d"."tenant_id" = "compromise_tenants"."tenant_id" THEN "d"."totp_voided" ELSE 0 END,
  "recovery_codes_voided" = CASE WHEN "d"."tenant_id" = "compromise_tenants"."tenant_id" THEN "d"."recovery_codes_voided" ELSE 0 END,
  "webhooks_rotated" = CASE WHEN "d"."tenant_id" = "compromise_tenants"."tenant_id" THEN "d"."webhooks_rotated" ELSE 0 END
  FROM "compromise_declarations" "d"
  WHERE "d"."tenant_id" = "compromise_tenants"."owner_tenant_id" AND "d"."id" = "compromise_tenants"."declaration_id";--> statement-breakpoint
ALTER TABLE "compromise_declarations" DROP COLUMN "operators";--> statement-breakpoint
ALTER TABLE "compromise_declarations" DROP COLUMN "sessions_ended";--> statement-breakpoint
ALTER TABLE "compromise_declarations" DROP COLUMN "tokens_revoked";--> statement-breakpoint
ALTER TABLE "compromise_declarations" DROP COLUMN "totp_voided";--> statement-breakpoint
ALTER TABLE "compromise_declarations" DROP COLUMN "recovery_codes_voided";--> statement-breakpoint
ALTER TABLE "compromise_declarations" DROP COLUMN "webhooks_rotated";