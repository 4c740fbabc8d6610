import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from '../db/client.ts';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './clock.ts';
import { rateLimited } from './errors.ts';
import { ProblemSchema, type App } from './http.ts';
import { apiNotFound, frameworkError, problemHandler } from './plugins/problem.ts';
import { registerSecurity } from './plugins/security.ts';
import { registerAuth } from './plugins/auth.ts';
import { registerClient } from './plugins/client.ts';
import { UserSchema } from './users/schema.ts';
import { InstitutionSchema } from './institutions/schema.ts';
import { createSessionStore } from './auth/session.ts';
import { createLoginThrottle } from './auth/throttle.ts';
import { createAuthService } from './auth/service.ts';
import { authRoutes } from './auth/routes.ts';
import { createInstitutionService } from './institutions/service.ts';
import { institutionRoutes } from './institutions/routes.ts';
import { createAdminService } from './admin/service.ts';
import { adminRoutes } from './admin/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { createProgressService, lessonLock } from './progress/service.ts';
import { createLecturerViews } from './progress/lecturer.ts';
import { progressRoutes } from './progress/routes.ts';
import { createPrivacyService } from './privacy/service.ts';
import { privacyRoutes } from './privacy/routes.ts';
import { createQuizService } from './quizzes/service.ts';
import { quizRoutes } from './quizzes/routes.ts';
import { registerCourses } from './courses/routes.ts';
import type { JobQueue } from '../media/jobs.ts';
import type { LocalStorage } from '../media/storage.ts';
import type { MediaBinaries } from '../media/ffmpeg.ts';
import { VideoSchema } from './videos/schema.ts';
import { createVideoDeps, createVideoService, deleteLessonVideos, videoForLesson } from './videos/service.ts';
import { videoRoutes } from './videos/routes.ts';
import { hlsFastPath, hlsRoutes } from './videos/hls-routes.ts';
import { createCredentialService } from './credentials/service.ts';
import { credentialRoutes, wellKnownRoutes } from './credentials/routes.ts';
import { catalogRenderPage, catalogRoutes } from './catalog/routes.ts';
import { createStatsService } from './stats/service.ts';
import { statsRoutes } from './stats/routes.ts';

export interface AppDeps {
  config: Config;
  db: Db;
  clock?: Clock;
  /** Pino options, or false for silence (tests). */
  logger?: FastifyServerOptions['logger'];
  /** Media storage, job queue (share it with the worker), URL-signing key and ffmpeg; defaults derive from config. */
  media?: { storage?: LocalStorage; queue?: JobQueue; secret?: Buffer; binaries?: MediaBinaries };
}

export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.newPassword', '*.currentPassword', '*.token'],
      censor: '[redacted]',
    },
  };
}

/** Builds the whole application without listening. Every feature is registered here, explicitly. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, db } = deps;
  const clock = deps.clock ?? systemClock;

  // Cached HLS files are answered before Fastify sees the request (see hlsFastPath); set once the video deps exist.
  let fastPath: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  const timeouts = { requestTimeout: 3_600_000, connectionTimeout: 60_000, keepAliveTimeout: 72_000 };

  const app = Fastify({
    logger: deps.logger ?? false,
    // Fastify's own http.createServer, with one handler in front; it then applies no timeouts itself, so they are
    // set here.
    serverFactory: (handler) => {
      const server = http.createServer((req, res) => {
        if (fastPath?.(req, res)) return;
        handler(req, res);
      });
      server.requestTimeout = timeouts.requestTimeout;
      server.keepAliveTimeout = timeouts.keepAliveTimeout;
      server.setTimeout(timeouts.connectionTimeout);
      return server;
    },
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    // Uploads of several GiB over slow links need a long whole-request limit; idle sockets are cut sooner.
    ...timeouts,
    pluginTimeout: 30_000,
    frameworkErrors: frameworkError,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ProblemSchema);
  app.addSchema(UserSchema);
  app.addSchema(InstitutionSchema);
  app.addSchema(VideoSchema);
  problemHandler(app);

  await app.register(cookie);
  await registerSecurity(app, config);
  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    maxRssBytes: 1024 ** 3,
    retryAfter: 10,
    exposeStatusRoute: false,
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => rateLimited(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
  await app.register(multipart, {
    limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: `${config.siteName} API`, version: '1', description: 'Leerpad: courses, video, quizzes, progress and open statistics.' },
      servers: [{ url: config.baseUrl }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}` },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, transformStaticCSP: (h) => h });

  const sessions = createSessionStore(db, clock, config.session);
  registerAuth(app, { config, sessions });

  const throttle = createLoginThrottle(clock, {
    maxFailures: config.rateLimit.failuresPerAccount,
    windowMs: config.rateLimit.accountWindowMinutes * 60_000,
  });
  const auth = createAuthService({ db, clock, config, sessions, throttle });
  const institutions = createInstitutionService(db, clock);
  const admin = createAdminService(db, clock, sessions, institutions);

  await app.register(healthRoutes({ db }), { prefix: '/health' });
  await app.register(authRoutes({ config, auth, sessions }), { prefix: '/api/auth' });
  await app.register(institutionRoutes({ institutions }), { prefix: '/api/institutions' });
  await app.register(adminRoutes({ admin }), { prefix: '/api/admin' });
  await app.register(quizRoutes({ quizzes: createQuizService({ db, clock }) }), { prefix: '/api' });
  // Made before the courses so their lesson GET can embed videoForLesson(videoDeps, lessonId, user).
  const videoDeps = createVideoDeps({ db, clock, config, ...deps.media });
  await registerCourses(app, {
    db,
    clock,
    dataDir: config.dataDir,
    lessonExtras: (lesson, user) => ({
      ...(lesson.kind === 'video' ? { video: videoForLesson(videoDeps, lesson.id, user) } : {}),
      lock: lessonLock({ db, clock }, user, lesson.id),
    }),
    beforeLessonsDelete: (lessonIds) => deleteLessonVideos(videoDeps, lessonIds),
  });
  await app.register(videoRoutes({ videos: createVideoService(videoDeps), config }), { prefix: '/api' });
  await app.register(hlsRoutes(videoDeps));
  fastPath = hlsFastPath(videoDeps);

  const progress = createProgressService({ db, clock, log: app.log });
  await app.register(progressRoutes({ progress, lecturer: createLecturerViews({ db }) }), { prefix: '/api' });
  await app.register(privacyRoutes({ config, privacy: createPrivacyService({ db, clock }) }), { prefix: '/api' });

  const credentials = createCredentialService({ db, clock, config });
  await app.register(credentialRoutes({ credentials }), { prefix: '/api' });
  await app.register(wellKnownRoutes({ credentials }));

  const site = { baseUrl: config.baseUrl, siteName: config.siteName };
  await app.register(catalogRoutes({ db, clock, site }));
  const statsMaxAgeMs = config.statsMaxAgeSeconds * 1000;
  const stats = createStatsService({ db, clock, maxAgeMs: statsMaxAgeMs, log: app.log });
  await app.register(statsRoutes({ db, clock, stats, baseUrl: config.baseUrl, maxAgeMs: statsMaxAgeMs }), { prefix: '/api' });
  await registerClient(app, { notFound: apiNotFound, renderPage: catalogRenderPage({ db, site }) });
  return app;
}
