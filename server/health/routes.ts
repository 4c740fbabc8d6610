import { Type } from '@sinclair/typebox';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { App } from '../http.ts';

export function healthRoutes({ db }: { db: Db }) {
  return async function (app: App) {
    const Status = Type.Object({ status: Type.String() });
    app.get('/live', {
      config: { access: 'public' },
      schema: { tags: ['health'], summary: 'The process answers', response: { 200: Status } },
    }, async () => ({ status: 'ok' }));

    app.get('/ready', {
      config: { access: 'public' },
      schema: { tags: ['health'], summary: 'The database answers', response: { 200: Status, 503: Status } },
    }, async (_request, reply) => {
      try {
        db.get(sql`select 1`);
        return { status: 'ok' };
      } catch {
        return reply.code(503).send({ status: 'database unavailable' });
      }
    });
  };
}
