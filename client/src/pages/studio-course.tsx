import { useEffect, useRef, useState } from 'preact/hooks';
import { Field, Form, SubmitButton, text, useForm } from '../components/form.tsx';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { COMMON_LANGUAGES, EQF_LEVELS, LiveStatus, formatMinutes, institutionName, kindLabel, languageName, type LessonKind } from '../components/course.tsx';
import { Checkbox, Checkboxes, Input, Select, TextArea, fieldId } from '../components/studio-fields.tsx';
import { ApiError, courses, institutions as institutionsApi, type CourseDetail, type Institution } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/studio.ts';
import type { PageProps } from '../routes.ts';
import { t as tp } from '../i18n/progress.ts';
import { t as ta } from '../i18n/analytics.ts';

type Message = { kind: 'success' | 'error'; text: string; extra?: string[] } | null;
type Lesson = CourseDetail['syllabus'][number]['lessons'][number];
type Mod = { id: string; title: string; lessons: Lesson[] };

/** Common SPDX licence ids for open course material; a course may carry any other valid id. */
const LICENCES = ['CC-BY-4.0', 'CC-BY-SA-4.0', 'CC-BY-NC-4.0', 'CC-BY-NC-SA-4.0', 'CC-BY-ND-4.0', 'CC-BY-NC-ND-4.0', 'CC0-1.0'] as const;
const KINDS: LessonKind[] = ['text', 'video', 'quiz'];

const pad = (n: number) => String(n).padStart(2, '0');
/** ISO instant -> the local calendar date for <input type="date">. */
function toDateInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
/** A local calendar date -> an ISO instant at the start (or the very end) of that day. */
function fromDateInput(value: string, endOfDay: boolean): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  return (endOfDay ? new Date(y, mo, d, 23, 59, 59, 999) : new Date(y, mo, d)).toISOString();
}
const numberOrNull = (data: FormData, name: string) => {
  const v = text(data, name).trim().replace(',', '.');
  return v === '' ? null : Number(v);
};
const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

// ---------------------------------------------------------------------------------------------------------
// Publishing

const MISSING: Record<string, 'missing.title' | 'missing.summary' | 'missing.languages' | 'missing.syllabus'> = {
  '/title': 'missing.title',
  '/summary': 'missing.summary',
  '/languages': 'missing.languages',
  '/syllabus': 'missing.syllabus',
};

function Publishing({ course, onCourse }: { course: CourseDetail; onCourse: (c: CourseDetail) => void }) {
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const status = useRef<HTMLDivElement>(null);

  const act = async (action: 'publish' | 'unpublish' | 'archive') => {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      const r = await courses.setStatus(course.id, action);
      onCourse(r.course);
      setMessage({ kind: 'success', text: t(`publish.done.${action}`) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        setMessage({
          kind: 'error',
          text: t('publish.missing'),
          extra: err.errors.map((e) => (MISSING[e.pointer] ? t(MISSING[e.pointer]) : e.message)),
        });
      } else setMessage({ kind: 'error', text: describeError(err).message });
    } finally {
      setBusy(false);
      status.current?.focus();
    }
  };

  const button = (action: 'publish' | 'unpublish' | 'archive', primary = false) => (
    <button type="button" class={`button${primary ? ' button--primary' : ''}`} aria-disabled={busy ? 'true' : undefined} onClick={() => act(action)}>
      {t(`publish.${action}`)}
    </button>
  );

  return (
    <section aria-labelledby="studio-publish" class="studio-section">
      <h2 id="studio-publish">{t('publish.title')}</h2>
      <p>
        {t('publish.status')} <span class={`badge badge--${course.status}`}>{t(`status.${course.status}`)}</span>{' '}
        <span class="muted">{t(`publish.explain.${course.status}`)}</span>
      </p>
      <LiveStatus message={message} focusRef={status} />
      <p class="actions">
        {course.status !== 'published' && button('publish', true)}
        {course.status !== 'draft' && button('unpublish')}
        {course.status !== 'archived' && button('archive')}
        <a href={`/courses/${encodeURIComponent(course.slug)}`}>{t('publish.viewPage')}</a>
      </p>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Course details

function Details({ course, onCourse, institutions }: { course: CourseDetail; onCourse: (c: CourseDetail) => void; institutions: Institution[] }) {
  const form = useForm();
  const [preview, setPreview] = useState<string | null>(null);
  const [previewBusy, setPreviewBusy] = useState(false);
  const [previewMessage, setPreviewMessage] = useState<Message>(null);

  const languages = [...new Set<string>([...COMMON_LANGUAGES, ...course.languages])];
  const licences = [...new Set<string>([...LICENCES, course.licence])];

  const onSubmit = async (data: FormData) => {
    const institutionId = text(data, 'institutionId');
    const slug = text(data, 'slug').trim();
    const iscedCode = text(data, 'iscedCode').trim();
    const eqf = text(data, 'eqfLevel');
    const r = await courses.update(course.id, {
      title: text(data, 'title'),
      ...(slug ? { slug } : {}),
      summary: text(data, 'summary'),
      description: text(data, 'description'),
      languages: data.getAll('languages').map(String),
      institutionId: institutionId || null,
      licence: text(data, 'licence'),
      workloadHours: numberOrNull(data, 'workloadHours'),
      estimatedWeeks: numberOrNull(data, 'estimatedWeeks'),
      ects: numberOrNull(data, 'ects'),
      eqfLevel: eqf ? Number(eqf) : null,
      iscedCode: iscedCode || null,
      learningOutcomes: lines(text(data, 'learningOutcomes')),
      prerequisites: text(data, 'prerequisites'),
      keywords: [...new Set(text(data, 'keywords').split(',').map((k) => k.trim()).filter(Boolean))],
      listed: data.get('listed') === '1',
      enrolmentOpensAt: fromDateInput(text(data, 'enrolmentOpensAt'), false),
      enrolmentClosesAt: fromDateInput(text(data, 'enrolmentClosesAt'), true),
      startsAt: fromDateInput(text(data, 'startsAt'), false),
      endsAt: fromDateInput(text(data, 'endsAt'), true),
    });
    onCourse(r.course);
    if (preview !== null) setPreview(r.course.descriptionHtml);
    return t('details.saved');
  };

  /** The preview is the server's own rendering (sanitised), so the description is saved to make it. */
  const showPreview = async () => {
    if (previewBusy) return;
    const area = document.getElementById(fieldId(form, 'description')) as HTMLTextAreaElement | null;
    if (!area) return;
    setPreviewBusy(true);
    setPreviewMessage(null);
    try {
      const r = await courses.update(course.id, { description: area.value });
      onCourse(r.course);
      setPreview(r.course.descriptionHtml);
      setPreviewMessage({ kind: 'success', text: t('details.previewDone') });
    } catch (err) {
      setPreviewMessage({ kind: 'error', text: describeError(err).message });
    } finally {
      setPreviewBusy(false);
    }
  };

  return (
    <section aria-labelledby="studio-details" class="studio-section">
      <h2 id="studio-details">{t('details.title')}</h2>
      <Form form={form} onSubmit={onSubmit} label={t('details.title')}>
        <div class="form-columns">
          <Field form={form} name="title" label={t('field.title')} required defaultValue={course.title} maxLength={200} />
          <Field form={form} name="slug" label={t('field.slug')} hint={t('field.slugHint')} required defaultValue={course.slug} maxLength={80} spellcheck={false} />
        </div>
        <TextArea form={form} name="summary" label={t('field.summary')} hint={t('field.summaryHint')} rows={3} maxLength={500} defaultValue={course.summary} />
        <TextArea form={form} name="description" label={t('field.description')} hint={t('field.markdownHint')} rows={10} maxLength={50_000} defaultValue={course.description ?? ''} code />
        <p class="actions">
          <button type="button" class="button button--small" aria-disabled={previewBusy ? 'true' : undefined} onClick={showPreview}>
            {preview === null ? t('details.preview') : t('details.previewAgain')}
          </button>
        </p>
        <LiveStatus message={previewMessage} />
        {preview !== null && (
          <section class="preview" aria-labelledby="description-preview">
            <h3 id="description-preview">{t('details.previewTitle')}</h3>
            {preview ? <div class="prose" dangerouslySetInnerHTML={{ __html: preview }} /> : <p class="muted">{t('details.previewEmpty')}</p>}
          </section>
        )}
        <Checkboxes
          form={form}
          name="languages"
          label={t('field.languages')}
          hint={t('field.languagesHint')}
          checked={course.languages}
          options={languages.map((l) => ({ value: l, label: languageName(l) }))}
        />
        <div class="form-columns">
          <Select
            form={form}
            name="institutionId"
            label={t('field.institution')}
            defaultValue={course.institution?.id ?? ''}
            options={[
              { value: '', label: t('field.noInstitution') },
              ...institutions.map((i) => ({ value: i.id, label: institutionName(i) })),
              ...(course.institution && !institutions.some((i) => i.id === course.institution!.id) ? [{ value: course.institution.id, label: institutionName(course.institution) }] : []),
            ]}
          />
          <Select form={form} name="licence" label={t('field.licence')} hint={t('field.licenceHint')} required defaultValue={course.licence} options={licences.map((l) => ({ value: l, label: l }))} />
        </div>
        <div class="form-columns form-columns--4">
          <Input form={form} type="number" name="workloadHours" label={t('field.workload')} min={0} max={10000} step="0.5" defaultValue={course.workloadHours?.toString() ?? ''} />
          <Input form={form} type="number" name="estimatedWeeks" label={t('field.weeks')} min={0} max={520} step="1" defaultValue={course.estimatedWeeks?.toString() ?? ''} />
          <Input form={form} type="number" name="ects" label={t('field.ects')} min={0} max={300} step="0.5" defaultValue={course.ects?.toString() ?? ''} />
          <Select
            form={form}
            name="eqfLevel"
            label={t('field.eqf')}
            defaultValue={course.eqfLevel?.toString() ?? ''}
            options={[{ value: '', label: t('field.none') }, ...EQF_LEVELS.map((l) => ({ value: String(l), label: String(l) }))]}
          />
        </div>
        <Input form={form} type="text" name="iscedCode" label={t('field.isced')} hint={t('field.iscedHint')} inputMode="numeric" maxLength={4} defaultValue={course.iscedCode ?? ''} />
        <TextArea form={form} name="learningOutcomes" label={t('field.outcomes')} hint={t('field.outcomesHint')} rows={5} defaultValue={course.learningOutcomes.join('\n')} />
        <TextArea form={form} name="prerequisites" label={t('field.prerequisites')} rows={3} maxLength={5000} defaultValue={course.prerequisites} />
        <Input form={form} type="text" name="keywords" label={t('field.keywords')} hint={t('field.keywordsHint')} defaultValue={course.keywords.join(', ')} />
        <Checkbox form={form} name="listed" label={t('field.listed')} hint={t('field.listedHint')} defaultChecked={course.listed} />
        <fieldset class="field-group">
          <legend>{t('field.dates')}</legend>
          <div class="form-columns form-columns--4">
            <Input form={form} type="date" name="enrolmentOpensAt" label={t('field.enrolmentOpens')} defaultValue={toDateInput(course.enrolmentOpensAt)} />
            <Input form={form} type="date" name="enrolmentClosesAt" label={t('field.enrolmentCloses')} defaultValue={toDateInput(course.enrolmentClosesAt)} />
            <Input form={form} type="date" name="startsAt" label={t('field.starts')} defaultValue={toDateInput(course.startsAt)} />
            <Input form={form} type="date" name="endsAt" label={t('field.ends')} defaultValue={toDateInput(course.endsAt)} />
          </div>
        </fieldset>
        <SubmitButton form={form}>{t('details.save')}</SubmitButton>
      </Form>
      <Cover course={course} onCourse={onCourse} />
    </section>
  );
}

function Cover({ course, onCourse }: { course: CourseDetail; onCourse: (c: CourseDetail) => void }) {
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file || busy) return;
    setBusy(true);
    setMessage(null);
    try {
      const { coverUrl } = await courses.uploadCover(course.id, file);
      onCourse({ ...course, coverUrl });
      setMessage({ kind: 'success', text: t('cover.saved') });
    } catch (err) {
      setMessage({ kind: 'error', text: describeError(err).message });
    } finally {
      input.value = '';
      setBusy(false);
    }
  };
  const remove = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await courses.deleteCover(course.id);
      onCourse({ ...course, coverUrl: null });
      setMessage({ kind: 'success', text: t('cover.removed') });
    } catch (err) {
      setMessage({ kind: 'error', text: describeError(err).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="studio-cover" class="studio-subsection">
      <h3 id="studio-cover">{t('cover.title')}</h3>
      <LiveStatus message={message} />
      {course.coverUrl && <img class="studio-cover" src={course.coverUrl} alt={t('cover.current')} width={480} height={270} />}
      <div class="field">
        <label for="cover-file">{course.coverUrl ? t('cover.replace') : t('cover.choose')}</label>
        <p class="hint" id="cover-hint">
          {t('cover.hint')}
        </p>
        <input id="cover-file" type="file" accept="image/png,image/jpeg,image/webp" aria-describedby="cover-hint" onChange={(e) => void upload(e.currentTarget)} />
      </div>
      {course.coverUrl && (
        <p>
          <button type="button" class="button button--small" aria-disabled={busy ? 'true' : undefined} onClick={remove}>
            {t('cover.remove')}
          </button>
        </p>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Structure: modules and lessons, reordered by buttons (keyboard) or drag and drop, saved with PUT structure

type Drag = { type: 'lesson' | 'module'; id: string } | null;
type DropAt = { type: 'lesson' | 'module' | 'list'; id: string; after: boolean } | null;

function moveLessonTo(mods: Mod[], lessonId: string, moduleId: string, index: number): Mod[] {
  let moving: Lesson | undefined;
  const without = mods.map((m) => {
    const found = m.lessons.find((l) => l.id === lessonId);
    if (found) moving = found;
    return found ? { ...m, lessons: m.lessons.filter((l) => l.id !== lessonId) } : m;
  });
  if (!moving) return mods;
  return without.map((m) => (m.id === moduleId ? { ...m, lessons: [...m.lessons.slice(0, index), moving!, ...m.lessons.slice(index)] } : m));
}

function locate(mods: Mod[], lessonId: string): { mi: number; li: number } {
  for (let mi = 0; mi < mods.length; mi++) {
    const li = mods[mi].lessons.findIndex((l) => l.id === lessonId);
    if (li >= 0) return { mi, li };
  }
  return { mi: -1, li: -1 };
}

function AddLesson({ module, onAdd }: { module: Mod; onAdd: (moduleId: string, title: string, kind: LessonKind, minutes: number | null) => Promise<void> }) {
  const form = useForm();
  const onSubmit = async (data: FormData, el: HTMLFormElement) => {
    const minutes = numberOrNull(data, 'estimatedMinutes');
    await onAdd(module.id, text(data, 'title'), text(data, 'kind') as LessonKind, minutes);
    el.reset();
    (el.elements.namedItem('title') as HTMLInputElement | null)?.focus();
    return t('structure.lessonAdded');
  };
  return (
    <Form form={form} onSubmit={onSubmit} label={t('structure.addLessonTo', { module: module.title })}>
      <div class="add-lesson">
        <Field form={form} name="title" label={t('structure.lessonTitle')} required maxLength={200} />
        <Select form={form} name="kind" label={t('structure.kind')} required defaultValue="text" options={KINDS.map((k) => ({ value: k, label: kindLabel(k) }))} />
        <Input form={form} type="number" name="estimatedMinutes" label={t('structure.minutes')} min={0} max={10000} step="1" />
        <div class="add-lesson__submit">
          <SubmitButton form={form}>{t('structure.addLesson')}</SubmitButton>
        </div>
      </div>
    </Form>
  );
}

function Structure({ course, onCourse }: { course: CourseDetail; onCourse: (c: CourseDetail) => void }) {
  const [mods, setMods] = useState<Mod[]>(() => course.syllabus.map((m) => ({ id: m.id, title: m.title, lessons: m.lessons })));
  const modsRef = useRef(mods);
  modsRef.current = mods;
  const [announcement, setAnnouncement] = useState('');
  const [saveState, setSaveState] = useState<'idle' | 'saving' | 'saved' | 'error'>('idle');
  const [message, setMessage] = useState<Message>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<{ type: 'module' | 'lesson'; id: string } | null>(null);
  // State for the visual cues; refs for the handlers, which may run before a re-render.
  const [drag, setDragState] = useState<Drag>(null);
  const [dropAt, setDropAtState] = useState<DropAt>(null);
  const dragRef = useRef<Drag>(null);
  const dropRef = useRef<DropAt>(null);
  const setDrag = (d: Drag) => {
    dragRef.current = d;
    setDragState(d);
  };
  const setDropAt = (d: DropAt) => {
    dropRef.current = d;
    setDropAtState(d);
  };
  const focusAfter = useRef<string | null>(null);
  const root = useRef<HTMLElement>(null);

  /** Every change of the structure runs in turn, so an order is never saved against a stale list. */
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const run = <T,>(op: () => Promise<T>): Promise<T> => {
    const p = queue.current.then(op);
    queue.current = p.catch(() => undefined);
    return p;
  };
  const orderQueued = useRef(false);

  useEffect(() => {
    const key = focusAfter.current;
    if (!key || !root.current) return;
    focusAfter.current = null;
    const el = root.current.querySelector<HTMLElement>(`[data-focus="${key}"]`);
    if (el && !el.hasAttribute('disabled')) el.focus();
    else {
      // A move button that just became disabled (top or bottom reached): its counterpart keeps focus nearby.
      const other = key.endsWith(':up') ? key.replace(/:up$/, ':down') : key.replace(/:down$/, ':up');
      (root.current.querySelector<HTMLElement>(`[data-focus="${other}"]`) ?? el)?.focus();
    }
  });

  const saveOrder = () => {
    setSaveState('saving');
    if (orderQueued.current) return;
    orderQueued.current = true;
    void run(async () => {
      orderQueued.current = false;
      try {
        const r = await courses.setStructure(course.id, { modules: modsRef.current.map((m) => ({ id: m.id, lessonIds: m.lessons.map((l) => l.id) })) });
        onCourse(r.course);
        if (!orderQueued.current) setSaveState('saved');
      } catch (err) {
        setSaveState('error');
        setMessage({ kind: 'error', text: t('structure.saveFailed', { reason: describeError(err).message }) });
        // Back to what the server has, so what is shown is what learners get.
        const r = await courses.get(course.id).catch(() => null);
        if (r) {
          onCourse(r.course);
          setMods(r.course.syllabus.map((m) => ({ id: m.id, title: m.title, lessons: m.lessons })));
        }
      }
    });
  };

  const apply = (next: Mod[], say: string) => {
    setMods(next);
    modsRef.current = next;
    setAnnouncement(say);
    setMessage(null);
    saveOrder();
  };

  const announceLesson = (next: Mod[], lessonId: string) => {
    const { mi, li } = locate(next, lessonId);
    const m = next[mi];
    return t('structure.lessonMoved', { title: m.lessons[li].title, n: li + 1, total: m.lessons.length, module: m.title });
  };

  const moveLesson = (lessonId: string, dir: -1 | 1) => {
    const cur = modsRef.current;
    const { mi, li } = locate(cur, lessonId);
    if (mi < 0) return;
    let next: Mod[];
    if (dir === -1 && li > 0) next = moveLessonTo(cur, lessonId, cur[mi].id, li - 1);
    else if (dir === -1 && mi > 0) next = moveLessonTo(cur, lessonId, cur[mi - 1].id, cur[mi - 1].lessons.length);
    else if (dir === 1 && li < cur[mi].lessons.length - 1) next = moveLessonTo(cur, lessonId, cur[mi].id, li + 1);
    else if (dir === 1 && mi < cur.length - 1) next = moveLessonTo(cur, lessonId, cur[mi + 1].id, 0);
    else return;
    focusAfter.current = `lesson:${lessonId}:${dir === -1 ? 'up' : 'down'}`;
    apply(next, announceLesson(next, lessonId));
  };

  const moveModule = (moduleId: string, dir: -1 | 1) => {
    const cur = modsRef.current;
    const i = cur.findIndex((m) => m.id === moduleId);
    const j = i + dir;
    if (i < 0 || j < 0 || j >= cur.length) return;
    const next = [...cur];
    [next[i], next[j]] = [next[j], next[i]];
    focusAfter.current = `module:${moduleId}:${dir === -1 ? 'up' : 'down'}`;
    apply(next, t('structure.moduleMoved', { title: next[j].title, n: j + 1, total: next.length }));
  };

  // ---- drag and drop (a pointer alternative to the buttons) ----
  const onDragStart = (e: DragEvent, d: NonNullable<Drag>) => {
    e.stopPropagation();
    setDrag(d);
    if (e.dataTransfer) {
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', d.id);
      const row = (e.currentTarget as HTMLElement).closest<HTMLElement>('[data-row]');
      if (row) e.dataTransfer.setDragImage(row, 16, 16);
    }
  };
  const onDragEnd = () => {
    setDrag(null);
    setDropAt(null);
  };
  const overTarget = (e: DragEvent, target: NonNullable<DropAt>['type'], id: string) => {
    const dragging = dragRef.current;
    const over = dropRef.current;
    if (!dragging) return;
    if (dragging.type === 'module' && target !== 'module') return;
    if (dragging.type === 'lesson' && target === 'module') return;
    e.preventDefault();
    e.stopPropagation();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const after = target === 'list' ? true : e.clientY > box.top + box.height / 2;
    if (over?.type !== target || over.id !== id || over.after !== after) setDropAt({ type: target, id, after });
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    const d = dragRef.current;
    const at = dropRef.current;
    setDrag(null);
    setDropAt(null);
    if (!d || !at) return;
    const cur = modsRef.current;
    if (d.type === 'module' && at.type === 'module') {
      if (d.id === at.id) return;
      const moving = cur.find((m) => m.id === d.id)!;
      const rest = cur.filter((m) => m.id !== d.id);
      const idx = rest.findIndex((m) => m.id === at.id) + (at.after ? 1 : 0);
      const next = [...rest.slice(0, idx), moving, ...rest.slice(idx)];
      apply(next, t('structure.moduleMoved', { title: moving.title, n: idx + 1, total: next.length }));
    } else if (d.type === 'lesson') {
      if (at.type === 'list') {
        const m = cur.find((x) => x.id === at.id);
        if (!m) return;
        const next = moveLessonTo(cur, d.id, m.id, m.lessons.filter((l) => l.id !== d.id).length);
        apply(next, announceLesson(next, d.id));
      } else if (at.type === 'lesson' && at.id !== d.id) {
        const without = cur.map((m) => ({ ...m, lessons: m.lessons.filter((l) => l.id !== d.id) }));
        const { mi, li } = locate(without, at.id);
        if (mi < 0) return;
        const next = moveLessonTo(cur, d.id, without[mi].id, li + (at.after ? 1 : 0));
        apply(next, announceLesson(next, d.id));
      }
    }
  };

  // ---- adding, renaming, deleting ----
  const addModule = async (title: string) => {
    const { module } = await run(() => courses.addModule(course.id, title));
    const next = [...modsRef.current, { id: module.id, title: module.title, lessons: [] }];
    setMods(next);
    modsRef.current = next;
  };
  const addLesson = async (moduleId: string, title: string, kind: LessonKind, minutes: number | null) => {
    const { lesson } = await run(() => courses.addLesson(moduleId, { title, kind, ...(minutes !== null ? { estimatedMinutes: minutes } : {}) }));
    const l: Lesson = { id: lesson.id, title: lesson.title, kind: lesson.kind, estimatedMinutes: lesson.estimatedMinutes, optional: lesson.optional };
    const next = modsRef.current.map((m) => (m.id === moduleId ? { ...m, lessons: [...m.lessons, l] } : m));
    setMods(next);
    modsRef.current = next;
  };
  const rename = async (moduleId: string, title: string) => {
    const { module } = await run(() => courses.renameModule(moduleId, title));
    const next = modsRef.current.map((m) => (m.id === moduleId ? { ...m, title: module.title } : m));
    setMods(next);
    modsRef.current = next;
    setRenaming(null);
    focusAfter.current = `module:${moduleId}:rename`;
  };
  const remove = async (type: 'module' | 'lesson', id: string) => {
    try {
      await run(() => (type === 'module' ? courses.deleteModule(id) : courses.deleteLesson(id)));
      const cur = modsRef.current;
      const title = type === 'module' ? cur.find((m) => m.id === id)?.title : cur[locate(cur, id).mi]?.lessons[locate(cur, id).li]?.title;
      const next = type === 'module' ? cur.filter((m) => m.id !== id) : cur.map((m) => ({ ...m, lessons: m.lessons.filter((l) => l.id !== id) }));
      setMods(next);
      modsRef.current = next;
      setConfirmDelete(null);
      setMessage({ kind: 'success', text: t(type === 'module' ? 'structure.moduleDeleted' : 'structure.lessonDeleted', { title: title ?? '' }) });
      focusAfter.current = 'structure-status';
    } catch (err) {
      setMessage({ kind: 'error', text: describeError(err).message });
    }
  };

  const moduleForm = useForm();
  const onAddModule = async (data: FormData, el: HTMLFormElement) => {
    await addModule(text(data, 'title'));
    el.reset();
    return t('structure.moduleAdded');
  };

  const last = mods.length - 1;
  const firstLesson = mods.flatMap((m) => m.lessons)[0]?.id;
  const lastLesson = mods.flatMap((m) => m.lessons).at(-1)?.id;
  const dropClass = (type: NonNullable<DropAt>['type'], id: string) =>
    dropAt && dropAt.type === type && dropAt.id === id ? (type === 'list' ? ' is-drop-target' : dropAt.after ? ' is-drop-after' : ' is-drop-before') : '';

  return (
    <section ref={root} aria-labelledby="studio-structure" class="studio-section">
      <h2 id="studio-structure">{t('structure.title')}</h2>
      <p class="hint">{t('structure.hint')}</p>
      <div class="visually-hidden" aria-live="assertive" aria-atomic="true">
        {announcement}
      </div>
      <p class={`save-state save-state--${saveState}`}>
        {saveState === 'saving' ? t('structure.saving') : saveState === 'saved' ? t('structure.saved') : saveState === 'error' ? t('structure.notSaved') : ''}
      </p>
      <div data-focus="structure-status" tabIndex={-1}>
        <LiveStatus message={message} />
      </div>
      {mods.length === 0 && <p>{t('structure.empty')}</p>}
      <ol class="structure">
        {mods.map((m, mi) => (
          <li
            key={m.id}
            data-row
            class={`structure__module${drag?.id === m.id ? ' is-dragging' : ''}${dropClass('module', m.id)}`}
            onDragOver={(e) => overTarget(e, 'module', m.id)}
            onDrop={onDrop}
          >
            <div class="structure__module-head">
              <span class="drag-handle" draggable title={t('structure.dragModule')} aria-hidden="true" onDragStart={(e) => onDragStart(e, { type: 'module', id: m.id })} onDragEnd={onDragEnd}>
                ⠿
              </span>
              {renaming === m.id ? (
                <RenameModule module={m} onSave={(title) => rename(m.id, title)} onCancel={() => {
                  setRenaming(null);
                  focusAfter.current = `module:${m.id}:rename`;
                }} />
              ) : (
                <h3 class="structure__module-title">
                  <span class="muted">{t('structure.moduleNo', { n: mi + 1 })}</span> {m.title}
                </h3>
              )}
              <div class="structure__buttons">
                <button type="button" class="button button--small" data-focus={`module:${m.id}:up`} disabled={mi === 0} aria-label={t('structure.moduleUp', { title: m.title })} onClick={() => moveModule(m.id, -1)}>
                  <span aria-hidden="true">↑</span>
                </button>
                <button type="button" class="button button--small" data-focus={`module:${m.id}:down`} disabled={mi === last} aria-label={t('structure.moduleDown', { title: m.title })} onClick={() => moveModule(m.id, 1)}>
                  <span aria-hidden="true">↓</span>
                </button>
                {renaming !== m.id && (
                  <button type="button" class="button button--small" data-focus={`module:${m.id}:rename`} aria-label={t('structure.renameLabel', { title: m.title })} onClick={() => setRenaming(m.id)}>
                    {t('structure.rename')}
                  </button>
                )}
                <button type="button" class="button button--small button--quiet" aria-label={t('structure.deleteModuleLabel', { title: m.title })} onClick={() => setConfirmDelete({ type: 'module', id: m.id })}>
                  {t('structure.delete')}
                </button>
              </div>
            </div>
            {confirmDelete?.type === 'module' && confirmDelete.id === m.id && (
              <Confirm
                text={t('structure.confirmModule', { title: m.title, n: m.lessons.length })}
                onYes={() => remove('module', m.id)}
                onNo={() => setConfirmDelete(null)}
              />
            )}
            <ol class={`structure__lessons${dropClass('list', m.id)}`} onDragOver={(e) => overTarget(e, 'list', m.id)} onDrop={onDrop} aria-label={t('structure.lessonsOf', { module: m.title })}>
              {m.lessons.length === 0 && <li class="structure__empty muted">{t('structure.noLessons')}</li>}
              {m.lessons.map((l) => (
                <li key={l.id} data-row class={`structure__lesson${drag?.id === l.id ? ' is-dragging' : ''}${dropClass('lesson', l.id)}`} onDragOver={(e) => overTarget(e, 'lesson', l.id)} onDrop={onDrop}>
                  <span class="drag-handle" draggable title={t('structure.dragLesson')} aria-hidden="true" onDragStart={(e) => onDragStart(e, { type: 'lesson', id: l.id })} onDragEnd={onDragEnd}>
                    ⠿
                  </span>
                  <span class="structure__lesson-main">
                    <a href={`/studio/lessons/${encodeURIComponent(l.id)}`}>{l.title}</a>
                    <span class="lesson-meta">
                      {kindLabel(l.kind)} · {formatMinutes(l.estimatedMinutes)}
                      {l.optional && ` · ${t('lesson.optional')}`}
                    </span>
                  </span>
                  <span class="structure__buttons">
                    <button type="button" class="button button--small" data-focus={`lesson:${l.id}:up`} disabled={l.id === firstLesson} aria-label={t('structure.lessonUp', { title: l.title })} onClick={() => moveLesson(l.id, -1)}>
                      <span aria-hidden="true">↑</span>
                    </button>
                    <button type="button" class="button button--small" data-focus={`lesson:${l.id}:down`} disabled={l.id === lastLesson} aria-label={t('structure.lessonDown', { title: l.title })} onClick={() => moveLesson(l.id, 1)}>
                      <span aria-hidden="true">↓</span>
                    </button>
                    <button type="button" class="button button--small button--quiet" aria-label={t('structure.deleteLessonLabel', { title: l.title })} onClick={() => setConfirmDelete({ type: 'lesson', id: l.id })}>
                      {t('structure.delete')}
                    </button>
                  </span>
                  {confirmDelete?.type === 'lesson' && confirmDelete.id === l.id && (
                    <Confirm text={t('structure.confirmLesson', { title: l.title })} onYes={() => remove('lesson', l.id)} onNo={() => setConfirmDelete(null)} />
                  )}
                </li>
              ))}
            </ol>
            <AddLesson module={m} onAdd={addLesson} />
          </li>
        ))}
      </ol>
      <h3>{t('structure.newModule')}</h3>
      <div class="narrow">
        <Form form={moduleForm} onSubmit={onAddModule} label={t('structure.newModule')}>
          <Field form={moduleForm} name="title" label={t('structure.moduleTitle')} required maxLength={200} />
          <SubmitButton form={moduleForm}>{t('structure.addModule')}</SubmitButton>
        </Form>
      </div>
    </section>
  );
}

function RenameModule({ module, onSave, onCancel }: { module: Mod; onSave: (title: string) => Promise<void>; onCancel: () => void }) {
  const form = useForm();
  useEffect(() => {
    (form.ref.current?.elements.namedItem('title') as HTMLInputElement | null)?.focus();
  }, []);
  return (
    <div class="structure__rename">
      <Form form={form} onSubmit={async (data) => onSave(text(data, 'title'))} label={t('structure.renameLabel', { title: module.title })}>
        <Field form={form} name="title" label={t('structure.moduleTitle')} required defaultValue={module.title} maxLength={200} />
        <div class="actions">
          <SubmitButton form={form}>{t('action.save')}</SubmitButton>
          <button type="button" class="button" onClick={onCancel}>
            {t('action.cancel')}
          </button>
        </div>
      </Form>
    </div>
  );
}

function Confirm({ text: question, onYes, onNo }: { text: string; onYes: () => Promise<void>; onNo: () => void }) {
  const yes = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const id = useRef(`confirm-${Math.random().toString(36).slice(2)}`).current;
  useEffect(() => yes.current?.focus(), []);
  return (
    <div class="confirm" role="group" aria-labelledby={id}>
      <p id={id}>{question}</p>
      <div class="actions">
        <button
          ref={yes}
          type="button"
          class="button button--danger button--small"
          aria-describedby={id}
          aria-disabled={busy ? 'true' : undefined}
          onClick={() => {
            if (busy) return;
            setBusy(true);
            void onYes().finally(() => setBusy(false));
          }}
        >
          {t('structure.confirmYes')}
        </button>
        <button type="button" class="button button--small" onClick={onNo}>
          {t('action.cancel')}
        </button>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Lecturers

function Lecturers({ course, onCourse }: { course: CourseDetail; onCourse: (c: CourseDetail) => void }) {
  const form = useForm();
  const [message, setMessage] = useState<Message>(null);
  const status = useRef<HTMLDivElement>(null);

  const onSubmit = async (data: FormData, el: HTMLFormElement) => {
    const email = text(data, 'email').trim();
    try {
      const r = await courses.addLecturer(course.id, email);
      onCourse({ ...course, lecturers: r.lecturers });
      el.reset();
      return t('lecturers.added', { email });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
      // Not a fault of the form: nobody has an account with that address (yet).
      form.setStatus({ kind: 'error', text: t('lecturers.noUser', { email }) });
      (el.elements.namedItem('email') as HTMLInputElement | null)?.focus();
    }
  };

  const remove = async (userId: string, name: string) => {
    setMessage(null);
    try {
      await courses.removeLecturer(course.id, userId);
      onCourse({ ...course, lecturers: course.lecturers.filter((l) => l.id !== userId) });
      setMessage({ kind: 'success', text: t('lecturers.removed', { name }) });
    } catch (err) {
      setMessage({ kind: 'error', text: describeError(err).message });
    }
    status.current?.focus();
  };

  return (
    <section aria-labelledby="studio-lecturers" class="studio-section">
      <h2 id="studio-lecturers">{t('lecturers.title')}</h2>
      <LiveStatus message={message} focusRef={status} />
      <ul class="lecturer-rows">
        {course.lecturers.map((l) => (
          <li key={l.id}>
            <span>
              {l.name} <span class="muted">({t(`role.${l.role}`)})</span>
            </span>
            {l.role !== 'owner' && (
              <button type="button" class="button button--small button--quiet" aria-label={t('lecturers.removeLabel', { name: l.name })} onClick={() => remove(l.id, l.name)}>
                {t('lecturers.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <div class="narrow">
        <Form form={form} onSubmit={onSubmit} label={t('lecturers.add')}>
          <Field form={form} name="email" type="email" label={t('lecturers.email')} hint={t('lecturers.emailHint')} required autoComplete="off" spellcheck={false} />
          <SubmitButton form={form}>{t('lecturers.add')}</SubmitButton>
        </Form>
      </div>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------

export default function StudioCourse({ params }: PageProps) {
  const [course, setCourse] = useState<CourseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [insts, setInsts] = useState<Institution[]>([]);

  const load = () => {
    setError(null);
    courses.get(params.id).then(
      (r) => {
        if (r.course.viewer.role !== 'staff') setError(t('editor.notStaff'));
        else setCourse(r.course);
      },
      (err) => setError(describeError(err).message),
    );
  };
  useEffect(load, [params.id]);
  useEffect(() => {
    institutionsApi.list().then(
      (r) => setInsts(r.items),
      () => setInsts([]),
    );
  }, []);

  if (error) return <LoadError message={error} retry={load} />;
  if (!course) return <Loading />;

  return (
    <Page title={course.title} lead={t('editor.lead')}>
      <nav class="breadcrumbs" aria-label={t('editor.breadcrumbs')}>
        <a href="/studio">{t('studio.title')}</a>
      </nav>
      <nav class="toc" aria-label={t('editor.toc')}>
        <ul>
          {(['publish', 'details', 'structure', 'lecturers'] as const).map((s) => (
            <li key={s}>
              <a href={`#studio-${s}`}>{t(`${s}.title`)}</a>
            </li>
          ))}
          <li>
            <a href={`/studio/courses/${encodeURIComponent(course.id)}/learners`}>{tp('learners.link')}</a>
          </li>
          <li>
            <a href={`/studio/courses/${encodeURIComponent(course.id)}/analytics`}>{ta('course.link')}</a>
          </li>
        </ul>
      </nav>
      <Publishing course={course} onCourse={setCourse} />
      <Details course={course} onCourse={setCourse} institutions={insts} />
      <Structure course={course} onCourse={setCourse} />
      <Lecturers course={course} onCourse={setCourse} />
    </Page>
  );
}
