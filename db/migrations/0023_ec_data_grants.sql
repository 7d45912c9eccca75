GRANT SELECT, INSERT, UPDATE ON members, orders, payment_settings TO mamori_app;
