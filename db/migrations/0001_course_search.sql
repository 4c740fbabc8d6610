-- Full-text index of the catalogue. Maintained by server/courses/search.ts in the same transaction as the
-- course writes (not by triggers: the lecturer names live in other tables). Diacritics are folded, so "e"
-- finds "é"; bm25 ranks with title weighted highest.
CREATE VIRTUAL TABLE `course_search` USING fts5(
  `course_id` UNINDEXED,
  `title`,
  `summary`,
  `description`,
  `keywords`,
  `lecturers`,
  tokenize = 'unicode61 remove_diacritics 2'
);
