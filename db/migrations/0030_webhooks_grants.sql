GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO mamori_app;
