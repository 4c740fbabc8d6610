CREATE TABLE `lesson_progress` (
	`user_id` text NOT NULL,
	`lesson_id` text NOT NULL,
	`course_id` text NOT NULL,
	`position` real DEFAULT 0 NOT NULL,
	`watched_ranges` text DEFAULT '[]' NOT NULL,
	`watched_seconds` real DEFAULT 0 NOT NULL,
	`first_opened_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer,
	PRIMARY KEY(`user_id`, `lesson_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`lesson_id`) REFERENCES `lessons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `lesson_progress_course_idx` ON `lesson_progress` (`course_id`,`user_id`);--> statement-breakpoint
ALTER TABLE `courses` ADD `video_completion_percent` integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE `courses` ADD `sequential` integer DEFAULT false NOT NULL;