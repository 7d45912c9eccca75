ALTER TABLE "api_tokens" ADD COLUMN "rate_window" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "rate_calls" integer DEFAULT 0 NOT NULL;