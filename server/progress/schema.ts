import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { MAX_RANGES_PER_BEAT, MAX_SECONDS } from './ranges.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ format: 'date-time' });
const Seconds = Type.Number({ minimum: 0, maximum: MAX_SECONDS });

// ---- inputs -----------------------------------------------------------------------------------------------

export const HeartbeatBody = Type.Object(
  {
    lessonId: Type.String({ minLength: 1, maxLength: 100 }),
    /** Where the player is now: the resume point. */
    position: Seconds,
    /** What was actually played since the previous beat, as [from, to] pairs in seconds. */
    ranges: Type.Array(Type.Tuple([Seconds, Seconds]), { maxItems: MAX_RANGES_PER_BEAT }),
  },
  { additionalProperties: false },
);
export type HeartbeatInput = Static<typeof HeartbeatBody>;

export const LearnersQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of a name or e-mail address' })),
    page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
  },
  { additionalProperties: false },
);
export type LearnersParams = Static<typeof LearnersQuery>;
export const LearnersCsvQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);

export const LearnerParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  userId: Type.String({ minLength: 1, maxLength: 100 }),
});

// ---- outputs ----------------------------------------------------------------------------------------------

export const LessonProgress = Type.Object({
  lessonId: Type.String(),
  completed: Type.Boolean(),
  completedAt: Nullable(IsoDate),
  /** Resume position in seconds (video lessons). */
  position: Type.Number(),
  /** Unique seconds watched. */
  watchedSeconds: Type.Number(),
  /** Sequential courses: closed until the lesson in lockedBy (and every required one before it) is done. */
  locked: Type.Boolean(),
  lockedBy: Nullable(Type.String()),
});

export const CourseProgress = Type.Object({
  /** Share of the required lessons done, rounded down (all lessons when none is required). */
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  requiredCount: Type.Integer(),
  requiredCompleted: Type.Integer(),
  /** When the learner first completed every required lesson; stays once reached. */
  completedAt: Nullable(IsoDate),
  /** The lesson touched last. */
  currentLessonId: Nullable(Type.String()),
  /** In reading order. */
  lessons: Type.Array(LessonProgress),
});
export type CourseProgress = Static<typeof CourseProgress>;
export const CourseProgressResponse = Type.Object({ progress: CourseProgress });

export const CompleteResponse = Type.Object({
  lessonId: Type.String(),
  completedAt: IsoDate,
  course: Type.Object({ percent: Type.Integer(), completedAt: Nullable(IsoDate) }),
});

export const DashboardCourse = Type.Object({
  course: Type.Object({ id: Type.String(), slug: Type.String(), title: Type.String(), coverUrl: Nullable(Type.String()) }),
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  /** Where "continue" leads; null for a course without lessons. */
  continue: Nullable(Type.Object({ lessonId: Type.String(), position: Type.Number() })),
  enrolledAt: IsoDate,
  lastActivityAt: Nullable(IsoDate),
  completedAt: Nullable(IsoDate),
});
export type DashboardCourse = Static<typeof DashboardCourse>;
export const Dashboard = Type.Object({
  /** Most recent activity first. */
  inProgress: Type.Array(DashboardCourse),
  completed: Type.Array(DashboardCourse),
});
export type Dashboard = Static<typeof Dashboard>;

const QuizScore = Type.Object({
  lessonId: Type.String(),
  /** Best percentage over submitted attempts; null when none was submitted. */
  bestPercent: Nullable(Type.Number()),
});

export const LearnerSummary = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  email: Type.String(),
  enrolledAt: IsoDate,
  lastActivityAt: Nullable(IsoDate),
  completedAt: Nullable(IsoDate),
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  /** One per quiz lesson of the course, in the order of `quizzes`. */
  quizScores: Type.Array(QuizScore),
});
export type LearnerSummary = Static<typeof LearnerSummary>;

export const LearnersResponse = Type.Object({
  items: Type.Array(LearnerSummary),
  /** The course's quiz lessons, in reading order: the columns of quizScores. */
  quizzes: Type.Array(Type.Object({ lessonId: Type.String(), title: Type.String() })),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
export type LearnersResponse = Static<typeof LearnersResponse>;

export const LearnerDetailResponse = Type.Object({
  learner: LearnerSummary,
  lessons: Type.Array(
    Type.Object({
      lessonId: Type.String(),
      title: Type.String(),
      kind: Type.Union([Type.Literal('text'), Type.Literal('video'), Type.Literal('quiz')]),
      optional: Type.Boolean(),
      completed: Type.Boolean(),
      completedAt: Nullable(IsoDate),
      lastActivityAt: Nullable(IsoDate),
      position: Type.Number(),
      watchedSeconds: Type.Number(),
      durationSeconds: Nullable(Type.Number()),
      /** Quiz lessons only. */
      quiz: Nullable(Type.Object({ attempts: Type.Integer(), bestPercent: Nullable(Type.Number()), passed: Type.Boolean() })),
    }),
  ),
});
export type LearnerDetailResponse = Static<typeof LearnerDetailResponse>;
