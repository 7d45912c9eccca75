ALTER TABLE "operators" ADD COLUMN "enabled_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "dormant_after_days" integer DEFAULT 90 NOT NULL;--> statement-breakpoint
-- Operators who existed before count their inactivity from this upgrade: none is disabled unwarned.
ALTER TABLE tenants ADD CONSTRAINT tenants_dormant_after_days_check CHECK (dormant_after_days BETWEEN 30 AND 730);
