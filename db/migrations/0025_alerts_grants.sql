GRANT SELECT, INSERT, UPDATE ON alerts TO mamori_app;
