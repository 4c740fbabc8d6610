import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, max, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { courseLecturers, coursePartners, courses, institutions, lessons, modules, users } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import type { UserRow } from '../auth/session.ts';
import { normaliseEmail } from '../auth/service.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable, type FieldError } from '../errors.ts';
import { isAdmin } from '../plugins/auth.ts';
import { renderMarkdown } from '../markdown.ts';
import { editableCourse, editableModule, isEnrolled, visibleCourse, type CourseRole, type CourseRow } from './access.ts';
import { indexCourse } from './search.ts';
import type { BeforeLessonsDelete } from './lessons.ts';
import { looksLikeUuid, slugify, uniqueSlug } from './slug.ts';
import type { CourseDetail, CreateCourseInput, StructureInput, UpdateCourseInput } from './schema.ts';
import { cardColumns, coverUrl, institutionsById, isoOrNull, iso, lecturersByCourse, publicCount, syllabusOf, toCards, type LecturerBrief } from './views.ts';

/** Whether enrolment is possible at `now`: published, and inside the optional window (empty bounds = open). */
export function enrolmentOpen(course: Pick<CourseRow, 'status' | 'enrolmentOpensAt' | 'enrolmentClosesAt'>, now: number): boolean {
  if (course.status !== 'published') return false;
  if (course.enrolmentOpensAt !== null && now < course.enrolmentOpensAt) return false;
  if (course.enrolmentClosesAt !== null && now > course.enrolmentClosesAt) return false;
  return true;
}

type Fields = Partial<Omit<typeof courses.$inferInsert, 'id' | 'status' | 'createdAt' | 'publishedAt' | 'enrolmentCount' | 'coverImageKey'>>;

export function createCourseService({ db, clock, beforeLessonsDelete }: { db: Db; clock: Clock; beforeLessonsDelete?: BeforeLessonsDelete }) {
  const slugTaken = (slug: string, exceptId?: string) =>
    !!db
      .select({ id: courses.id })
      .from(courses)
      .where(exceptId ? and(eq(courses.slug, slug), ne(courses.id, exceptId)) : eq(courses.slug, slug))
      .get();

  const institutionExists = (id: string) => !!db.select({ id: institutions.id }).from(institutions).where(eq(institutions.id, id)).get();

  /**
   * Checks and normalises the fields of a create or patch into column values. Collects every problem and throws
   * one 400 listing them. `current` is the stored course on a patch, so cross-field rules see the merged result.
   */
  function toFields(actor: UserRow, input: UpdateCourseInput, current: CourseRow | null): { fields: Fields; partnerIds?: string[] } {
    const errors: FieldError[] = [];
    const fields: Fields = {};
    const put = <K extends keyof Fields>(k: K, v: Fields[K]) => {
      fields[k] = v;
    };

    if (input.title !== undefined) put('title', input.title.trim());
    if (input.summary !== undefined) put('summary', input.summary.trim());
    if (input.description !== undefined) put('description', input.description);
    if (input.prerequisites !== undefined) put('prerequisites', input.prerequisites.trim());
    if (input.licence !== undefined) put('licence', input.licence);
    if (input.workloadHours !== undefined) put('workloadHours', input.workloadHours);
    if (input.estimatedWeeks !== undefined) put('estimatedWeeks', input.estimatedWeeks);
    if (input.ects !== undefined) put('ects', input.ects);
    if (input.eqfLevel !== undefined) put('eqfLevel', input.eqfLevel);
    if (input.iscedCode !== undefined) put('iscedCode', input.iscedCode);
    if (input.listed !== undefined) put('listed', input.listed);
    if (input.learningOutcomes !== undefined) put('learningOutcomes', input.learningOutcomes.map((s) => s.trim()).filter(Boolean));
    if (input.keywords !== undefined) put('keywords', [...new Set(input.keywords.map((s) => s.trim()).filter(Boolean))]);

    if (input.languages !== undefined) {
      try {
        put('languages', Intl.getCanonicalLocales(input.languages));
      } catch {
        errors.push({ pointer: '/body/languages', message: 'must be BCP 47 language tags, e.g. nl, en, nl-BE' });
      }
    }

    if (input.slug !== undefined && input.slug !== current?.slug) {
      if (looksLikeUuid(input.slug)) errors.push({ pointer: '/body/slug', message: 'must not look like a course id' });
      else if (slugTaken(input.slug, current?.id)) throw conflict(`The slug "${input.slug}" is taken.`, 'LEERPAD_SLUG_TAKEN');
      else put('slug', input.slug);
    }

    if (input.institutionId !== undefined && input.institutionId !== (current?.institutionId ?? undefined)) {
      const id = input.institutionId;
      if (id !== null && !institutionExists(id)) errors.push({ pointer: '/body/institutionId', message: 'no such institution' });
      // Naming an institution makes its admins staff of the course, so only its own members (or platform admins) may.
      else if (id !== null && !isAdmin(actor) && actor.institutionId !== id) {
        throw forbidden('You can only offer a course on behalf of your own institution.');
      } else put('institutionId', id);
    }

    let partnerIds: string[] | undefined;
    if (input.partnerIds !== undefined) {
      const main = fields.institutionId !== undefined ? fields.institutionId : (current?.institutionId ?? null);
      partnerIds = input.partnerIds.filter((id) => id !== main);
      input.partnerIds.forEach((id, i) => {
        if (!institutionExists(id)) errors.push({ pointer: `/body/partnerIds/${i}`, message: 'no such institution' });
      });
    }

    const date = (key: 'enrolmentOpensAt' | 'enrolmentClosesAt' | 'startsAt' | 'endsAt') => {
      const v = input[key];
      if (v === undefined) return current ? current[key] : null;
      const ms = v === null ? null : Date.parse(v);
      if (ms !== null && Number.isNaN(ms)) {
        errors.push({ pointer: `/body/${key}`, message: 'must be a date-time' });
        return null;
      }
      put(key, ms);
      return ms;
    };
    const opens = date('enrolmentOpensAt');
    const closes = date('enrolmentClosesAt');
    const starts = date('startsAt');
    const ends = date('endsAt');
    if (opens !== null && closes !== null && opens > closes) errors.push({ pointer: '/body/enrolmentClosesAt', message: 'must not be before enrolmentOpensAt' });
    if (starts !== null && ends !== null && starts > ends) errors.push({ pointer: '/body/endsAt', message: 'must not be before startsAt' });

    if (errors.length) throw badRequest(errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
    return { fields, partnerIds };
  }

  function replacePartners(courseId: string, partnerIds: string[]) {
    db.delete(coursePartners).where(eq(coursePartners.courseId, courseId)).run();
    for (const institutionId of partnerIds) db.insert(coursePartners).values({ courseId, institutionId }).run();
  }

  const row = (id: string) => db.select().from(courses).where(eq(courses.id, id)).get()!;

  function lecturersOf(courseId: string): LecturerBrief[] {
    return lecturersByCourse(db, [courseId]).get(courseId) ?? [];
  }

  /** The landing page, seen by a user with `role`. */
  function detail(course: CourseRow, role: CourseRole, user: UserRow | null): CourseDetail {
    const staff = role === 'staff';
    const partnerIds = db.select({ id: coursePartners.institutionId }).from(coursePartners).where(eq(coursePartners.courseId, course.id)).all().map((r) => r.id);
    const inst = institutionsById(db, [...partnerIds, ...(course.institutionId ? [course.institutionId] : [])]);
    const syllabus = syllabusOf(db, course.id);
    return {
      id: course.id,
      slug: course.slug,
      title: course.title,
      summary: course.summary,
      ...(staff ? { description: course.description } : {}),
      descriptionHtml: renderMarkdown(course.description),
      languages: course.languages,
      institution: (course.institutionId && inst.get(course.institutionId)) || null,
      partners: partnerIds.map((id) => inst.get(id)).filter((i) => !!i).sort((a, b) => a.shortName.localeCompare(b.shortName)),
      lecturers: lecturersOf(course.id),
      licence: course.licence,
      workloadHours: course.workloadHours,
      estimatedWeeks: course.estimatedWeeks,
      ects: course.ects,
      eqfLevel: course.eqfLevel,
      iscedCode: course.iscedCode,
      learningOutcomes: course.learningOutcomes,
      prerequisites: course.prerequisites,
      keywords: course.keywords,
      status: course.status as CourseDetail['status'],
      listed: course.listed,
      enrolmentOpensAt: isoOrNull(course.enrolmentOpensAt),
      enrolmentClosesAt: isoOrNull(course.enrolmentClosesAt),
      enrolmentOpen: enrolmentOpen(course, clock()),
      startsAt: isoOrNull(course.startsAt),
      endsAt: isoOrNull(course.endsAt),
      coverUrl: coverUrl(course.coverImageKey),
      enrolmentCount: staff ? course.enrolmentCount : publicCount(course.enrolmentCount),
      totalMinutes: syllabus.reduce((sum, m) => sum + m.lessons.reduce((s, l) => s + l.estimatedMinutes, 0), 0),
      publishedAt: isoOrNull(course.publishedAt),
      updatedAt: iso(course.updatedAt),
      syllabus,
      viewer: { role, enrolled: !!user && isEnrolled(db, user.id, course.id) },
    };
  }

  const staffDetail = (actor: UserRow, id: string) => detail(row(id), 'staff', actor);

  function setStatus(actor: UserRow, courseId: string, status: 'published' | 'draft' | 'archived'): CourseDetail {
    const course = editableCourse(db, actor, courseId);
    const now = clock();
    db.transaction((tx) => {
      tx.update(courses)
        .set({ status, updatedAt: now, ...(status === 'published' && course.publishedAt === null ? { publishedAt: now } : {}) })
        .where(eq(courses.id, courseId))
        .run();
      indexCourse(db, courseId); // the index holds the catalogue: in on publish, out otherwise
    });
    return staffDetail(actor, courseId);
  }

  return {
    create(actor: UserRow, input: CreateCourseInput): CourseDetail {
      const withDefaults = { ...input, institutionId: input.institutionId !== undefined ? input.institutionId : actor.institutionId };
      const { fields, partnerIds } = toFields(actor, withDefaults, null);
      const id = randomUUID();
      const now = clock();
      db.transaction((tx) => {
        const slug = fields.slug ?? uniqueSlug(slugify(input.title), (s) => slugTaken(s));
        tx.insert(courses).values({ ...fields, id, slug, title: fields.title!, status: 'draft', createdAt: now, updatedAt: now }).run();
        tx.insert(courseLecturers).values({ courseId: id, userId: actor.id, role: 'owner', position: 0 }).run();
        if (partnerIds) replacePartners(id, partnerIds);
        indexCourse(db, id);
      });
      return staffDetail(actor, id);
    },

    update(actor: UserRow, courseId: string, patch: UpdateCourseInput): CourseDetail {
      const current = editableCourse(db, actor, courseId);
      const { fields, partnerIds } = toFields(actor, patch, current);
      db.transaction((tx) => {
        tx.update(courses).set({ ...fields, updatedAt: clock() }).where(eq(courses.id, courseId)).run();
        if (partnerIds) replacePartners(courseId, partnerIds);
        indexCourse(db, courseId);
      });
      return staffDetail(actor, courseId);
    },

    /** The landing page by id or slug; drafts and archived courses only for staff (404 otherwise). */
    get(user: UserRow | null, idOrSlug: string): CourseDetail {
      const found = db.select({ id: courses.id }).from(courses).where(eq(courses.id, idOrSlug)).get() ?? db.select({ id: courses.id }).from(courses).where(eq(courses.slug, idOrSlug.toLowerCase())).get();
      if (!found) throw notFound('course');
      const { course, role } = visibleCourse(db, user, found.id);
      return detail(course, role, user);
    },

    /** Publishing needs what a learner needs to decide: a title, a summary, a language and something to follow. */
    publish(actor: UserRow, courseId: string): CourseDetail {
      const course = editableCourse(db, actor, courseId);
      const errors: FieldError[] = [];
      if (!course.title.trim()) errors.push({ pointer: '/title', message: 'A course needs a title.' });
      if (!course.summary.trim()) errors.push({ pointer: '/summary', message: 'A course needs a summary for the catalogue.' });
      if (!course.languages.length) errors.push({ pointer: '/languages', message: 'A course needs at least one language.' });
      const lessonCount = db.select({ n: count() }).from(lessons).where(eq(lessons.courseId, courseId)).get()!.n;
      if (!lessonCount) errors.push({ pointer: '/syllabus', message: 'A course needs at least one lesson.' });
      if (errors.length) throw unprocessable(`The course is not ready to publish: ${errors.map((e) => e.message).join(' ')}`, errors);
      return setStatus(actor, courseId, 'published');
    },
    unpublish: (actor: UserRow, courseId: string) => setStatus(actor, courseId, 'draft'),
    archive: (actor: UserRow, courseId: string) => setStatus(actor, courseId, 'archived'),

    addModule(actor: UserRow, courseId: string, title: string) {
      editableCourse(db, actor, courseId);
      const now = clock();
      const id = randomUUID();
      const position = (db.select({ p: max(modules.position) }).from(modules).where(eq(modules.courseId, courseId)).get()?.p ?? -1) + 1;
      db.transaction((tx) => {
        tx.insert(modules).values({ id, courseId, title: title.trim(), position, createdAt: now, updatedAt: now }).run();
        tx.update(courses).set({ updatedAt: now }).where(eq(courses.id, courseId)).run();
      });
      return { id, courseId, title: title.trim(), position };
    },

    updateModule(actor: UserRow, moduleId: string, title: string) {
      const { module } = editableModule(db, actor, moduleId);
      const now = clock();
      db.update(modules).set({ title: title.trim(), updatedAt: now }).where(eq(modules.id, moduleId)).run();
      return { id: module.id, courseId: module.courseId, title: title.trim(), position: module.position };
    },

    /** Removes a module with its lessons (and, by cascade, their videos, quizzes and progress). */
    deleteModule(actor: UserRow, moduleId: string): void {
      const { module } = editableModule(db, actor, moduleId);
      db.transaction((tx) => {
        beforeLessonsDelete?.(tx.select({ id: lessons.id }).from(lessons).where(eq(lessons.moduleId, moduleId)).all().map((l) => l.id));
        tx.delete(modules).where(eq(modules.id, moduleId)).run();
        tx.update(courses).set({ updatedAt: clock() }).where(eq(courses.id, module.courseId)).run();
      });
    },

    /**
     * Reorders modules and lessons (lessons may change module) from the full desired order. It must name exactly
     * the course's modules and lessons, each once: a partial order would silently drop or duplicate content.
     */
    setStructure(actor: UserRow, courseId: string, input: StructureInput): CourseDetail {
      editableCourse(db, actor, courseId);
      const moduleIds = new Set(db.select({ id: modules.id }).from(modules).where(eq(modules.courseId, courseId)).all().map((r) => r.id));
      const lessonIds = new Set(db.select({ id: lessons.id }).from(lessons).where(eq(lessons.courseId, courseId)).all().map((r) => r.id));
      const errors: FieldError[] = [];
      const seenModules = new Set<string>();
      const seenLessons = new Set<string>();
      input.modules.forEach((m, i) => {
        if (!moduleIds.has(m.id)) errors.push({ pointer: `/body/modules/${i}/id`, message: 'is not a module of this course' });
        else if (seenModules.has(m.id)) errors.push({ pointer: `/body/modules/${i}/id`, message: 'appears more than once' });
        seenModules.add(m.id);
        m.lessonIds.forEach((l, j) => {
          if (!lessonIds.has(l)) errors.push({ pointer: `/body/modules/${i}/lessonIds/${j}`, message: 'is not a lesson of this course' });
          else if (seenLessons.has(l)) errors.push({ pointer: `/body/modules/${i}/lessonIds/${j}`, message: 'appears more than once' });
          seenLessons.add(l);
        });
      });
      const missingModules = [...moduleIds].filter((id) => !seenModules.has(id));
      const missingLessons = [...lessonIds].filter((id) => !seenLessons.has(id));
      if (missingModules.length) errors.push({ pointer: '/body/modules', message: `misses modules ${missingModules.join(', ')}` });
      if (missingLessons.length) errors.push({ pointer: '/body/modules', message: `misses lessons ${missingLessons.join(', ')}` });
      if (errors.length) throw badRequest('The structure must list exactly the modules and lessons of this course, each once.', errors);

      const now = clock();
      db.transaction((tx) => {
        input.modules.forEach((m, i) => {
          tx.update(modules).set({ position: i, updatedAt: now }).where(eq(modules.id, m.id)).run();
          m.lessonIds.forEach((l, j) => tx.update(lessons).set({ moduleId: m.id, position: j, updatedAt: now }).where(eq(lessons.id, l)).run());
        });
        tx.update(courses).set({ updatedAt: now }).where(eq(courses.id, courseId)).run();
      });
      return staffDetail(actor, courseId);
    },

    lecturers(actor: UserRow, courseId: string): LecturerBrief[] {
      editableCourse(db, actor, courseId);
      return lecturersOf(courseId);
    },

    /** Adds a co-lecturer by e-mail address. `created` is false when they already teach the course. */
    addLecturer(actor: UserRow, courseId: string, email: string): { created: boolean; lecturers: LecturerBrief[] } {
      editableCourse(db, actor, courseId);
      const user = db.select({ id: users.id }).from(users).where(eq(users.email, normaliseEmail(email))).get();
      if (!user) throw notFound('user with that e-mail address');
      const existing = db
        .select({ role: courseLecturers.role })
        .from(courseLecturers)
        .where(and(eq(courseLecturers.courseId, courseId), eq(courseLecturers.userId, user.id)))
        .get();
      if (existing) return { created: false, lecturers: lecturersOf(courseId) };
      db.transaction((tx) => {
        const position = (tx.select({ p: max(courseLecturers.position) }).from(courseLecturers).where(eq(courseLecturers.courseId, courseId)).get()?.p ?? 0) + 1;
        tx.insert(courseLecturers).values({ courseId, userId: user.id, role: 'co-lecturer', position }).run();
        tx.update(courses).set({ updatedAt: clock() }).where(eq(courses.id, courseId)).run();
        indexCourse(db, courseId);
      });
      return { created: true, lecturers: lecturersOf(courseId) };
    },

    /** The owner stays: a course always has someone answerable for it. */
    removeLecturer(actor: UserRow, courseId: string, userId: string): void {
      editableCourse(db, actor, courseId);
      const existing = db
        .select({ role: courseLecturers.role })
        .from(courseLecturers)
        .where(and(eq(courseLecturers.courseId, courseId), eq(courseLecturers.userId, userId)))
        .get();
      if (!existing) throw notFound('lecturer of this course');
      if (existing.role === 'owner') throw conflict('The owner of a course cannot be removed.');
      db.transaction((tx) => {
        tx.delete(courseLecturers).where(and(eq(courseLecturers.courseId, courseId), eq(courseLecturers.userId, userId))).run();
        tx.update(courses).set({ updatedAt: clock() }).where(eq(courses.id, courseId)).run();
        indexCourse(db, courseId);
      });
    },

    /** Courses the user teaches, any status, most recently changed first. */
    studio(actor: UserRow) {
      const rows = db
        .select({ course: cardColumns, status: courses.status, updatedAt: courses.updatedAt, role: courseLecturers.role })
        .from(courseLecturers)
        .innerJoin(courses, eq(courses.id, courseLecturers.courseId))
        .where(eq(courseLecturers.userId, actor.id))
        .orderBy(desc(courses.updatedAt), asc(courses.title))
        .all();
      const cards = toCards(db, rows.map((r) => r.course));
      return rows.map((r, i) => ({
        course: cards[i],
        status: r.status as CourseDetail['status'],
        lecturerRole: (r.role === 'owner' ? 'owner' : 'co-lecturer') as 'owner' | 'co-lecturer',
        updatedAt: iso(r.updatedAt),
      }));
    },
  };
}
export type CourseService = ReturnType<typeof createCourseService>;
