import type { LessonStudioProps } from '../contract.ts';

/** Owned by the video feature; replaced by its real implementation. */
export default function VideoLessonStudio({ lesson }: LessonStudioProps) {
  return <p>{lesson.title}</p>;
}
