import type { TargetedEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, videos, type Caption, type FieldError, type Upload, type Video } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { formatDateTime, formatNumber } from '../../i18n/core.ts';
import { nl as videoNl, t } from '../../i18n/video.ts';
import type { LessonStudioProps } from '../contract.ts';
import { formatTime, isBusy, lessonVideo, usePollVideo } from './model.ts';
import './video.css';

/**
 * The video part of the studio's lesson editor: upload (with bytes-sent progress and cancel), the processing
 * state polled live, retry after a failure, removal (after a confirmation dialog), the poster once ready, and the
 * captions of each video.
 * A replacement is a new video: the current one keeps playing for learners until the new one is ready.
 */
const CAPTION_LANGUAGES = ['nl', 'en', 'fr', 'de'] as const;
type CaptionLanguage = (typeof CAPTION_LANGUAGES)[number];

let seq = 0;
const useId = (prefix: string) => useState(() => `${prefix}${++seq}`)[0];

function formatBytes(n: number): string {
  if (n >= 1e9) return `${formatNumber(Math.round(n / 1e8) / 10)} GB`;
  if (n >= 1e6) return `${formatNumber(Math.round(n / 1e5) / 10)} MB`;
  return `${formatNumber(Math.ceil(n / 1e3))} kB`;
}

const isAbort = (err: unknown) => (err as Error | null)?.name === 'AbortError';

/** Announces at 25, 50 and 75 % of something, once each, so a screen reader hears progress without a flood. */
function useSteps(say: (text: string) => void) {
  const last = useRef(new Map<string, number>());
  return (key: string, percent: number, text: (p: number) => string) => {
    const step = Math.floor(percent / 25) * 25;
    if (step <= 0 || step >= 100 || step <= (last.current.get(key) ?? 0)) return;
    last.current.set(key, step);
    say(text(step));
  };
}

function Meter({ label, value, valueText }: { label: string; value: number; valueText: string }) {
  const id = useId('meter');
  const fill = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    fill.current?.style.setProperty('width', `${Math.max(0, Math.min(100, value))}%`);
  }, [value]);
  return (
    <div class="meter-wrap">
      <div class="meter-label">
        <span id={id}>{label}</span>
        <span aria-hidden="true">{valueText}</span>
      </div>
      <span
        class="meter"
        role="progressbar"
        aria-labelledby={id}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(value)}
        aria-valuetext={valueText}
      >
        <span ref={fill} class="meter-fill" />
      </span>
    </div>
  );
}

interface Message {
  kind: 'error' | 'success';
  text: string;
}

/** A visible live region for the outcome of an action; focusable so focus can land on it when a button vanishes. */
function StatusLine({ message, focusRef }: { message: Message | null; focusRef?: { current: HTMLDivElement | null } }) {
  return (
    <div ref={focusRef} class={`form-status${message ? ` form-status--${message.kind}` : ''}`} role="status" aria-atomic="true" tabIndex={-1}>
      {message && <p>{message.text}</p>}
    </div>
  );
}

function VideoCard({ video, heading, replacing, onRetry, onRemoved }: {
  video: Video;
  heading: string;
  replacing: boolean;
  onRetry: (v: Video) => void;
  /** The video is gone; the parent takes focus, as this card disappears. */
  onRemoved: (v: Video) => void;
}) {
  const [retrying, setRetrying] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const removeButton = useRef<HTMLButtonElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const dialogId = useId('remove');
  // Where focus goes when the dialog closes: back to its button (Escape, "keep"), or to the error message.
  const closeTo = useRef<'trigger' | 'status' | null>('trigger');

  const askRemove = () => {
    closeTo.current = 'trigger';
    dialog.current?.showModal();
    // The safe choice has focus: Enter or Space right away keeps the video.
    keepButton.current?.focus();
  };

  const remove = async () => {
    if (removing) return;
    setRemoving(true);
    setMessage(null);
    try {
      await videos.remove(video.id);
    } catch (err) {
      // Already removed (by a colleague, in another tab): the outcome is the one asked for.
      if (!(err instanceof ApiError && err.status === 404)) {
        setRemoving(false);
        setMessage({ kind: 'error', text: describeError(err).message });
        closeTo.current = 'status';
        dialog.current?.close();
        return;
      }
    }
    closeTo.current = null;
    dialog.current?.close();
    onRemoved(video);
  };

  const onDialogClose = () => {
    const to = closeTo.current;
    closeTo.current = 'trigger';
    if (to === 'trigger') removeButton.current?.focus();
    else if (to === 'status') statusRef.current?.focus();
  };

  const retry = async () => {
    if (retrying) return;
    setRetrying(true);
    setMessage(null);
    try {
      const r = await videos.retry(video.id);
      setMessage({ kind: 'success', text: t('video.studio.retried') });
      statusRef.current?.focus();
      onRetry(r.video);
    } catch (err) {
      setMessage({ kind: 'error', text: describeError(err).message });
    } finally {
      setRetrying(false);
    }
  };

  return (
    <div class="card video-card">
      <h3>
        {heading} <span class={`badge${video.status === 'ready' ? ' badge--ok' : video.status === 'failed' ? ' badge--warn' : ''}`}>{t(`video.studio.status.${video.status}`)}</span>
      </h3>
      {replacing && <p>{t('video.studio.replaceNote')}</p>}
      <StatusLine message={message} focusRef={statusRef} />
      {video.status === 'processing' && (
        <Meter label={t('video.studio.processing')} value={video.progress} valueText={t('video.studio.processingValue', { percent: Math.floor(video.progress) })} />
      )}
      {(video.status === 'queued' || video.status === 'uploaded') && <p>{t('video.studio.queuedNote')}</p>}
      {video.status === 'failed' && (
        <div class="notice notice--error">
          <p>{video.error ? t('video.studio.failed', { reason: video.error }) : t('video.studio.failedUnknown')}</p>
          <button type="button" class="button button--small" onClick={retry} aria-disabled={retrying ? 'true' : undefined}>
            {t('video.studio.retry')}
          </button>
        </div>
      )}
      {video.status === 'ready' && video.posterUrl && (
        <figure class="video-figure">
          <img class="video-poster" src={video.posterUrl} alt={t('video.studio.posterAlt')} width={320} height={180} loading="lazy" />
        </figure>
      )}
      <dl class="facts facts--compact">
        {video.durationSeconds !== null && (
          <>
            <dt>{t('video.studio.duration')}</dt>
            <dd>{formatTime(video.durationSeconds)}</dd>
          </>
        )}
        {video.width !== null && video.height !== null && (
          <>
            <dt>{t('video.studio.resolution')}</dt>
            <dd>
              {video.width} × {video.height}
            </dd>
          </>
        )}
        {video.readyAt && (
          <>
            <dt>{t('video.studio.readyAt')}</dt>
            <dd>{formatDateTime(video.readyAt)}</dd>
          </>
        )}
      </dl>
      <p>
        <button ref={removeButton} type="button" class="button button--small" onClick={askRemove}>
          {t('video.studio.remove')}
          <span class="visually-hidden"> ({heading})</span>
        </button>
      </p>
      <dialog ref={dialog} class="dialog" aria-labelledby={`${dialogId}-title`} aria-describedby={`${dialogId}-body`} onClose={onDialogClose}>
        <h2 id={`${dialogId}-title`}>{t('video.studio.removeTitle')}</h2>
        <p id={`${dialogId}-body`}>{video.current ? t('video.studio.removeBodyCurrent') : t('video.studio.removeBody')}</p>
        <div class="actions">
          <button ref={keepButton} type="button" class="button" onClick={() => dialog.current?.close()}>
            {t('video.studio.removeKeep')}
          </button>
          <button type="button" class="button button--danger" onClick={() => void remove()} aria-disabled={removing ? 'true' : undefined}>
            {removing ? t('video.studio.removing') : t('video.studio.removeConfirm')}
          </button>
        </div>
      </dialog>
    </div>
  );
}

function UploadForm({ lessonId, replacing, live, processing, onUploaded, say }: {
  lessonId: string;
  replacing: boolean;
  /** Whether learners are watching a video now (then a replacement waits until it is ready). */
  live: boolean;
  /** Whether the last upload is still being processed: its "queued" message goes once that ends. */
  processing: boolean;
  onUploaded: (v: Video) => void;
  say: (s: string) => void;
}) {
  const id = useId('upload');
  const input = useRef<HTMLInputElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [upload, setUpload] = useState<Upload<{ video: Video }> | null>(null);
  const [sent, setSent] = useState({ loaded: 0, total: 0 });
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const steps = useSteps(say);
  const focusAfter = useRef<'status' | 'input' | 'cancel' | null>(null);

  useEffect(() => {
    const want = focusAfter.current;
    focusAfter.current = null;
    if (want === 'status') statusRef.current?.focus();
    else if (want === 'input') input.current?.focus();
    else if (want === 'cancel') cancelRef.current?.focus();
  });

  useEffect(() => {
    if (!processing) setMessage((m) => (m?.kind === 'success' && m.text === t('video.studio.uploaded') ? null : m));
  }, [processing]);

  // Leaving the page stops the upload; the browser asks first while one runs.
  useEffect(() => {
    if (!upload) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
      upload.abort();
    };
  }, [upload]);

  const submit = async (e: TargetedEvent<HTMLFormElement, SubmitEvent>) => {
    e.preventDefault();
    if (upload) return;
    const file = input.current?.files?.[0];
    setMessage(null);
    if (!file) {
      setFieldError(t('video.studio.chooseFirst'));
      focusAfter.current = 'input';
      return;
    }
    setFieldError(null);
    setSent({ loaded: 0, total: file.size });
    const stepKey = `upload-${Date.now()}`;
    const u = videos.upload(lessonId, file, (p) => {
      const total = p.total || file.size;
      setSent({ loaded: p.loaded, total });
      steps(stepKey, (p.loaded / total) * 100, (percent) => t('video.studio.uploadStep', { percent }));
    });
    setUpload(u);
    focusAfter.current = 'cancel';
    try {
      const { video } = await u.done;
      if (input.current) input.current.value = '';
      setMessage({ kind: 'success', text: t('video.studio.uploaded') });
      onUploaded(video);
    } catch (err) {
      if (isAbort(err)) {
        setMessage({ kind: 'success', text: t('video.studio.cancelled') });
      } else {
        const { fields, message } = describeError(err);
        if (fields.file) setFieldError(fields.file);
        else if (err instanceof ApiError && (err.status === 415 || err.status === 422)) setFieldError(err.problem.detail || message);
        setMessage({ kind: 'error', text: message });
      }
    } finally {
      setUpload(null);
      focusAfter.current = 'status';
    }
  };

  const percent = sent.total ? Math.min(100, (sent.loaded / sent.total) * 100) : 0;
  return (
    <form class="form" noValidate onSubmit={submit} aria-busy={upload ? 'true' : undefined} aria-labelledby={`${id}-legend`}>
      <h3 id={`${id}-legend`}>{replacing ? t('video.studio.replace') : t('video.studio.upload')}</h3>
      {live && <p>{t('video.studio.replaceNote')}</p>}
      <StatusLine message={message} focusRef={statusRef} />
      <div class={`field${fieldError ? ' field--invalid' : ''}`}>
        <label for={`${id}-file`}>{t('video.studio.file')}</label>
        <p class="hint" id={`${id}-hint`}>
          {t('video.studio.fileHint')}
        </p>
        <input
          ref={input}
          id={`${id}-file`}
          name="file"
          type="file"
          accept="video/*,.mkv,.mov,.mp4,.webm,.m4v,.avi"
          disabled={!!upload}
          aria-invalid={fieldError ? 'true' : undefined}
          aria-describedby={`${id}-hint${fieldError ? ` ${id}-error` : ''}`}
          onChange={() => setFieldError(null)}
        />
        {fieldError && (
          <p class="field-error" id={`${id}-error`}>
            {fieldError}
          </p>
        )}
      </div>
      {upload ? (
        <div class="upload-progress">
          <Meter
            label={t('video.studio.uploading')}
            value={percent}
            valueText={sent.total ? t('video.studio.uploadProgress', { sent: formatBytes(sent.loaded), total: formatBytes(sent.total), percent: Math.floor(percent) }) : t('video.studio.uploadSent', { sent: formatBytes(sent.loaded) })}
          />
          <p>
            <button ref={cancelRef} type="button" class="button" onClick={() => upload.abort()}>
              {t('video.studio.cancel')}
            </button>
          </p>
        </div>
      ) : (
        <button type="submit" class="button button--primary">
          {replacing ? t('video.studio.replace') : t('video.studio.upload')}
        </button>
      )}
    </form>
  );
}

function CaptionsEditor({ video, heading, onChange }: { video: Video; heading: string; onChange: (captions: Caption[]) => void }) {
  const id = useId('captions');
  const fileInput = useRef<HTMLInputElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const [language, setLanguage] = useState<CaptionLanguage>('nl');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ language?: string; file?: string }>({});
  const [message, setMessage] = useState<Message | null>(null);
  const focusAfter = useRef<'status' | 'file' | 'language' | null>(null);

  useEffect(() => {
    const want = focusAfter.current;
    focusAfter.current = null;
    if (want === 'status') statusRef.current?.focus();
    else if (want === 'file') fileInput.current?.focus();
    else if (want === 'language') document.getElementById(`${id}-language`)?.focus();
  });

  const submit = async (e: TargetedEvent<HTMLFormElement, SubmitEvent>) => {
    e.preventDefault();
    if (busy) return;
    const file = fileInput.current?.files?.[0];
    setMessage(null);
    if (!file) {
      setErrors({ file: t('video.studio.chooseFirst') });
      focusAfter.current = 'file';
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const { caption } = await videos.addCaption(video.id, language, file);
      onChange([...video.captions.filter((c) => c.language !== caption.language), caption].sort((a, b) => a.language.localeCompare(b.language)));
      if (fileInput.current) fileInput.current.value = '';
      setMessage({ kind: 'success', text: t('video.studio.captionAdded', { label: caption.label }) });
    } catch (err) {
      const { fields, message } = describeError(err);
      // The server names the line that is wrong in a caption file; that is more use than a generic message.
      const problem = err instanceof ApiError ? err.errors.find((x) => x.pointer === '/body/file') : undefined;
      const detail = problem ? captionProblemText(problem) : undefined;
      setErrors({ language: fields.language, file: detail ? t('video.studio.captionInvalid', { detail }) : fields.file });
      setMessage({ kind: 'error', text: message });
      focusAfter.current = fields.language ? 'language' : detail || fields.file ? 'file' : 'status';
      return;
    } finally {
      setBusy(false);
    }
    focusAfter.current = 'status';
  };

  const remove = async (c: Caption) => {
    setMessage(null);
    try {
      await videos.deleteCaption(video.id, c.language);
      onChange(video.captions.filter((x) => x.language !== c.language));
      setMessage({ kind: 'success', text: t('video.studio.captionDeleted', { label: c.label }) });
    } catch (err) {
      setMessage({ kind: 'error', text: describeError(err).message });
    }
    // The button that had focus is gone (or the outcome needs reading): the status line takes focus.
    focusAfter.current = 'status';
  };

  const langName = (l: string) => (CAPTION_LANGUAGES.includes(l as CaptionLanguage) ? t(`video.lang.${l as CaptionLanguage}`) : l);

  return (
    <section class="captions" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{heading}</h3>
      <StatusLine message={message} focusRef={statusRef} />
      {video.captions.length === 0 ? (
        <p class="muted">{t('video.studio.captionsNone')}</p>
      ) : (
        <ul class="caption-list">
          {video.captions.map((c) => (
            <li key={c.language}>
              <span class="caption-name">
                {c.label} <span class="muted">({c.language})</span>
              </span>
              <a href={c.url} target="_blank" rel="noopener">
                {t('video.studio.captionView')}
                <span class="visually-hidden"> ({c.label})</span>
              </a>
              <button type="button" class="button button--small" onClick={() => remove(c)} aria-label={t('video.studio.captionDeleteLabel', { label: c.label })}>
                {t('video.studio.captionDelete')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="form caption-form" noValidate onSubmit={submit} aria-labelledby={`${id}-heading`} aria-busy={busy ? 'true' : undefined}>
        <div class={`field${errors.language ? ' field--invalid' : ''}`}>
          <label for={`${id}-language`}>{t('video.studio.captionLanguage')}</label>
          <select
            id={`${id}-language`}
            name="language"
            value={language}
            onChange={(e) => setLanguage(e.currentTarget.value as CaptionLanguage)}
            aria-invalid={errors.language ? 'true' : undefined}
            aria-describedby={errors.language ? `${id}-language-error` : undefined}
          >
            {CAPTION_LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {langName(l)}
              </option>
            ))}
          </select>
          {errors.language && (
            <p class="field-error" id={`${id}-language-error`}>
              {errors.language}
            </p>
          )}
        </div>
        <div class={`field${errors.file ? ' field--invalid' : ''}`}>
          <label for={`${id}-file`}>{t('video.studio.captionFile')}</label>
          <input
            ref={fileInput}
            id={`${id}-file`}
            name="file"
            type="file"
            accept=".vtt,.srt,text/vtt,application/x-subrip"
            aria-invalid={errors.file ? 'true' : undefined}
            aria-describedby={`${id}-hint${errors.file ? ` ${id}-file-error` : ''}`}
            onChange={() => setErrors((x) => ({ ...x, file: undefined }))}
          />
          <p class="hint" id={`${id}-hint`}>
            {t('video.studio.captionsHint')}
          </p>
          {errors.file && (
            <p class="field-error" id={`${id}-file-error`}>
              {errors.file}
            </p>
          )}
        </div>
        <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
          {busy ? t('state.saving') : t('video.studio.captionAdd')}
        </button>
      </form>
    </section>
  );
}

export default function VideoLessonStudio({ lesson, onChanged }: LessonStudioProps) {
  const [state, setState] = useState(() => lessonVideo(lesson));
  const [announcement, setAnnouncement] = useState('');
  const say = (text: string) => {
    setAnnouncement('');
    requestAnimationFrame(() => setAnnouncement(text));
  };
  const steps = useSteps(say);
  const changed = useRef(onChanged);
  changed.current = onChanged;
  const [message, setMessage] = useState<Message | null>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const focusStatus = useRef(false);
  useEffect(() => {
    if (!focusStatus.current) return;
    focusStatus.current = false;
    statusRef.current?.focus();
  });

  // The lesson editor may reload the lesson; its answer is the truth, unless it is the same lesson we already show.
  const lessonKey = lesson.id;
  useEffect(() => setState(lessonVideo(lesson)), [lessonKey]);

  const { current, pending } = state;
  const watching = pending && isBusy(pending.status) ? pending : current && isBusy(current.status) ? current : null;
  const previous = useRef<Video | null>(null);

  usePollVideo(watching?.id ?? null, !!watching, (v) => {
    const before = previous.current?.id === v.id ? previous.current : watching;
    previous.current = v;
    if (v.status === 'processing') steps(`processing-${v.id}`, v.progress, (percent) => t('video.studio.processingStep', { percent }));
    if (before && before.status !== v.status) {
      if (v.status === 'ready') say(t('video.studio.ready'));
      else if (v.status === 'failed') say(v.error ? t('video.studio.failed', { reason: v.error }) : t('video.studio.failedUnknown'));
      else say(t(`video.studio.status.${v.status}`));
    }
    setState((s) => {
      if (v.status === 'ready') return { current: v, pending: null };
      return s.pending?.id === v.id ? { ...s, pending: v } : { ...s, current: v };
    });
    if (v.status === 'ready' || v.status === 'failed') changed.current?.();
  });

  if (lesson.kind !== 'video') return <p>{t('video.studio.notVideo')}</p>;

  const setCaptions = (videoId: string) => (captions: Caption[]) =>
    setState((s) => ({
      current: s.current?.id === videoId ? { ...s.current, captions } : s.current,
      pending: s.pending?.id === videoId ? { ...s.pending, captions } : s.pending,
    }));
  const onUploaded = (v: Video) => {
    previous.current = v;
    setMessage(null);
    setState((s) => ({ ...s, pending: v }));
  };
  const onRetry = (v: Video) => {
    previous.current = v;
    setState((s) => (s.pending?.id === v.id ? { ...s, pending: v } : { ...s, current: v }));
  };
  const onRemoved = (v: Video) => {
    previous.current = null;
    setState((s) => ({ current: s.current?.id === v.id ? null : s.current, pending: s.pending?.id === v.id ? null : s.pending }));
    setMessage({ kind: 'success', text: t('video.studio.removed') });
    focusStatus.current = true;
    changed.current?.();
  };

  return (
    <div class="video-studio">
      {/* The lesson editor puts this under its own "Video" heading (h2); our parts are h3. */}
      <div class="video-studio__videos">
        <StatusLine message={message} focusRef={statusRef} />
        {!current && !pending && <p>{t('video.studio.none')}</p>}
        {current && <VideoCard key={current.id} video={current} heading={t('video.studio.current')} replacing={false} onRetry={onRetry} onRemoved={onRemoved} />}
        {pending && (
          <VideoCard
            key={pending.id}
            video={pending}
            heading={current ? t('video.studio.new') : t('video.studio.current')}
            replacing={!!current && pending.status !== 'failed'}
            onRetry={onRetry}
            onRemoved={onRemoved}
          />
        )}
        <UploadForm lessonId={lesson.id} replacing={!!(current || pending)} live={!!current && !pending} processing={!!watching} onUploaded={onUploaded} say={say} />
      </div>
      {current && <CaptionsEditor video={current} heading={t('video.studio.captions')} onChange={setCaptions(current.id)} />}
      {pending && pending.status !== 'failed' && (
        <CaptionsEditor video={pending} heading={current ? t('video.studio.captionsNew') : t('video.studio.captions')} onChange={setCaptions(pending.id)} />
      )}
      <div class="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </div>
  );
}

type VideoKey = Parameters<typeof t>[0];

/** A caption file problem in the interface language, from its code; the server's English for an unknown code. */
export function captionProblemText(problem: FieldError): string {
  const key = `video.caption.${problem.code ?? ''}`;
  if (!problem.code || !(key in videoNl)) return problem.message;
  const params = problem.params ?? {};
  const text = t(key as VideoKey, params);
  const sentence = params.line !== undefined ? t('video.studio.captionLine', { line: params.line, problem: text }) : text;
  return sentence.charAt(0).toLocaleUpperCase() + sentence.slice(1);
}
