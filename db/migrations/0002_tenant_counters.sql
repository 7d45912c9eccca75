ALTER TABLE "tenants" ADD COLUMN "site_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "operator_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "last_activity_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "tenants_name_idx" ON "tenants" USING btree ("kind","name","id");--> statement-breakpoint
CREATE INDEX "tenants_sites_idx" ON "tenants" USING btree ("kind","site_count","id");--> statement-breakpoint
CREATE INDEX "tenants_operators_idx" ON "tenants" USING btree ("kind","operator_count","id");--> statement-breakpoint
CREATE INDEX "tenants_status_idx" ON "tenants" USING btree ("kind","status","id");--> statement-breakpoint
CREATE INDEX "tenants_activity_idx" ON "tenants" USING btree ("kind","last_activity_at","id");