ALTER TABLE "ip_throttles" ADD COLUMN "burst_started_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "ip_throttles" ADD COLUMN "burst_failures" integer DEFAULT 0 NOT NULL;