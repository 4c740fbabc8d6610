import type { Db } from '../../db/client.ts';
import { monthIndexer, monthOf } from './months.ts';

/**
 * A compact, read-only picture of every learner enrolment, built from the tables in slices and kept in memory,
 * from which every statistic is computed without touching the database (see service.ts for when it is rebuilt).
 *
 * One entry per *learner* enrolment: enrolments of the course's own staff (its lecturers, admins of its
 * institution, platform admins) are left out here, once, so no figure can count them. Per enrolment we keep the
 * cohort month, status, whether the learner ever opened a lesson ("show"), the completion and first-credential
 * months, and a bitset of the months in which the learner did anything in the course.
 */
export interface StatsCourse {
  id: string;
  slug: string;
  title: string;
  /** Index into Snapshot.institutions, or -1. */
  institution: number;
  status: string;
  /** Appears in the open statistics: published or archived, and listed in the catalogue. */
  public: boolean;
}

export interface StatsInstitution {
  id: string;
  shortName: string;
  nameNl: string;
  nameEn: string;
}

/**
 * Bit patterns (sets of months) with how many learners (or enrolments) have each: the distinct counts of any
 * period are sums over the patterns that have a bit in the period, with no pass over the learners.
 */
export interface Patterns {
  words: Uint32Array[];
  counts: number[];
}

/** Cohort counters per course and month (the month the enrolment was made). */
export const COH = ['enrolments', 'currentlyEnrolled', 'unenrolled', 'shows', 'noShows', 'completions', 'certificates', 'newPublic', 'newAll'] as const;
export const K_COH = COH.length;
/** Event counters per course and month (the month it happened). */
export const EV = ['completions', 'unenrolments', 'certificates', 'activeLearners'] as const;
export const K_EV = EV.length;

export interface CourseAgg {
  /** [month * K_COH + counter] */
  coh: Int32Array;
  /** [month * K_EV + counter] */
  ev: Int32Array;
  /** Activity months of each enrolment. */
  act: Patterns;
  /** Breakdown cells: key (month * 2 + dim) * bdBase + value (bdBase - 1: not declared); [enrolments, shows, completions]. */
  bd: Map<number, Int32Array>;
}

/** Distinct learners of a group (an institution, the platform) for one audience. */
export interface GroupAgg {
  /** Months in which the learner made an enrolment (in the group's courses). */
  cohort: Patterns;
  /** Months in which the learner was active (in the group's courses). */
  act: Patterns;
}

export interface Scoped {
  platform: GroupAgg;
  /** By institution index; groups without courses of this audience are empty. */
  institutions: GroupAgg[];
  /** Cohort months of the learners who declared each country / home institution (platform-wide). */
  country: Patterns[];
  home: Patterns[];
}

export interface Snapshot {
  builtAt: number;
  /** Months covered, inclusive: the first cohort month (or now) .. the month of builtAt. */
  firstMonth: number;
  lastMonth: number;
  /** 32-bit words per month pattern. */
  words: number;
  courses: StatsCourse[];
  institutions: StatsInstitution[];
  /** Declared countries and home institutions (as first spelled). */
  countries: string[];
  homes: string[];
  /** Learner enrolments counted. */
  n: number;
  /** Radix of the breakdown keys: more than any country or home institution index. */
  bdBase: number;
  perCourse: CourseAgg[];
  /** The open statistics (catalogue courses only) and the staff dashboards (every course). */
  open: Scoped;
  all: Scoped;
  /** Wall time spent building, and the longest single slice (how long the event loop was held at once). */
  buildMs: number;
  longestSliceMs: number;
}

export interface BuildOptions {
  /** Rows per slice; between slices the event loop runs. */
  chunk?: number;
  /** Yield to the event loop between slices (off for a one-shot build in a script). */
  yieldBetween?: boolean;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Staff of the course (as server/courses/access.ts defines it) do not count as learners. */
const LEARNER_ENROLMENTS = `
  SELECT e.rowid, c.rowid, u.rowid, e.status = 'active', e.enrolled_at, e.unenrolled_at, e.completed_at
    FROM enrolments e
    JOIN courses c ON c.id = e.course_id
    JOIN users u ON u.id = e.user_id
   WHERE e.rowid > ?
     AND u.roles NOT LIKE '%"admin"%'
     AND NOT (c.institution_id IS NOT NULL AND u.institution_id IS c.institution_id AND u.roles LIKE '%"institution-admin"%')
     AND NOT EXISTS (SELECT 1 FROM course_lecturers cl WHERE cl.course_id = e.course_id AND cl.user_id = e.user_id)
   ORDER BY e.rowid
   LIMIT ?`;

const PROGRESS = `
  SELECT p.rowid, e.rowid, p.first_opened_at, p.updated_at, p.completed_at
    FROM lesson_progress p JOIN enrolments e ON e.course_id = p.course_id AND e.user_id = p.user_id
   WHERE p.rowid > ? ORDER BY p.rowid LIMIT ?`;

const ATTEMPTS = `
  SELECT a.rowid, e.rowid, a.started_at, a.submitted_at
    FROM attempts a JOIN lessons l ON l.id = a.lesson_id JOIN enrolments e ON e.course_id = l.course_id AND e.user_id = a.user_id
   WHERE a.rowid > ? ORDER BY a.rowid LIMIT ?`;

const CREDENTIALS = `
  SELECT e.rowid, min(cr.issued_at)
    FROM credentials cr JOIN enrolments e ON e.course_id = cr.course_id AND e.user_id = cr.user_id
   WHERE cr.revoked_at IS NULL
   GROUP BY e.rowid`;

/** Case- and space-insensitive key of a free-text home institution, so "KU Leuven" and "ku  leuven" count together. */
export const homeKey = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

export async function buildSnapshot(db: Db, now: number, opts: BuildOptions = {}): Promise<Snapshot> {
  const started = performance.now();
  const chunk = opts.chunk ?? 5000;
  const c = db.$client;
  let longest = 0;
  let sliceStart = performance.now();
  const slice = async () => {
    longest = Math.max(longest, performance.now() - sliceStart);
    if (opts.yieldBetween !== false) await nextTick();
    sliceStart = performance.now();
  };

  // ---- courses and institutions --------------------------------------------------------------------------
  const institutions = c.prepare('SELECT id, short_name AS shortName, name_nl AS nameNl, name_en AS nameEn FROM institutions ORDER BY short_name, id').all() as StatsInstitution[];
  const instIndex = new Map(institutions.map((i, k) => [i.id, k]));
  const courseRows = c
    .prepare('SELECT rowid AS rid, id, slug, title, institution_id AS institutionId, status, listed FROM courses ORDER BY published_at, created_at, id')
    .all() as { rid: number; id: string; slug: string; title: string; institutionId: string | null; status: string; listed: number }[];
  const courses: StatsCourse[] = courseRows.map((r) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    institution: r.institutionId ? (instIndex.get(r.institutionId) ?? -1) : -1,
    status: r.status,
    public: (r.status === 'published' || r.status === 'archived') && !!r.listed,
  }));
  const courseByRowid = new Map(courseRows.map((r, k) => [r.rid, k]));

  // ---- learner enrolments, in slices ---------------------------------------------------------------------
  const maxEnrolRowid = (c.prepare('SELECT coalesce(max(rowid), 0) AS m FROM enrolments').get() as { m: number }).m;
  const enrolIndex = new Int32Array(maxEnrolRowid + 1).fill(-1);
  const userIndex = new Map<number, number>();
  const userRowids: number[] = [];
  let cap = 1024;
  let eCourse = new Int32Array(cap);
  let eUser = new Int32Array(cap);
  let eActive = new Uint8Array(cap);
  let eAt = new Float64Array(cap);
  let eUnenrolAt = new Float64Array(cap);
  let eDoneAt = new Float64Array(cap);
  let n = 0;
  const grow = () => {
    cap *= 2;
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    eCourse = g(eCourse);
    eUser = g(eUser);
    eActive = g(eActive);
    eAt = g(eAt);
    eUnenrolAt = g(eUnenrolAt);
    eDoneAt = g(eDoneAt);
  };
  const enrolStmt = c.prepare(LEARNER_ENROLMENTS).raw(true);
  for (let last = 0; ; ) {
    const rows = enrolStmt.all(last, chunk) as [number, number, number, number, number, number | null, number | null][];
    if (!rows.length) break;
    for (const [rid, crid, urid, active, at, unenrolAt, doneAt] of rows) {
      last = rid;
      const course = courseByRowid.get(crid);
      if (course === undefined || rid > maxEnrolRowid) continue; // made while we were reading: next snapshot
      let u = userIndex.get(urid);
      if (u === undefined) {
        u = userRowids.length;
        userIndex.set(urid, u);
        userRowids.push(urid);
      }
      if (n === cap) grow();
      enrolIndex[rid] = n;
      eCourse[n] = course;
      eUser[n] = u;
      eActive[n] = active;
      eAt[n] = at;
      eUnenrolAt[n] = active ? -1 : (unenrolAt ?? at);
      eDoneAt[n] = doneAt ?? -1;
      n++;
    }
    await slice();
  }

  let earliest = now;
  for (let i = 0; i < n; i++) if (eAt[i] < earliest) earliest = eAt[i];
  const firstMonth = monthOf(earliest);
  const lastMonth = Math.max(firstMonth, monthOf(now));
  const month = monthIndexer(firstMonth, lastMonth);
  const words = Math.ceil((lastMonth - firstMonth + 1) / 32);
  const eAct = new Uint32Array(n * words);
  const mark = (i: number, ms: number) => {
    const bit = month(ms) - firstMonth;
    eAct[i * words + (bit >>> 5)] |= 1 << (bit & 31);
  };
  const eMonth = new Int32Array(n);
  const eDoneMonth = new Int32Array(n).fill(-1);
  const eUnenrolMonth = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    eMonth[i] = month(eAt[i]);
    mark(i, eAt[i]);
    if (eDoneAt[i] >= 0) {
      eDoneMonth[i] = month(eDoneAt[i]);
      mark(i, eDoneAt[i]);
    }
    if (eUnenrolAt[i] >= 0) eUnenrolMonth[i] = month(eUnenrolAt[i]);
  }

  // ---- activity: lessons opened, progress, completions, quiz attempts ------------------------------------
  const eShow = new Uint8Array(n);
  const progressStmt = c.prepare(PROGRESS).raw(true);
  for (let last = 0; ; ) {
    const rows = progressStmt.all(last, chunk) as [number, number, number, number, number | null][];
    if (!rows.length) break;
    for (const [prid, erid, opened, updated, done] of rows) {
      last = prid;
      const i = erid <= maxEnrolRowid ? enrolIndex[erid] : -1;
      if (i < 0) continue;
      eShow[i] = 1;
      mark(i, opened);
      mark(i, updated);
      if (done !== null) mark(i, done);
    }
    await slice();
  }
  const attemptStmt = c.prepare(ATTEMPTS).raw(true);
  for (let last = 0; ; ) {
    const rows = attemptStmt.all(last, chunk) as [number, number, number, number | null][];
    if (!rows.length) break;
    for (const [arid, erid, startedAt, submittedAt] of rows) {
      last = arid;
      const i = erid <= maxEnrolRowid ? enrolIndex[erid] : -1;
      if (i < 0) continue;
      mark(i, startedAt);
      if (submittedAt !== null) mark(i, submittedAt);
    }
    await slice();
  }

  const eCertMonth = new Int32Array(n).fill(-1);
  for (const [erid, issuedAt] of c.prepare(CREDENTIALS).raw(true).all() as [number, number][]) {
    const i = erid <= maxEnrolRowid ? enrolIndex[erid] : -1;
    if (i >= 0) eCertMonth[i] = month(issuedAt);
  }
  await slice();

  // ---- learners: first enrolment on the platform; declared country and home institution ------------------
  const users = userRowids.length;
  const firstAll = new Int32Array(users).fill(-1);
  const firstPublic = new Int32Array(users).fill(-1);
  // Enrolments are in rowid order, so on equal timestamps the earlier row wins.
  for (let i = 0; i < n; i++) {
    const u = eUser[i];
    if (firstAll[u] < 0 || eAt[i] < eAt[firstAll[u]]) firstAll[u] = i;
    if (courses[eCourse[i]].public && (firstPublic[u] < 0 || eAt[i] < eAt[firstPublic[u]])) firstPublic[u] = i;
  }
  const eFirstAll = new Uint8Array(n);
  const eFirstPublic = new Uint8Array(n);
  for (let u = 0; u < users; u++) {
    if (firstAll[u] >= 0) eFirstAll[firstAll[u]] = 1;
    if (firstPublic[u] >= 0) eFirstPublic[firstPublic[u]] = 1;
  }

  const uCountry = new Int32Array(users).fill(-1);
  const uHome = new Int32Array(users).fill(-1);
  const countries: string[] = [];
  const homes: string[] = [];
  const countryIdx = new Map<string, number>();
  const homeIdx = new Map<string, number>();
  const dimStmt = c
    .prepare('SELECT rowid, country, home_institution FROM users WHERE rowid > ? AND (country IS NOT NULL OR home_institution IS NOT NULL) ORDER BY rowid LIMIT ?')
    .raw(true);
  for (let last = 0; ; ) {
    const rows = dimStmt.all(last, chunk) as [number, string | null, string | null][];
    if (!rows.length) break;
    for (const [urid, country, home] of rows) {
      last = urid;
      const u = userIndex.get(urid);
      if (u === undefined) continue;
      if (country && /^[A-Z]{2}$/.test(country)) {
        let k = countryIdx.get(country);
        if (k === undefined) countryIdx.set(country, (k = countries.push(country) - 1));
        uCountry[u] = k;
      }
      const hk = home ? homeKey(home) : '';
      if (hk) {
        let k = homeIdx.get(hk);
        if (k === undefined) homeIdx.set(hk, (k = homes.push(home!.trim().replace(/\s+/g, ' ')) - 1));
        uHome[u] = k;
      }
    }
    await slice();
  }

  // ---- aggregates per course and month -----------------------------------------------------------------------
  const M = lastMonth - firstMonth + 1;
  const B = Math.max(countries.length, homes.length) + 1;
  const perCourse: CourseAgg[] = courses.map(() => ({ coh: new Int32Array(M * K_COH), ev: new Int32Array(M * K_EV), act: { words: [], counts: [] }, bd: new Map() }));
  const actMaps = courses.map(() => new PatternMap(words));
  const rel = (m: number) => m - firstMonth;
  for (let i = 0; i < n; i++) {
    const c = perCourse[eCourse[i]];
    const m = rel(eMonth[i]);
    const o = m * K_COH;
    c.coh[o]++;
    c.coh[o + (eActive[i] ? 1 : 2)]++;
    c.coh[o + (eShow[i] ? 3 : 4)]++;
    if (eDoneMonth[i] >= 0) {
      c.coh[o + 5]++;
      c.ev[rel(eDoneMonth[i]) * K_EV]++;
    }
    if (eCertMonth[i] >= 0) {
      c.coh[o + 6]++;
      c.ev[rel(eCertMonth[i]) * K_EV + 2]++;
    }
    if (eFirstPublic[i]) c.coh[o + 7]++;
    if (eFirstAll[i]) c.coh[o + 8]++;
    if (eUnenrolMonth[i] >= 0) c.ev[rel(eUnenrolMonth[i]) * K_EV + 1]++;
    const base = i * words;
    for (let w = 0; w < words; w++) {
      let bits = eAct[base + w];
      while (bits) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        c.ev[((w << 5) + b) * K_EV + 3]++;
      }
    }
    actMaps[eCourse[i]].add(eAct, base, 1);
    const u = eUser[i];
    const dims = [uCountry[u], uHome[u]];
    for (let d = 0; d < 2; d++) {
      const key = (m * 2 + d) * B + (dims[d] >= 0 ? dims[d] : B - 1);
      let cell = c.bd.get(key);
      if (!cell) c.bd.set(key, (cell = new Int32Array(3)));
      cell[0]++;
      if (eShow[i]) cell[1]++;
      if (eDoneMonth[i] >= 0) cell[2]++;
    }
    if ((i & 0x1fff) === 0x1fff) await slice();
  }
  perCourse.forEach((c, k) => (c.act = actMaps[k].done()));
  await slice();

  // ---- distinct learners per institution and platform, for both audiences, in one pass by learner ---------------
  const perUser = new Int32Array(users + 1);
  for (let i = 0; i < n; i++) perUser[eUser[i] + 1]++;
  for (let u = 0; u < users; u++) perUser[u + 1] += perUser[u];
  const byUser = new Int32Array(n);
  for (let i = 0; i < n; i++) byUser[perUser[eUser[i]]++] = i;
  const nInst = institutions.length;
  const scoped = (): { platform: { cohort: PatternMap; act: PatternMap }; institutions: { cohort: PatternMap; act: PatternMap }[]; country: PatternMap[]; home: PatternMap[] } => ({
    platform: { cohort: new PatternMap(words), act: new PatternMap(words) },
    institutions: Array.from({ length: nInst }, () => ({ cohort: new PatternMap(words), act: new PatternMap(words) })),
    country: countries.map(() => new PatternMap(words)),
    home: homes.map(() => new PatternMap(words)),
  });
  const maps = { open: scoped(), all: scoped() };
  // Per learner: the union of cohort months and of activity months, per group, per audience.
  const W = words;
  const union = { open: new Uint32Array((nInst + 1) * W * 2), all: new Uint32Array((nInst + 1) * W * 2) };
  const seen = { open: new Int32Array(nInst + 1).fill(-1), all: new Int32Array(nInst + 1).fill(-1) };
  const touched: Record<'open' | 'all', number[]> = { open: [], all: [] };
  const AUDIENCES = ['open', 'all'] as const;
  const groupsOf = (g: number) => (g >= 0 ? [nInst, g] : [nInst]);
  const groupLists = institutions.map((_, g) => groupsOf(g));
  const platformOnly = groupsOf(-1);
  for (let p = 0, done = 0; p < n; ) {
    const u = eUser[byUser[p]];
    for (; p < n && eUser[byUser[p]] === u; p++) {
      const e = byUser[p];
      const course = courses[eCourse[e]];
      const groups = course.institution >= 0 ? groupLists[course.institution] : platformOnly;
      const cohortBit = rel(eMonth[e]);
      for (let a = course.public ? 0 : 1; a < 2; a++) {
        const audience = AUDIENCES[a];
        const un = union[audience];
        const sn = seen[audience];
        for (const group of groups) {
          const o = group * W * 2;
          if (sn[group] !== u) {
            sn[group] = u;
            touched[audience].push(group);
            un.fill(0, o, o + W * 2);
          }
          un[o + (cohortBit >>> 5)] |= 1 << (cohortBit & 31);
          for (let w = 0; w < W; w++) un[o + W + w] |= eAct[e * W + w];
        }
      }
    }
    for (const audience of AUDIENCES) {
      const un = union[audience];
      const m = maps[audience];
      for (const group of touched[audience]) {
        const o = group * W * 2;
        const target = group === nInst ? m.platform : m.institutions[group];
        target.cohort.add(un, o, 1);
        target.act.add(un, o + W, 1);
        if (group === nInst) {
          if (uCountry[u] >= 0) m.country[uCountry[u]].add(un, o, 1);
          if (uHome[u] >= 0) m.home[uHome[u]].add(un, o, 1);
        }
      }
      touched[audience].length = 0;
    }
    if (++done % 1000 === 0) await slice();
  }
  const finish = (m: ReturnType<typeof scoped>): Scoped => ({
    platform: { cohort: m.platform.cohort.done(), act: m.platform.act.done() },
    institutions: m.institutions.map((g) => ({ cohort: g.cohort.done(), act: g.act.done() })),
    country: m.country.map((x) => x.done()),
    home: m.home.map((x) => x.done()),
  });
  longest = Math.max(longest, performance.now() - sliceStart);

  return {
    builtAt: now,
    firstMonth,
    lastMonth,
    words,
    courses,
    institutions,
    countries,
    homes,
    n,
    bdBase: B,
    perCourse,
    open: finish(maps.open),
    all: finish(maps.all),
    buildMs: performance.now() - started,
    longestSliceMs: longest,
  };
}

/** Counts of distinct month patterns, keyed cheaply (a number while a pattern fits in 52 bits). */
class PatternMap {
  private readonly index = new Map<number | string, number>();
  private readonly words: Uint32Array[] = [];
  private readonly counts: number[] = [];
  constructor(private readonly W: number) {}

  add(src: Uint32Array, offset: number, count: number) {
    const W = this.W;
    let empty = true;
    for (let w = 0; w < W; w++) if (src[offset + w]) empty = false;
    if (empty) return;
    let key: number | string;
    if (W === 1) key = src[offset];
    else if (W === 2 && src[offset + 1] < 0x200000) key = src[offset + 1] * 0x100000000 + src[offset];
    else {
      key = '';
      for (let w = 0; w < W; w++) key += `${src[offset + w]},`;
    }
    const k = this.index.get(key);
    if (k !== undefined) this.counts[k] += count;
    else {
      this.index.set(key, this.words.length);
      this.words.push(src.slice(offset, offset + W));
      this.counts.push(count);
    }
  }

  done(): Patterns {
    return { words: this.words, counts: this.counts };
  }
}

/** How many (learners) have a bit within [lo, hi] (bit = month - firstMonth). */
export function countIn(p: Patterns, lo: number, hi: number): number {
  let sum = 0;
  for (let k = 0; k < p.words.length; k++) if (anyBit(p.words[k], lo, hi)) sum += p.counts[k];
  return sum;
}

/** Per bit in [lo, hi]: how many have it. */
export function countPerBit(p: Patterns, lo: number, hi: number): Int32Array {
  const out = new Int32Array(Math.max(0, hi - lo + 1));
  for (let k = 0; k < p.words.length; k++) {
    const words = p.words[k];
    for (let w = 0; w < words.length; w++) {
      let bits = words[w];
      while (bits) {
        const b = (w << 5) + 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        if (b >= lo && b <= hi) out[b - lo] += p.counts[k];
      }
    }
  }
  return out;
}

function anyBit(words: Uint32Array, lo: number, hi: number): boolean {
  if (hi < lo) return false;
  for (let w = lo >>> 5; w <= hi >>> 5 && w < words.length; w++) {
    let bits = words[w];
    if (!bits) continue;
    const start = w << 5;
    if (start < lo) bits &= ~0 << (lo - start);
    if (start + 31 > hi) {
      const keep = hi - start + 1;
      if (keep < 32) bits &= (1 << keep) - 1;
    }
    if (bits) return true;
  }
  return false;
}
