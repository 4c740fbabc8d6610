import { beforeAll, describe, expect, it } from 'vitest';
import { as, registerUser, type TestApp } from '../helpers/app.ts';
import { buildCourseTestApp, courseWorld, enrol, makeCourse, type World } from '../helpers/courses.ts';
import { buildMatchQuery } from '../../server/courses/search.ts';

/** One shared catalogue: the tests below only read it (except the last describe, which uses its own app). */
let t: TestApp;
let w: World;
const ids: Record<string, string> = {};

const search = async (query: string) => {
  const res = await as(t, null).get(`/api/courses${query ? `?${query}` : ''}`);
  if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`);
  return res.json() as { items: { id: string; title: string; [k: string]: unknown }[]; total: number; page: number; pageSize: number };
};
const titles = async (query: string) => (await search(query)).items.map((i) => i.title);
const q = (text: string) => `q=${encodeURIComponent(text)}`;

beforeAll(async () => {
  t = await buildCourseTestApp();
  w = await courseWorld(t);
  const day = 86_400_000;
  const add = async (key: string, spec: Record<string, unknown>, owner = w.owner) => {
    ids[key] = (await makeCourse(t, owner, { publish: true, ...spec })).id;
    t.clock.advance(day / 24); // distinct publication times for "newest"
  };
  await add('python', { title: 'Programmeren in Python', summary: 'Leer programmeren met Python.', keywords: ['programmeren', 'software'], languages: ['nl-BE'], eqfLevel: 5, iscedCode: '0613' });
  await add('statistics', { title: 'Statistics with R', summary: 'Data analysis for beginners.', description: 'We also touch on Python for data wrangling.', languages: ['en'], eqfLevel: 6, iscedCode: '0542' });
  await add('cafe', { title: 'Het Belgische café', summary: 'Een sociologie van het café en de école.', keywords: ['sociologie'], languages: ['nl', 'fr'], eqfLevel: 6, iscedCode: '0314' });
  await add('ideas', { title: 'Coöperatieve ideeën', summary: 'Samenwerken in coöperaties.', languages: ['nl'], eqfLevel: 7, iscedCode: '0413', partnerIds: [w.otherInst.id] });
  await add('web', { title: 'E-learning ontwerpen', summary: 'Online leren (met "quotes") en NEAR-velden.', keywords: ['onderwijs'], languages: ['nl'], eqfLevel: 5, iscedCode: '0111' });
  await add('kul', { title: 'Python voor data', summary: 'Python bij KU Leuven.', languages: ['nl'], eqfLevel: 4, iscedCode: '0613' }, w.otherLecturer);
  await add('unlisted', { title: 'Verborgen Python', summary: 'Alleen via de link.', listed: false, languages: ['nl'] });
  ids.draft = (await makeCourse(t, w.owner, { title: 'Python concept', summary: 'Nog niet af.' })).id;
  const archived = await makeCourse(t, w.owner, { title: 'Oude Python', summary: 'Gearchiveerd.', publish: true });
  await as(t, w.owner).post(`/api/courses/${archived.id}/archive`);
  // "popular": 10 learners in statistics, 2 in cafe.
  for (let i = 0; i < 10; i++) {
    const u = await registerUser(t);
    await enrol(t, u, ids.statistics);
    if (i < 2) await enrol(t, u, ids.cafe);
  }
}, 60_000);

describe('GET /api/courses (catalogue)', () => {
  it('lists only published, listed courses, newest first, with card fields', async () => {
    const res = await search('');
    expect(res.total).toBe(6);
    expect(res.items.map((i) => i.title)).toEqual(['Python voor data', 'E-learning ontwerpen', 'Coöperatieve ideeën', 'Het Belgische café', 'Statistics with R', 'Programmeren in Python']);
    const stats = res.items.find((i) => i.id === ids.statistics)!;
    expect(stats).toEqual({
      id: ids.statistics,
      slug: 'statistics-with-r',
      title: 'Statistics with R',
      summary: 'Data analysis for beginners.',
      languages: ['en'],
      institution: { id: w.inst.id, shortName: 'HOGENT', nameNl: 'Hogeschool Gent', nameEn: 'University College Ghent' },
      lecturers: [{ id: w.owner.id, name: 'Olga Owner' }],
      workloadHours: null,
      estimatedWeeks: null,
      eqfLevel: 6,
      iscedCode: '0542',
      coverUrl: null,
      enrolmentCount: 10,
      publishedAt: expect.any(String),
    });
    expect(res.items.find((i) => i.id === ids.cafe)!.enrolmentCount).toBeNull(); // 2 < 10
  });

  it('ranks a title match above a description match', async () => {
    const found = await titles(q('python'));
    expect(found).not.toContain('Verborgen Python');
    expect(found).not.toContain('Python concept');
    expect(found).not.toContain('Oude Python');
    expect(found.slice(0, 2).sort()).toEqual(['Programmeren in Python', 'Python voor data']);
    expect(found.at(-1)).toBe('Statistics with R'); // only in the description
  });

  it('matches every term, the last one as a prefix', async () => {
    expect(await titles(q('python data'))).toEqual(['Python voor data', 'Statistics with R']);
    expect(await titles(q('progr'))).toEqual(['Programmeren in Python']);
    expect(await titles(q('stat'))).toEqual(['Statistics with R']);
    expect(await titles(q('python zzzz'))).toEqual([]);
  });

  it('folds diacritics both ways: "cafe" finds "café", "ecole" finds "école", "e" finds "é"', async () => {
    expect(await titles(q('cafe'))).toEqual(['Het Belgische café']);
    expect(await titles(q('café'))).toEqual(['Het Belgische café']);
    expect(await titles(q('CAFÉ'))).toEqual(['Het Belgische café']);
    expect(await titles(q('cafe\u0301'))).toEqual(['Het Belgische café']); // decomposed input
    expect(await titles(q('ecole'))).toEqual(['Het Belgische café']);
    expect(await titles(q('é'))).toContain('Het Belgische café');
    expect(await titles(q('e'))).toContain('Het Belgische café');
  });

  it('finds Dutch words with diaereses and compounds', async () => {
    expect(await titles(q('ideeen'))).toEqual(['Coöperatieve ideeën']);
    expect(await titles(q('ideeën'))).toEqual(['Coöperatieve ideeën']);
    expect(await titles(q('cooperatieve'))).toEqual(['Coöperatieve ideeën']);
    expect(await titles(q('coöperaties'))).toEqual(['Coöperatieve ideeën']);
    expect(await titles(q('belgische'))).toEqual(['Het Belgische café']);
    expect(await titles(q('e-learning'))).toEqual(['E-learning ontwerpen']);
    expect(await titles(q('samenwerken coop'))).toEqual(['Coöperatieve ideeën']);
  });

  it('searches keywords and lecturer names, and follows lecturer changes', async () => {
    expect(await titles(q('sociologie'))).toEqual(['Het Belgische café']);
    expect(await titles(q('onderwijs'))).toEqual(['E-learning ontwerpen']);
    expect(await titles(q('Otto'))).toEqual(['Python voor data']);
    await as(t, w.owner).post(`/api/courses/${ids.cafe}/lecturers`, { email: w.otherLecturer.email });
    expect((await titles(q('otto'))).sort()).toEqual(['Het Belgische café', 'Python voor data']);
    await as(t, w.owner).delete(`/api/courses/${ids.cafe}/lecturers/${w.otherLecturer.id}`);
    expect(await titles(q('otto'))).toEqual(['Python voor data']);
    // An edit is searchable at once, and the old words are gone.
    await as(t, w.owner).patch(`/api/courses/${ids.web}`, { keywords: ['didactiek'] });
    expect(await titles(q('didactiek'))).toEqual(['E-learning ontwerpen']);
    expect(await titles(q('onderwijs'))).toEqual([]);
  });

  it.each([
    '"', '""', '"python', 'python"', '*', 'python*', '*python', 'NEAR', 'NEAR(python data)', 'python NEAR data', '(', ')', '(python', 'python)',
    'AND', 'OR', 'NOT', 'python AND', 'OR python', 'NOT python', 'python OR data', '-python', '+python', '^python', 'title:python', 'title : python',
    '{title summary}: python', 'python:', ':', '"a" "b', "'", "python'", '\\', 'x\u0000y', '%', '_', '💥', '😀 python', '  ', '\t\n', 'é*', '"é"*', 'caf%C3%A9',
    '); DROP TABLE courses; --', '1=1', 'a'.repeat(200), Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ').slice(0, 200),
  ])('never answers FTS syntax with a 500: %j', async (text) => {
    const res = await as(t, null).get(`/api/courses?${q(text)}`);
    expect(res.statusCode, res.body).toBe(200);
  });

  it('treats operators as words, and a query of only punctuation as no query', async () => {
    expect(await titles(q('near velden'))).toEqual(['E-learning ontwerpen']);
    expect(await titles(q('"quotes"'))).toEqual(['E-learning ontwerpen']);
    expect((await search(q('** ( ) "'))).total).toBe(6);
    expect(buildMatchQuery('a "b" NEAR(c)')).toBe('"a" """b""" "NEAR(c)"*');
    expect(buildMatchQuery(' - * ')).toBeNull();
  });

  it('filters by institution (own or partner), language (exact or primary tag), EQF level and ISCED prefix', async () => {
    expect(await titles(`institution=${w.otherInst.id}`)).toEqual(['Python voor data', 'Coöperatieve ideeën']);
    expect((await search(`institution=${w.inst.id}`)).total).toBe(5);
    expect(await titles('language=en')).toEqual(['Statistics with R']);
    expect(await titles('language=fr')).toEqual(['Het Belgische café']);
    expect(await titles('language=nl-BE')).toEqual(['Programmeren in Python']);
    expect((await search('language=nl')).total).toBe(5); // nl and nl-BE
    expect(await titles('level=6')).toEqual(['Het Belgische café', 'Statistics with R']);
    expect(await titles('subject=0613')).toEqual(['Python voor data', 'Programmeren in Python']);
    expect(await titles('subject=06')).toEqual(['Python voor data', 'Programmeren in Python']);
    expect(await titles('subject=05')).toEqual(['Statistics with R']);
    expect(await titles('subject=04&level=7')).toEqual(['Coöperatieve ideeën']);
    expect(await titles(`${q('python')}&level=4`)).toEqual(['Python voor data']);
    expect(await titles(`${q('python')}&language=en`)).toEqual(['Statistics with R']);
    expect(await titles('institution=nope')).toEqual([]);
  });

  it('sorts by popularity and by date, also with a query', async () => {
    expect((await titles('sort=popular')).slice(0, 2)).toEqual(['Statistics with R', 'Het Belgische café']);
    expect(await titles(`${q('python')}&sort=newest`)).toEqual(['Python voor data', 'Statistics with R', 'Programmeren in Python']);
    expect((await titles(`${q('python')}&sort=popular`))[0]).toBe('Statistics with R');
  });

  it('pages', async () => {
    const p1 = await search('pageSize=4');
    const p2 = await search('pageSize=4&page=2');
    const p9 = await search('pageSize=4&page=9');
    expect([p1.items.length, p2.items.length, p9.items.length]).toEqual([4, 2, 0]);
    expect(p2).toMatchObject({ total: 6, page: 2, pageSize: 4 });
    expect(new Set([...p1.items, ...p2.items].map((i) => i.id)).size).toBe(6);
  });

  it.each(['page=0', 'pageSize=51', 'pageSize=0', 'level=9', 'level=x', 'subject=6', 'subject=abc', 'sort=random', 'language=not a tag', 'foo=bar', `q=${'x'.repeat(201)}`])(
    'answers 400 problem+json to %s',
    async (query) => {
      const res = await as(t, null).get(`/api/courses?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    },
  );
});

describe('the search index follows the catalogue', () => {
  it('adds a course on publish and drops it on unpublish, archive and unlisting, in step with the course', async () => {
    const t2 = await buildCourseTestApp();
    const w2 = await courseWorld(t2);
    const rows = () => (t2.db.$client.prepare('SELECT count(*) AS n FROM course_search').get() as { n: number }).n;
    const found = async () => (await as(t2, null).get('/api/courses?q=zeldzaamwoord')).json().total;
    const c = await makeCourse(t2, w2.owner, { title: 'Zeldzaamwoord' });
    expect([rows(), await found()]).toEqual([0, 0]);
    await as(t2, w2.owner).post(`/api/courses/${c.id}/publish`);
    expect([rows(), await found()]).toEqual([1, 1]);
    await as(t2, w2.owner).patch(`/api/courses/${c.id}`, { listed: false });
    expect([rows(), await found()]).toEqual([0, 0]);
    await as(t2, w2.owner).patch(`/api/courses/${c.id}`, { listed: true });
    expect([rows(), await found()]).toEqual([1, 1]);
    await as(t2, w2.owner).post(`/api/courses/${c.id}/archive`);
    expect([rows(), await found()]).toEqual([0, 0]);
    await as(t2, w2.owner).post(`/api/courses/${c.id}/publish`);
    await as(t2, w2.owner).post(`/api/courses/${c.id}/unpublish`);
    expect([rows(), await found()]).toEqual([0, 0]);
  });

  it('follows a lecturer renaming themselves', async () => {
    const t2 = await buildCourseTestApp();
    const w2 = await courseWorld(t2);
    await makeCourse(t2, w2.owner, { title: 'Hernoemen', publish: true });
    const byName = async (name: string) => (await as(t2, null).get(`/api/courses?q=${name}`)).json().total;
    expect(await byName('olga')).toBe(1);
    expect((await as(t2, w2.owner).patch('/api/auth/me', { name: 'Wilhelmina Waterman' })).statusCode).toBe(200);
    expect([await byName('olga'), await byName('wilhelmina')]).toEqual([0, 1]);
  });
});
