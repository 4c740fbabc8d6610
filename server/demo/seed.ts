import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';
import type { Config } from '../config.ts';
import { systemClock, type Clock } from '../clock.ts';
import { createSessionStore } from '../auth/session.ts';
import { createLoginThrottle } from '../auth/throttle.ts';
import { createAuthService } from '../auth/service.ts';
import { createInstitutionService } from '../institutions/service.ts';
import { asc, desc, eq } from 'drizzle-orm';
import { courses, modules } from '../../db/schema/index.ts';
import { seedDemoCourses, DEMO_COURSE_SLUG } from '../courses/demo.ts';
import { addDemoQuiz } from '../quizzes/demo.ts';
import { seedDemoVideo } from '../videos/demo.ts';
import { seedDemoProgress } from '../progress/demo.ts';

export interface DemoAccount {
  role: string;
  email: string;
  password: string;
}

/** A readable generated password: 4 groups of 4 lower-case letters and digits (~80 bits). */
const generatePassword = () =>
  Array.from({ length: 4 }, () =>
    Array.from(randomBytes(4), (b) => 'abcdefghjkmnpqrstuvwxyz23456789'[b % 31]).join(''),
  ).join('-');

/**
 * Seeds the demo institution and accounts when the database has no users at all (an empty data folder).
 * Feature seeds (courses, video, quizzes) hang off `extend`, so each feature owns its demo content.
 */
export async function seedDemoIfEmpty(opts: {
  db: Db;
  config: Config;
  log?: FastifyBaseLogger;
  clock?: Clock;
}): Promise<{ accounts: DemoAccount[] } | null> {
  const { db, config } = opts;
  const clock = opts.clock ?? systemClock;
  if (db.select({ id: users.id }).from(users).limit(1).get()) return null;

  const sessions = createSessionStore(db, clock, config.session);
  const auth = createAuthService({ db, clock, config, sessions, throttle: createLoginThrottle(clock, { maxFailures: 5, windowMs: 1 }) });
  const institutions = createInstitutionService(db, clock);

  const institution = institutions.create({
    shortName: 'Demo',
    nameNl: 'Hogeschool Demo',
    nameEn: 'Demo University College',
    homepage: 'https://example.org/',
    country: 'BE',
    region: 'VLG',
  });

  const accounts: DemoAccount[] = [];
  const make = async (role: string, email: string, name: string, roles: string[]) => {
    const password = generatePassword();
    const user = await auth.createUser({ email, password, name, roles, institutionId: institution.id });
    accounts.push({ role, email, password });
    return user;
  };
  const admin = await make('admin', 'admin@demo.leerpad.test', 'Ada Admin', ['admin']);
  const lecturer = await make('lecturer', 'docent@demo.leerpad.test', 'Dr. Lotte Lector', ['lecturer']);
  const learner = await make('learner', 'leerling@demo.leerpad.test', 'Lars Leerling', []);

  for (const seed of demoSeeds) await seed({ db, config, clock, institutionId: institution.id, admin, lecturer, learner, log: opts.log });
  opts.log?.info({ institution: institution.shortName }, 'demo content seeded');
  return { accounts };
}

export interface DemoContext {
  db: Db;
  config: Config;
  clock: Clock;
  institutionId: string;
  admin: { id: string };
  lecturer: { id: string };
  learner: { id: string };
  log?: FastifyBaseLogger;
}

/** Features add their demo content here (see server/courses/demo.ts). Run in order, once, on an empty database. */
export const demoSeeds: Array<(ctx: DemoContext) => Promise<void> | void> = [];
/** The last module of the demo course: where the video and quiz demo lessons go. */
export function demoCourseLastModule(db: Db): string | null {
  const course = db.select({ id: courses.id }).from(courses).where(eq(courses.slug, DEMO_COURSE_SLUG)).get();
  if (!course) return null;
  return db.select({ id: modules.id }).from(modules).where(eq(modules.courseId, course.id)).orderBy(desc(modules.position), asc(modules.createdAt)).get()?.id ?? null;
}

demoSeeds.push(seedDemoCourses);
demoSeeds.push(async (ctx) => {
  const moduleId = demoCourseLastModule(ctx.db);
  if (!moduleId) return;
  await seedDemoVideo(ctx, moduleId);
  addDemoQuiz({ db: ctx.db, clock: ctx.clock, moduleId });
});
demoSeeds.push(seedDemoProgress);
