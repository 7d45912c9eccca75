GRANT SELECT, INSERT, UPDATE ON order_exports TO mamori_app;
--> statement-breakpoint
ALTER TABLE tenants ADD CONSTRAINT tenants_order_export_quota_check CHECK (order_export_daily_quota BETWEEN 0 AND 10000000);
