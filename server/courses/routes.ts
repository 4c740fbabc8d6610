import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { IdParams, NoContent, problems, type App } from '../http.ts';
import { currentUser } from '../plugins/auth.ts';
import { notFound } from '../errors.ts';
import type { Clock } from '../clock.ts';
import { createCourseService, type CourseService } from './service.ts';
import { createLessonService, type BeforeLessonsDelete, type LessonExtras, type LessonService } from './lessons.ts';
import { createEnrolmentService, type EnrolmentService } from './enrolment.ts';
import { readSmallFile } from '../multipart.ts';
import { COVER_FILE, COVER_MAX_BYTES, COVER_TYPES, createCoverService, type CoverService } from './cover.ts';
import { searchCatalogue } from './search.ts';
import { cardsByIds } from './views.ts';
import type { Db } from '../../db/client.ts';
import {
  AddLecturerBody,
  CatalogueQuery,
  CatalogueResponse,
  CourseDetailResponse,
  CreateCourseBody,
  CreateLessonBody,
  EnrolmentResponse,
  IdOrSlugParams,
  LecturerParams,
  LecturersResponse,
  LessonResponse,
  ModuleBody,
  ModuleResponse,
  MyCoursesResponse,
  StructureBody,
  StudioCoursesResponse,
  UpdateCourseBody,
  UpdateLessonBody,
} from './schema.ts';

interface Deps {
  db: Db;
  courses: CourseService;
  lessons: LessonService;
  enrolments: EnrolmentService;
  covers: CoverService;
}

/** Courses, their structure, lessons, lecturers, enrolment and the catalogue. Registered under /api. */
export function courseRoutes({ db, courses, lessons, enrolments, covers }: Deps) {
  return async function (app: App) {
    const tags = ['courses'];

    // ---- catalogue and landing page ----
    app.get('/courses', {
      config: { access: 'public' },
      schema: { tags, summary: 'The catalogue: published, listed courses; full-text search and filters', querystring: CatalogueQuery, response: { 200: CatalogueResponse, ...problems(400) } },
    }, async (request) => {
      const { ids, total } = searchCatalogue(db, request.query);
      return { items: cardsByIds(db, ids), total, page: request.query.page, pageSize: request.query.pageSize };
    });

    app.get('/courses/:idOrSlug', {
      config: { access: 'public' },
      schema: { tags, summary: 'A course landing page by id or slug (drafts and archived courses: staff only)', params: IdOrSlugParams, response: { 200: CourseDetailResponse, ...problems(404) } },
    }, async (request) => ({ course: courses.get(request.user, request.params.idOrSlug) }));

    // ---- authoring ----
    app.post('/courses', {
      config: { access: 'role:lecturer' },
      schema: { tags, summary: 'Create a course (draft); the creator becomes its owner', body: CreateCourseBody, response: { 201: CourseDetailResponse, ...problems(400, 401, 403, 409) } },
    }, async (request, reply) => reply.code(201).send({ course: courses.create(currentUser(request), request.body) }));

    app.patch('/courses/:id', {
      config: { access: 'user' },
      schema: { tags, summary: 'Edit a course (staff)', params: IdParams, body: UpdateCourseBody, response: { 200: CourseDetailResponse, ...problems(400, 401, 403, 404, 409) } },
    }, async (request) => ({ course: courses.update(currentUser(request), request.params.id, request.body) }));

    for (const action of ['publish', 'unpublish', 'archive'] as const) {
      app.post(`/courses/:id/${action}`, {
        config: { access: 'user' },
        schema: {
          tags,
          summary: { publish: 'Publish (checks completeness: 422 lists what is missing)', unpublish: 'Back to draft', archive: 'Archive' }[action],
          params: IdParams,
          response: { 200: CourseDetailResponse, ...problems(401, 403, 404, 422) },
        },
      }, async (request) => ({ course: courses[action](currentUser(request), request.params.id) }));
    }

    app.put('/courses/:id/structure', {
      config: { access: 'user' },
      schema: { tags, summary: 'Reorder modules and lessons (the full order of exactly this course\'s modules and lessons)', params: IdParams, body: StructureBody, response: { 200: CourseDetailResponse, ...problems(400, 401, 403, 404) } },
    }, async (request) => ({ course: courses.setStructure(currentUser(request), request.params.id, request.body) }));

    app.post('/courses/:id/modules', {
      config: { access: 'user' },
      schema: { tags, summary: 'Add a module at the end', params: IdParams, body: ModuleBody, response: { 201: ModuleResponse, ...problems(400, 401, 403, 404) } },
    }, async (request, reply) => reply.code(201).send({ module: courses.addModule(currentUser(request), request.params.id, request.body.title) }));

    app.patch('/modules/:id', {
      config: { access: 'user' },
      schema: { tags, summary: 'Rename a module', params: IdParams, body: ModuleBody, response: { 200: ModuleResponse, ...problems(400, 401, 403, 404) } },
    }, async (request) => ({ module: courses.updateModule(currentUser(request), request.params.id, request.body.title) }));

    app.delete('/modules/:id', {
      config: { access: 'user' },
      schema: { tags, summary: 'Delete a module and its lessons', params: IdParams, response: { 204: NoContent, ...problems(401, 403, 404) } },
    }, async (request, reply) => {
      courses.deleteModule(currentUser(request), request.params.id);
      return reply.code(204).send(null);
    });

    // ---- lessons ----
    app.post('/modules/:id/lessons', {
      config: { access: 'user' },
      schema: { tags, summary: 'Add a lesson at the end of a module', params: IdParams, body: CreateLessonBody, response: { 201: LessonResponse, ...problems(400, 401, 403, 404) } },
    }, async (request, reply) => reply.code(201).send({ lesson: lessons.create(currentUser(request), request.params.id, request.body) }));

    app.get('/lessons/:id', {
      config: { access: 'public' },
      schema: { tags, summary: 'A lesson (enrolled learners and staff; markdown source for staff only)', params: IdParams, response: { 200: LessonResponse, ...problems(401, 403, 404) } },
    }, async (request) => ({ lesson: lessons.get(request.user, request.params.id) }));

    app.patch('/lessons/:id', {
      config: { access: 'user' },
      schema: { tags, summary: 'Edit a lesson', params: IdParams, body: UpdateLessonBody, response: { 200: LessonResponse, ...problems(400, 401, 403, 404) } },
    }, async (request) => ({ lesson: lessons.update(currentUser(request), request.params.id, request.body) }));

    app.delete('/lessons/:id', {
      config: { access: 'user' },
      schema: { tags, summary: 'Delete a lesson', params: IdParams, response: { 204: NoContent, ...problems(401, 403, 404) } },
    }, async (request, reply) => {
      lessons.delete(currentUser(request), request.params.id);
      return reply.code(204).send(null);
    });

    // ---- lecturers ----
    app.post('/courses/:id/lecturers', {
      config: { access: 'user' },
      schema: { tags, summary: 'Add a co-lecturer by e-mail address (201; 200 if already a lecturer)', params: IdParams, body: AddLecturerBody, response: { 200: LecturersResponse, 201: LecturersResponse, ...problems(400, 401, 403, 404) } },
    }, async (request, reply) => {
      const { created, lecturers } = courses.addLecturer(currentUser(request), request.params.id, request.body.email);
      return reply.code(created ? 201 : 200).send({ lecturers });
    });

    app.delete('/courses/:id/lecturers/:userId', {
      config: { access: 'user' },
      schema: { tags, summary: 'Remove a co-lecturer (the owner cannot be removed)', params: LecturerParams, response: { 204: NoContent, ...problems(401, 403, 404, 409) } },
    }, async (request, reply) => {
      courses.removeLecturer(currentUser(request), request.params.id, request.params.userId);
      return reply.code(204).send(null);
    });

    // ---- enrolment ----
    app.post('/courses/:id/enrolment', {
      config: { access: 'user' },
      schema: { tags: ['enrolment'], summary: 'Enrol (201; 200 if already enrolled; 422 outside the enrolment window)', params: IdParams, response: { 200: EnrolmentResponse, 201: EnrolmentResponse, ...problems(401, 404, 422) } },
    }, async (request, reply) => {
      const { created, enrolment } = enrolments.enrol(currentUser(request), request.params.id);
      return reply.code(created ? 201 : 200).send({ enrolment });
    });

    app.delete('/courses/:id/enrolment', {
      config: { access: 'user' },
      schema: { tags: ['enrolment'], summary: 'Unenrol (progress is kept for a later re-enrolment)', params: IdParams, response: { 204: NoContent, ...problems(401, 404) } },
    }, async (request, reply) => {
      enrolments.unenrol(currentUser(request), request.params.id);
      return reply.code(204).send(null);
    });

    app.get('/me/courses', {
      config: { access: 'user' },
      schema: { tags: ['enrolment'], summary: 'My active enrolments', response: { 200: MyCoursesResponse, ...problems(401) } },
    }, async (request) => ({ items: enrolments.mine(currentUser(request)) }));

    app.get('/studio/courses', {
      config: { access: 'user' },
      schema: { tags, summary: 'Courses I teach, any status', response: { 200: StudioCoursesResponse, ...problems(401) } },
    }, async (request) => ({ items: courses.studio(currentUser(request)) }));

    // ---- cover image ----
    app.put('/courses/:id/cover', {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Upload the cover image (multipart, one file: PNG, JPEG or WebP, at most 2 MB)',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 200: Type.Object({ coverUrl: Type.String() }), ...problems(400, 401, 403, 404, 413, 415) },
      },
    }, async (request) => {
      const actor = currentUser(request);
      covers.check(actor, request.params.id);
      const data = await readSmallFile(request, { field: 'file', maxBytes: COVER_MAX_BYTES, what: 'the image' });
      return { coverUrl: await covers.save(actor, request.params.id, data) };
    });

    app.delete('/courses/:id/cover', {
      config: { access: 'user' },
      schema: { tags, summary: 'Remove the cover image', params: IdParams, response: { 204: NoContent, ...problems(401, 403, 404) } },
    }, async (request, reply) => {
      await covers.delete(currentUser(request), request.params.id);
      return reply.code(204).send(null);
    });
  };
}

/** Serves cover images at /media/covers/<file>. Names are random per upload, hence cacheable forever. */
export function coverMediaRoutes({ covers }: { covers: CoverService }) {
  return async function (app: App) {
    app.get('/:file', { schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 100 }) }) } }, async (request, reply) => {
      const { file } = request.params;
      if (!COVER_FILE.test(file)) throw notFound('cover');
      const full = path.join(covers.dir, file);
      const info = await stat(full).catch(() => null);
      if (!info?.isFile()) throw notFound('cover');
      return reply
        .type(COVER_TYPES[file.slice(file.lastIndexOf('.') + 1)])
        .header('content-length', info.size)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(createReadStream(full));
    });
  };
}

/** Builds the course services and registers their routes: the one call app.ts makes for this feature. */
export async function registerCourses(
  app: App,
  { db, clock, dataDir, lessonExtras, beforeLessonsDelete }: { db: Db; clock: Clock; dataDir: string; lessonExtras?: LessonExtras; beforeLessonsDelete?: BeforeLessonsDelete },
) {
  const covers = createCoverService({ db, clock, dataDir });
  const deps = {
    db,
    covers,
    courses: createCourseService({ db, clock, beforeLessonsDelete }),
    lessons: createLessonService({ db, clock, extras: lessonExtras, beforeDelete: beforeLessonsDelete }),
    enrolments: createEnrolmentService({ db, clock }),
  };
  await app.register(courseRoutes(deps), { prefix: '/api' });
  await app.register(coverMediaRoutes({ covers }), { prefix: '/media/covers' });
}
