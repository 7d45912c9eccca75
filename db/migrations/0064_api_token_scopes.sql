ALTER TABLE "api_tokens" ALTER COLUMN "scope" DROP NOT NULL;--> statement-breakpoint
-- Tokens made before scopes were a list keep the one scope they had.
ALTER TABLE "api_tokens" ADD COLUMN "scopes" text[] DEFAULT '{audit:read}'::text[] NOT NULL;--> statement-breakpoint
UPDATE "api_tokens" SET "scopes" = ARRAY["scope"] WHERE "scope" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ALTER COLUMN "scopes" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "allowed_cidrs" text[] DEFAULT '{}'::text[] NOT NULL;
