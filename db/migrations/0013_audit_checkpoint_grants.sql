GRANT SELECT, INSERT ON audit_checkpoints TO mamori_app;
