-- Only the signer files checkpoints, registers its public key and reports a refused chain. The
-- app role kept these doors while it served a signer child on embedded PGlite; that child's
-- calls now run as mamori_signer, so code running as the app can no longer file a checkpoint of
-- its own making or publish a key of its own.
REVOKE EXECUTE ON FUNCTION mamori_store_checkpoint(uuid, bigint, text, timestamptz, text, text, text, text) FROM mamori_app;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION mamori_register_signing_key(text, text) FROM mamori_app;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION mamori_report_chain_refused(uuid, bigint, text) FROM mamori_app;
