import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { LessonVideoSchema } from '../videos/schema.ts';

/** TypeBox contracts of the course feature: bodies, queries, params and responses (camelCase). */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ format: 'date-time' });

/**
 * Nullable inputs as `type: [T, "null"]`, not anyOf: the app's ajv coerces types, and with anyOf it would turn
 * an out-of-range 0 (or "") into null through the null branch instead of refusing it.
 */
type Opts = Record<string, unknown>;
const NullableInt = (o: Opts) => Type.Unsafe<number | null>({ type: ['integer', 'null'], ...o });
const NullableNum = (o: Opts) => Type.Unsafe<number | null>({ type: ['number', 'null'], ...o });
const NullableStr = (o: Opts) => Type.Unsafe<string | null>({ type: ['string', 'null'], ...o });
const NullableDate = NullableStr({ format: 'date-time' });

export const KINDS = ['text', 'video', 'quiz'] as const;
export const LessonKind = Type.Union(KINDS.map((k) => Type.Literal(k)));
export const STATUSES = ['draft', 'published', 'archived'] as const;
export const CourseStatus = Type.Union(STATUSES.map((s) => Type.Literal(s)));

// ---- inputs ---------------------------------------------------------------------------------------------

export const Slug = Type.String({ minLength: 1, maxLength: 80, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'lower-case ascii, digits and single hyphens' });
const Title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
/** BCP 47; canonicalised by the service (nl-be -> nl-BE). */
const Language = Type.String({ minLength: 2, maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' });
const Id = Type.String({ minLength: 1, maxLength: 100 });

const courseFields = {
  slug: Slug,
  title: Title,
  summary: Type.String({ maxLength: 500 }),
  description: Type.String({ maxLength: 50_000, description: 'markdown' }),
  languages: Type.Array(Language, { maxItems: 10, uniqueItems: true }),
  institutionId: NullableStr({ minLength: 1, maxLength: 100 }),
  partnerIds: Type.Array(Id, { maxItems: 20, uniqueItems: true, description: 'partner institutions' }),
  licence: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9.+-]*$', description: 'SPDX licence id, e.g. CC-BY-4.0' }),
  workloadHours: NullableNum({ minimum: 0, maximum: 10_000 }),
  estimatedWeeks: NullableInt({ minimum: 0, maximum: 520 }),
  ects: NullableNum({ minimum: 0, maximum: 300 }),
  eqfLevel: NullableInt({ minimum: 1, maximum: 8 }),
  iscedCode: NullableStr({ pattern: '^[0-9]{4}$', description: 'ISCED-F 2013 detailed field, e.g. 0613' }),
  learningOutcomes: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 30 }),
  prerequisites: Type.String({ maxLength: 5000 }),
  keywords: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 30 }),
  listed: Type.Boolean(),
  enrolmentOpensAt: NullableDate,
  enrolmentClosesAt: NullableDate,
  startsAt: NullableDate,
  endsAt: NullableDate,
};

export const CreateCourseBody = Type.Object(
  {
    slug: Type.Optional(courseFields.slug),
    title: courseFields.title,
    summary: Type.Optional(courseFields.summary),
    description: Type.Optional(courseFields.description),
    languages: Type.Optional(courseFields.languages),
    institutionId: Type.Optional(courseFields.institutionId),
    partnerIds: Type.Optional(courseFields.partnerIds),
    licence: Type.Optional(courseFields.licence),
    workloadHours: Type.Optional(courseFields.workloadHours),
    estimatedWeeks: Type.Optional(courseFields.estimatedWeeks),
    ects: Type.Optional(courseFields.ects),
    eqfLevel: Type.Optional(courseFields.eqfLevel),
    iscedCode: Type.Optional(courseFields.iscedCode),
    learningOutcomes: Type.Optional(courseFields.learningOutcomes),
    prerequisites: Type.Optional(courseFields.prerequisites),
    keywords: Type.Optional(courseFields.keywords),
    listed: Type.Optional(courseFields.listed),
    enrolmentOpensAt: Type.Optional(courseFields.enrolmentOpensAt),
    enrolmentClosesAt: Type.Optional(courseFields.enrolmentClosesAt),
    startsAt: Type.Optional(courseFields.startsAt),
    endsAt: Type.Optional(courseFields.endsAt),
  },
  { additionalProperties: false },
);
export type CreateCourseInput = Static<typeof CreateCourseBody>;

export const UpdateCourseBody = Type.Partial(CreateCourseBody, { additionalProperties: false, minProperties: 1 });
export type UpdateCourseInput = Static<typeof UpdateCourseBody>;

export const ModuleBody = Type.Object({ title: Title }, { additionalProperties: false });

export const CreateLessonBody = Type.Object(
  {
    title: Title,
    kind: LessonKind,
    estimatedMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    optional: Type.Optional(Type.Boolean()),
    body: Type.Optional(Type.String({ maxLength: 200_000, description: 'markdown' })),
  },
  { additionalProperties: false },
);
export type CreateLessonInput = Static<typeof CreateLessonBody>;
/** The kind is fixed at creation: video and quiz data hang off it. */
export const UpdateLessonBody = Type.Partial(Type.Omit(CreateLessonBody, ['kind']), { additionalProperties: false, minProperties: 1 });
export type UpdateLessonInput = Static<typeof UpdateLessonBody>;

export const StructureBody = Type.Object(
  {
    modules: Type.Array(
      Type.Object({ id: Id, lessonIds: Type.Array(Id, { maxItems: 1000 }) }, { additionalProperties: false }),
      { maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);
export type StructureInput = Static<typeof StructureBody>;

export const AddLecturerBody = Type.Object({ email: Type.String({ format: 'email', maxLength: 254 }) }, { additionalProperties: false });

export const IdOrSlugParams = Type.Object({ idOrSlug: Type.String({ minLength: 1, maxLength: 100 }) });
export const LecturerParams = Type.Object({ id: Id, userId: Id });

export const SORTS = ['relevance', 'newest', 'popular'] as const;
export const CatalogueQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    institution: Type.Optional(Id),
    language: Type.Optional(Language),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    subject: Type.Optional(Type.String({ pattern: '^[0-9]{2,4}$', description: 'ISCED-F prefix: 2 (broad), 3 (narrow) or 4 (detailed) digits' })),
    sort: Type.Optional(Type.Union(SORTS.map((s) => Type.Literal(s)))),
    page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 50, default: 20 }),
  },
  { additionalProperties: false },
);
export type CatalogueParams = Static<typeof CatalogueQuery>;

// ---- outputs --------------------------------------------------------------------------------------------

export const InstitutionBrief = Type.Object({ id: Type.String(), shortName: Type.String(), nameNl: Type.String(), nameEn: Type.String() });
export const PersonBrief = Type.Object({ id: Type.String(), name: Type.String() });

/** What a catalogue card needs. */
export const CourseCard = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  summary: Type.String(),
  languages: Type.Array(Type.String()),
  institution: Nullable(InstitutionBrief),
  lecturers: Type.Array(PersonBrief),
  workloadHours: Nullable(Type.Number()),
  estimatedWeeks: Nullable(Type.Integer()),
  eqfLevel: Nullable(Type.Integer()),
  iscedCode: Nullable(Type.String()),
  coverUrl: Nullable(Type.String()),
  /** Shown only from 10 enrolments on: small numbers say more about individuals than about the course. */
  enrolmentCount: Nullable(Type.Integer()),
  publishedAt: Nullable(IsoDate),
});
export type CourseCard = Static<typeof CourseCard>;

export const CatalogueResponse = Type.Object({
  items: Type.Array(CourseCard),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const SyllabusLesson = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: LessonKind,
  estimatedMinutes: Type.Integer(),
  optional: Type.Boolean(),
});
export const SyllabusModule = Type.Object({ id: Type.String(), title: Type.String(), lessons: Type.Array(SyllabusLesson) });
export type SyllabusModule = Static<typeof SyllabusModule>;

export const ViewerRole = Type.Union([Type.Literal('staff'), Type.Literal('enrolled'), Type.Literal('visitor')]);

export const CourseDetail = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  summary: Type.String(),
  /** Markdown source: staff only, for editing. */
  description: Type.Optional(Type.String()),
  descriptionHtml: Type.String(),
  languages: Type.Array(Type.String()),
  institution: Nullable(InstitutionBrief),
  partners: Type.Array(InstitutionBrief),
  lecturers: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.Union([Type.Literal('owner'), Type.Literal('co-lecturer')]) })),
  licence: Type.String(),
  workloadHours: Nullable(Type.Number()),
  estimatedWeeks: Nullable(Type.Integer()),
  ects: Nullable(Type.Number()),
  eqfLevel: Nullable(Type.Integer()),
  iscedCode: Nullable(Type.String()),
  learningOutcomes: Type.Array(Type.String()),
  prerequisites: Type.String(),
  keywords: Type.Array(Type.String()),
  status: CourseStatus,
  listed: Type.Boolean(),
  enrolmentOpensAt: Nullable(IsoDate),
  enrolmentClosesAt: Nullable(IsoDate),
  /** Whether a learner could enrol right now (published and inside the window). */
  enrolmentOpen: Type.Boolean(),
  startsAt: Nullable(IsoDate),
  endsAt: Nullable(IsoDate),
  coverUrl: Nullable(Type.String()),
  /** Exact for staff; for everyone else only from 10 on. */
  enrolmentCount: Nullable(Type.Integer()),
  totalMinutes: Type.Integer(),
  publishedAt: Nullable(IsoDate),
  updatedAt: IsoDate,
  syllabus: Type.Array(SyllabusModule),
  viewer: Type.Object({ role: ViewerRole, enrolled: Type.Boolean() }),
});
export type CourseDetail = Static<typeof CourseDetail>;
export const CourseDetailResponse = Type.Object({ course: CourseDetail });

export const ModuleResponse = Type.Object({ module: Type.Object({ id: Type.String(), courseId: Type.String(), title: Type.String(), position: Type.Integer() }) });

/**
 * A lesson as its reader sees it. Other features (video, quiz) add their optional fields here and fill them in
 * `lessonView()` (server/courses/lessons.ts), the one place a lesson is serialised.
 */
export const LessonView = Type.Object({
  id: Type.String(),
  moduleId: Type.String(),
  courseId: Type.String(),
  title: Type.String(),
  kind: LessonKind,
  estimatedMinutes: Type.Integer(),
  optional: Type.Boolean(),
  html: Type.String(),
  /** Markdown source: staff only. */
  body: Type.Optional(Type.String()),
  prevLessonId: Nullable(Type.String()),
  nextLessonId: Nullable(Type.String()),
  updatedAt: IsoDate,
  /** Video lessons: the video that plays now, and (staff only) a newer upload still being processed. */
  video: Type.Optional(LessonVideoSchema),
  /** Sequential courses: whether the lesson is still closed for this reader, and which lesson opens it. */
  lock: Type.Optional(Type.Object({ locked: Type.Boolean(), lockedBy: Nullable(Type.String()) })),
});
export type LessonView = Static<typeof LessonView>;
export const LessonResponse = Type.Object({ lesson: LessonView });

export const LecturersResponse = Type.Object({
  lecturers: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.Union([Type.Literal('owner'), Type.Literal('co-lecturer')]) })),
});

export const EnrolmentView = Type.Object({
  courseId: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('unenrolled')]),
  enrolledAt: IsoDate,
  lastActivityAt: Nullable(IsoDate),
  completedAt: Nullable(IsoDate),
});
export type EnrolmentView = Static<typeof EnrolmentView>;
export const EnrolmentResponse = Type.Object({ enrolment: EnrolmentView });

export const MyCoursesResponse = Type.Object({
  items: Type.Array(Type.Object({ course: CourseCard, enrolment: EnrolmentView })),
});

export const StudioCoursesResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      course: CourseCard,
      status: CourseStatus,
      /** null when the caller is staff through an admin role rather than as a lecturer */
      lecturerRole: Nullable(Type.Union([Type.Literal('owner'), Type.Literal('co-lecturer')])),
      updatedAt: IsoDate,
    }),
  ),
});
