CREATE TABLE "idempotency_keys" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"request_hash" text NOT NULL,
	"state" text DEFAULT 'in_progress' NOT NULL,
	"response_status" integer,
	"response_body" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "idempotency_keys_scope_key_uq" UNIQUE("scope","key")
);
--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "template" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "content_type" text DEFAULT 'application/json' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "disable_after_failed_deliveries" integer;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "consecutive_failed_deliveries" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "content_type" text DEFAULT 'application/json' NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "body_error" text;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idempotency_keys_scope_created_idx" ON "idempotency_keys" USING btree ("scope","created_at");