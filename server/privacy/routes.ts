import type { Config } from '../config.ts';
import { NoContent, problems, type App } from '../http.ts';
import { clearSessionCookie, currentUser } from '../plugins/auth.ts';
import type { PrivacyService } from './service.ts';
import { AccountExport, DeleteAccountBody } from './schema.ts';

/** Data rights: a copy of my data, and erasure of my account. Under /api. */
export function privacyRoutes({ config, privacy }: { config: Config; privacy: PrivacyService }) {
  const passwordLimit = { max: config.rateLimit.loginPerIpPerMinute, timeWindow: 60_000 };
  return async function (app: App) {
    const tags = ['privacy'];

    app.get('/me/export', {
      config: { access: 'user' },
      schema: { tags, summary: 'Download everything stored about me (JSON)', response: { 200: AccountExport, ...problems(401) } },
    }, async (request, reply) => {
      const data = privacy.exportData(currentUser(request), request.session?.id ?? null);
      return reply
        .header('content-disposition', `attachment; filename="leerpad-export-${data.exportedAt.slice(0, 10)}.json"`)
        .header('cache-control', 'no-store')
        .send(data);
    });

    app.delete('/me', {
      // A password guess per request: limited like logins.
      config: { access: 'user', rateLimit: passwordLimit },
      schema: { tags, summary: 'Delete my account (personal data erased, anonymous counts kept)', body: DeleteAccountBody, response: { 204: NoContent, ...problems(400, 401, 409, 429) } },
    }, async (request, reply) => {
      await privacy.deleteAccount(currentUser(request), request.body.password);
      clearSessionCookie(reply, config);
      return reply.code(204).send(null);
    });
  };
}
