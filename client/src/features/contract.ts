/**
 * How the lesson pages (courses feature) host the lesson kinds that other features own. The learner's lesson page
 * renders `features/<kind>/lesson.tsx` and the studio's lesson editor renders `features/<kind>/studio.tsx`, both
 * loaded lazily so that, for instance, hls.js is fetched only on video lessons.
 */
export interface LessonRef {
  id: string;
  courseId: string;
  title: string;
  kind: 'text' | 'video' | 'quiz';
}

export interface LessonViewProps {
  /** The lesson as GET /api/lessons/:id returns it (kind-specific fields included, e.g. `video`). */
  lesson: LessonRef & Record<string, unknown>;
  /** Called when the lesson becomes complete (quiz passed, video watched), so the outline can tick it. */
  onCompleted?: () => void;
}

export interface LessonStudioProps {
  lesson: LessonRef & Record<string, unknown>;
  /** Called after a change the lesson editor should reload for. */
  onChanged?: () => void;
}
