ALTER TABLE "endpoints" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "endpoints_tags_idx" ON "endpoints" USING gin ("tags");