import { Type } from '@sinclair/typebox';
import { IdParams, NoContent, problems, type App } from '../http.ts';
import { currentUser } from '../plugins/auth.ts';
import type { ProgressService } from './service.ts';
import type { LecturerViews } from './lecturer.ts';
import {
  CompleteResponse,
  CourseProgressResponse,
  Dashboard,
  HeartbeatBody,
  LearnerDetailResponse,
  LearnerParams,
  LearnersCsvQuery,
  LearnersQuery,
  LearnersResponse,
} from './schema.ts';

/** Progress: heartbeats, completion, my progress and dashboard, the lecturer's view of learners. Under /api. */
export function progressRoutes({ progress, lecturer }: { progress: ProgressService; lecturer: LecturerViews }) {
  return async function (app: App) {
    const tags = ['progress'];
    // Beats still in memory are written before the database is closed (server/main.ts closes it after the app).
    app.addHook('onClose', async () => progress.close());

    // Its own context, so that only this route reads a text/plain body as JSON: navigator.sendBeacon() can send
    // a string body only as text/plain. The CSRF check (Origin, Sec-Fetch-Site) applies as to any POST.
    await app.register(async (beats: App) => {
      beats.removeContentTypeParser('text/plain');
      beats.addContentTypeParser('text/plain', { parseAs: 'string' }, beats.getDefaultJsonParser('error', 'error'));
      beats.post('/progress/heartbeat', {
        // A 204 has no body to frame, sniff or run scripts in, so the dozen document headers (CSP alone is ~400
        // bytes) protect nothing here.
        config: { access: 'user', securityHeaders: false },
        bodyLimit: 16 * 1024,
        schema: {
          tags,
          summary: 'Report video watching: what was played since the last beat, and where the player is',
          description: 'Accepted beats are written within 100 ms; also accepts a JSON body sent as text/plain (sendBeacon).',
          body: HeartbeatBody,
          response: { 204: NoContent, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
        },
      }, async (request, reply) => {
        progress.heartbeat(currentUser(request), request.body);
        return reply.code(204).send(null);
      });
    });

    app.post('/lessons/:id/complete', {
      config: { access: 'user' },
      schema: { tags, summary: 'Mark a text lesson done', params: IdParams, response: { 200: CompleteResponse, ...problems(401, 403, 404, 409, 422) } },
    }, async (request) => progress.completeLesson(currentUser(request), request.params.id));

    app.get('/courses/:id/progress', {
      config: { access: 'user' },
      schema: { tags, summary: 'My progress in a course', params: IdParams, response: { 200: CourseProgressResponse, ...problems(401, 403, 404) } },
    }, async (request) => ({ progress: progress.courseProgress(currentUser(request), request.params.id) }));

    app.get('/me/dashboard', {
      config: { access: 'user' },
      schema: { tags, summary: 'My courses with progress and where to continue', response: { 200: Dashboard, ...problems(401) } },
    }, async (request) => progress.dashboard(currentUser(request)));

    // ---- lecturer view ----
    app.get('/courses/:id/learners', {
      config: { access: 'user' },
      schema: { tags, summary: 'Learners of a course with their progress (course staff)', params: IdParams, querystring: LearnersQuery, response: { 200: LearnersResponse, ...problems(400, 401, 403, 404) } },
    }, async (request) => lecturer.list(currentUser(request), request.params.id, request.query));

    app.get('/courses/:id/learners.csv', {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Learners of a course as CSV (course staff)',
        params: IdParams,
        querystring: LearnersCsvQuery,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'text/csv' }), ...problems(400, 401, 403, 404) },
      },
    }, async (request, reply) => {
      const { filename, body } = lecturer.csv(currentUser(request), request.params.id, request.query.q);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(body);
    });

    app.get('/courses/:id/learners/:userId', {
      config: { access: 'user' },
      schema: { tags, summary: "One learner's progress, lesson by lesson (course staff)", params: LearnerParams, response: { 200: LearnerDetailResponse, ...problems(401, 403, 404) } },
    }, async (request) => lecturer.detail(currentUser(request), request.params.id, request.params.userId));
  };
}
