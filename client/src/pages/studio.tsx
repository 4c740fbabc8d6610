import { useEffect, useState } from 'preact/hooks';
import { Field, Form, SubmitButton, optional, text, useForm } from '../components/form.tsx';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { courses, type StudioCourse } from '../api.ts';
import { describeError } from '../errors.ts';
import { formatDateTime } from '../i18n/core.ts';
import { t } from '../i18n/studio.ts';
import { navigate } from '../router.ts';

function CreateCourse() {
  const form = useForm();
  const onSubmit = async (data: FormData) => {
    const slug = optional(data, 'slug');
    const summary = optional(data, 'summary');
    const { course } = await courses.create({ title: text(data, 'title'), ...(slug ? { slug } : {}), ...(summary ? { summary } : {}) });
    navigate(`/studio/courses/${encodeURIComponent(course.id)}`);
  };
  return (
    <section aria-labelledby="studio-new">
      <h2 id="studio-new">{t('studio.new')}</h2>
      <div class="narrow">
        <Form form={form} onSubmit={onSubmit}>
          <Field form={form} name="title" label={t('field.title')} required maxLength={200} />
          <Field form={form} name="slug" label={t('field.slug')} hint={t('field.slugHintNew')} maxLength={80} spellcheck={false} />
          <Field form={form} name="summary" label={t('field.summary')} hint={t('field.summaryHint')} maxLength={500} />
          <SubmitButton form={form}>{t('studio.create')}</SubmitButton>
        </Form>
      </div>
    </section>
  );
}

export default function Studio() {
  const [items, setItems] = useState<StudioCourse[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    courses.studio().then(
      (r) => setItems(r.items),
      (err) => setError(describeError(err).message),
    );
  };
  useEffect(load, []);

  return (
    <Page title={t('studio.title')} lead={t('studio.lead')}>
      <section aria-labelledby="studio-mine">
        <h2 id="studio-mine">{t('studio.mine')}</h2>
        {error ? (
          <LoadError message={error} retry={load} />
        ) : !items ? (
          <Loading />
        ) : items.length === 0 ? (
          <p>{t('studio.none')}</p>
        ) : (
          <ul class="studio-list">
            {items.map(({ course, status, lecturerRole, updatedAt }) => (
              <li key={course.id} class="card studio-list__item">
                <h3>
                  <a href={`/studio/courses/${encodeURIComponent(course.id)}`}>{course.title}</a>
                </h3>
                <p class="studio-list__meta">
                  <span class={`badge badge--${status}`}>{t(`status.${status}`)}</span>
                  {lecturerRole && <span>{t(`role.${lecturerRole}`)}</span>}
                  <span>{t('studio.updated', { when: formatDateTime(updatedAt) })}</span>
                </p>
                {status === 'published' && (
                  <p>
                    <a href={`/courses/${encodeURIComponent(course.slug)}`}>
                      {t('studio.viewPage')}
                      <span class="visually-hidden">: {course.title}</span>
                    </a>
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <CreateCourse />
    </Page>
  );
}
