GRANT SELECT, INSERT, UPDATE ON api_tokens TO mamori_app;
