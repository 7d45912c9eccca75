GRANT SELECT, INSERT, UPDATE, DELETE ON totp_credentials, recovery_codes, login_challenges TO mamori_app;
