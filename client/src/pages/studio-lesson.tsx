import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Field, Form, SubmitButton, text, useForm } from '../components/form.tsx';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { LiveStatus, kindLabel, lessonHref } from '../components/course.tsx';
import { Checkbox, Input, TextArea } from '../components/studio-fields.tsx';
import { courses, type CourseDetail, type LessonView } from '../api.ts';
import type { LessonStudioProps } from '../features/contract.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/studio.ts';
import type { PageProps } from '../routes.ts';

/** How long typing pauses before the server renders the preview (and so saves the text). */
const PREVIEW_DEBOUNCE_MS = 800;

const kindEditors: Record<'video' | 'quiz', () => Promise<{ default: ComponentType<LessonStudioProps> }>> = {
  video: () => import('../features/video/studio.tsx'),
  quiz: () => import('../features/quiz/studio.tsx'),
};

function KindEditor({ lesson, onChanged }: { lesson: LessonView; onChanged: () => void }) {
  const kind = lesson.kind as 'video' | 'quiz';
  const [Editor, setEditor] = useState<ComponentType<LessonStudioProps> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    kindEditors[kind]().then(
      (m) => live && setEditor(() => m.default),
      (err: unknown) => {
        console.error('lesson editor failed to load', err);
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [kind]);
  if (failed) return <LoadError message={t('state.loadFailed')} retry={() => window.location.reload()} />;
  if (!Editor) return <Loading />;
  return <Editor lesson={lesson as LessonStudioProps['lesson']} onChanged={onChanged} />;
}

/**
 * The markdown of a text lesson with a live preview. The preview is the server's rendering (sanitised there), so
 * it is made by saving the text: what the preview shows is what learners see.
 */
function MarkdownBody({ lesson, form, onLesson }: { lesson: LessonView; form: ReturnType<typeof useForm>; onLesson: (l: LessonView) => void }) {
  const [html, setHtml] = useState(lesson.html);
  const [state, setState] = useState<'idle' | 'typing' | 'saving' | 'saved' | 'error'>('idle');
  const [announce, setAnnounce] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const latest = useRef(lesson.body ?? '');
  const sent = useRef(lesson.body ?? '');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef(false);

  const render = async (explicit: boolean) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (inFlight.current) return;
    const body = latest.current;
    if (body === sent.current && !explicit) {
      setState('saved');
      return;
    }
    inFlight.current = true;
    setState('saving');
    try {
      const r = await courses.updateLesson(lesson.id, { body });
      sent.current = body;
      setHtml(r.lesson.html);
      onLesson(r.lesson);
      setState('saved');
      if (explicit) setAnnounce({ kind: 'success', text: t('lessonEditor.previewDone') });
    } catch (err) {
      setState('error');
      setAnnounce({ kind: 'error', text: describeError(err).message });
    } finally {
      inFlight.current = false;
    }
    // Typed on while the request ran: render once more.
    if (latest.current !== sent.current) schedule();
  };
  const schedule = () => {
    if (timer.current) clearTimeout(timer.current);
    setState('typing');
    timer.current = setTimeout(() => void render(false), PREVIEW_DEBOUNCE_MS);
  };
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return (
    <div class="markdown-editor">
      <div class="markdown-editor__source">
        <TextArea
          form={form}
          name="body"
          label={t('lessonEditor.body')}
          hint={t('field.markdownHint')}
          rows={18}
          maxLength={200_000}
          defaultValue={lesson.body ?? ''}
          code
          onInput={(v) => {
            latest.current = v;
            schedule();
          }}
        />
        <p class="actions">
          <button type="button" class="button button--small" onClick={() => void render(true)}>
            {t('lessonEditor.refreshPreview')}
          </button>
          <span class={`save-state save-state--${state}`}>
            {state === 'typing' || state === 'saving' ? t('lessonEditor.previewPending') : state === 'saved' ? t('lessonEditor.previewSaved') : state === 'error' ? t('lessonEditor.previewFailed') : ''}
          </span>
        </p>
        <LiveStatus message={announce} />
      </div>
      <section class="markdown-editor__preview preview" aria-labelledby="lesson-preview">
        <h2 id="lesson-preview">{t('lessonEditor.preview')}</h2>
        {html ? <div class="prose" dangerouslySetInnerHTML={{ __html: html }} /> : <p class="muted">{t('details.previewEmpty')}</p>}
      </section>
    </div>
  );
}

export default function StudioLesson({ params }: PageProps) {
  const [lesson, setLesson] = useState<LessonView | null>(null);
  const [course, setCourse] = useState<CourseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const form = useForm();

  const load = () => {
    setError(null);
    courses.lesson(params.id).then(
      (r) => {
        setLesson(r.lesson);
        courses.get(r.lesson.courseId).then(
          (c) => setCourse(c.course),
          () => setCourse(null), // only the way back needs it
        );
      },
      (err) => setError(describeError(err).message),
    );
  };
  useEffect(load, [params.id]);

  if (error) return <LoadError message={error} retry={load} />;
  if (!lesson) return <Loading />;

  const onSubmit = async (data: FormData) => {
    const minutes = text(data, 'estimatedMinutes').trim();
    const r = await courses.updateLesson(lesson.id, {
      title: text(data, 'title'),
      ...(minutes !== '' ? { estimatedMinutes: Number(minutes) } : {}),
      optional: data.get('optional') === '1',
      ...(lesson.kind === 'text' ? { body: text(data, 'body') } : {}),
    });
    setLesson(r.lesson);
    return t('lessonEditor.saved');
  };

  const back = `/studio/courses/${encodeURIComponent(lesson.courseId)}`;
  return (
    <Page title={lesson.title} lead={t('lessonEditor.lead', { kind: kindLabel(lesson.kind) })}>
      <nav class="breadcrumbs" aria-label={t('editor.breadcrumbs')}>
        <a href="/studio">{t('studio.title')}</a>
        <span aria-hidden="true"> › </span>
        <a href={`${back}#studio-structure`}>{course?.title ?? t('lessonEditor.backToCourse')}</a>
      </nav>
      <Form form={form} onSubmit={onSubmit} label={t('lessonEditor.form')}>
        <div class="form-columns">
          <Field form={form} name="title" label={t('field.title')} required defaultValue={lesson.title} maxLength={200} />
          <Input form={form} type="number" name="estimatedMinutes" label={t('structure.minutes')} min={0} max={10000} step="1" required defaultValue={String(lesson.estimatedMinutes)} />
        </div>
        <Checkbox form={form} name="optional" label={t('lessonEditor.optional')} hint={t('lessonEditor.optionalHint')} defaultChecked={lesson.optional} />
        {lesson.kind === 'text' && <MarkdownBody lesson={lesson} form={form} onLesson={(l) => setLesson({ ...lesson, html: l.html, updatedAt: l.updatedAt })} />}
        <p class="actions">
          <SubmitButton form={form}>{t('lessonEditor.save')}</SubmitButton>
          {course && (
            <a href={lessonHref(course.slug, lesson.id)}>{t('lessonEditor.viewAsLearner')}</a>
          )}
        </p>
      </Form>
      {lesson.kind !== 'text' && (
        <section aria-labelledby="lesson-kind" class="studio-section">
          <h2 id="lesson-kind">{kindLabel(lesson.kind)}</h2>
          <KindEditor lesson={lesson} onChanged={load} />
        </section>
      )}
    </Page>
  );
}
