import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  apiStatus,
  closeSuite,
  describeE2e,
  expectAccessible,
  loginViaApi,
  newPage,
  newPageAs,
  registerViaApi,
  screenshot,
  scriptBytes,
  startSuite,
  uniqueEmail,
  useSession,
  type E2eServer,
} from './helpers.ts';

const h1 = (page: Page) => page.locator('h1').first().innerText();
const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement;
  return el ? `${el.tagName.toLowerCase()}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''}${el.classList.contains('form-status') ? '.form-status' : ''}` : '';
});
const statusText = (page: Page) => page.locator('.form-status--success, .form-status--error').first().innerText();

describeE2e('auth, account and admin in the browser', () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = await startSuite());
  });
  afterAll(() => closeSuite(browser, server));

  it('a learner registers, logs out and in, switches language, revokes sessions and changes the password', async () => {
    const { page, problems, context } = await newPage(browser, server);
    const email = uniqueEmail('anna');
    const password = 'mijn fiets staat in de gang';

    await page.goto('/');
    expect(await h1(page)).toBe('Welkom bij Leerpad');
    expect(await htmlLang(page)).toBe('nl');
    // The first Tab reaches the skip link, which takes keyboard users past the header.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Naar de inhoud');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await expectAccessible(page, 'home (nl, anonymous)');
    await screenshot(page, 'home-nl');

    // Register: a too-short password first; the error sits next to the field and focus lands on it.
    await page.getByRole('banner').getByRole('link', { name: 'Registreren' }).click();
    await page.waitForURL('**/register');
    // After a client-side navigation focus moves to the new page's heading, so screen readers announce it.
    await expect.poll(() => focused(page)).toBe('h1');
    await page.getByLabel('Naam').fill('Anna Peeters');
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord', { exact: true }).fill('kort');
    await page.getByRole('button', { name: 'Account aanmaken' }).click();
    await page.getByText('Het wachtwoord moet minstens 8 tekens hebben.').waitFor();
    expect(await statusText(page)).toBe('Verbeter de aangeduide velden.');
    expect(await focused(page)).toBe('input[name=password]');
    expect(await page.getByLabel('Wachtwoord', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'register with errors');
    await screenshot(page, 'register-errors');

    await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Account aanmaken' }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Welkom terug, Anna Peeters' }).waitFor();
    expect(await page.getByRole('banner').getByRole('link', { name: /Anna Peeters/ }).count()).toBe(1);

    // Log out from the header.
    await page.getByRole('banner').getByRole('button', { name: 'Uitloggen' }).click();
    await page.waitForURL('**/logout');
    await page.getByRole('heading', { name: 'Uitgelogd' }).waitFor();
    await expectAccessible(page, 'logged out');
    await screenshot(page, 'logout');

    // Log in: a wrong password is reported in the live region, which receives focus.
    await page.getByRole('link', { name: 'Opnieuw inloggen' }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord').fill('dit is niet het wachtwoord');
    await page.getByRole('main').getByRole('button', { name: 'Inloggen' }).click();
    await page.getByText('Het e-mailadres of het wachtwoord is fout.').waitFor();
    expect(await focused(page)).toBe('div.form-status');
    await expectAccessible(page, 'login with error');
    await screenshot(page, 'login-error');
    await page.getByLabel('Wachtwoord').fill(password);
    await page.getByRole('main').getByRole('button', { name: 'Inloggen' }).click();
    await page.getByRole('heading', { name: 'Welkom terug, Anna Peeters' }).waitFor();

    // English and back: texts and <html lang> follow, and the choice survives a reload.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Welcome back, Anna Peeters' }).waitFor();
    expect(await htmlLang(page)).toBe('en');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalogue' }).count()).toBe(1);
    await page.reload();
    await page.getByRole('heading', { name: 'Welcome back, Anna Peeters' }).waitFor();
    expect(await htmlLang(page)).toBe('en');
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    await expectAccessible(page, 'home (en, logged in)');
    await screenshot(page, 'home-en');
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('heading', { name: 'Welkom terug, Anna Peeters' }).waitFor();
    expect(await htmlLang(page)).toBe('nl');

    // Account: two other sessions exist; revoke one, then all others.
    const phone = await loginViaApi(server, email, password);
    const tablet = await loginViaApi(server, email, password, 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15');
    await page.getByRole('banner').getByRole('link', { name: /Mijn account/ }).click();
    await page.waitForURL('**/account');
    await page.locator('.session-list > li').nth(2).waitFor();
    expect(await page.locator('.session-list > li').count()).toBe(3);
    expect(await page.locator('.session--current').innerText()).toContain('Dit toestel');
    await expectAccessible(page, 'account');
    await screenshot(page, 'account');

    await page.getByRole('button', { name: /^Sessie op Firefox op Android afsluiten/ }).click();
    await page.getByText('De sessie is afgesloten.').waitFor();
    await expect.poll(() => page.locator('.session-list > li').count()).toBe(2);
    expect(await apiStatus(server, '/api/auth/me', phone)).toBe(401);
    expect(await apiStatus(server, '/api/auth/me', tablet)).toBe(200);
    await page.getByRole('button', { name: 'Alle andere sessies afsluiten' }).click();
    await page.getByText('Al je andere sessies zijn afgesloten.').waitFor();
    await expect.poll(() => page.locator('.session-list > li').count()).toBe(1);
    expect(await apiStatus(server, '/api/auth/me', tablet)).toBe(401);

    // Change the password: a wrong current password first.
    const laptop = await loginViaApi(server, email, password);
    await page.getByLabel('Huidig wachtwoord').fill('fout fout fout');
    await page.getByLabel('Nieuw wachtwoord').fill('een nieuw en lang wachtwoord');
    await page.getByRole('button', { name: 'Wachtwoord wijzigen' }).click();
    await page.getByText('Het huidige wachtwoord is fout.').waitFor();
    expect(await focused(page)).toBe('input[name=currentPassword]');
    await expectAccessible(page, 'account with password error');
    await page.getByLabel('Huidig wachtwoord').fill(password);
    await page.getByRole('button', { name: 'Wachtwoord wijzigen' }).click();
    await page.getByText('Je wachtwoord is gewijzigd. Je bent op al je andere toestellen uitgelogd.').waitFor();
    expect(await page.getByLabel('Huidig wachtwoord').inputValue()).toBe('');
    expect(await apiStatus(server, '/api/auth/me', laptop)).toBe(401);
    await screenshot(page, 'account-password-changed');

    // The new password works; the session list shows only this device again.
    await expect.poll(() => page.locator('.session-list > li').count()).toBe(1);
    await loginViaApi(server, email, 'een nieuw en lang wachtwoord');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('an admin searches users, disables one, changes a role and manages institutions', async () => {
    const admin = await registerViaApi(server, { name: 'Ada Admin', roles: ['admin'] });
    const target = await registerViaApi(server, { name: 'Tom Target', email: uniqueEmail('tom') });
    for (let i = 0; i < 21; i++) await registerViaApi(server, { name: `Filler ${i}` });

    const { page, problems, context } = await newPageAs(browser, server, admin);
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Beheer' }).click();
    await page.waitForURL('**/admin');
    await page.getByText(/^1–20 van \d+$/).waitFor();
    await page.getByRole('link', { name: 'Volgende' }).click();
    await page.getByText(/^Pagina 2 van 2$/).waitFor();

    // Search and disable.
    await page.getByLabel('Zoek op naam of e-mailadres').fill(target.email);
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByText('1–1 van 1').waitFor();
    expect(page.url()).toContain(`q=${encodeURIComponent(target.email)}`);
    const row = page.locator('tbody tr', { hasText: 'Tom Target' });
    await row.getByRole('button', { name: 'Uitschakelen Tom Target' }).click();
    await page.getByText('Tom Target is uitgeschakeld en overal uitgelogd.').waitFor();
    expect(await row.locator('.badge').innerText()).toBe('Uitgeschakeld');
    expect(await apiStatus(server, '/api/auth/me', target.cookie)).toBe(401);
    await expect(loginViaApi(server, target.email, target.password)).rejects.toThrow(/403/);

    // A role, by checkbox.
    await page.getByRole('group', { name: 'Rollen van Tom Target' }).getByLabel('Docent').check();
    await page.getByText('Tom Target is bijgewerkt.').waitFor();
    const roles = server.db.$client.prepare('SELECT roles FROM users WHERE id = ?').get(target.id) as { roles: string };
    expect(JSON.parse(roles.roles)).toEqual(['lecturer']);
    await expectAccessible(page, 'admin users');

    // Institutions: a bad website is refused next to its field, then the institution is created and edited.
    await page.getByLabel('Korte naam').fill('KU Leuven');
    await page.getByLabel('Naam in het Nederlands').fill('Katholieke Universiteit Leuven');
    await page.getByLabel('Naam in het Engels').fill('KU Leuven');
    await page.getByLabel(/^Website/).fill('kuleuven');
    await page.getByRole('button', { name: 'Instelling toevoegen' }).click();
    await page.getByText('Geef een volledig webadres dat begint met https://.').waitFor();
    expect(await focused(page)).toBe('input[name=homepage]');
    await page.getByLabel(/^Website/).fill('https://www.kuleuven.be');
    await page.getByRole('button', { name: 'Instelling toevoegen' }).click();
    await page.getByText('KU Leuven is toegevoegd.').waitFor();
    await page.getByRole('button', { name: 'KU Leuven bewerken' }).click();
    await expect.poll(() => focused(page)).toBe('input[name=shortName]');
    await page.getByLabel('Naam in het Engels').fill('KU Leuven (University of Leuven)');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('KU Leuven is opgeslagen.').waitFor();
    await page.getByRole('cell', { name: 'KU Leuven (University of Leuven)' }).waitFor();

    // The admin joins the institution, whose name then shows in the header.
    await page.getByLabel('Zoek op naam of e-mailadres').fill('Ada');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByText('1–1 van 1').waitFor();
    await page.getByLabel('Instelling van Ada Admin').selectOption({ label: 'KU Leuven' });
    await page.getByText('Ada Admin is bijgewerkt.').waitFor();
    await page.reload();
    await page.getByRole('banner').getByText('Katholieke Universiteit Leuven').waitFor();
    await page.getByText('1–1 van 1').waitFor();
    await expectAccessible(page, 'admin');
    await screenshot(page, 'admin');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('guards pages by role, has a not-found page and fits a 320 px screen', async () => {
    const learner = await registerViaApi(server, { name: 'Lea Learner' });
    const { page, problems, context } = await newPage(browser, server, { viewport: { width: 320, height: 720 } });

    await page.goto('/account');
    await page.waitForURL('**/login?next=%2Faccount');
    await page.getByText('Log in om verder te gaan.').waitFor();

    await page.goto('/deze/pagina/bestaat/niet');
    await page.getByRole('heading', { name: 'Pagina niet gevonden' }).waitFor();
    await expectAccessible(page, 'not found');

    const js = await scriptBytes(page, async () => {
      await page.goto('/');
      await page.getByRole('heading', { name: 'Welkom bij Leerpad' }).waitFor();
    });
    console.info(`home page JS: ${(js.gzip / 1024).toFixed(1)} KB gzipped`, js.files);
    expect(js.gzip).toBeLessThanOrEqual(40 * 1024);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await screenshot(page, 'home-320');

    await useSession(context, server, learner.cookie);
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Geen toegang' }).waitFor();
    await page.goto('/account');
    await page.getByRole('heading', { name: 'Mijn account' }).waitFor();
    await page.locator('.session-list > li').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await expectAccessible(page, 'account at 320 px');
    await screenshot(page, 'account-320');
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await expectAccessible(page, 'account at 320 px, dark');
    await screenshot(page, 'account-320-dark');

    expect(problems).toEqual([]);
    await context.close();
  });
});
