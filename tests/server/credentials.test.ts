import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { as, expectProblem, type TestApp } from '../helpers/app.ts';
import { evaluateAwards } from '../../server/credentials/awards.ts';
import {
  buildCourse,
  completeCourse,
  completeLessons,
  credentialWorld,
  makeInstitution,
  pdfText,
  setCourseFacts,
  submitAttempt,
} from '../helpers/credentials.ts';

let current: TestApp | null = null;
async function world() {
  const w = await credentialWorld();
  current = w.t;
  return w;
}
afterEach(async () => {
  await current?.app.close();
  current = null;
});

const count = (t: TestApp, userId: string, kind?: string) =>
  (t.db.$client.prepare(`SELECT count(*) AS n FROM credentials WHERE user_id = ?${kind ? ' AND kind = ?' : ''}`).get(...(kind ? [userId, kind] : [userId])) as { n: number }).n;

const putAwards = (t: TestApp, actor: Parameters<typeof as>[1], courseId: string, body: Record<string, unknown>) => as(t, actor).put(`/api/courses/${courseId}/awards`, body);

/** Decodes a Bitstring Status List entry: is bit `index` set? */
function bitSet(encodedList: string, index: number): boolean {
  expect(encodedList.startsWith('u')).toBe(true);
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  expect(bits.length).toBe(131_072 / 8);
  return (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

describe('award rules', () => {
  it('confirmation of participation: just below the lesson threshold nothing, at it one award', async () => {
    const { t, lecturer, learner, enrolIn } = await world();
    const { course, lessonIds } = buildCourse(t, { lecturerId: lecturer.id, lessons: [{}, {}, {}, {}, { optional: true }] });
    enrolIn(learner, course.id);
    expect((await putAwards(t, lecturer, course.id, { participationEnabled: true, participationPercent: 75 })).statusCode).toBe(200);

    completeLessons(t, learner.id, course.id, [lessonIds[0], lessonIds[1], lessonIds[4]]); // 2 of 4 required = 50 %
    expect(evaluateAwards(t, learner.id, course.id)).toEqual([]);
    completeLessons(t, learner.id, course.id, [lessonIds[2]]); // 3 of 4 = 75 %
    const issued = evaluateAwards(t, learner.id, course.id);
    expect(issued.map((c) => c.kind)).toEqual(['participation']);
    expect(count(t, learner.id)).toBe(1);
  });

  it('the default participation threshold is 50 %', async () => {
    const { t, lecturer, learner, enrolIn } = await world();
    const { course, lessonIds } = buildCourse(t, { lecturerId: lecturer.id, lessons: [{}, {}, {}, {}] });
    enrolIn(learner, course.id);
    const res = await putAwards(t, lecturer, course.id, { participationEnabled: true });
    expect(res.json().participationPercent).toBe(50);
    completeLessons(t, learner.id, course.id, [lessonIds[0]]);
    expect(evaluateAwards(t, learner.id, course.id)).toHaveLength(0);
    completeLessons(t, learner.id, course.id, [lessonIds[3]]);
    expect(evaluateAwards(t, learner.id, course.id)).toHaveLength(1);
  });

  it('record of achievement: needs the completed course and the average best score, at the threshold', async () => {
    const { t, lecturer, learner, enrolIn } = await world();
    const { course, lessonIds } = buildCourse(t, {
      lecturerId: lecturer.id,
      lessons: [{}, { kind: 'quiz' }, { kind: 'quiz' }, { kind: 'quiz', mode: 'practice' }, { kind: 'quiz', optional: true }],
    });
    enrolIn(learner, course.id);
    await putAwards(t, lecturer, course.id, { achievementEnabled: true, achievementPercent: 50 });

    // Practice and optional quizzes do not count; the best attempt per quiz does.
    submitAttempt(t, learner.id, lessonIds[1], 30);
    submitAttempt(t, learner.id, lessonIds[1], 60);
    submitAttempt(t, learner.id, lessonIds[2], 39);
    submitAttempt(t, learner.id, lessonIds[3], 0);
    submitAttempt(t, learner.id, lessonIds[4], 0);
    completeLessons(t, learner.id, course.id, lessonIds);
    // Scores are high enough on their own? No: the course is not completed yet.
    submitAttempt(t, learner.id, lessonIds[2], 90);
    expect(evaluateAwards(t, learner.id, course.id)).toEqual([]);
    t.db.$client.prepare(`DELETE FROM attempts WHERE lesson_id = ? AND percent = 90`).run(lessonIds[2]);

    completeCourse(t, learner.id, course.id);
    expect(evaluateAwards(t, learner.id, course.id)).toEqual([]); // (60 + 39) / 2 = 49.5
    submitAttempt(t, learner.id, lessonIds[2], 40); // (60 + 40) / 2 = 50
    const issued = evaluateAwards(t, learner.id, course.id);
    expect(issued).toEqual([{ id: expect.any(String), kind: 'achievement', microCredential: false }]);
  });

  it('a course without graded quizzes awards the record of achievement on completion', async () => {
    const { t, lecturer, learner, enrolIn } = await world();
    const { course, lessonIds } = buildCourse(t, { lecturerId: lecturer.id, lessons: [{}, { kind: 'quiz', mode: 'practice' }] });
    enrolIn(learner, course.id);
    const res = await putAwards(t, lecturer, course.id, { achievementEnabled: true, achievementPercent: 90 });
    expect(res.json().readiness.warnings).toContain('noGradedQuizzes');
    completeLessons(t, learner.id, course.id, lessonIds);
    expect(evaluateAwards(t, learner.id, course.id)).toEqual([]);
    completeCourse(t, learner.id, course.id);
    expect(evaluateAwards(t, learner.id, course.id)).toHaveLength(1);
  });

  it('is idempotent: evaluating again, or from every entry point, never issues a second award', async () => {
    const { t, lecturer, learner, enrolIn } = await world();
    const { course, lessonIds } = buildCourse(t, { lecturerId: lecturer.id, lessons: [{}, {}] });
    enrolIn(learner, course.id);
    completeLessons(t, learner.id, course.id, lessonIds);
    completeCourse(t, learner.id, course.id);
    // Enabling the awards issues to learners who already qualify.
    await putAwards(t, lecturer, course.id, { participationEnabled: true, achievementEnabled: true });
    expect(count(t, learner.id)).toBe(2);
    expect(evaluateAwards(t, learner.id, course.id)).toEqual([]);
    expect(evaluateAwards(t, learner.id, course.id)).toEqual([]);
    await putAwards(t, lecturer, course.id, { participationPercent: 10 });
    const mine = await as(t, learner).get('/api/me/credentials');
    expect(mine.json().items).toHaveLength(2);
    expect(count(t, learner.id, 'participation')).toBe(1);
    expect(count(t, learner.id, 'achievement')).toBe(1);
    // The unique index is the last line of defence.
    const row = t.db.$client.prepare(`SELECT * FROM credentials WHERE user_id = ? AND kind = 'participation'`).get(learner.id) as Record<string, unknown>;
    expect(() =>
      t.db.$client
        .prepare(`INSERT INTO credentials (id, user_id, course_id, kind, issued_at, snapshot, status_list, status_index) VALUES ('x', ?, ?, 'participation', 0, '{}', 1, 7)`)
        .run(row.user_id, row.course_id),
    ).toThrow(/UNIQUE/);
  });

  it('nothing for a draft course, an unenrolled learner or a course without awards', async () => {
    const { t, lecturer, learner, other, enrolIn } = await world();
    const draft = buildCourse(t, { lecturerId: lecturer.id, status: 'draft', lessons: [{}] });
    const plain = buildCourse(t, { lecturerId: lecturer.id, lessons: [{}] });
    const open = buildCourse(t, { lecturerId: lecturer.id, lessons: [{}] });
    enrolIn(learner, draft.course.id);
    enrolIn(learner, plain.course.id);
    await putAwards(t, lecturer, draft.course.id, { participationEnabled: true });
    await putAwards(t, lecturer, open.course.id, { participationEnabled: true });
    completeLessons(t, learner.id, draft.course.id, draft.lessonIds);
    completeLessons(t, learner.id, plain.course.id, plain.lessonIds);
    completeLessons(t, other.id, open.course.id, open.lessonIds); // progress without an enrolment
    expect(evaluateAwards(t, learner.id, draft.course.id)).toEqual([]);
    expect(evaluateAwards(t, learner.id, plain.course.id)).toEqual([]);
    expect(evaluateAwards(t, other.id, open.course.id)).toEqual([]);
    expect(evaluateAwards(t, learner.id, 'no-such-course')).toEqual([]);
  });
});

describe('award settings', () => {
  it('staff only; validation; defaults when nothing is set', async () => {
    const { t, lecturer, otherLecturer, learner } = await world();
    const { course } = buildCourse(t, { lecturerId: lecturer.id, lessons: [{}] });
    const draft = buildCourse(t, { lecturerId: lecturer.id, status: 'draft', lessons: [{}] });

    const got = await as(t, lecturer).get(`/api/courses/${course.id}/awards`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ participationEnabled: false, participationPercent: 50, achievementEnabled: false, achievementPercent: 50, microCredential: false });

    expectProblem(await as(t, null).get(`/api/courses/${course.id}/awards`), 401);
    expectProblem(await as(t, otherLecturer).get(`/api/courses/${course.id}/awards`), 403);
    expectProblem(await as(t, learner).get(`/api/courses/${draft.course.id}/awards`), 404);
    expectProblem(await putAwards(t, otherLecturer, course.id, { participationEnabled: true }), 403);
    expectProblem(await putAwards(t, lecturer, course.id, { participationPercent: 0 }), 400, 'LEERPAD_VALIDATION');
    expectProblem(await putAwards(t, lecturer, course.id, { participationPercent: 101 }), 400);
    expectProblem(await putAwards(t, lecturer, course.id, { nonsense: true }), 400);
    expectProblem(await putAwards(t, lecturer, course.id, { vksLevel: 9 }), 400);
    expectProblem(await as(t, lecturer).get(`/api/courses/nope/awards`), 404);
    expectProblem(await as(t, otherLecturer).get(`/api/courses/${course.id}/credentials`), 403);
  });

  it('micro-credential: tells what is missing, refuses until complete, warns about ECTS outside 3-20', async () => {
    const { t, lecturer, learner, enrolIn } = await world();
    const { course, lessonIds } = buildCourse(t, { lecturerId: lecturer.id, lessons: [{}, { kind: 'quiz' }] });
    const got = await as(t, lecturer).get(`/api/courses/${course.id}/awards`);
    expect(got.json().readiness).toEqual({
      complete: false,
      missing: ['institution', 'learningOutcomes', 'workloadHours', 'ects', 'eqfLevel', 'vksLevel', 'assessmentType', 'qualityAssurance', 'prerequisites', 'stackability'],
      warnings: [],
    });

    const refused = expectProblem(await putAwards(t, lecturer, course.id, { achievementEnabled: true, microCredential: true, vksLevel: 6 }), 422, 'LEERPAD_UNPROCESSABLE');
    expect(refused.errors!.map((e) => e.pointer)).toEqual([
      '/course/institution',
      '/course/learningOutcomes',
      '/course/workloadHours',
      '/course/ects',
      '/course/eqfLevel',
      '/body/assessmentType',
      '/body/qualityAssurance',
      '/course/prerequisites',
      '/body/stackability',
    ]);
    // Nothing was saved.
    expect((await as(t, lecturer).get(`/api/courses/${course.id}/awards`)).json().vksLevel).toBeNull();

    setCourseFacts(t, course.id, {
      institutionId: makeInstitution(t),
      learningOutcomes: ['Explain the basics of Flemish water management', '  '],
      workloadHours: 25,
      ects: 25,
      eqfLevel: 6,
      prerequisites: 'None',
    });
    const body = {
      achievementEnabled: true,
      microCredential: true,
      vksLevel: 6,
      assessmentType: 'Online quizzes, automatically graded',
      qualityAssurance: 'Institutional review by NVAO',
      stackability: 'Stackable towards the postgraduate certificate in water management',
    };
    expectProblem(await putAwards(t, lecturer, course.id, { ...body, achievementEnabled: false }), 422);
    const ok = await putAwards(t, lecturer, course.id, body);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().readiness).toEqual({ complete: true, missing: [], warnings: ['ectsOutOfRange'] });
    setCourseFacts(t, course.id, { ects: 3 });
    expect((await as(t, lecturer).get(`/api/courses/${course.id}/awards`)).json().readiness.warnings).toEqual([]);

    enrolIn(learner, course.id);
    completeLessons(t, learner.id, course.id, lessonIds);
    completeCourse(t, learner.id, course.id);
    submitAttempt(t, learner.id, lessonIds[1], 80);
    const issued = evaluateAwards(t, learner.id, course.id);
    expect(issued).toEqual([{ id: expect.any(String), kind: 'achievement', microCredential: true }]);
    const ob = (await as(t, learner).get(`/api/credentials/${issued[0].id}`)).json();
    expect(ob.credentialSubject.achievement.achievementType).toBe('MicroCredential');
    expect(ob.credentialSubject.achievement.creditsAvailable).toBe(3);
    expect(ob.credentialSubject.result[0].value).toBe('80');

    const elm = await as(t, learner).get(`/api/credentials/${issued[0].id}/elm`);
    expect(elm.statusCode).toBe(200);
    const claim = elm.json().credentialSubject.hasClaim[0];
    expect(elm.json().type).toEqual(['VerifiableCredential', 'EuropeanDigitalCredential']);
    expect(elm.json().credentialSubject.fullName.en).toBe('Lena Leerling');
    expect(claim.specifiedBy.learningOutcome.map((o: { title: { en: string } }) => o.title.en)).toEqual(['Explain the basics of Flemish water management']);
    expect(claim.specifiedBy.volumeOfLearning).toBe('PT25H');
    expect(claim.specifiedBy.creditPoint[0].point).toBe('3');
    expect(claim.specifiedBy.eqfLevel.id).toBe('http://data.europa.eu/snb/eqf/6');
    expect(claim.specifiedBy.entryRequirement.noteLiteral.en).toBe('None');
    expect(claim.provenBy[0].specifiedBy.description.en).toBe('Online quizzes, automatically graded');
    expect(claim.provenBy[0].grade.noteLiteral.en).toBe('80%');
    expect(claim.awardedBy.awardingBody[0].legalName).toEqual({ nl: 'Universiteit Gent', en: 'Ghent University' });
  });
});

async function issuedWorld() {
  const w = await world();
  const { t, lecturer, learner, enrolIn } = w;
  const institutionId = makeInstitution(t);
  const { course, lessonIds } = buildCourse(t, { lecturerId: lecturer.id, title: 'Waterbeheer in Vlaanderen', lessons: [{}, {}], institutionId });
  setCourseFacts(t, course.id, { learningOutcomes: ['Read a flood map', 'Explain a water balance'], workloadHours: 12, ects: 1, eqfLevel: 5 });
  enrolIn(learner, course.id);
  await putAwards(t, lecturer, course.id, { participationEnabled: true, achievementEnabled: true });
  completeLessons(t, learner.id, course.id, lessonIds);
  completeCourse(t, learner.id, course.id);
  const [participation, achievement] = evaluateAwards(t, learner.id, course.id);
  return { ...w, course, participation, achievement };
}

describe('credentials', () => {
  it('my credentials: list, share toggle; others get 404', async () => {
    const { t, learner, other, achievement } = await issuedWorld();
    const res = await as(t, learner).get('/api/me/credentials');
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(2);
    const a = items.find((i: { kind: string }) => i.kind === 'achievement');
    expect(a).toMatchObject({
      id: achievement.id,
      courseTitle: 'Waterbeheer in Vlaanderen',
      achievementType: 'Course',
      revoked: false,
      public: false,
      pdfUrl: `/api/credentials/${achievement.id}/pdf`,
      verifyUrl: `https://leerpad.example.be/verify/${achievement.id}`,
    });
    expect(a.jwt.split('.')).toHaveLength(3);
    expect(items.find((i: { kind: string }) => i.kind === 'participation').achievementType).toBe('CertificateOfCompletion');
    expectProblem(await as(t, null).get('/api/me/credentials'), 401);
    expect((await as(t, other).get('/api/me/credentials')).json().items).toEqual([]);

    for (const path of ['', '/jwt', '/pdf', '/elm']) {
      expectProblem(await as(t, other).get(`/api/credentials/${achievement.id}${path}`), 404);
      expectProblem(await as(t, null).get(`/api/credentials/${achievement.id}${path}`), 404);
    }
    expectProblem(await as(t, other).patch(`/api/me/credentials/${achievement.id}`, { public: true }), 404);
    expectProblem(await as(t, learner).patch(`/api/me/credentials/${achievement.id}`, { public: 'maybe' }), 400);

    // Not public: the verification page says valid, without the name or the course.
    const hidden = (await as(t, null).get(`/api/verify/${achievement.id}`)).json();
    expect(hidden).toMatchObject({ status: 'valid', public: false, learnerName: null, course: null });

    const shared = await as(t, learner).patch(`/api/me/credentials/${achievement.id}`, { public: true });
    expect(shared.json().credential.public).toBe(true);
    const shown = (await as(t, null).get(`/api/verify/${achievement.id}`)).json();
    expect(shown).toMatchObject({ status: 'valid', public: true, learnerName: 'Lena Leerling', course: { title: 'Waterbeheer in Vlaanderen' }, issuer: { nameNl: 'Universiteit Gent' } });
    expect((await as(t, null).get(`/api/credentials/${achievement.id}`)).statusCode).toBe(200);
    expect((await as(t, other).get(`/api/credentials/${achievement.id}/pdf`)).statusCode).toBe(200);
  });

  it('unknown or malformed ids are a clean 404 problem', async () => {
    const { t, learner } = await issuedWorld();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '%27%20OR%201=1', 'x'.repeat(100)]) {
      expectProblem(await as(t, null).get(`/api/verify/${id}`), 404, 'LEERPAD_NOT_FOUND');
      expectProblem(await as(t, learner).get(`/api/credentials/${id}`), 404);
      expectProblem(await as(t, learner).get(`/api/credentials/${id}/pdf`), 404);
    }
    expectProblem(await as(t, null).get(`/api/credentials/status/99`), 404);
    expectProblem(await as(t, null).get(`/api/credentials/status/abc`), 400);
  });

  it('the Open Badge 3.0 credential, signed as a VC-JWT, verifies with the published JWKS and not when tampered', async () => {
    const { t, learner, achievement } = await issuedWorld();
    const jwks = await as(t, null).get('/.well-known/jwks.json');
    expect(jwks.statusCode).toBe(200);
    const keys = jwks.json().keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
    expect(jwks.body).not.toMatch(/"d"/);

    const res = await as(t, learner).get(`/api/credentials/${achievement.id}/jwt`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/vc\+jwt/);
    const jwt = res.body;
    const did = 'did:web:leerpad.example.be';
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'EdDSA', typ: 'vc+jwt', kid: keys[0].kid });
    expect(keys[0].kid.startsWith(`${did}#`)).toBe(true);

    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks.json()), { issuer: did, algorithms: ['EdDSA'] });
    expect(payload['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    expect(payload.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(payload.jti).toBe(`urn:uuid:${achievement.id}`);
    const ob = (await as(t, learner).get(`/api/credentials/${achievement.id}`)).json();
    expect({ ...payload, iss: undefined, jti: undefined, nbf: undefined, iat: undefined }).toEqual({ ...ob, iss: undefined, jti: undefined, nbf: undefined, iat: undefined });
    expect(ob.issuer).toMatchObject({ id: did, type: ['Profile'], name: 'Ghent University' });
    expect(ob.validFrom).toBe('2026-01-05T09:00:00Z');
    const ach = ob.credentialSubject.achievement;
    expect(ach).toMatchObject({ type: ['Achievement'], achievementType: 'Course', creditsAvailable: 1, criteria: { narrative: expect.stringContaining('Waterbeheer in Vlaanderen') } });
    expect(ach.alignment[0]).toMatchObject({ targetUrl: 'http://data.europa.eu/snb/eqf/5', targetCode: '5' });
    expect(ach.alignment.slice(1).map((a: { targetName: string }) => a.targetName)).toEqual(['Read a flood map', 'Explain a water balance']);
    expect(ob.credentialSubject.identifier[0]).toMatchObject({ identityType: 'name', identityHash: 'Lena Leerling', hashed: false });
    expect(ob.credentialSubject.identifier[1].identityHash).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(ob.credentialStatus).toMatchObject({
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListCredential: 'https://leerpad.example.be/api/credentials/status/1',
    });

    // Tampered: a different name in the payload, the signature kept.
    const [h, p, s] = jwt.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), name: 'Master of the Universe' })).toString('base64url');
    await expect(jwtVerify(`${h}.${forged}.${s}`, createLocalJWKSet(jwks.json()))).rejects.toThrow();

    const didDoc = (await as(t, null).get('/.well-known/did.json')).json();
    expect(didDoc.id).toBe(did);
    expect(didDoc.verificationMethod[0]).toMatchObject({ id: keys[0].kid, controller: did, publicKeyJwk: { x: keys[0].x } });
    expect(didDoc.assertionMethod).toEqual([keys[0].kid]);
  });

  it('the signing key is generated once and kept across restarts', async () => {
    const { t } = await world();
    const before = (await as(t, null).get('/.well-known/jwks.json')).json();
    const { buildApp } = await import('../../server/app.ts');
    const again = await buildApp({ config: t.config, db: t.db, clock: t.clock });
    const after = (await again.inject({ url: '/.well-known/jwks.json' })).json();
    await again.close();
    expect(after).toEqual(before);
    expect((t.db.$client.prepare('SELECT count(*) AS n FROM signing_keys').get() as { n: number }).n).toBe(1);
  });

  it('revocation: course staff with a reason; shows on the verification endpoint and in the status list', async () => {
    const { t, lecturer, otherLecturer, learner, other, course, achievement, participation } = await issuedWorld();
    const entry = (await as(t, learner).get(`/api/credentials/${achievement.id}`)).json().credentialStatus;
    const index = Number(entry.statusListIndex);

    const before = (await as(t, null).get('/api/credentials/status/1')).json();
    expect(before.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
    expect(bitSet(before.credentialSubject.encodedList, index)).toBe(false);

    expectProblem(await as(t, null).post(`/api/credentials/${achievement.id}/revoke`, { reason: 'x' }), 401);
    expectProblem(await as(t, learner).post(`/api/credentials/${achievement.id}/revoke`, { reason: 'x' }), 403);
    expectProblem(await as(t, other).post(`/api/credentials/${achievement.id}/revoke`, { reason: 'x' }), 404);
    expectProblem(await as(t, otherLecturer).post(`/api/credentials/${achievement.id}/revoke`, { reason: 'x' }), 404);
    expectProblem(await as(t, lecturer).post(`/api/credentials/${achievement.id}/revoke`, {}), 400);
    expectProblem(await as(t, lecturer).post(`/api/credentials/${achievement.id}/revoke`, { reason: '   ' }), 400);

    t.clock.advance(60_000);
    const revoked = await as(t, lecturer).post(`/api/credentials/${achievement.id}/revoke`, { reason: 'Plagiarism in the final assignment' });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().credential).toMatchObject({ revoked: true, revokedReason: 'Plagiarism in the final assignment' });
    expectProblem(await as(t, lecturer).post(`/api/credentials/${achievement.id}/revoke`, { reason: 'again' }), 409);

    const verified = (await as(t, null).get(`/api/verify/${achievement.id}`)).json();
    expect(verified).toMatchObject({ status: 'revoked', revokedAt: '2026-01-05T09:01:00.000Z' });
    expect(JSON.stringify(verified)).not.toContain('Plagiarism');
    expect((await as(t, null).get(`/api/verify/${participation.id}`)).json().status).toBe('valid');

    const after = await as(t, null).get('/api/credentials/status/1');
    expect(bitSet(after.json().credentialSubject.encodedList, index)).toBe(true);
    const otherIndex = Number((await as(t, learner).get(`/api/credentials/${participation.id}`)).json().credentialStatus.statusListIndex);
    expect(bitSet(after.json().credentialSubject.encodedList, otherIndex)).toBe(false);

    // The same list, signed, for verifiers that want a VC-JWT.
    const signed = await as(t, null).get('/api/credentials/status/1', undefined, { accept: 'application/vc+jwt' });
    expect(signed.headers['content-type']).toMatch(/^application\/vc\+jwt/);
    const jwks = createLocalJWKSet((await as(t, null).get('/.well-known/jwks.json')).json());
    const { payload } = await jwtVerify(signed.body, jwks);
    expect((payload.credentialSubject as { encodedList: string }).encodedList).toBe(after.json().credentialSubject.encodedList);

    const list = (await as(t, lecturer).get(`/api/courses/${course.id}/credentials`)).json().items;
    expect(list).toHaveLength(2);
    expect(list.find((c: { id: string }) => c.id === achievement.id)).toMatchObject({ learnerName: 'Lena Leerling', revoked: true });
    const mine = (await as(t, learner).get('/api/me/credentials')).json().items;
    expect(mine.find((c: { id: string }) => c.id === achievement.id).revoked).toBe(true);
    // A revoked award is not issued again.
    expect(evaluateAwards(t, learner.id, course.id)).toEqual([]);
  });

  it('the certificate PDF is a valid PDF with the learner, the course and the verification address', async () => {
    const { t, learner, achievement } = await issuedWorld();
    const res = await as(t, learner).get(`/api/credentials/${achievement.id}/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString().trim()).toBe('%%EOF');
    const text = pdfText(pdf);
    expect(text).toContain('Lena Leerling');
    expect(text).toContain('Waterbeheer in Vlaanderen');
    expect(text).toContain('Universiteit Gent');
    expect(text).toContain('Bewijs van prestatie / Record of achievement');
    expect(text).toContain('Read a flood map');
    expect(text).toContain(`https://leerpad.example.be/verify/${achievement.id}`);
    expect(text).toContain('12 uur / 12 hours');
    // The QR code is an embedded PNG image.
    expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image/);
  });

  it('names outside Windows-1252 do not break the PDF', async () => {
    const { t, lecturer, learner, enrolIn } = await world();
    t.db.$client.prepare('UPDATE users SET name = ? WHERE id = ?').run('Łukasz Żółć 李', learner.id);
    const { course, lessonIds } = buildCourse(t, { lecturerId: lecturer.id, lessons: [{}] });
    enrolIn(learner, course.id);
    await putAwards(t, lecturer, course.id, { participationEnabled: true });
    completeLessons(t, learner.id, course.id, lessonIds);
    const [c] = evaluateAwards(t, learner.id, course.id);
    const res = await as(t, learner).get(`/api/credentials/${c.id}/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.subarray(-6).toString().trim()).toBe('%%EOF');
  });
});
