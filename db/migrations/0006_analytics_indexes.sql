-- Course analytics indexes: a course's learners (enrolments), their progress rows and quiz attempts are read
-- from covering indexes in course/lesson order instead of one random table read per row, and the few users with a
-- role (staff, left out of statistics) from a partial index. Measured by scripts/bench/open-stats.ts.
DROP INDEX `attempts_lesson_user_idx`;--> statement-breakpoint
CREATE INDEX `attempts_lesson_user_idx` ON `attempts` (`lesson_id`,`user_id`,`submitted_at`,`id`,`started_at`);--> statement-breakpoint
DROP INDEX `lesson_progress_course_idx`;--> statement-breakpoint
CREATE INDEX `lesson_progress_course_idx` ON `lesson_progress` (`course_id`,`user_id`,`lesson_id`,`first_opened_at`,`updated_at`,`completed_at`,`watched_seconds`,`watched_ranges`);--> statement-breakpoint
CREATE INDEX `users_with_roles_idx` ON `users` (`id`,`roles`,`institution_id`) WHERE roles <> '[]';--> statement-breakpoint
CREATE INDEX `enrolments_course_learners_idx` ON `enrolments` (`course_id`,`user_id`,`enrolled_at`,`status`,`completed_at`);