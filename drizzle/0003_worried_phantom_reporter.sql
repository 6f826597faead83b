ALTER TABLE "webhooks" ADD COLUMN "template" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "content_type" text DEFAULT 'application/json' NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "content_type" text DEFAULT 'application/json' NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "body_error" text;