import type { LessonViewProps } from '../contract.ts';

/** Owned by the quiz feature; replaced by its real implementation. */
export default function QuizLesson({ lesson }: LessonViewProps) {
  return <p>{lesson.title}</p>;
}
