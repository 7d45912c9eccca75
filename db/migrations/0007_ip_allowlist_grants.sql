GRANT SELECT, INSERT, UPDATE, DELETE ON ip_allowlists, ip_allowlist_entries, ip_break_glass TO mamori_app;
