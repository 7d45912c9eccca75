CREATE TABLE "audit_settings" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"test_clock" boolean DEFAULT false NOT NULL
);
