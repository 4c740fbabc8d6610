import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  BREAKDOWN_FIGURES,
  BREAKDOWN_RULE,
  COUNT_FIGURES,
  DEFINITIONS_VERSION,
  FIGURES,
  LEARNERS_RULE,
  PERIOD_RULE,
  RATE_FIGURES,
  SERIES,
  SERIES_FIGURES,
  SUPPRESSION_RULE,
} from './definitions.ts';

/** TypeBox contracts of the open statistics and the analytics dashboards; every figure carries its definition. */

const NullableCount = (description: string) => Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 0, description });
const NullableRate = (description: string) => Type.Unsafe<number | null>({ type: ['number', 'null'], minimum: 0, maximum: 1, description });
const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'A calendar month (UTC), YYYY-MM' });
const Suppressed = Type.Array(Type.String(), { description: `Names of the figures of this row that are suppressed (their value is null). ${SUPPRESSION_RULE}` });

export const PeriodQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ ...Month, description: `First month of the period (inclusive). ${PERIOD_RULE}` })),
    to: Type.Optional(Type.String({ ...Month, description: 'Last month of the period (inclusive).' })),
  },
  { additionalProperties: false },
);

export const CoursesQuery = Type.Object(
  {
    ...PeriodQuery.properties,
    institution: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only the courses of this institution (id or short name)' })),
  },
  { additionalProperties: false },
);

export const TimeseriesQuery = Type.Object(
  {
    ...PeriodQuery.properties,
    granularity: Type.Union([Type.Literal('month')], { default: 'month', description: 'Only months for now' }),
    institution: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The series of one institution (id or short name)' })),
    course: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The series of one course (id or slug)' })),
  },
  { additionalProperties: false },
);

export const FiguresSchema = Type.Object(
  {
    ...Object.fromEntries(COUNT_FIGURES.map((f) => [f, NullableCount(FIGURES[f])])),
    ...Object.fromEntries(RATE_FIGURES.map((f) => [f, NullableRate(FIGURES[f])])),
    suppressed: Suppressed,
  } as Record<string, TSchema>,
  { description: `Figures of one row for the period. ${LEARNERS_RULE}` },
);

const BreakdownRowSchema = Type.Object(
  {
    value: Type.String({ description: 'The declared value (country code or home institution), or "other", or "notDeclared"' }),
    kind: Type.Union([Type.Literal('declared'), Type.Literal('other'), Type.Literal('notDeclared')]),
    ...Object.fromEntries(BREAKDOWN_FIGURES.map((f) => [f, NullableCount(FIGURES[f])])),
    suppressed: Suppressed,
  } as Record<string, TSchema>,
);
const Breakdowns = {
  byCountry: Type.Array(BreakdownRowSchema, { description: `${BREAKDOWN_RULE} Categories with nothing to count are left out.` }),
  byHomeInstitution: Type.Array(BreakdownRowSchema, { description: BREAKDOWN_RULE }),
};

export const SeriesPointSchema = Type.Object(
  {
    month: Month,
    ...Object.fromEntries(SERIES_FIGURES.map((f) => [f, NullableCount(SERIES[f])])),
    suppressed: Suppressed,
  } as Record<string, TSchema>,
);

const Meta = {
  definitionsVersion: Type.String({ description: 'Version of the definitions of the figures; it changes when a definition changes meaning' }),
  generatedAt: Type.String({ format: 'date-time', description: 'When the data behind these figures was read' }),
  period: Type.Object({ from: Month, to: Month }, { description: PERIOD_RULE }),
  suppression: Type.Object({ threshold: Type.Integer(), rule: Type.String() }),
};

const InstitutionRef = Type.Object({ id: Type.String(), shortName: Type.String(), nameNl: Type.String(), nameEn: Type.String() });
const CourseRef = Type.Object({ id: Type.String(), slug: Type.String(), title: Type.String(), url: Type.String() });

export const StatisticsResponse = Type.Object({
  ...Meta,
  platform: Type.Object({ figures: FiguresSchema, ...Breakdowns }),
  institutions: Type.Array(Type.Object({ institution: InstitutionRef, figures: FiguresSchema, ...Breakdowns })),
});

export const CourseStatisticsResponse = Type.Object({
  ...Meta,
  courses: Type.Array(Type.Object({ course: CourseRef, institution: Type.Union([InstitutionRef, Type.Null()]), figures: FiguresSchema, ...Breakdowns })),
});

export const TimeseriesResponse = Type.Object({
  ...Meta,
  granularity: Type.Literal('month'),
  scope: Type.Object({
    level: Type.Union([Type.Literal('platform'), Type.Literal('institution'), Type.Literal('course')]),
    institution: Type.Optional(InstitutionRef),
    course: Type.Optional(CourseRef),
  }),
  series: Type.Array(SeriesPointSchema),
});

export const DefinitionsResponse = Type.Object({
  definitionsVersion: Type.String(),
  learners: Type.String(),
  period: Type.String(),
  suppression: Type.Object({ threshold: Type.Integer(), rule: Type.String(), csvMarker: Type.String() }),
  breakdowns: Type.String(),
  figures: Type.Record(Type.String(), Type.String()),
  series: Type.Record(Type.String(), Type.String()),
});

export const DEFINITIONS_BODY = {
  definitionsVersion: DEFINITIONS_VERSION,
  learners: LEARNERS_RULE,
  period: PERIOD_RULE,
  breakdowns: BREAKDOWN_RULE,
  figures: FIGURES,
  series: SERIES,
};

export type StatisticsBody = Static<typeof StatisticsResponse>;
export type CourseStatisticsBody = Static<typeof CourseStatisticsResponse>;
export type TimeseriesBody = Static<typeof TimeseriesResponse>;

// ---- analytics for staff ------------------------------------------------------------------------------------------

const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Share = (description: string) => Type.Unsafe<number | null>({ type: ['number', 'null'], minimum: 0, maximum: 1, description });

export const CourseAnalyticsResponse = Type.Object({
  course: CourseRef,
  generatedAt: Type.String({ format: 'date-time' }),
  summary: Type.Object({
    enrolments: Count('Learner enrolments, ever (the course\'s staff are never counted)'),
    currentlyEnrolled: Count('Of those, still active'),
    shows: Count('Learners who opened at least one lesson'),
    completions: Count('Learners who completed the course'),
    completionRateOfShows: Share('completions / shows'),
  }),
  granularity: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], { description: 'Days for a course up to two months old, weeks (from Monday, UTC) up to two years, months beyond' }),
  timeline: Type.Array(
    Type.Object({
      period: Type.String({ description: 'First day of the bucket (YYYY-MM-DD) or the month (YYYY-MM)' }),
      enrolments: Count('Enrolments made in the bucket'),
      activeLearners: Count(FIGURES.activeLearners),
      completions: Count('Course completions in the bucket'),
    }),
  ),
  funnel: Type.Array(
    Type.Object({
      lessonId: Type.String(),
      title: Type.String(),
      kind: Type.String(),
      optional: Type.Boolean(),
      started: Count('Learners who opened the lesson'),
      completed: Count('Learners who completed the lesson'),
    }),
    { description: 'Every lesson in reading order: where learners drop off' },
  ),
  videos: Type.Array(
    Type.Object({
      lessonId: Type.String(),
      title: Type.String(),
      durationSeconds: Type.Number(),
      viewers: Count('Learners who watched any part of the video'),
      buckets: Type.Array(
        Type.Object({
          fromSecond: Type.Number(),
          toSecond: Type.Number(),
          viewers: Count('Viewers who watched at least half of this twentieth of the video'),
          share: Type.Number({ minimum: 0, maximum: 1, description: 'viewers of the bucket / viewers of the video' }),
        }),
        { description: 'Audience retention: 20 equal parts of the video, from lesson_progress.watchedRanges' },
      ),
    }),
  ),
  quizzes: Type.Array(
    Type.Object({
      lessonId: Type.String(),
      title: Type.String(),
      learners: Count('Learners with a submitted attempt; each learner\'s first submitted attempt is analysed'),
      averagePercent: Type.Union([Type.Number(), Type.Null()]),
      passed: Count('Learners whose first attempt passed'),
      questions: Type.Array(
        Type.Object({
          questionId: Type.String(),
          position: Type.Integer(),
          type: Type.String(),
          text: Type.String(),
          answered: Count('First attempts that answered the question'),
          correct: Count('Of those, fully correct'),
          partial: Count('Of those, partly correct'),
          difficulty: Share('Share of the answers that were fully correct (the p-value of the question: low = hard)'),
          mostChosenWrong: Type.Union([Type.Object({ answer: Type.String(), count: Type.Integer() }), Type.Null()], {
            description: 'The wrong answer chosen most often (single, multiple, true/false, numeric and short-text questions)',
          }),
        }),
      ),
    }),
  ),
});

const Dashboard = {
  generatedAt: Type.String({ format: 'date-time' }),
  period: Type.Object({ from: Month, to: Month }),
  figures: FiguresSchema,
  ...Breakdowns,
  series: Type.Array(SeriesPointSchema),
};
const StaffCourseRef = Type.Object({ ...CourseRef.properties, status: Type.String() });

export const InstitutionAnalyticsResponse = Type.Object({
  institution: InstitutionRef,
  ...Dashboard,
  courses: Type.Array(Type.Object({ course: StaffCourseRef, figures: FiguresSchema })),
});

export const PlatformAnalyticsResponse = Type.Object({
  ...Dashboard,
  institutions: Type.Array(Type.Object({ institution: InstitutionRef, figures: FiguresSchema })),
  courses: Type.Array(Type.Object({ course: StaffCourseRef, figures: FiguresSchema })),
});
