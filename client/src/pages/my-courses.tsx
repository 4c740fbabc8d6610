import { useEffect, useState } from 'preact/hooks';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { CourseCardView, formatDate } from '../components/course.tsx';
import { courses, type CourseCard, type EnrolmentView } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/courses.ts';

type Item = { course: CourseCard; enrolment: EnrolmentView };

export default function MyCourses() {
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () => {
    setError(null);
    courses.mine().then(
      (r) => setItems(r.items),
      (err) => setError(describeError(err).message),
    );
  };
  useEffect(load, []);

  return (
    <Page title={t('mine.title')}>
      {error ? (
        <LoadError message={error} retry={load} />
      ) : !items ? (
        <Loading />
      ) : items.length === 0 ? (
        <div class="empty-state card">
          <p>{t('mine.empty')}</p>
          <p>
            <a class="button button--primary" href="/courses">
              {t('mine.browse')}
            </a>
          </p>
        </div>
      ) : (
        <ul class="course-grid">
          {items.map(({ course, enrolment }) => (
            <CourseCardView key={course.id} card={course} heading="h2">
              <p class="course-card__status">
                {enrolment.completedAt ? (
                  <span class="badge badge--ok">{t('mine.completed', { date: formatDate(enrolment.completedAt) })}</span>
                ) : (
                  <span class="muted">{t('mine.since', { date: formatDate(enrolment.enrolledAt) })}</span>
                )}
              </p>
            </CourseCardView>
          ))}
        </ul>
      )}
    </Page>
  );
}
