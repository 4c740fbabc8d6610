import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Password } from '../users/schema.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ format: 'date-time' });

export const DeleteAccountBody = Type.Object({ password: Password }, { additionalProperties: false });

/** Everything Leerpad holds about the person (GDPR art. 15 and 20), except secrets: no hash, no session tokens. */
export const AccountExport = Type.Object({
  exportedAt: IsoDate,
  account: Type.Object({
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    roles: Type.Array(Type.String()),
    institutionId: Nullable(Type.String()),
    locale: Nullable(Type.String()),
    country: Nullable(Type.String()),
    homeInstitution: Nullable(Type.String()),
    createdAt: IsoDate,
    updatedAt: IsoDate,
  }),
  enrolments: Type.Array(
    Type.Object({
      courseId: Type.String(),
      courseTitle: Type.String(),
      status: Type.String(),
      enrolledAt: IsoDate,
      unenrolledAt: Nullable(IsoDate),
      lastActivityAt: Nullable(IsoDate),
      completedAt: Nullable(IsoDate),
    }),
  ),
  progress: Type.Array(
    Type.Object({
      courseId: Type.String(),
      lessonId: Type.String(),
      lessonTitle: Type.String(),
      position: Type.Number(),
      watchedRanges: Type.Array(Type.Tuple([Type.Number(), Type.Number()])),
      watchedSeconds: Type.Number(),
      firstOpenedAt: IsoDate,
      updatedAt: IsoDate,
      completedAt: Nullable(IsoDate),
    }),
  ),
  quizAttempts: Type.Array(
    Type.Object({
      id: Type.String(),
      lessonId: Type.String(),
      lessonTitle: Type.String(),
      startedAt: IsoDate,
      submittedAt: Nullable(IsoDate),
      score: Nullable(Type.Number()),
      maxScore: Nullable(Type.Number()),
      percent: Nullable(Type.Number()),
      passed: Nullable(Type.Boolean()),
      answers: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  sessions: Type.Array(
    Type.Object({
      current: Type.Boolean(),
      createdAt: IsoDate,
      lastActiveAt: IsoDate,
      userAgent: Nullable(Type.String()),
      ip: Nullable(Type.String()),
    }),
  ),
  lecturing: Type.Array(Type.Object({ courseId: Type.String(), courseTitle: Type.String(), role: Type.String() })),
});
export type AccountExport = Static<typeof AccountExport>;
