CREATE TABLE "status_pages" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"visibility" text DEFAULT 'public' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "status_pages_slug_uq" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "status_page_domains" (
	"domain" text NOT NULL,
	"page_id" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "status_page_domains_pkey" PRIMARY KEY("domain")
);
--> statement-breakpoint
CREATE TABLE "status_page_items" (
	"page_id" text NOT NULL,
	"key" text NOT NULL,
	"position" integer NOT NULL,
	"endpoint_id" text,
	"group_id" text,
	"label" text NOT NULL,
	"show_response_time" boolean DEFAULT false NOT NULL,
	CONSTRAINT "status_page_items_pkey" PRIMARY KEY("page_id","key"),
	CONSTRAINT "status_page_items_one_target" CHECK (("status_page_items"."endpoint_id" is null) <> ("status_page_items"."group_id" is null))
);
--> statement-breakpoint
CREATE TABLE "status_page_announcements" (
	"id" text PRIMARY KEY NOT NULL,
	"page_id" text NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "status_page_announcement_updates" (
	"id" text PRIMARY KEY NOT NULL,
	"announcement_id" text NOT NULL,
	"status" text NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "status_pages" ADD CONSTRAINT "status_pages_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_page_domains" ADD CONSTRAINT "status_page_domains_page_id_status_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."status_pages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_page_items" ADD CONSTRAINT "status_page_items_page_id_status_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."status_pages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_page_items" ADD CONSTRAINT "status_page_items_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_page_items" ADD CONSTRAINT "status_page_items_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_page_announcements" ADD CONSTRAINT "status_page_announcements_page_id_status_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."status_pages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_page_announcement_updates" ADD CONSTRAINT "status_page_announcement_updates_announcement_fk" FOREIGN KEY ("announcement_id") REFERENCES "public"."status_page_announcements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "status_pages_account_idx" ON "status_pages" USING btree ("account_id","id");--> statement-breakpoint
CREATE INDEX "status_page_items_endpoint_idx" ON "status_page_items" USING btree ("endpoint_id");--> statement-breakpoint
CREATE INDEX "status_page_items_group_idx" ON "status_page_items" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "status_page_announcements_page_idx" ON "status_page_announcements" USING btree ("page_id","id");--> statement-breakpoint
CREATE INDEX "status_page_announcement_updates_announcement_idx" ON "status_page_announcement_updates" USING btree ("announcement_id","id");--> statement-breakpoint
CREATE INDEX "endpoints_tags_idx" ON "endpoints" USING gin ("tags");