import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { as, buildTestApp, expectProblem, registerUser, type Actor, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let admin: Actor;
let learner: Actor;
beforeEach(async () => {
  t = await buildTestApp();
  admin = await registerUser(t, { name: 'Ada Admin', roles: ['admin'] });
  learner = await registerUser(t, { name: 'Lars Leerling' });
});
afterEach(async () => {
  await t.app.close();
});

const institution = { shortName: 'UGent', nameNl: 'Universiteit Gent', nameEn: 'Ghent University', homepage: 'https://www.ugent.be', country: 'BE', region: 'VLG', kboNumber: '0248.015.142' };

describe('institutions', () => {
  it('admins create; anyone lists and reads', async () => {
    const res = await as(t, admin).post('/api/institutions', institution);
    expect(res.statusCode).toBe(201);
    const { id } = res.json().institution;
    expect((await as(t, null).get('/api/institutions')).json().items).toMatchObject([{ id, shortName: 'UGent' }]);
    expect((await as(t, null).get(`/api/institutions/${id}`)).json().institution).toMatchObject(institution);
    expectProblem(await as(t, null).get('/api/institutions/nope'), 404);
  });

  it('401 anonymous, 403 learner, 409 taken short name, 400 bad fields', async () => {
    expectProblem(await as(t, null).post('/api/institutions', institution), 401);
    expectProblem(await as(t, learner).post('/api/institutions', institution), 403);
    await as(t, admin).post('/api/institutions', institution);
    expectProblem(await as(t, admin).post('/api/institutions', institution), 409);
    const bad = expectProblem(await as(t, admin).post('/api/institutions', { ...institution, shortName: 'X', homepage: 'javascript:alert(1)', kboNumber: '12' }), 400);
    expect(bad.errors!.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/body/homepage', '/body/kboNumber']));
  });

  it('an institution admin edits their own institution only', async () => {
    const own = (await as(t, admin).post('/api/institutions', institution)).json().institution.id;
    const other = (await as(t, admin).post('/api/institutions', { ...institution, shortName: 'KU Leuven' })).json().institution.id;
    const instAdmin = await registerUser(t, { roles: ['institution-admin'], institutionId: own });
    expect((await as(t, instAdmin).patch(`/api/institutions/${own}`, { region: 'BRU' })).json().institution.region).toBe('BRU');
    expectProblem(await as(t, instAdmin).patch(`/api/institutions/${other}`, { region: 'BRU' }), 403);
    expectProblem(await as(t, learner).patch(`/api/institutions/${own}`, { region: 'BRU' }), 403);
    expectProblem(await as(t, admin).patch('/api/institutions/nope', { region: 'BRU' }), 404);
    expectProblem(await as(t, admin).patch(`/api/institutions/${own}`, { shortName: 'KU Leuven' }), 409);
    expectProblem(await as(t, admin).patch(`/api/institutions/${own}`, {}), 400);
  });
});

describe('admin: users', () => {
  it('lists and searches by name or e-mail, paginated, without hashes', async () => {
    for (let i = 0; i < 4; i++) await registerUser(t, { name: `Zoë Zoeker ${i}` });
    const all = (await as(t, admin).get('/api/admin/users?pageSize=2')).json();
    expect(all).toMatchObject({ total: 6, page: 1, pageSize: 2 });
    expect(all.items).toHaveLength(2);
    expect(JSON.stringify(all)).not.toMatch(/scrypt|hash/i);
    expect((await as(t, admin).get('/api/admin/users?q=zoë')).json().total).toBe(4);
    expect((await as(t, admin).get(`/api/admin/users?q=${encodeURIComponent(learner.email.toUpperCase())}`)).json().items[0].id).toBe(learner.id);
    expect((await as(t, admin).get('/api/admin/users?q=%25')).json().total).toBe(0); // LIKE wildcards are literal
    expectProblem(await as(t, admin).get('/api/admin/users?page=0'), 400);
  });

  it('only platform admins', async () => {
    expectProblem(await as(t, null).get('/api/admin/users'), 401);
    expectProblem(await as(t, learner).get('/api/admin/users'), 403);
    const lecturer = await registerUser(t, { roles: ['lecturer', 'institution-admin'] });
    expectProblem(await as(t, lecturer).get('/api/admin/users'), 403);
    expectProblem(await as(t, lecturer).patch(`/api/admin/users/${learner.id}`, { roles: ['admin'] }), 403);
  });

  it('changes roles and institution', async () => {
    const inst = (await as(t, admin).post('/api/institutions', institution)).json().institution.id;
    const res = await as(t, admin).patch(`/api/admin/users/${learner.id}`, { roles: ['lecturer'], institutionId: inst });
    expect(res.json().user).toMatchObject({ roles: ['lecturer'], institutionId: inst });
    expectProblem(await as(t, admin).patch(`/api/admin/users/${learner.id}`, { roles: ['wizard'] }), 400);
    expectProblem(await as(t, admin).patch(`/api/admin/users/${learner.id}`, { institutionId: 'nope' }), 400);
    expectProblem(await as(t, admin).patch('/api/admin/users/nope', { disabled: true }), 404);
  });

  it('disabling ends all sessions and blocks login; enabling restores login', async () => {
    expect((await as(t, admin).patch(`/api/admin/users/${learner.id}`, { disabled: true })).json().user.disabled).toBe(true);
    expectProblem(await as(t, learner).get('/api/auth/me'), 401);
    expectProblem(await as(t, null).post('/api/auth/login', { email: learner.email, password: 'correct horse battery staple' }), 403, 'LEERPAD_ACCOUNT_DISABLED');
    await as(t, admin).patch(`/api/admin/users/${learner.id}`, { disabled: false });
    expect((await as(t, null).post('/api/auth/login', { email: learner.email, password: 'correct horse battery staple' })).statusCode).toBe(200);
  });

  it('an admin cannot lock themselves out', async () => {
    expectProblem(await as(t, admin).patch(`/api/admin/users/${admin.id}`, { disabled: true }), 409);
    expectProblem(await as(t, admin).patch(`/api/admin/users/${admin.id}`, { roles: ['lecturer'] }), 409);
  });
});
