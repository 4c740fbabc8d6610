/**
 * Catalogue search benchmark.
 *   npx tsx scripts/bench/catalogue-search.ts [--courses 10000] [--iterations 200]
 *
 * Seeds N published courses (one module, one lesson each) through the course services into a temporary
 * on-disk SQLite database, then times realistic catalogue queries (what GET /api/courses does minus HTTP:
 * search + count + card hydration) and, beside each, a ceiling measured in the same run: the bare FTS5 MATCH
 * (or the bare indexed SELECT when there is no query text) with better-sqlite3 for the same page. The ratio
 * says how much the filters, count and cards cost on top of what SQLite cannot avoid. Bounded: seeding stops at
 * N courses or the seed budget, each query at its iteration count or its time budget.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { openDb, type Db } from '../../db/client.ts';
import { institutions, users } from '../../db/schema/index.ts';
import type { UserRow } from '../../server/auth/session.ts';
import { createCourseService } from '../../server/courses/service.ts';
import { createLessonService } from '../../server/courses/lessons.ts';
import { buildMatchQuery, searchCatalogue } from '../../server/courses/search.ts';
import { cardsByIds } from '../../server/courses/views.ts';
import type { CatalogueParams } from '../../server/courses/schema.ts';
import { percentile, prng } from './lib.ts';

export interface BenchOptions {
  courses?: number;
  iterations?: number;
  /** Wall-clock cap on seeding, ms. */
  seedBudgetMs?: number;
  /** Wall-clock cap per query (ours and ceiling together), ms. */
  queryBudgetMs?: number;
  /** Return the numbers without printing the table. */
  quiet?: boolean;
}

export interface QueryResult {
  name: string;
  total: number;
  runs: number;
  p50: number;
  p99: number;
  ceilingP50: number;
  ceilingP99: number;
  /** p50 / ceiling p50 */
  ratio: number;
}

export interface BenchResult {
  courses: number;
  seedMs: number;
  seedPerCourseMs: number;
  queries: QueryResult[];
}


const SUBJECTS = [
  ['programmeren', '0613'], ['data-analyse', '0542'], ['statistiek', '0542'], ['sociologie', '0314'], ['economie', '0311'],
  ['filosofie', '0223'], ['duurzame steden', '0731'], ['onderwijskunde', '0111'], ['verpleegkunde', '0913'], ['recht', '0421'],
  ['marketing', '0414'], ['chemie', '0531'], ['biologie', '0511'], ['geschiedenis', '0222'], ['webontwerp', '0613'],
  ['software engineering', '0613'], ['machine learning', '0613'], ['urban planning', '0731'], ['public health', '0988'], ['café-cultuur', '1013'],
] as const;
const WORDS = (
  'leren onderzoek praktijk theorie methode analyse ontwerp model systeem gegevens kennis vaardigheden project samenwerking ' +
  'learning research practice theory method design model system data knowledge skills project collaboration evaluation ' +
  'école coöperatie ideeën één België Europa innovatie communicatie beleid ethiek maatschappij technologie duurzaamheid'
).split(' ');
const PREFIXES = ['Inleiding tot', 'Introduction to', 'Gevorderde', 'Advanced', 'Praktische', 'Basics of', 'Verdieping in', 'Topics in'];
const LANGS = [['nl'], ['en'], ['nl', 'en'], ['nl-BE'], ['fr'], ['de', 'en']];
const FIRST = ['An', 'Bram', 'Chloë', 'Dries', 'Eline', 'Frédéric', 'Griet', 'Hamza', 'Ines', 'Jonas', 'Kato', 'Lotte', 'Mehdi', 'Noor', 'Olivier'];
const LAST = ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet', 'Dubois', 'Lambert'];

const pick = <T>(rnd: () => number, xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
const SYL = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'te', 'vo', 'bri', 'dan', 'gel', 'hor', 'jin', 'pel', 'quo', 'zet'];
/** A made-up word: filler that reads like text but matches nothing a user would type. */
const syllables = (rnd: () => number) => Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => pick(rnd, SYL)).join('');

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Seeds up to `target` published courses through the services (bounded by `budgetMs`). Vocabulary: a few
 * hundred made-up filler words plus real subject words, so a query term matches a realistic share of courses
 * rather than nearly all of them.
 */
export function seedCourses(db: Db, target: number, budgetMs: number): { seeded: number; seedMs: number; instIds: string[] } {
  const rnd = prng(42);
  let now = Date.UTC(2025, 0, 1);
  const clock = () => now;
  const instIds: string[] = [];
  for (let i = 0; i < 12; i++) {
    const id = randomUUID();
    db.insert(institutions).values({ id, shortName: `INST${i}`, nameNl: `Hogeschool ${i}`, nameEn: `College ${i}`, createdAt: now, updatedAt: now }).run();
    instIds.push(id);
  }
  // Lecturers are created directly: the benchmark is about courses; a password hash would only cost time.
  const lecturers: UserRow[] = [];
  for (let i = 0; i < 300; i++) {
    const id = randomUUID();
    db.insert(users)
      .values({ id, email: `lecturer${i}@bench.test`, name: `${pick(rnd, FIRST)} ${pick(rnd, LAST)}`, passwordHash: '!', roles: ['lecturer'], institutionId: pick(rnd, instIds), createdAt: now, updatedAt: now })
      .run();
    lecturers.push(db.select().from(users).where(eq(users.id, id)).get()!);
  }
  const filler = Array.from({ length: 600 }, (_, i) => syllables(prng(1000 + i)));
  const text = (n: number) => Array.from({ length: n }, () => (rnd() < 0.04 ? pick(rnd, WORDS) : pick(rnd, filler))).join(' ');

  const courses = createCourseService({ db, clock });
  const lessons = createLessonService({ db, clock });
  const setCount = db.$client.prepare('UPDATE courses SET enrolment_count = ? WHERE id = ?');
  const started = performance.now();
  let seeded = 0;
  // One outer transaction per batch: on-disk commits would otherwise dominate, not the service.
  const batch = db.$client.transaction((n: number) => {
    for (let k = 0; k < n; k++) {
      const [subject, isced] = pick(rnd, SUBJECTS);
      const lecturer = pick(rnd, lecturers);
      const c = courses.create(lecturer, {
        title: `${pick(rnd, PREFIXES)} ${subject}${seeded % 5 === 0 ? ` ${pick(rnd, WORDS)}` : ''}`,
        summary: `${text(8)} ${subject} ${text(6)}.`,
        description: `## ${subject}\n\n${text(60)}\n\n- ${text(8)}\n- ${text(8)}\n\n${text(60)}`,
        languages: pick(rnd, LANGS),
        institutionId: lecturer.institutionId,
        eqfLevel: 4 + Math.floor(rnd() * 5),
        iscedCode: isced,
        workloadHours: 10 + Math.floor(rnd() * 100),
        estimatedWeeks: 2 + Math.floor(rnd() * 10),
        keywords: [subject, pick(rnd, WORDS), pick(rnd, filler)],
      });
      const m = courses.addModule(lecturer, c.id, 'Module 1');
      lessons.create(lecturer, m.id, { title: 'Les 1', kind: 'text', body: text(40) });
      courses.publish(lecturer, c.id);
      // Popularity without thousands of learner rows: the counter is what the catalogue sorts on.
      setCount.run(Math.floor(rnd() ** 3 * 2000), c.id);
      now += 60_000;
      seeded++;
    }
  });
  while (seeded < target && performance.now() - started < budgetMs) batch(Math.min(250, target - seeded));
  db.$client.pragma('optimize');
  return { seeded, seedMs: performance.now() - started, instIds };
}

export async function run(opts: BenchOptions = {}): Promise<BenchResult> {
  const target = Math.max(1, Math.min(opts.courses ?? 10_000, 100_000));
  const iterations = Math.max(1, Math.min(opts.iterations ?? 200, 10_000));
  const seedBudgetMs = opts.seedBudgetMs ?? 300_000;
  const queryBudgetMs = opts.queryBudgetMs ?? 10_000;

  const dir = mkdtempSync(path.join(tmpdir(), 'leerpad-bench-'));
  const db = openDb(path.join(dir, 'bench.db'));
  try {
    const { seeded, seedMs, instIds } = seedCourses(db, target, seedBudgetMs);
    const inst = instIds[3];
    const W = "status = 'published' AND listed = 1";
    const langSql = "EXISTS (SELECT 1 FROM json_each(languages) l WHERE l.value = ? OR l.value LIKE ? || '-%')";
    // `ceiling`: the least SQLite must do for the same page, as bare SQL via better-sqlite3: with words, the
    // unfiltered FTS5 MATCH ranked by bm25; without, the filtered, ordered page straight from the courses table.
    // Neither counts the total nor builds cards.
    const queries: { name: string; params: Partial<CatalogueParams>; ceiling?: [string, unknown[]] }[] = [
      { name: 'q=data', params: { q: 'data' } },
      { name: 'q=inleiding programmeren', params: { q: 'inleiding programmeren' } },
      { name: 'q=statistiek level=6', params: { q: 'statistiek', level: 6 } },
      { name: 'q=cafe language=nl (diacritics)', params: { q: 'cafe', language: 'nl' } },
      { name: 'q=ontw (typing, prefix)', params: { q: 'ontw' } },
      { name: 'q=duurzame steden inst page=2', params: { q: 'duurzame steden', institution: inst, page: 2 } },
      { name: 'q=learning sort=popular', params: { q: 'learning', sort: 'popular' } },
      {
        name: 'subject=06 sort=popular',
        params: { subject: '06', sort: 'popular' },
        ceiling: [`SELECT id FROM courses WHERE ${W} AND isced_code LIKE '06%' ORDER BY enrolment_count DESC LIMIT 20`, []],
      },
      {
        name: 'inst language=en newest',
        params: { institution: inst, language: 'en' },
        ceiling: [`SELECT id FROM courses WHERE ${W} AND institution_id = ? AND ${langSql} ORDER BY published_at DESC LIMIT 20`, [inst, 'en', 'en']],
      },
      { name: 'browse page=1', params: {}, ceiling: [`SELECT id FROM courses WHERE ${W} ORDER BY published_at DESC LIMIT 20`, []] },
    ];

    const results: QueryResult[] = [];
    for (const { name, params, ceiling: bare } of queries) {
      const full: CatalogueParams = { page: 1, pageSize: 20, ...params };
      const match = buildMatchQuery(full.q);
      const offset = (full.page - 1) * full.pageSize;
      const ceilingStmt = match
        ? db.$client.prepare('SELECT course_id FROM course_search WHERE course_search MATCH ? ORDER BY rank LIMIT ? OFFSET ?')
        : db.$client.prepare(bare![0]);
      const ceiling = () => (match ? ceilingStmt.all(match, full.pageSize, offset) : ceilingStmt.all(...bare![1]));
      let total = 0;
      const ours = () => {
        const r = searchCatalogue(db, full);
        total = r.total;
        return cardsByIds(db, r.ids);
      };
      for (let i = 0; i < 5; i++) {
        ours();
        ceiling();
      }
      const a: number[] = [];
      const b: number[] = [];
      const started = performance.now();
      // Interleaved, so both see the same cache and machine state.
      for (let i = 0; i < iterations && performance.now() - started < queryBudgetMs; i++) {
        let t0 = performance.now();
        ours();
        a.push(performance.now() - t0);
        t0 = performance.now();
        ceiling();
        b.push(performance.now() - t0);
      }
      a.sort((x, y) => x - y);
      b.sort((x, y) => x - y);
      const p50 = percentile(a, 50);
      const c50 = percentile(b, 50);
      results.push({ name, total, runs: a.length, p50: round(p50), p99: round(percentile(a, 99)), ceilingP50: round(c50), ceilingP99: round(percentile(b, 99)), ratio: round(p50 / c50) });
    }
    const result = { courses: seeded, seedMs: Math.round(seedMs), seedPerCourseMs: round(seedMs / seeded), queries: results };
    if (!opts.quiet) console.log(format(result));
    return result;
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function format(r: BenchResult): string {
  const lines = [
    `catalogue search: ${r.courses} courses seeded through the services in ${r.seedMs} ms (${r.seedPerCourseMs} ms per course incl. module, lesson, publish)`,
    `${'query'.padEnd(36)} ${'hits'.padStart(6)} ${'runs'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'ceil p50'.padStart(9)} ${'ceil p99'.padStart(9)} ${'ratio'.padStart(6)}`,
  ];
  for (const q of r.queries) {
    lines.push(
      `${q.name.padEnd(36)} ${String(q.total).padStart(6)} ${String(q.runs).padStart(5)} ${q.p50.toFixed(3).padStart(8)} ${q.p99.toFixed(3).padStart(8)} ${q.ceilingP50.toFixed(3).padStart(9)} ${q.ceilingP99.toFixed(3).padStart(9)} ${q.ratio.toFixed(1).padStart(6)}`,
    );
  }
  lines.push('ceiling = bare SQL via better-sqlite3, no count, no cards: FTS5 MATCH ... ORDER BY rank LIMIT 20 (with words) or the filtered, ordered page (without); ratio = p50 / ceiling p50');
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { courses: { type: 'string' }, iterations: { type: 'string' } } });
  await run({ courses: values.courses ? Number(values.courses) : undefined, iterations: values.iterations ? Number(values.iterations) : undefined });
}
