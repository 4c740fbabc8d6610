import type { LessonViewProps } from '../contract.ts';

/** Owned by the video feature; replaced by its real implementation. */
export default function VideoLesson({ lesson }: LessonViewProps) {
  return <p>{lesson.title}</p>;
}
