GRANT SELECT, INSERT, UPDATE ON support_grants TO mamori_app;
--> statement-breakpoint
-- A grant lasts at most 72 hours and names at least one known scope: held by the database, whatever the app sends.
ALTER TABLE support_grants ADD CONSTRAINT support_grants_expiry_check CHECK (expires_at > created_at AND expires_at <= created_at + interval '72 hours');
--> statement-breakpoint
ALTER TABLE support_grants ADD CONSTRAINT support_grants_scopes_check CHECK (cardinality(scopes) BETWEEN 1 AND 3 AND scopes <@ ARRAY['orders.read', 'members.read', 'payment_settings.read']::text[]);
