import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Locator, Page, Response } from 'playwright-core';
import { enrol, makeCourse, makeLesson, makeModule } from '../helpers/factories.ts';
import {
  closeSuite,
  describeE2e,
  expectAccessible,
  newPageAs,
  registerViaApi,
  screenshot,
  startSuite,
  uniqueEmail,
  type Actor,
  type E2eServer,
} from './helpers.ts';

/**
 * Quizzes end to end: a lecturer builds a quiz with one question of every type in the studio (meeting a validation
 * error on the way), previews it and imports GIFT; a learner fails once, passes the second time and reads the
 * feedback. Every response the learner's browser receives is recorded: the markers hidden in the answer key,
 * the feedback and the explanations must not reach the browser before the first submission.
 */

/** Marker strings: in answer keys, feedback, explanations and titles, never in what a learner may see early. */
const M = {
  title: 'ZQXTITLE',
  fbRight: 'ZQXFBRIGHT',
  fbWrong: 'ZQXFBWRONG',
  explanation: 'ZQXEXPLAIN',
  fbMultiple: 'ZQXFBMULTI',
  fbTrue: 'ZQXFBTRUE',
  fbFalse: 'ZQXFBFALSE',
  fbNumeric: 'ZQXFBNUM',
  fbNumericWrong: 'ZQXFBNUMWRONG',
  accepted: 'ZQXACCEPTED',
  fbText: 'ZQXFBTEXT',
  explainOrder: 'ZQXEXPLORDER',
  explainMatch: 'ZQXEXPLMATCH',
} as const;
const MARKER = /ZQX[A-Z]+/;
/** The numeric answer: its digits must not show before submission either. */
const NUMERIC = '4242.42';

const focused = (page: Page) => page.evaluate(() => `${document.activeElement?.tagName.toLowerCase()}#${document.activeElement?.id ?? ''}:${document.activeElement?.textContent?.trim().slice(0, 40) ?? ''}`);
const headings = (page: Page) =>
  page.locator('.quiz-edit-question h4').evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
/** Elements sticking out of a 320 px screen (a table scrolling inside its own wrapper is fine). */
const tooWide = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > 321 && !e.closest('.table-wrap'))
      .slice(0, 8)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`),
  );
const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describeE2e('quizzes in the browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let lecturer: Actor;
  let learner: Actor;
  let slug = '';
  let quizLessonId = '';
  let giftLessonId = '';

  beforeAll(async () => {
    ({ server, browser } = await startSuite());
    lecturer = await registerViaApi(server, { name: 'Quinten Quizmaster', roles: ['lecturer'] });
    learner = await registerViaApi(server, { name: 'Lotte Leerling', email: uniqueEmail('lotte') });
    const ctx = { db: server.db, clock: () => Date.now() };
    const course = makeCourse(ctx, { lecturerId: lecturer.id, title: 'Aardrijkskunde en rekenen' });
    slug = course.slug;
    const mod = makeModule(ctx, { courseId: course.id, title: 'Module 1' });
    makeLesson(ctx, { courseId: course.id, moduleId: mod.id, kind: 'text', title: 'Inleiding', position: 0, body: '# Welkom' });
    quizLessonId = makeLesson(ctx, { courseId: course.id, moduleId: mod.id, kind: 'quiz', title: 'Eindtoets', position: 1 }).id;
    giftLessonId = makeLesson(ctx, { courseId: course.id, moduleId: mod.id, kind: 'quiz', title: 'Geïmporteerde quiz', position: 2 }).id;
    enrol(ctx, { courseId: course.id, userId: learner.id });
  });
  afterAll(() => closeSuite(browser, server));

  /** Adds a question of a kind and returns its card. */
  async function addQuestion(page: Page, type: string): Promise<Locator> {
    const before = await page.locator('.quiz-edit-question').count();
    await page.getByLabel('Soort nieuwe vraag').selectOption({ label: type });
    await page.getByRole('button', { name: 'Vraag toevoegen' }).click();
    const card = page.locator('.quiz-edit-question').nth(before);
    await card.waitFor();
    // Focus goes to the new question's text, ready to type.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    return card;
  }
  const row = (card: Locator, n: number) => card.locator('.quiz-edit-row').nth(n);

  it('a lecturer builds a quiz with every question type, meets a validation error, previews and saves it', async () => {
    const { page, problems, context } = await newPageAs(browser, server, lecturer);
    await page.goto(`/studio/lessons/${quizLessonId}`);
    await page.getByRole('heading', { name: 'Instellingen' }).waitFor();
    await page.getByText('Er zijn nog geen vragen.').waitFor();

    // Settings: pass mark 80 %, at most 3 attempts, feedback after every attempt (the default).
    await page.getByLabel('Slaaggrens (%)').fill('80');
    await page.getByRole('group', { name: 'Aantal pogingen' }).getByLabel('Beperkt', { exact: true }).check();
    await page.getByLabel('Maximum aantal pogingen').fill('3');

    // 1. Single choice, at first without a correct choice.
    let card = await addQuestion(page, 'Meerkeuze, één antwoord');
    await page.keyboard.type('Wat is de hoofdstad van **België**?');
    await card.getByLabel('Korte titel').fill(`${M.title} hoofdstad`);
    await card.getByLabel('Keuze 1', { exact: true }).fill('Brussel');
    await row(card, 0).getByLabel('Feedback bij deze keuze').fill(`${M.fbRight} Inderdaad.`);
    await card.getByLabel('Keuze 2', { exact: true }).fill('Antwerpen');
    await row(card, 1).getByLabel('Feedback bij deze keuze').fill(`${M.fbWrong} Antwerpen is de grootste stad.`);
    await card.getByLabel('Keuze 3', { exact: true }).fill('Gent');
    await card.getByLabel('Uitleg').fill(`${M.explanation} Brussel is sinds 1830 de hoofdstad.`);

    await page.getByRole('button', { name: 'Quiz opslaan' }).click();
    await page.getByText('De quiz is niet opgeslagen: verbeter de aangeduide plaats.').waitFor();
    // The server's complaint sits at the choices, in Dutch, and focus goes there.
    await card.getByText('Duid precies één keuze als juist aan.').waitFor();
    await expect.poll(() => focused(page)).toContain('Duid precies één keuze als juist aan.');
    await expectAccessible(page, 'quiz editor with an error');
    await screenshot(page, 'quiz-studio-error');
    await card.getByLabel('Juist (Keuze 1)').check();

    // 2. Multiple choice with partial credit (the default scoring).
    card = await addQuestion(page, 'Meerkeuze, meerdere antwoorden');
    await page.keyboard.type('Welke getallen zijn priemgetallen?');
    expect(await card.getByRole('radio', { name: /^Deelpunten/ }).isChecked()).toBe(true);
    await card.getByLabel('Keuze 1', { exact: true }).fill('2');
    await card.getByLabel('Juist (Keuze 1)').check();
    await card.getByLabel('Keuze 2', { exact: true }).fill('3');
    await card.getByLabel('Juist (Keuze 2)').check();
    await card.getByLabel('Keuze 3', { exact: true }).fill('4');
    await row(card, 2).getByLabel('Feedback bij deze keuze').fill(`${M.fbMultiple} 4 = 2 × 2.`);

    // 3. True or false.
    card = await addQuestion(page, 'Waar of niet waar');
    await page.keyboard.type('De Schelde stroomt door Gent.');
    await card.getByRole('group', { name: 'De bewering is' }).getByLabel('Waar', { exact: true }).check();
    await card.getByLabel('Feedback bij het antwoord "waar"').fill(`${M.fbTrue} Juist, samen met de Leie.`);
    await card.getByLabel('Feedback bij het antwoord "niet waar"').fill(`${M.fbFalse} Toch wel.`);

    // 4. Numeric, with an absolute margin of error.
    card = await addQuestion(page, 'Getal');
    await page.keyboard.type('Hoeveel is 12 × 353,535?');
    await card.getByLabel('Waarde', { exact: true }).fill('4242,42');
    await card.getByLabel(/^Foutmarge/).fill('0,01');
    await card.getByLabel('Feedback bij dit antwoord').fill(`${M.fbNumeric} Goed gerekend.`);
    await card.getByLabel('Feedback bij een fout antwoord').fill(`${M.fbNumericWrong} Reken nog eens na.`);

    // 5. Short text with two accepted answers.
    card = await addQuestion(page, 'Kort antwoord');
    await page.keyboard.type('Welke rivier mondt uit in de Noordzee bij Vlissingen?');
    await card.getByLabel('Antwoord 1', { exact: true }).fill('Schelde');
    await row(card, 0).getByLabel('Feedback bij dit antwoord').fill(`${M.fbText} Juist.`);
    await card.getByRole('button', { name: 'Antwoord toevoegen' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.quiz-edit-row') !== null)).toBe(true);
    await card.getByLabel('Antwoord 2', { exact: true }).fill(M.accepted);
    expect(await card.getByLabel('Hoofdletters en kleine letters verschillen').isChecked()).toBe(false);

    // 6. Ordering: four items; the fourth is added and moved into place with the keyboard.
    card = await addQuestion(page, 'Volgorde');
    await page.keyboard.type('Zet van klein naar groot.');
    await card.getByLabel('Item 1', { exact: true }).fill('Eén');
    await card.getByLabel('Item 2', { exact: true }).fill('Drie');
    await card.getByLabel('Item 3', { exact: true }).fill('Vier');
    await card.getByRole('button', { name: 'Item toevoegen' }).click();
    await card.getByLabel('Item 4', { exact: true }).fill('Twee');
    await card.getByRole('button', { name: 'Item 4 omhoog' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await card.locator('.quiz-edit-row input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['Eén', 'Twee', 'Drie', 'Vier']);
    expect(await page.evaluate(() => document.activeElement?.id.endsWith('-up'))).toBe(true);
    await card.getByLabel('Uitleg').fill(`${M.explainOrder} Tellen.`);

    // 7. Matching: three pairs and a distractor.
    card = await addQuestion(page, 'Koppelen');
    await page.keyboard.type('Koppel elk land aan zijn hoofdstad.');
    await card.getByLabel('Item 1', { exact: true }).fill('Frankrijk');
    await card.getByLabel('Hoort bij 1').fill('Parijs');
    await card.getByLabel('Item 2', { exact: true }).fill('Duitsland');
    await card.getByLabel('Hoort bij 2').fill('Berlijn');
    await card.getByRole('button', { name: 'Koppel toevoegen' }).click();
    await card.getByLabel('Item 3', { exact: true }).fill('Italië');
    await card.getByLabel('Hoort bij 3').fill('Rome');
    await card.getByRole('button', { name: 'Fout antwoord toevoegen' }).click();
    await card.getByLabel('Fout antwoord 1').fill('Madrid');
    await card.getByLabel('Uitleg').fill(`${M.explainMatch} Hoofdsteden.`);

    // Reorder: move the matching question up and back down with the buttons; focus follows it.
    await card.getByRole('button', { name: 'Vraag 7 omhoog' }).click();
    await page.getByText('Vraag 7 staat nu op plaats 6 van 7.').waitFor({ state: 'attached' });
    await page.locator('.quiz-edit-question').nth(5).getByRole('button', { name: 'Vraag 6 omlaag' }).click();
    expect(await headings(page)).toEqual([
      'Vraag 1 Meerkeuze, één antwoord',
      'Vraag 2 Meerkeuze, meerdere antwoorden',
      'Vraag 3 Waar of niet waar',
      'Vraag 4 Getal',
      'Vraag 5 Kort antwoord',
      'Vraag 6 Volgorde',
      'Vraag 7 Koppelen',
    ]);

    // A throw-away question, deleted again.
    card = await addQuestion(page, 'Getal');
    await card.getByRole('button', { name: 'Verwijderen Vraag 8' }).click();
    await page.getByText(/Vraag 8 \(Getal\) is verwijderd/).waitFor({ state: 'attached' });
    expect(await page.locator('.quiz-edit-question').count()).toBe(7);

    await page.getByRole('button', { name: 'Quiz opslaan' }).click();
    await page.getByText('De quiz is opgeslagen (7 vragen).').waitFor();
    await expectAccessible(page, 'quiz editor');
    await screenshot(page, 'quiz-studio-editor');

    // What was saved is what was typed.
    const saved = await page.request.get(`/api/lessons/${quizLessonId}/quiz/edit`).then((r) => r.json());
    expect(saved.settings).toMatchObject({ passMark: 80, maxAttempts: 3, reveal: 'afterEachAttempt', mode: 'graded' });
    expect(saved.questions.map((q: { type: string }) => q.type)).toEqual(['single', 'multiple', 'trueFalse', 'numeric', 'text', 'ordering', 'matching']);
    expect(saved.questions[3].answers[0]).toMatchObject({ value: 4242.42, tolerance: 0.01, relative: false });
    expect(saved.questions[0].choices.map((c: { correct: boolean }) => c.correct)).toEqual([true, false, false]);
    expect(saved.questions[5].items.map((i: { text: string }) => i.text)).toEqual(['Eén', 'Twee', 'Drie', 'Vier']);
    expect(saved.questions[6].distractors).toEqual(['Madrid']);

    // The preview shows the questions as a learner would, without anything from the key.
    await page.getByRole('button', { name: 'Bekijken als cursist' }).click();
    await page.getByRole('heading', { name: /^Voorbeeld/ }).waitFor();
    await expect.poll(() => focused(page)).toContain('h3#quiz-preview-title');
    const previewText = await page.locator('.quiz-preview').innerText();
    expect(previewText).not.toMatch(MARKER);
    expect(await page.getByRole('group', { name: /Vraag 1 van 7/ }).getByRole('radio').count()).toBe(3);
    await page.getByRole('group', { name: /Vraag 7 van 7/ }).getByLabel('Frankrijk').selectOption({ label: 'Parijs' });
    await expectAccessible(page, 'quiz preview');
    await screenshot(page, 'quiz-studio-preview');
    await page.getByRole('button', { name: 'Terug naar de editor' }).click();
    await page.getByRole('heading', { name: 'Instellingen' }).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('a lecturer previews a GIFT import with its problems by line, imports it and exports the quiz', async () => {
    const { page, problems, context } = await newPageAs(browser, server, lecturer);
    await page.goto(`/studio/lessons/${giftLessonId}`);
    await page.getByRole('heading', { name: 'Importeren en exporteren (GIFT)' }).waitFor();

    const bad = [
      '::Hoofdstad:: Wat is de hoofdstad van België? {=Brussel ~Antwerpen ~Gent}',
      '',
      '::Kapot:: Deze vraag heeft geen einde {=ja ~nee',
      '',
      '::Half:: Hoeveel is de helft van 3? {#1,5}',
      '',
      '// @leerpad kleur=rood',
      '::Koppel:: Koppel de hoofdsteden. {=België -> Brussel#Juist =Frankrijk -> Parijs}',
      '',
    ].join('\n');
    await page.getByLabel('GIFT-tekst').fill(bad);
    await page.getByRole('button', { name: 'Import controleren' }).click();
    await page.getByRole('heading', { name: 'Voorbeeld van de import' }).waitFor();
    const report = page.locator('.quiz-gift-report');
    await report.getByText(/^Er wordt niets geïmporteerd zolang (dit probleem|deze \d+ problemen) niet opgelost/).waitFor();
    expect(await report.locator('.quiz-gift-problems li').first().innerText()).toMatch(/^Regel 3:/);
    // The server sends codes; the lecturer reads every problem and remark in Dutch, parameters filled in.
    expect(await report.locator('.quiz-gift-problems li').allInnerTexts()).toEqual([
      'Regel 3: "{" wordt niet gesloten met "}". Let op: een lege regel beëindigt de vraag.',
      'Regel 5: "1,5" is geen getal. GIFT schrijft decimalen met een punt, bijvoorbeeld 1.5.',
    ]);
    expect(await report.locator('h6:has-text("Opmerkingen") + ul li').allInnerTexts()).toEqual([
      'Regel 7: Onbekende @leerpad-instelling "kleur=rood" genegeerd.',
      'Regel 8: Feedback bij een koppel wordt genegeerd.',
    ]);
    expect(await report.getByRole('button', { name: /vragen toevoegen/ }).count()).toBe(0);
    await expectAccessible(page, 'GIFT import with problems');
    await screenshot(page, 'quiz-studio-gift-problems');

    const good = [
      '// Twee vragen',
      '::Hoofdstad:: Wat is de hoofdstad van België? {=Brussel ~Antwerpen ~Gent}',
      '',
      '::Rekenen:: Hoeveel is 2 + 2? {#4}',
      '',
    ].join('\n');
    await page.getByLabel('GIFT-tekst').fill(good);
    await page.getByRole('button', { name: 'Import controleren' }).click();
    await report.getByText('2 vragen kunnen geïmporteerd worden. Er is nog niets gewijzigd.').waitFor();
    expect(await report.locator('tbody tr').count()).toBe(2);
    expect(await report.locator('tbody tr').first().innerText()).toContain('Meerkeuze, één antwoord');
    expect(await page.locator('.quiz-edit-question').count()).toBe(0);
    await screenshot(page, 'quiz-studio-gift-preview');
    await report.getByRole('button', { name: '2 vragen toevoegen' }).click();
    await page.getByText('2 vragen zijn geïmporteerd.').waitFor();
    await expect.poll(() => page.locator('.quiz-edit-question').count()).toBe(2);
    expect(await headings(page)).toEqual(['Vraag 1 Meerkeuze, één antwoord', 'Vraag 2 Getal']);

    const href = await page.getByRole('link', { name: 'Exporteren als GIFT-bestand' }).getAttribute('href');
    expect(href).toBe(`/api/lessons/${giftLessonId}/quiz/export.gift`);
    const exported = await page.request.get(href!);
    expect(exported.status()).toBe(200);
    expect(await exported.text()).toContain('::Hoofdstad::');
    await expectAccessible(page, 'quiz editor after import');

    // The editor fits a phone.
    await page.setViewportSize({ width: 320, height: 720 });
    expect(await tooWide(page)).toEqual([]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(320);
    await page.getByLabel('GIFT-tekst').fill(good);
    await page.getByRole('button', { name: 'Import controleren' }).click();
    await report.getByText('2 vragen kunnen geïmporteerd worden. Er is nog niets gewijzigd.').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(320);
    await expectAccessible(page, 'quiz editor at 320 px');
    await screenshot(page, 'quiz-studio-320');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('a learner fails once, passes the second time and sees the feedback; nothing of the key arrives early', async () => {
    const { page, problems, context } = await newPageAs(browser, server, learner);

    // Every API body the browser receives, with the phase it arrived in.
    let phase: 'before' | 'after' = 'before';
    const bodies: { phase: string; url: string; method: string; body: Promise<string> }[] = [];
    page.on('response', (res: Response) => {
      if (!new URL(res.url()).pathname.startsWith('/api/')) return;
      bodies.push({ phase, url: res.url(), method: res.request().method(), body: res.text().catch(() => '') });
    });

    await page.goto(`/courses/${slug}/lessons/${quizLessonId}`);
    await page.getByRole('heading', { name: 'Eindtoets', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Over deze quiz' }).waitFor();
    const facts = await page.locator('.quiz-facts').innerText();
    expect(facts).toContain('80 %');
    expect(facts).toContain('0 van 3 gebruikt, nog 3 over');
    await expectAccessible(page, 'quiz lesson, before starting');

    // First attempt: two wrong answers, the rest left open.
    await page.getByRole('button', { name: 'Quiz starten' }).click();
    await page.getByRole('heading', { name: 'Je poging' }).waitFor();
    await expect.poll(() => focused(page)).toContain('h2#quiz-attempt-title');
    const q = (n: number) => page.getByRole('group', { name: new RegExp(`^Vraag ${n} van 7`) });
    expect(await page.locator('fieldset.quiz-question').count()).toBe(7);
    await q(1).getByLabel('Antwerpen').check();
    await q(3).getByLabel('Niet waar').check();
    await page.getByText('Je antwoorden zijn bewaard.').waitFor();
    await expectAccessible(page, 'quiz attempt');
    await screenshot(page, 'quiz-attempt');

    await page.getByRole('button', { name: 'Antwoorden indienen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nu indienen?' });
    await dialog.waitFor();
    // Questions 1, 3 and the ordering (its shown order is an answer) count as answered.
    await dialog.getByText('Je hebt 4 van de 7 vragen nog niet (volledig) beantwoord.', { exact: false }).waitFor();
    await expectAccessible(page, 'submit confirmation');
    await screenshot(page, 'quiz-confirm');
    // "Go to question 2" closes the dialog and puts focus in that question.
    await dialog.getByRole('button', { name: 'Naar vraag 2' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('fieldset')?.id)).toBe('quiz-q1');
    await page.getByRole('button', { name: 'Antwoorden indienen' }).click();
    await dialog.waitFor();

    // Before this click, nothing of the key, the feedback or the explanations may have reached the browser.
    await Promise.all(bodies.map((b) => b.body));
    const early = await Promise.all(bodies.filter((b) => b.phase === 'before').map(async (b) => ({ ...b, text: await b.body })));
    expect(early.length).toBeGreaterThan(3);
    expect(early.some((b) => b.method === 'PUT' && b.url.includes('/answers'))).toBe(true);
    for (const b of early) {
      expect(b.text, `${b.method} ${b.url}`).not.toMatch(MARKER);
      expect(b.text, `${b.method} ${b.url}`).not.toContain(NUMERIC);
      // Fields of the answer key or the review; an empty review list ("feedback":[]) is fine.
      expect(b.text, `${b.method} ${b.url}`).not.toMatch(/"(correct|explanation|acceptedAnswers|correctOrder|credit|weight)":|"feedback":(?!\[\])/);
    }
    phase = 'after';
    await dialog.getByRole('button', { name: 'Toch indienen' }).click();

    await page.getByRole('heading', { name: 'Je resultaat' }).waitFor();
    await expect.poll(() => focused(page)).toMatch(/^h2#result-/);
    await page.getByText('Nog niet geslaagd.').waitFor();
    // The feedback is revealed after each attempt: the chosen choice's feedback and the explanation show.
    const result = page.locator('.quiz-result');
    expect(await result.innerText()).toContain(`${M.fbWrong} Antwerpen is de grootste stad.`);
    expect(await result.innerText()).toContain(`${M.explanation} Brussel is sinds 1830 de hoofdstad.`);
    expect(await result.innerText()).toContain(`${M.fbFalse} Toch wel.`);
    expect(await result.locator('.quiz-review-item').first().innerText()).toContain('Fout');
    await expectAccessible(page, 'quiz result (failed)');
    await screenshot(page, 'quiz-result-failed');

    // Second attempt: everything right, with a reload halfway (the answers were saved).
    await page.getByRole('button', { name: 'Opnieuw proberen' }).click();
    await page.getByRole('heading', { name: 'Je poging' }).waitFor();
    await q(1).getByLabel('Brussel').check();
    await q(2).getByLabel('2', { exact: true }).check();
    await q(2).getByLabel('3', { exact: true }).check();
    await q(3).getByLabel('Waar', { exact: true }).check();
    await q(4).getByLabel('Jouw antwoord').fill('4242,42');
    await q(5).getByLabel('Jouw antwoord').fill('schelde');
    await page.getByText('Je antwoorden zijn bewaard.').waitFor();
    await expect.poll(() => page.locator('.quiz-save-status').innerText()).toBe('Je antwoorden zijn bewaard.');

    await page.reload();
    await page.getByRole('button', { name: 'Verder met je poging' }).click();
    await page.getByRole('heading', { name: 'Je poging' }).waitFor();
    expect(await q(1).getByLabel('Brussel').isChecked()).toBe(true);
    expect(await q(2).getByLabel('3', { exact: true }).isChecked()).toBe(true);
    expect(await q(4).getByLabel('Jouw antwoord').inputValue()).toBe('4242,42');
    expect(await q(5).getByLabel('Jouw antwoord').inputValue()).toBe('schelde');

    // Ordering by keyboard: each move is announced and focus stays on the moved item's button.
    const target = ['Eén', 'Twee', 'Drie', 'Vier'];
    for (let i = 0; i < target.length; i++) {
      for (;;) {
        const shown = await q(6).locator('.quiz-order-text').allInnerTexts();
        if (shown.indexOf(target[i]) <= i) break;
        await q(6).getByRole('button', { name: `${target[i]} omhoog` }).focus();
        await page.keyboard.press('Enter');
        await expect.poll(() => page.evaluate(() => document.activeElement?.id ?? '')).toMatch(/-up$/);
      }
    }
    expect(await q(6).locator('.quiz-order-text').allInnerTexts()).toEqual(target);
    expect(await page.locator('.quiz-form > [aria-live]').innerText()).toMatch(/staat nu op plaats \d van 4\./);

    await q(7).getByLabel('Frankrijk').selectOption({ label: 'Parijs' });
    await q(7).getByLabel('Duitsland').selectOption({ label: 'Berlijn' });
    await q(7).getByLabel('Italië').selectOption({ label: 'Rome' });
    expect(await q(7).getByLabel('Italië').locator('option').allInnerTexts()).toContain('Madrid');
    await expectAccessible(page, 'quiz attempt, all answered');
    await screenshot(page, 'quiz-attempt-answered');
    await page.setViewportSize({ width: 320, height: 720 });
    expect(await tooWide(page)).toEqual([]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(320);
    await screenshot(page, 'quiz-attempt-320');
    await page.setViewportSize({ width: 1280, height: 860 });

    // Everything answered: no confirmation.
    await page.getByRole('button', { name: 'Antwoorden indienen' }).click();
    await page.getByText('Geslaagd! Goed gedaan.').waitFor();
    await expect.poll(() => focused(page)).toMatch(/^h2#result-/);
    const passed = await page.locator('.quiz-result').innerText();
    expect(passed).toContain('7 van 7 punten');
    expect(passed).toContain(`${M.fbRight} Inderdaad.`);
    expect(passed).toContain(`${M.fbNumeric} Goed gerekend.`);
    expect(passed).toContain(`${M.fbText} Juist.`);
    expect(passed).toContain(`${M.explainOrder} Tellen.`);
    expect(await page.locator('.quiz-review-item .badge--ok').count()).toBe(7);
    // The lesson is ticked in the outline (onCompleted), the history lists both attempts.
    await page.locator('.outline li.is-completed').first().waitFor({ state: 'attached' });
    expect(await page.locator('.quiz-history tbody tr').count()).toBe(2);
    expect(await page.locator('.quiz-facts').innerText()).toContain('2 van 3 gebruikt, nog 1 over');
    await expectAccessible(page, 'quiz result (passed)');
    await screenshot(page, 'quiz-result-passed');

    // The first attempt can be reviewed again from the history.
    await page.getByRole('button', { name: 'Bekijken poging 1' }).click();
    await page.getByRole('heading', { name: /^Poging van / }).waitFor();
    await page.getByText('Nog niet geslaagd.').waitFor();

    // Starting (or resuming) an attempt never hands out the key, not even after the feedback was revealed; nor does
    // saving. (The learner's own answers come back, of course: the numeric one is no secret there.)
    await Promise.all(bodies.map((b) => b.body));
    const starts = bodies.filter((x) => x.method === 'POST' && x.url.endsWith('/quiz/attempts'));
    expect(starts.length).toBeGreaterThanOrEqual(3);
    for (const b of starts) expect(await b.body, `${b.method} ${b.url}`).not.toMatch(MARKER);
    for (const b of bodies.filter((x) => x.url.endsWith('/answers'))) expect(await b.body, b.url).not.toMatch(MARKER);

    // A phone-sized screen, and the English version.
    await page.setViewportSize({ width: 320, height: 720 });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'About this quiz' }).waitFor();
    expect(await tooWide(page)).toEqual([]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(320);
    await expectAccessible(page, 'quiz lesson at 320 px (en)');
    await screenshot(page, 'quiz-lesson-320-en');

    expect(problems).toEqual([]);
    await context.close();
  });
});
