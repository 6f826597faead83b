CREATE TABLE "check_results" (
	"endpoint_id" text NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"response_code" integer,
	"response_time_ms" integer,
	"error_class" text,
	CONSTRAINT "check_results_endpoint_id_checked_at_pk" PRIMARY KEY("endpoint_id","checked_at")
);
--> statement-breakpoint
CREATE TABLE "endpoint_status" (
	"endpoint_id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"status" text NOT NULL,
	"failure_count" integer NOT NULL,
	"first_failure" timestamp with time zone,
	"last_success" timestamp with time zone,
	"last_check_at" timestamp with time zone,
	"last_response_code" integer,
	"last_response_time_ms" integer,
	"last_error_class" text,
	"next_check_at" timestamp with time zone,
	"lease_id" text,
	"resume" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "check_leases" (
	"endpoint_id" text PRIMARY KEY NOT NULL,
	"lease_id" text NOT NULL,
	"boot_id" text NOT NULL,
	"task_token" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "check_workers" (
	"boot_id" text PRIMARY KEY NOT NULL,
	"worker_name" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_status" ADD CONSTRAINT "endpoint_status_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_status" ADD CONSTRAINT "endpoint_status_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_results_checked_at_idx" ON "check_results" USING btree ("checked_at");--> statement-breakpoint
CREATE INDEX "check_leases_boot_idx" ON "check_leases" USING btree ("boot_id");