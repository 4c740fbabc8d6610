import { Type } from '@sinclair/typebox';
import { IdParams, problems, type App } from '../http.ts';
import { currentUser } from '../plugins/auth.ts';
import type { InstitutionService } from './service.ts';
import { CreateInstitutionBody, UpdateInstitutionBody } from './schema.ts';

export function institutionRoutes({ institutions }: { institutions: InstitutionService }) {
  return async function (app: App) {
    const One = Type.Object({ institution: Type.Ref('Institution') });

    app.get('/', {
      config: { access: 'public' },
      schema: { tags: ['institutions'], summary: 'All institutions on this instance', response: { 200: Type.Object({ items: Type.Array(Type.Ref('Institution')) }) } },
    }, async () => ({ items: institutions.list() }));

    app.get('/:id', {
      config: { access: 'public' },
      schema: { tags: ['institutions'], params: IdParams, response: { 200: One, ...problems(404) } },
    }, async (request) => ({ institution: institutions.get(request.params.id) }));

    app.post('/', {
      config: { access: 'admin' },
      schema: { tags: ['institutions'], summary: 'Create an institution (platform admin)', body: CreateInstitutionBody, response: { 201: One, ...problems(400, 401, 403, 409) } },
    }, async (request, reply) => reply.code(201).send({ institution: institutions.create(request.body) }));

    app.patch('/:id', {
      config: { access: 'user' },
      schema: { tags: ['institutions'], summary: 'Edit an institution (platform admin or its institution admin)', params: IdParams, body: UpdateInstitutionBody, response: { 200: One, ...problems(400, 401, 403, 404, 409) } },
    }, async (request) => ({ institution: institutions.update(currentUser(request), request.params.id, request.body) }));
  };
}
