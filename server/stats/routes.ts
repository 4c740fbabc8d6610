import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../clock.ts';
import { forbidden, notFound } from '../errors.ts';
import { IdParams, problems, type App } from '../http.ts';
import { currentUser, hasRole, isAdmin } from '../plugins/auth.ts';
import { isCourseStaff, visibleCourse } from '../courses/access.ts';
import { courseAnalytics, type CourseAnalytics } from './analytics.ts';
import { SUPPRESSION_RULE, MIN_CELL } from './definitions.ts';
import type { Report } from './report.ts';
import {
  CourseAnalyticsResponse,
  CourseStatisticsResponse,
  CoursesQuery,
  DEFINITIONS_BODY,
  DefinitionsResponse,
  InstitutionAnalyticsResponse,
  PlatformAnalyticsResponse,
  PeriodQuery,
  StatisticsResponse,
  TimeseriesQuery,
  TimeseriesResponse,
} from './schema.ts';
import type { StatsService } from './service.ts';
import type { Snapshot } from './snapshot.ts';
import { CSV_SUPPRESSED, courseRef, coursesBody, coursesCsv, scopeRow, statisticsBody, statisticsCsv, timeseriesBody, timeseriesCsv, type Scope } from './views.ts';

interface Deps {
  db: Db;
  clock: Clock;
  stats: StatsService;
  baseUrl: string;
  maxAgeMs: number;
}

/** CSV when the path ends in .csv or when the client prefers text/csv over JSON in Accept. */
function wantsCsv(request: FastifyRequest): boolean {
  if (request.url.split('?')[0].endsWith('.csv')) return true;
  const ranges = (request.headers.accept ?? '')
    .split(',')
    .map((part, order) => {
      const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = Number(params.find((x) => x.startsWith('q='))?.slice(2) ?? 1);
      return { type, q: Number.isFinite(q) ? q : 1, order };
    })
    .filter((r) => r.q > 0 && ['text/csv', 'application/json', '*/*', 'text/*', 'application/*'].includes(r.type))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranges[0]?.type === 'text/csv';
}

function sendCsv(reply: FastifyReply, name: string, body: string) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(body);
}

const OPEN_TAGS = ['open statistics'];
const CSV_NOTE = `Also as CSV: add .csv to the path or send Accept: text/csv. In CSV a suppressed cell reads "${CSV_SUPPRESSED}". ${SUPPRESSION_RULE}`;

function findInstitution(s: Snapshot, key: string): number {
  const k = key.toLowerCase();
  const i = s.institutions.findIndex((x) => x.id === key || x.shortName.toLowerCase() === k);
  if (i < 0) throw notFound('institution');
  return i;
}

export function statsRoutes({ db, clock, stats, baseUrl, maxAgeMs }: Deps) {
  return async function (app: App) {
    // ---- open statistics: anyone, aggregates only ------------------------------------------------------------
    const openCache = (reply: FastifyReply) => reply.header('cache-control', 'public, max-age=60').header('vary', 'Accept');

    for (const path of ['/open/v1/statistics', '/open/v1/statistics.csv']) {
      app.get(path, {
        config: { access: 'public' },
        schema: {
          tags: OPEN_TAGS,
          summary: 'Figures of the platform and of each institution for a period, with breakdowns by declared country and home institution',
          description: CSV_NOTE,
          hide: path.endsWith('.csv'),
          querystring: PeriodQuery,
          response: { 200: StatisticsResponse, ...problems(400) },
        },
      }, async (request, reply) => {
        const r = await stats.open(request.query);
        openCache(reply);
        if (wantsCsv(request)) return sendCsv(reply, `statistics-${r.from}-${r.to}`, statisticsCsv(r));
        return statisticsBody(r);
      });
    }

    for (const path of ['/open/v1/statistics/courses', '/open/v1/statistics/courses.csv']) {
      app.get(path, {
        config: { access: 'public' },
        schema: {
          tags: OPEN_TAGS,
          summary: 'Figures of each catalogue course for a period, optionally of one institution',
          description: CSV_NOTE,
          hide: path.endsWith('.csv'),
          querystring: CoursesQuery,
          response: { 200: CourseStatisticsResponse, ...problems(400, 404) },
        },
      }, async (request, reply) => {
        const { institution, ...period } = request.query;
        const r = await stats.open(period);
        const inst = institution ? findInstitution(await stats.snapshot(), institution) : null;
        openCache(reply);
        if (wantsCsv(request)) return sendCsv(reply, `course-statistics-${r.from}-${r.to}`, coursesCsv(r, inst));
        return coursesBody(r, baseUrl, inst);
      });
    }

    for (const path of ['/open/v1/statistics/timeseries', '/open/v1/statistics/timeseries.csv']) {
      app.get(path, {
        config: { access: 'public' },
        schema: {
          tags: OPEN_TAGS,
          summary: 'Monthly series of the platform, an institution or a course',
          description: CSV_NOTE,
          hide: path.endsWith('.csv'),
          querystring: TimeseriesQuery,
          response: { 200: TimeseriesResponse, ...problems(400, 404) },
        },
      }, async (request, reply) => {
        const { institution, course, granularity: _g, ...period } = request.query;
        const r = await stats.open(period);
        const s = await stats.snapshot();
        let scope: Scope = { level: 'platform' };
        if (course) {
          const c = s.courses.findIndex((x) => x.public && (x.id === course || x.slug === course));
          if (c < 0) throw notFound('course');
          scope = { level: 'course', course: c };
        } else if (institution) scope = { level: 'institution', institution: findInstitution(s, institution) };
        const row = scopeRow(r, scope);
        if (!row) throw notFound(scope.level);
        openCache(reply);
        if (wantsCsv(request)) {
          const name = scope.level === 'course' ? s.courses[scope.course].slug : scope.level === 'institution' ? s.institutions[scope.institution].shortName : null;
          return sendCsv(reply, `timeseries-${r.from}-${r.to}`, timeseriesCsv(r, row.series, { level: scope.level, name }));
        }
        return timeseriesBody(r, baseUrl, scope, row);
      });
    }

    app.get('/open/v1/statistics/definitions', {
      config: { access: 'public' },
      schema: { tags: OPEN_TAGS, summary: 'What every figure means, the period and the suppression rules', response: { 200: DefinitionsResponse } },
    }, async (_request, reply) => {
      openCache(reply);
      return { ...DEFINITIONS_BODY, suppression: { threshold: MIN_CELL, rule: SUPPRESSION_RULE, csvMarker: CSV_SUPPRESSED } };
    });

    // ---- analytics for staff --------------------------------------------------------------------------------
    // Per course, as long as a statistics snapshot: a view older than half of that is recomputed after the answer
    // has gone out (the next visitor gets the fresh one), so staff rarely wait for the tables to be read.
    const courseCache = new Map<string, CourseAnalytics & { at: number }>();
    const refreshing = new Set<string>();
    const computeCourse = async (courseId: string) => {
      const fresh = { ...(await courseAnalytics(db, courseId, clock())), at: clock() };
      courseCache.delete(courseId);
      if (courseCache.size >= 500) courseCache.delete(courseCache.keys().next().value!);
      courseCache.set(courseId, fresh);
      return fresh;
    };
    app.get('/courses/:id/analytics', {
      config: { access: 'user' },
      schema: {
        tags: ['analytics'],
        summary: 'Analytics of a course for its staff: activity over time, completion funnel, video retention, quiz results',
        params: IdParams,
        response: { 200: CourseAnalyticsResponse, ...problems(401, 403, 404) },
      },
    }, async (request) => {
      const user = currentUser(request);
      const { course } = visibleCourse(db, user, request.params.id);
      if (!isCourseStaff(db, user, course)) throw forbidden('Only the lecturers of this course and its administrators see its analytics.');
      const hit = courseCache.get(course.id);
      const age = hit ? clock() - hit.at : Infinity;
      if (hit && maxAgeMs > 0 && age <= maxAgeMs) {
        if (age > maxAgeMs / 2 && !refreshing.has(course.id)) {
          refreshing.add(course.id);
          setImmediate(() => {
            computeCourse(course.id)
              .catch((err: unknown) => request.log.error({ err }, 'course analytics refresh failed'))
              .finally(() => refreshing.delete(course.id));
          });
        }
        return { course: courseRef(baseUrl, course), ...hit };
      }
      return { course: courseRef(baseUrl, course), ...(await computeCourse(course.id)) };
    });

    const dashboard = (r: Report, row: Report['instance']) => ({
      generatedAt: new Date(r.builtAt).toISOString(),
      period: { from: r.from, to: r.to },
      figures: row.figures,
      byCountry: row.byCountry,
      byHomeInstitution: row.byHomeInstitution,
      series: row.series,
    });

    app.get('/institutions/:id/analytics', {
      config: { access: 'user' },
      schema: {
        tags: ['analytics'],
        summary: 'Dashboard of an institution: its figures, each of its courses, monthly series (its administrators and platform admins; exact figures)',
        params: IdParams,
        querystring: PeriodQuery,
        response: { 200: InstitutionAnalyticsResponse, ...problems(400, 401, 403, 404) },
      },
    }, async (request) => {
      const user = currentUser(request);
      const s = await stats.snapshot();
      const i = s.institutions.findIndex((x) => x.id === request.params.id);
      if (i < 0) throw notFound('institution');
      if (!isAdmin(user) && !(hasRole(user, 'institution-admin') && user.institutionId === request.params.id)) {
        throw forbidden('Only administrators of this institution see its dashboard.');
      }
      const r = await stats.internal(request.query);
      const row = r.institutions.find((x) => x.index === i);
      const empty = { ...r.instance, figures: zeroFigures(r.instance.figures), byCountry: [], byHomeInstitution: [], series: r.instance.series.map((p) => ({ ...zeroFigures(p), month: p.month })) };
      return {
        institution: s.institutions[i],
        ...dashboard(r, row ?? empty),
        courses: r.courses.filter((c) => c.course.institution === i).map((c) => ({ course: { ...courseRef(baseUrl, c.course), status: c.course.status }, figures: c.figures })),
      };
    });

    app.get('/admin/analytics', {
      config: { access: 'admin' },
      schema: {
        tags: ['analytics'],
        summary: 'Dashboard of the platform: figures, each institution and course, monthly series (platform admins; exact figures)',
        querystring: PeriodQuery,
        response: { 200: PlatformAnalyticsResponse, ...problems(400, 401, 403) },
      },
    }, async (request) => {
      const r = await stats.internal(request.query);
      return {
        ...dashboard(r, r.instance),
        institutions: r.institutions.map((x) => ({ institution: x.institution, figures: x.figures })),
        courses: r.courses.map((c) => ({ course: { ...courseRef(baseUrl, c.course), status: c.course.status }, figures: c.figures })),
      };
    });
  };
}

/** Every count of a row set to 0 (an institution without courses yet). */
function zeroFigures<T extends Record<string, unknown>>(f: T): T {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, typeof v === 'number' ? 0 : Array.isArray(v) ? [] : v])) as T;
}

