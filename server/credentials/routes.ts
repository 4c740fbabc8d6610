import { Type } from '@sinclair/typebox';
import { IdParams, problems, type App } from '../http.ts';
import { currentUser } from '../plugins/auth.ts';
import type { CredentialService } from './service.ts';
import {
  AwardSettingsBody,
  AwardSettingsResponse,
  AwardedListResponse,
  DidDocument,
  JsonLdDocument,
  Jwks,
  MyCredential,
  MyCredentialsResponse,
  PublicBody,
  RevokeBody,
  RevokeResponse,
  StatusListParams,
  VerifyResponse,
} from './schema.ts';

const JWT_TYPE = 'application/vc+jwt';
const Jwt = Type.String({ description: `${JWT_TYPE}: compact JWS, EdDSA (Ed25519)` });

/** Certificates, Open Badges and micro-credentials. Registered under /api. */
export function credentialRoutes({ credentials }: { credentials: CredentialService }) {
  return async function (app: App) {
    const tags = ['credentials'];

    // ---- the learner ----
    app.get('/me/credentials', {
      config: { access: 'user' },
      schema: { tags, summary: 'My certificates and badges, newest first', response: { 200: MyCredentialsResponse, ...problems(401) } },
    }, async (request) => ({ items: credentials.listMine(currentUser(request)) }));

    app.patch('/me/credentials/:id', {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Show or hide my name and the course on the public verification page',
        params: IdParams,
        body: PublicBody,
        response: { 200: Type.Object({ credential: MyCredential }), ...problems(400, 401, 404) },
      },
    }, async (request) => ({ credential: credentials.setPublic(currentUser(request), request.params.id, request.body.public) }));

    // ---- one credential (owner, course staff, or anyone when public) ----
    app.get('/credentials/:id', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The credential as an Open Badges 3.0 OpenBadgeCredential (unsigned JSON-LD)',
        params: IdParams,
        response: { 200: JsonLdDocument, ...problems(404) },
      },
    }, async (request, reply) => {
      const doc = credentials.openBadge(request.user, request.params.id);
      return reply.type('application/ld+json; charset=utf-8').header('cache-control', 'private, no-cache').send(doc);
    });

    app.get('/credentials/:id/jwt', {
      config: { access: 'public' },
      schema: { tags, summary: 'The credential signed as a VC-JWT', params: IdParams, produces: [JWT_TYPE], response: { 200: Jwt, ...problems(404) } },
    }, async (request, reply) => {
      const jwt = credentials.jwt(request.user, request.params.id);
      return reply.type(JWT_TYPE).header('cache-control', 'private, no-cache').send(jwt);
    });

    app.get('/credentials/:id/elm', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The credential as a European Learning Model (EDC) JSON-LD document with the micro-credential Annex I fields',
        params: IdParams,
        response: { 200: JsonLdDocument, ...problems(404) },
      },
    }, async (request, reply) => {
      const doc = credentials.elm(request.user, request.params.id);
      return reply.type('application/ld+json; charset=utf-8').header('cache-control', 'private, no-cache').send(doc);
    });

    app.get('/credentials/:id/pdf', {
      // Rendering costs tens of milliseconds and a public credential's PDF is open to anyone: keep it bounded.
      config: { access: 'public', rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'The certificate as a PDF (A4 landscape, Dutch and English, with a QR code to the verification page)',
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }), ...problems(404, 429) },
      },
    }, async (request, reply) => {
      const pdf = await credentials.pdf(request.user, request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="certificate-${request.params.id}.pdf"`)
        .header('cache-control', 'private, no-cache')
        .send(pdf);
    });

    app.post('/credentials/:id/revoke', {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Revoke a credential, with the reason (course staff); published in the status list',
        params: IdParams,
        body: RevokeBody,
        response: { 200: RevokeResponse, ...problems(400, 401, 403, 404, 409) },
      },
    }, async (request) => ({ credential: credentials.revoke(currentUser(request), request.params.id, request.body.reason) }));

    app.get('/credentials/status/:listId', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A revocation status list (BitstringStatusListCredential): JSON, or a VC-JWT when asked for application/vc+jwt',
        params: StatusListParams,
        produces: ['application/ld+json', JWT_TYPE],
        response: { 200: Type.Union([JsonLdDocument, Jwt]), ...problems(400, 404) },
      },
    }, async (request, reply) => {
      const signed = (request.headers.accept ?? '').includes(JWT_TYPE);
      const list = credentials.statusList(request.params.listId, signed);
      // Verifiers poll this; a minute of caching keeps revocation prompt without hammering the database.
      reply.header('cache-control', 'public, max-age=60').header('vary', 'accept');
      if (typeof list === 'string') return reply.type(JWT_TYPE).send(list);
      return reply.type('application/ld+json; charset=utf-8').send(list);
    });

    // ---- public verification ----
    app.get('/verify/:id', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Whether a credential is valid or revoked; the learner and course only when the learner made it public',
        params: IdParams,
        response: { 200: VerifyResponse, ...problems(404) },
      },
    }, async (request, reply) => {
      reply.header('cache-control', 'no-cache');
      return credentials.verify(request.params.id);
    });

    // ---- course staff ----
    app.get('/courses/:id/awards', {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'What the course awards, and which micro-credential elements are still missing (course staff)',
        params: IdParams,
        response: { 200: AwardSettingsResponse, ...problems(401, 403, 404) },
      },
    }, async (request) => credentials.getSettings(currentUser(request), request.params.id));

    app.put('/courses/:id/awards', {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Set what the course awards (course staff); learners who already qualify are awarded at once',
        params: IdParams,
        body: AwardSettingsBody,
        response: { 200: AwardSettingsResponse, ...problems(400, 401, 403, 404, 422) },
      },
    }, async (request) => credentials.putSettings(currentUser(request), request.params.id, request.body));

    app.get('/courses/:id/credentials', {
      config: { access: 'user' },
      schema: { tags, summary: 'Credentials awarded in the course (course staff)', params: IdParams, response: { 200: AwardedListResponse, ...problems(401, 403, 404) } },
    }, async (request) => ({ items: credentials.courseCredentials(currentUser(request), request.params.id) }));
  };
}

/** The instance's public keys and its did:web document. Registered at the root. */
export function wellKnownRoutes({ credentials }: { credentials: CredentialService }) {
  return async function (app: App) {
    const tags = ['credentials'];
    app.get('/.well-known/jwks.json', {
      config: { access: 'public' },
      schema: { tags, summary: 'Public keys that sign credentials (JWK Set)', response: { 200: Jwks } },
    }, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600').header('access-control-allow-origin', '*');
      return credentials.jwks();
    });

    app.get('/.well-known/did.json', {
      config: { access: 'public' },
      schema: { tags, summary: 'The did:web document of this instance', response: { 200: DidDocument } },
    }, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600').header('access-control-allow-origin', '*');
      return reply.type('application/did+json').send(credentials.didDocument());
    });
  };
}
