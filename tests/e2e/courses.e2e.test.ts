import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  closeSuite,
  describeE2e,
  expectAccessible,
  newPage,
  newPageAs,
  registerViaApi,
  screenshot,
  startSuite,
  uniqueEmail,
  type Actor,
  type E2eServer,
} from './helpers.ts';

const h1 = (page: Page) => page.locator('h1').first().innerText();
const focusedLabel = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');
const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

type Syllabus = { title: string; lessons: { id: string; title: string }[] }[];

async function api<T>(server: E2eServer, actor: Actor, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { cookie: actor.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const outline = (s: Syllabus) => s.map((m) => `${m.title}: ${m.lessons.map((l) => l.title).join(', ')}`);

describeE2e('courses: studio, catalogue, landing page and lessons in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let lecturer: Actor;
  let learner: Actor;
  let courseId = '';
  let slug = '';

  beforeAll(async () => {
    ({ server, browser } = await startSuite());
    lecturer = await registerViaApi(server, { name: 'Lies Lector', roles: ['lecturer'] });
    learner = await registerViaApi(server, { name: 'Leo Leerling', email: uniqueEmail('leo') });
  });
  afterAll(() => closeSuite(browser, server));

  it('a lecturer creates a course, builds and reorders its structure, edits a lesson and publishes', async () => {
    const colleague = await registerViaApi(server, { name: 'Cor Collega', email: uniqueEmail('cor'), roles: ['lecturer'] });
    const { page, problems, context } = await newPageAs(browser, server, lecturer);

    await page.goto('/studio');
    await page.getByText('Je hebt nog geen cursussen.').waitFor();
    await expectAccessible(page, 'studio, no courses');
    await page.getByLabel('Titel').fill('Sterrenkunde voor beginners');
    await page.getByRole('button', { name: 'Cursus aanmaken' }).click();
    await page.waitForURL(/\/studio\/courses\/[0-9a-f-]{36}$/);
    expect(await h1(page)).toBe('Sterrenkunde voor beginners');
    courseId = page.url().split('/').pop()!;

    // Publishing too early: the 422 lists what is missing, in our words.
    await page.getByRole('button', { name: 'Publiceren' }).click();
    await page.getByText('De cursus is nog niet klaar om te publiceren. Dit ontbreekt nog:').waitFor();
    for (const missing of ['een korte samenvatting voor de catalogus', 'minstens één taal', 'minstens één les']) {
      await page.getByRole('listitem').filter({ hasText: missing }).waitFor();
    }

    // Details, with a server-rendered preview of the markdown description.
    await page.getByLabel('Samenvatting').fill('Van de zon tot verre sterrenstelsels: een eerste kennismaking met het heelal.');
    await page.getByLabel('Beschrijving').fill('## Waarom sterren?\n\nDe **zon** is ook maar een ster.\n\n<script>alert(1)</script>');
    await page.getByRole('button', { name: 'Voorbeeld tonen' }).click();
    await page.locator('.preview .prose strong', { hasText: 'zon' }).waitFor();
    expect(await page.locator('.preview .prose script').count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Nederlands' }).check();
    await page.getByLabel('Studietijd (uren)').fill('12');
    await page.getByLabel('Duur (weken)').fill('4');
    await page.getByLabel('EQF-niveau').selectOption('6');
    await page.getByLabel('Vakgebied (ISCED-F-code)').fill('0533');
    await page.getByLabel('Leerdoelen').fill('Je herkent de planeten.\nJe legt uit hoe een ster werkt.');
    await page.getByLabel('Trefwoorden').fill('heelal, planeten');
    await page.getByRole('button', { name: 'Gegevens opslaan' }).click();
    await page.getByText('De gegevens zijn opgeslagen.').waitFor();

    // Structure, deliberately in the wrong order first.
    const addModule = async (title: string) => {
      await page.getByLabel('Titel van de module').fill(title);
      await page.getByRole('button', { name: 'Module toevoegen' }).click();
      await page.getByRole('heading', { name: new RegExp(`Module \\d: ${title}`) }).waitFor();
    };
    const addLesson = async (module: string, title: string) => {
      const form = page.getByRole('form', { name: `Les toevoegen aan module “${module}”` });
      await form.getByLabel('Titel van de nieuwe les').fill(title);
      await form.getByRole('button', { name: 'Les toevoegen' }).click();
      await page.locator('.structure__lesson a', { hasText: title }).waitFor();
    };
    await addModule('Verder dan de zon');
    await addModule('Ons zonnestelsel');
    await addLesson('Verder dan de zon', 'Sterren');
    await addLesson('Verder dan de zon', 'De planeten');
    await addLesson('Ons zonnestelsel', 'De zon');
    await expectAccessible(page, 'studio course editor');

    const announced = (text: string) => page.locator('[aria-live="assertive"]', { hasText: text }).waitFor();
    // Keyboard: the second module goes up; focus stays on a move button of the same module.
    await page.getByRole('button', { name: 'Module “Ons zonnestelsel” naar boven' }).focus();
    await page.keyboard.press('Enter');
    await announced('Module “Ons zonnestelsel” staat nu op plaats 1 van 2.');
    await expect.poll(() => focusedLabel(page)).toBe('Module “Ons zonnestelsel” naar beneden');
    // Keyboard: a lesson up within its module.
    await page.getByRole('button', { name: 'Les “De planeten” naar boven' }).focus();
    await page.keyboard.press('Space');
    await announced('Les “De planeten” staat nu op plaats 1 van 2 in module “Verder dan de zon”.');
    await expect.poll(() => focusedLabel(page)).toBe('Les “De planeten” naar boven');
    await page.getByText('Volgorde bewaard.').waitFor();

    // Drag and drop: "De planeten" moves to the other module, below "De zon".
    const planets = page.locator('.structure__lesson', { hasText: 'De planeten' });
    const sun = page.locator('.structure__lesson', { hasText: 'De zon' });
    const sunBox = (await sun.boundingBox())!;
    await planets.locator('.drag-handle').dragTo(sun, { targetPosition: { x: 40, y: sunBox.height - 4 } });
    await announced('Les “De planeten” staat nu op plaats 2 van 2 in module “Ons zonnestelsel”.');
    await page.getByText('Volgorde bewaard.').waitFor();
    const saved = await api<{ course: { syllabus: Syllabus } }>(server, lecturer, 'GET', `/api/courses/${courseId}`);
    expect(outline(saved.course.syllabus)).toEqual(['Ons zonnestelsel: De zon, De planeten', 'Verder dan de zon: Sterren']);
    await page.reload();
    await page.locator('.structure__module').first().waitFor();
    expect(await page.locator('.structure__lesson a').allInnerTexts()).toEqual(['De zon', 'De planeten', 'Sterren']);
    await screenshot(page, 'studio-course');

    // The lesson editor: markdown with a live preview rendered by the server.
    await page.getByRole('link', { name: 'De zon', exact: true }).click();
    await page.waitForURL('**/studio/lessons/*');
    expect(await h1(page)).toBe('De zon');
    await page.getByLabel('Tekst van de les').fill('De **zon** is een ster.\n\n- kern\n- stralingszone\n- convectiezone');
    await page.locator('.markdown-editor__preview .prose strong', { hasText: 'zon' }).waitFor();
    await page.getByLabel('Duur (minuten)').fill('7');
    await page.getByRole('button', { name: 'Les opslaan' }).click();
    await page.getByText('De les is opgeslagen.').waitFor();
    await expectAccessible(page, 'studio lesson editor');
    await screenshot(page, 'studio-lesson');
    for (const l of saved.course.syllabus.flatMap((m) => m.lessons).filter((x) => x.title !== 'De zon')) {
      await api(server, lecturer, 'PATCH', `/api/lessons/${l.id}`, { body: `Over **${l.title.toLowerCase()}**.` });
    }

    // Co-lecturers: an unknown address is refused; a colleague is added and removed.
    await page.getByRole('navigation', { name: 'Kruimelpad' }).getByRole('link', { name: 'Sterrenkunde voor beginners' }).click();
    await page.waitForURL(`**/studio/courses/${courseId}#studio-structure`);
    await page.getByLabel('E-mailadres van de co-docent').fill('niemand@example.test');
    await page.getByRole('button', { name: 'Co-docent toevoegen' }).click();
    await page.getByText('Er is geen account met het e-mailadres niemand@example.test.', { exact: false }).waitFor();
    await page.getByLabel('E-mailadres van de co-docent').fill(colleague.email);
    await page.getByRole('button', { name: 'Co-docent toevoegen' }).click();
    await page.getByText(`${colleague.email} is co-docent van deze cursus.`).waitFor();
    await page.getByRole('button', { name: 'Cor Collega als docent verwijderen' }).click();
    await page.getByText('Cor Collega is geen docent van deze cursus meer.').waitFor();

    // In English: publish.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Contents', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('The course has been published.').waitFor();
    expect(await page.locator('.badge--published').first().innerText()).toBe('Published');
    await expectAccessible(page, 'studio course editor (en, published)');
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('heading', { name: 'Inhoud', level: 2 }).waitFor();

    slug = (await api<{ course: { slug: string } }>(server, lecturer, 'GET', `/api/courses/${courseId}`)).course.slug;
    expect(slug).toBe('sterrenkunde-voor-beginners');
    await page.goto('/studio');
    await page.getByRole('link', { name: 'Sterrenkunde voor beginners', exact: true }).waitFor();
    expect(await page.locator('.studio-list .badge').innerText()).toBe('Gepubliceerd');
    await expectAccessible(page, 'studio list');

    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('a learner searches the catalogue, enrols, reads the lessons in order and unenrols', async () => {
    expect(slug).not.toBe('');
    const { page, problems, context } = await newPage(browser, server);

    // Searching as one types; the URL carries the query and the filters; the back button undoes a filter.
    await page.goto('/courses');
    await page.getByRole('status').filter({ hasText: '1 cursus gevonden' }).waitFor();
    await page.getByLabel('Zoek een cursus').pressSequentially('plane', { delay: 20 });
    await page.waitForURL('**/courses?q=plane');
    await page.getByRole('status').filter({ hasText: '1 cursus gevonden' }).waitFor();
    await page.getByLabel('Zoek een cursus').fill('komeet');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByRole('status').filter({ hasText: 'Geen cursussen gevonden' }).waitFor();
    await page.getByLabel('Zoek een cursus').fill('sterrenkunde');
    await page.getByLabel('Zoek een cursus').press('Enter');
    await page.waitForURL('**/courses?q=sterrenkunde');
    await page.getByRole('combobox', { name: 'Taal' }).selectOption('nl');
    await page.waitForURL('**/courses?q=sterrenkunde&language=nl');
    await page.getByRole('status').filter({ hasText: '1 cursus gevonden' }).waitFor();
    await page.getByRole('combobox', { name: 'Niveau' }).selectOption('7');
    await page.getByRole('status').filter({ hasText: 'Geen cursussen gevonden' }).waitFor();
    await page.goBack();
    await page.waitForURL('**/courses?q=sterrenkunde&language=nl');
    await page.getByRole('status').filter({ hasText: '1 cursus gevonden' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Niveau' }).inputValue()).toBe('');
    expect(await page.getByLabel('Zoek een cursus').inputValue()).toBe('sterrenkunde');
    await expectAccessible(page, 'catalogue');
    await screenshot(page, 'catalogue');

    // The landing page; enrolling asks an anonymous visitor to log in first and comes back.
    await page.getByRole('link', { name: 'Sterrenkunde voor beginners' }).click();
    await page.waitForURL(`**/courses/${slug}`);
    expect(await h1(page)).toBe('Sterrenkunde voor beginners');
    await page.getByRole('heading', { name: 'Module 1: Ons zonnestelsel' }).waitFor();
    expect(await page.locator('.syllabus__lessons li').allInnerTexts()).toEqual([
      expect.stringContaining('De zon'),
      expect.stringContaining('De planeten'),
      expect.stringContaining('Sterren'),
    ]);
    await page.getByText('Je herkent de planeten.').waitFor();
    await page.getByText('EQF-niveau').first().waitFor();
    await expectAccessible(page, 'landing page, anonymous');
    await page.getByRole('link', { name: 'Log in om in te schrijven' }).click();
    await page.waitForURL(`**/login?next=${encodeURIComponent(`/courses/${slug}`)}`);
    await page.getByLabel('E-mailadres').fill(learner.email);
    await page.getByLabel('Wachtwoord').fill(learner.password);
    await page.getByRole('main').getByRole('button', { name: 'Inloggen' }).click();
    await page.waitForURL(`**/courses/${slug}`);
    await page.getByRole('button', { name: 'Inschrijven' }).click();
    await page.getByText('Je bent ingeschreven. Veel leerplezier!').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Naar de cursus');
    await expectAccessible(page, 'landing page, enrolled');
    await screenshot(page, 'course-landing');

    // Reading: next, next, previous; the outline marks the current lesson.
    await page.getByRole('link', { name: 'Naar de cursus' }).click();
    await page.waitForURL(`**/courses/${slug}/lessons/*`);
    expect(await h1(page)).toBe('De zon');
    await page.locator('.lesson .prose li', { hasText: 'stralingszone' }).waitFor();
    const current = () => page.getByRole('navigation', { name: 'Cursusoverzicht' }).locator('a[aria-current="page"]').innerText().then((s) => s.trim());
    expect(await current()).toBe('De zon');
    await expectAccessible(page, 'lesson');
    await screenshot(page, 'lesson');
    await page.getByRole('link', { name: /^Volgende les/ }).click();
    await page.getByRole('heading', { name: 'De planeten', level: 1 }).waitFor();
    expect(await current()).toBe('De planeten');
    await page.getByRole('link', { name: /^Volgende les/ }).click();
    await page.getByRole('heading', { name: 'Sterren', level: 1 }).waitFor();
    await page.getByText('Module 2: Verder dan de zon').waitFor();
    expect(await page.getByRole('link', { name: /^Volgende les/ }).count()).toBe(0);
    await page.getByRole('link', { name: /^Einde van de cursus/ }).waitFor();
    await page.getByRole('link', { name: /^Vorige les/ }).click();
    await page.getByRole('heading', { name: 'De planeten', level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Sterren', level: 1 }).waitFor();

    // A 320 px screen: the outline folds away behind a button; nothing scrolls sideways.
    await page.setViewportSize({ width: 320, height: 720 });
    const toggle = page.getByRole('button', { name: 'Toon overzicht' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#outline-body').isVisible()).toBe(false);
    await toggle.click();
    expect(await page.getByRole('button', { name: 'Verberg overzicht' }).getAttribute('aria-expanded')).toBe('true');
    await page.locator('#outline-body').waitFor({ state: 'visible' });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(320);
    await expectAccessible(page, 'lesson at 320 px');
    await screenshot(page, 'lesson-320');
    await page.goto('/courses');
    await page.getByRole('status').filter({ hasText: '1 cursus gevonden' }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(320);
    await screenshot(page, 'catalogue-320');
    await page.goto(`/courses/${slug}`);
    await page.getByRole('button', { name: 'Uitschrijven', exact: true }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(320);
    await screenshot(page, 'course-landing-320');
    await page.setViewportSize({ width: 1280, height: 860 });

    // My courses, in English once.
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Mijn cursussen' }).click();
    await page.getByRole('heading', { name: 'Sterrenkunde voor beginners' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'My courses', level: 1 }).waitFor();
    await page.getByText(/^Enrolled on /).waitFor();
    await expectAccessible(page, 'my courses (en)');
    await screenshot(page, 'my-courses-en');
    await page.getByRole('button', { name: 'Nederlands' }).click();

    // Unenrolling asks first; afterwards the lessons are closed and my courses is empty.
    await page.getByRole('link', { name: 'Sterrenkunde voor beginners' }).click();
    await page.getByRole('button', { name: 'Uitschrijven', exact: true }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Ja, uitschrijven');
    await page.getByRole('button', { name: 'Annuleren' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Uitschrijven');
    await page.getByRole('button', { name: 'Uitschrijven', exact: true }).click();
    await page.getByRole('button', { name: 'Ja, uitschrijven' }).click();
    await page.getByText('Je bent uitgeschreven. Je kunt je altijd opnieuw inschrijven.').waitFor();
    await page.getByRole('button', { name: 'Inschrijven' }).waitFor();
    const first = (await api<{ course: { syllabus: Syllabus } }>(server, lecturer, 'GET', `/api/courses/${courseId}`)).course.syllabus[0].lessons[0].id;
    await page.goto(`/courses/${slug}/lessons/${first}`);
    await page.getByRole('heading', { name: 'Schrijf je in om deze les te volgen' }).waitFor();
    await page.goto('/my-courses');
    await page.getByText('Je bent nog niet ingeschreven voor een cursus.').waitFor();
    await page.getByRole('link', { name: 'Ontdek de catalogus' }).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
