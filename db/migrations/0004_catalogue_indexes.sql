-- Catalogue indexes: browsing (newest/popular, filters, counts) and the join from full-text hits are served
-- from these covering indexes instead of the wide course rows. Measured by scripts/bench/catalogue-search.ts.
DROP INDEX `courses_status_idx`;--> statement-breakpoint
CREATE INDEX `courses_catalogue_idx` ON `courses` (`status`,`listed`,`published_at`,`enrolment_count`,`eqf_level`,`isced_code`,`institution_id`,`languages`,`id`);--> statement-breakpoint
CREATE INDEX `courses_catalogue_by_id_idx` ON `courses` (`id`,`status`,`listed`,`published_at`,`enrolment_count`,`eqf_level`,`isced_code`,`institution_id`,`languages`);