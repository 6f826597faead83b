ALTER TABLE "webhooks" ADD COLUMN "disable_after_failed_deliveries" integer;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "consecutive_failed_deliveries" integer DEFAULT 0 NOT NULL;