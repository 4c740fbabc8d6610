import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { Db } from '../../db/client.ts';
import { badRequest } from '../errors.ts';
import type { CatalogueParams } from './schema.ts';

/**
 * The catalogue's full-text index (FTS5 table `course_search`, migration 0001) and the catalogue query.
 *
 * The index holds exactly the catalogue: published, listed courses. So a plain search needs no join to
 * `courses` at all, which is where the time goes otherwise (see scripts/bench/catalogue-search.ts).
 *
 * Invariant: every write that changes what is indexed or whether it is (a course's title, summary, description,
 * keywords, status or `listed`, its lecturers, a lecturer's name) calls `indexCourse` inside the SAME
 * transaction, so the index never disagrees with the tables, even after a crash.
 *
 * The FTS row id is derived from the course id (63 bits of its SHA-256) instead of being looked up: the
 * `course_id` column is UNINDEXED, so finding a row by it would scan the whole index on every edit, and the
 * courses table's own rowid is not stable across VACUUM (it has a text primary key). 63 random bits make a
 * collision between two courses practically impossible (~1e-11 at a million courses); `course_id` is still
 * stored and is what the catalogue joins on.
 */
export function searchRowId(courseId: string): bigint {
  return createHash('sha256').update(courseId).digest().readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn;
}

const statements = new WeakMap<Database, Map<string, Statement>>();
/** Prepared once per connection: the catalogue runs the same few shapes of SQL over and over. */
export function prepare(db: Db, sql: string): Statement {
  let cache = statements.get(db.$client);
  if (!cache) statements.set(db.$client, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.$client.prepare(sql)));
  return stmt;
}

const text = (s: string) => s.normalize('NFC');

/** (Re)writes or removes one course's index row. Call inside the transaction that changed the course. */
export function indexCourse(db: Db, courseId: string): void {
  const rowid = searchRowId(courseId);
  prepare(db, 'DELETE FROM course_search WHERE rowid = ?').run(rowid);
  const course = prepare(db, "SELECT title, summary, description, keywords FROM courses WHERE id = ? AND status = 'published' AND listed = 1").get(courseId) as
    | { title: string; summary: string; description: string; keywords: string }
    | undefined;
  if (!course) return;
  const names = (
    prepare(db, 'SELECT u.name AS name FROM course_lecturers cl JOIN users u ON u.id = cl.user_id WHERE cl.course_id = ? ORDER BY cl.position, u.name').all(
      courseId,
    ) as { name: string }[]
  ).map((r) => r.name);
  const keywords = (JSON.parse(course.keywords) as string[]).join(' ; ');
  prepare(db, 'INSERT INTO course_search (rowid, course_id, title, summary, description, keywords, lecturers) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    rowid,
    courseId,
    text(course.title),
    text(course.summary),
    text(course.description),
    text(keywords),
    text(names.join(' ; ')),
  );
}

/** Whoever renames a user calls this in the same transaction (auth's updateProfile does): names are indexed. */
export function reindexCoursesOfUser(db: Db, userId: string): void {
  const ids = prepare(db, 'SELECT course_id AS id FROM course_lecturers WHERE user_id = ?').all(userId) as { id: string }[];
  for (const { id } of ids) indexCourse(db, id);
}

const MAX_TERMS = 12;

/**
 * An FTS5 MATCH expression from what a user typed, or null when nothing searchable is left. Every
 * whitespace-separated chunk becomes a quoted string (inner quotes doubled), so FTS5 operators and syntax
 * typed by the user (AND, OR, NOT, NEAR, *, ^, :, parentheses, quotes) are only ever literal text; the tokenizer
 * then splits a chunk like "e-learning" into a phrase. Chunks are ANDed; the last one is a prefix, so the catalogue
 * finds "progr" while it is typed. Chunks without a letter or digit would be empty phrases: dropped.
 */
export function buildMatchQuery(q: string | undefined): string | null {
  if (!q) return null;
  const terms = text(q)
    .replace(/\p{Cc}/gu, ' ') // FTS5 refuses a NUL inside a string: control characters just separate words
    .split(/\s+/u)
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .slice(0, MAX_TERMS);
  if (!terms.length) return null;
  return terms.map((t, i) => `"${t.replace(/"/g, '""')}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

/** bm25 column weights, in table order: course_id (unindexed), title, summary, description, keywords, lecturers. */
const BM25 = 'bm25(course_search, 0.0, 10.0, 4.0, 1.0, 5.0, 3.0)';

/**
 * The ids of one catalogue page (published and listed courses only) and the total. Filters: institution (the
 * course's own or a partner), language (exact tag or its primary language: "nl" finds "nl-BE"), EQF level,
 * ISCED-F subject prefix. Sorting: relevance (bm25; without a query it falls back to newest), newest, popular.
 */
export function searchCatalogue(db: Db, params: CatalogueParams): { ids: string[]; total: number } {
  const match = buildMatchQuery(params.q);
  const sort = params.sort ?? (match ? 'relevance' : 'newest');
  const offset = (params.page - 1) * params.pageSize;
  const filtered = !!(params.institution || params.language || params.level || params.subject);
  try {
    if (match && sort === 'relevance' && !filtered) return plainSearch(db, match, params.pageSize, offset);
    return joinedSearch(db, match, sort, params, offset);
  } catch (err) {
    // buildMatchQuery leaves no FTS syntax to the user, so this is a belt to those braces: whatever slips
    // through is the client's query, answered with a 400, never a 500.
    if ((err as { code?: string }).code === 'SQLITE_ERROR' && match) throw badRequest('This search query cannot be understood; try plain words.');
    throw err;
  }
}

/**
 * Words only, ranked: everything comes from the FTS index. Only row ids go through the sort; `course_id`
 * (stored in the index's content table, one lookup per row) is read for the rows of this page alone.
 */
function plainSearch(db: Db, match: string, limit: number, offset: number): { ids: string[]; total: number } {
  const total = (prepare(db, 'SELECT count(*) AS n FROM course_search WHERE course_search MATCH ?').get(match) as { n: number }).n;
  if (offset >= total) return { ids: [], total };
  // Row ids are 63-bit: read them as BigInt, or they lose their low bits.
  const rowids = (
    prepare(db, `SELECT rowid AS r FROM course_search WHERE course_search MATCH ? ORDER BY ${BM25}, rowid LIMIT ? OFFSET ?`)
      .safeIntegers(true)
      .all(match, limit, offset) as { r: bigint }[]
  ).map((x) => x.r);
  const byRowid = prepare(db, 'SELECT course_id AS id FROM course_search WHERE rowid = ?');
  const ids = rowids.map((r) => (byRowid.get(r) as { id: string } | undefined)?.id).filter((id): id is string => !!id);
  return { ids, total };
}

/** Filters and date or popularity order need the course columns (from covering indexes): join, filter, count, sort. */
function joinedSearch(db: Db, match: string | null, sort: string, params: CatalogueParams, offset: number): { ids: string[]; total: number } {
  // status/listed are implied for rows found through the index, but checked anyway: cheap, and it keeps a
  // drifted index from ever showing a draft.
  const where = ["c.status = 'published'", 'c.listed = 1'];
  const args: unknown[] = [];
  if (match) {
    where.unshift('course_search MATCH ?');
    args.push(match);
  }
  if (params.institution) {
    where.push('(c.institution_id = ? OR EXISTS (SELECT 1 FROM course_partners p WHERE p.course_id = c.id AND p.institution_id = ?))');
    args.push(params.institution, params.institution);
  }
  if (params.language) {
    where.push("EXISTS (SELECT 1 FROM json_each(c.languages) l WHERE l.value = ? COLLATE NOCASE OR l.value LIKE ? || '-%')");
    args.push(params.language, params.language);
  }
  if (params.level) {
    where.push('c.eqf_level = ?');
    args.push(params.level);
  }
  if (params.subject) {
    // The pattern is digits only (schema), so it carries no LIKE wildcards.
    where.push("c.isced_code LIKE ? || '%'");
    args.push(params.subject);
  }
  const whereSql = where.join(' AND ');

  if (match) {
    // One pass over the hits, sorted here: every hit costs an index lookup through the join, and a count
    // followed by an ORDER BY ... LIMIT would pay for all of them twice. The rows are small (id and sort keys).
    const rows = prepare(
      db,
      `SELECT c.id, ${BM25}, c.published_at, c.enrolment_count FROM course_search JOIN courses c ON c.id = course_search.course_id WHERE ${whereSql}`,
    )
      .raw(true)
      .all(...args) as [string, number, number, number][];
    const byDate = (a: [string, number, number, number], b: [string, number, number, number]) => b[2] - a[2] || (a[0] < b[0] ? -1 : 1);
    rows.sort(sort === 'popular' ? (a, b) => b[3] - a[3] || byDate(a, b) : sort === 'relevance' ? (a, b) => a[1] - b[1] || byDate(a, b) : byDate);
    return { ids: rows.slice(offset, offset + params.pageSize).map((r) => r[0]), total: rows.length };
  }

  // Without words everything is answered from courses_catalogue_idx: counting and a top-N sort are cheap.
  const order = sort === 'popular' ? 'c.enrolment_count DESC, c.published_at DESC, c.id' : 'c.published_at DESC, c.id';
  const total = (prepare(db, `SELECT count(*) AS n FROM courses c WHERE ${whereSql}`).get(...args) as { n: number }).n;
  if (offset >= total) return { ids: [], total };
  const rows = prepare(db, `SELECT c.id AS id FROM courses c WHERE ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...args, params.pageSize, offset) as { id: string }[];
  return { ids: rows.map((r) => r.id), total };
}
