import type { LessonStudioProps } from '../contract.ts';

/** Owned by the quiz feature; replaced by its real implementation. */
export default function QuizLessonStudio({ lesson }: LessonStudioProps) {
  return <p>{lesson.title}</p>;
}
