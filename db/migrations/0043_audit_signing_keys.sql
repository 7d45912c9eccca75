CREATE TABLE "audit_signing_keys" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"public_key_pem" text NOT NULL,
	"registered_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
