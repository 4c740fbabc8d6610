import { Type } from '@sinclair/typebox';
import { IdParams, problems, type App } from '../http.ts';
import { currentUser } from '../plugins/auth.ts';
import { RoleSchema, toUser } from '../users/schema.ts';
import type { AdminService } from './service.ts';

const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
  },
  { additionalProperties: false },
);
const UserPatch = Type.Object(
  {
    roles: Type.Optional(Type.Array(RoleSchema, { maxItems: 3, uniqueItems: true })),
    institutionId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function adminRoutes({ admin }: { admin: AdminService }) {
  return async function (app: App) {
    app.get('/users', {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'List and search users by name or e-mail (platform admin)',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('User')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() }), ...problems(400, 401, 403) },
      },
    }, async (request) => {
      const { q, page, pageSize } = request.query;
      const { items, total } = admin.listUsers(q, page, pageSize);
      return { items: items.map(toUser), total, page, pageSize };
    });

    app.patch('/users/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Change roles, institution or disable/enable a user (platform admin)',
        params: IdParams,
        body: UserPatch,
        response: { 200: Type.Object({ user: Type.Ref('User') }), ...problems(400, 401, 403, 404, 409) },
      },
    }, async (request) => ({ user: toUser(admin.updateUser(currentUser(request), request.params.id, request.body)) }));
  };
}
