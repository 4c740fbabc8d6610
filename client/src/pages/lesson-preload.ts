import { courses, preload, progress } from '../api.ts';
import { preloadHls } from '../features/video/hls.ts';

/**
 * The lesson route's preload (routes.ts), in the main bundle so that it starts before the page's own code is here:
 * the course and the lesson at once; the learner's progress in the course as soon as either answer names it; the
 * video feature's lesson view and hls.js as soon as the lesson is known to be a video (not before: a text or quiz
 * lesson never fetches them). The page's identical GETs take these answers (api.ts `preload`), and its import of
 * the view finds the module loaded.
 */
export function preloadLesson({ slug, lessonId }: Record<string, string>) {
  let progressAsked = false;
  const askProgress = (courseId: string) => {
    if (progressAsked) return;
    progressAsked = true;
    void preload(() => progress.course(courseId));
  };
  const ignore = () => undefined; // the page asks again and shows the error
  preload(() => courses.get(slug)).then(({ course }) => askProgress(course.id), ignore);
  preload(() => courses.lesson(lessonId)).then(({ lesson }) => {
    askProgress(lesson.courseId);
    if (lesson.kind === 'video') {
      preloadHls();
      import('../features/video/lesson.tsx').catch(() => undefined); // the page's own import reports a failure
    }
  }, ignore);
}
