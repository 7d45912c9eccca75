GRANT SELECT, INSERT, UPDATE, DELETE ON password_history, rotation_campaigns, rotation_targets TO mamori_app;
--> statement-breakpoint
ALTER TABLE tenants ADD CONSTRAINT tenants_password_min_length_check CHECK (password_min_length BETWEEN 12 AND 64);
--> statement-breakpoint
ALTER TABLE tenants ADD CONSTRAINT tenants_password_max_age_check CHECK (password_max_age_days IS NULL OR password_max_age_days BETWEEN 30 AND 3650);
