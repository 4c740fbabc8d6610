CREATE TABLE `course_awards` (
	`course_id` text PRIMARY KEY NOT NULL,
	`participation_enabled` integer DEFAULT false NOT NULL,
	`participation_percent` integer DEFAULT 50 NOT NULL,
	`achievement_enabled` integer DEFAULT false NOT NULL,
	`achievement_percent` integer DEFAULT 50 NOT NULL,
	`micro_credential` integer DEFAULT false NOT NULL,
	`vks_level` integer,
	`assessment_type` text DEFAULT '' NOT NULL,
	`quality_assurance` text DEFAULT '' NOT NULL,
	`stackability` text DEFAULT '' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`course_id` text,
	`kind` text NOT NULL,
	`micro_credential` integer DEFAULT false NOT NULL,
	`issued_at` integer NOT NULL,
	`snapshot` text NOT NULL,
	`public` integer DEFAULT false NOT NULL,
	`status_list` integer NOT NULL,
	`status_index` integer NOT NULL,
	`revoked_at` integer,
	`revoked_reason` text,
	`revoked_by` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`revoked_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credentials_user_course_kind_uq` ON `credentials` (`user_id`,`course_id`,`kind`);--> statement-breakpoint
CREATE UNIQUE INDEX `credentials_status_uq` ON `credentials` (`status_list`,`status_index`);--> statement-breakpoint
CREATE INDEX `credentials_course_idx` ON `credentials` (`course_id`);--> statement-breakpoint
CREATE TABLE `signing_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`public_jwk` text NOT NULL,
	`private_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`retired_at` integer
);
