CREATE TABLE "check_rollups" (
	"endpoint_id" text NOT NULL,
	"period" text NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"checks" integer NOT NULL,
	"failures" integer NOT NULL,
	"maintenance_checks" integer NOT NULL,
	"p50_ms" integer,
	"p95_ms" integer,
	"max_ms" integer,
	CONSTRAINT "check_rollups_endpoint_id_period_bucket_start_pk" PRIMARY KEY("endpoint_id","period","bucket_start")
);
--> statement-breakpoint
CREATE TABLE "rollup_progress" (
	"period" text PRIMARY KEY NOT NULL,
	"done_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoint_pauses" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"paused_at" timestamp with time zone NOT NULL,
	"resumed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "maintenance_windows" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"rrule" text,
	"dtstart" text,
	"duration_sec" integer,
	"timezone" text,
	"scope" text NOT NULL,
	"group_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"endpoint_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "target" jsonb;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "assertions" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "check_results" ADD COLUMN "maintenance" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "check_rollups" ADD CONSTRAINT "check_rollups_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_pauses" ADD CONSTRAINT "endpoint_pauses_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_pauses" ADD CONSTRAINT "endpoint_pauses_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_rollups_period_start_idx" ON "check_rollups" USING btree ("period","bucket_start");--> statement-breakpoint
CREATE INDEX "endpoint_pauses_endpoint_idx" ON "endpoint_pauses" USING btree ("endpoint_id","paused_at");--> statement-breakpoint
CREATE INDEX "maintenance_windows_account_idx" ON "maintenance_windows" USING btree ("account_id","id");