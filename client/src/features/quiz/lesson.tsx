import { useEffect, useRef, useState } from 'preact/hooks';
import './quiz.css';
import { ApiError, quizzes, type AttemptResult, type AttemptSummary, type AttemptView, type LearnerQuestion, type QuizSummary } from '../../api.ts';
import { LoadError, Loading } from '../../components/page.tsx';
import { describeError } from '../../errors.ts';
import { formatDateTime, formatNumber } from '../../i18n/core.ts';
import { t } from '../../i18n/quiz.ts';
import type { LessonViewProps } from '../contract.ts';
import type { AnswerMap } from './model.ts';
import { QuizForm } from './questions.tsx';
import { ResultView } from './result.tsx';
import { DataTable } from '../../components/table.tsx';

const SAVE_DELAY_MS = 800;
const RETRY_MS = 5000;
const pct = (n: number) => `${formatNumber(Math.round(n * 10) / 10)} %`;

type SaveState = 'idle' | 'saving' | 'saved' | 'error';

/**
 * Answers are saved as the learner goes: changes collect in `pending` and one PUT carries them after a short pause.
 * A failed save keeps its changes pending (unless newer ones replaced them) and is retried with the next change,
 * on leaving the page and before submitting, so an answer is never silently dropped.
 */
function useAutosave(attemptId: string, onGone: () => void) {
  const pending = useRef(new Map<string, unknown>());
  const timer = useRef<number | null>(null);
  const inflight = useRef<Promise<void> | null>(null);
  const [state, setState] = useState<SaveState>('idle');
  const alive = useRef(true);

  const flush = async (): Promise<void> => {
    if (timer.current !== null) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    if (inflight.current) await inflight.current;
    if (!pending.current.size) return;
    const batch = new Map(pending.current);
    pending.current.clear();
    setState('saving');
    inflight.current = quizzes
      .saveAnswers(attemptId, [...batch].map(([questionId, value]) => ({ questionId, value: value ?? null })))
      .then(
        () => setState(pending.current.size ? 'saving' : 'saved'),
        (err: unknown) => {
          for (const [k, v] of batch) if (!pending.current.has(k)) pending.current.set(k, v);
          setState('error');
          // Submitted elsewhere (another tab): nothing here can be saved any more.
          if (err instanceof ApiError && (err.status === 409 || err.status === 404)) onGone();
          else if (alive.current && timer.current === null) timer.current = window.setTimeout(() => void flush(), RETRY_MS);
        },
      )
      .finally(() => {
        inflight.current = null;
      });
    await inflight.current;
  };

  const change = (questionId: string, value: unknown) => {
    pending.current.set(questionId, value);
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void flush(), SAVE_DELAY_MS);
  };

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    document.addEventListener('visibilitychange', onHide);
    alive.current = true;
    return () => {
      alive.current = false;
      document.removeEventListener('visibilitychange', onHide);
      void flush();
    };
  }, [attemptId]);

  /** Drops what is pending: the submit carries every answer itself. */
  const settle = async () => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    if (inflight.current) await inflight.current;
    pending.current.clear();
  };

  return { state, change, flush, settle };
}

function SaveStatus({ state }: { state: SaveState }) {
  const text = state === 'saving' ? t('quiz.saving') : state === 'saved' ? t('quiz.saved') : state === 'error' ? t('quiz.saveFailed') : '';
  // Shown, but only a failure is announced: "saving… saved" after every answer would drown the questions.
  return (
    <>
      <p class={`quiz-save-status${state === 'error' ? ' quiz-save-status--error' : ''}`}>{text}</p>
      <div class="visually-hidden" role="status">
        {state === 'error' ? text : ''}
      </div>
    </>
  );
}

function Attempt({ view, onSubmitted, onGone }: { view: AttemptView; onSubmitted: (r: AttemptResult) => void; onGone: () => void }) {
  const save = useAutosave(view.id, onGone);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const saved: AnswerMap = Object.fromEntries(view.answers.map((a) => [a.questionId, a.value]));

  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  const submit = async (answers: AnswerMap) => {
    setSubmitting(true);
    setError(null);
    try {
      await save.settle();
      const list = Object.entries(answers)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([questionId, value]) => ({ questionId, value }));
      onSubmitted(await quizzes.submit(view.id, list));
    } catch (err) {
      setError(describeError(err).message);
      setSubmitting(false);
    }
  };

  return (
    <section class="quiz-attempt" aria-labelledby="quiz-attempt-title">
      <h2 id="quiz-attempt-title" ref={heading} tabIndex={-1}>
        {t('quiz.attemptTitle')}
      </h2>
      <p class="hint">{t('quiz.autosaveHint')}</p>
      <div ref={errorRef} tabIndex={-1} class={error ? 'notice notice--error' : undefined} role={error ? 'alert' : undefined}>
        {error && <p>{error}</p>}
      </div>
      <QuizForm
        questions={view.questions}
        saved={saved}
        idPrefix="quiz"
        onAnswer={save.change}
        onSubmit={submit}
        submitting={submitting}
        submitLabel={t('quiz.submit')}
        status={<SaveStatus state={save.state} />}
      />
    </section>
  );
}

function Facts({ summary }: { summary: QuizSummary }) {
  return (
    <dl class="facts quiz-facts">
      <dt>{t('quiz.kind')}</dt>
      <dd>{summary.mode === 'practice' ? t('quiz.modePractice') : t('quiz.modeGraded')}</dd>
      <dt>{t('quiz.questions')}</dt>
      <dd>{formatNumber(summary.questionCount)}</dd>
      {summary.mode === 'graded' && (
        <>
          <dt>{t('quiz.passMark')}</dt>
          <dd>{pct(summary.passMark)}</dd>
        </>
      )}
      <dt>{t('quiz.attempts')}</dt>
      <dd>
        {summary.maxAttempts === null
          ? t('quiz.attemptsUnlimited', { used: summary.attemptsUsed })
          : t('quiz.attemptsLimited', { used: summary.attemptsUsed, max: summary.maxAttempts, left: summary.attemptsLeft ?? 0 })}
      </dd>
      {summary.bestPercent !== null && (
        <>
          <dt>{t('quiz.best')}</dt>
          <dd>
            {pct(summary.bestPercent)}{' '}
            {summary.mode === 'graded' && (summary.passed ? <span class="badge badge--ok">{t('quiz.badgePassed')}</span> : <span class="badge badge--warn">{t('quiz.badgeNotPassed')}</span>)}
          </dd>
        </>
      )}
    </dl>
  );
}

function History({ items, onReview, busy, practice }: { items: AttemptSummary[]; onReview: (id: string) => void; busy: string | null; practice: boolean }) {
  if (!items.length) return null;
  const n = items.length;
  return (
    <section class="quiz-history" aria-labelledby="quiz-history-title">
      <h2 id="quiz-history-title">{t('quiz.historyTitle')}</h2>
      <DataTable
        columns={[t('quiz.historyAttempt'), t('quiz.historyWhen'), t('quiz.score'), t('quiz.historyOutcome')]}
        actions={t('quiz.historyActions')}
        caption={{ id: 'quiz-history-caption', text: t('quiz.historyCaption') }}
      >
        {items.map((a, i) => {
          const number = n - i;
          return (
            <tr key={a.id}>
              <th scope="row">{number}</th>
              <td>{formatDateTime(a.submittedAt ?? a.startedAt)}</td>
              <td>{a.percent === null ? '—' : `${pct(a.percent)} (${t('quiz.scoreOf', { score: formatNumber(a.score ?? 0), max: formatNumber(a.maxScore ?? 0) })})`}</td>
              <td>
                {a.submittedAt === null ? (
                  <span class="badge">{t('quiz.inProgress')}</span>
                ) : practice ? (
                  <span class="badge">{t('quiz.submitted')}</span>
                ) : a.passed ? (
                  <span class="badge badge--ok">{t('quiz.badgePassed')}</span>
                ) : (
                  <span class="badge badge--warn">{t('quiz.badgeNotPassed')}</span>
                )}
              </td>
              <td>
                {a.submittedAt !== null && (
                  <button type="button" class="button button--small" aria-disabled={busy ? 'true' : undefined} onClick={() => !busy && onReview(a.id)}>
                    {t('quiz.review')}
                    <span class="visually-hidden"> {t('quiz.reviewOf', { n: number })}</span>
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </section>
  );
}

type View =
  | { kind: 'intro' }
  | { kind: 'attempt'; attempt: AttemptView }
  | { kind: 'result'; result: AttemptResult; questions: LearnerQuestion[]; fresh: boolean };

/** The learner's quiz lesson: what it asks, the attempt, the result and the history. */
export default function QuizLesson({ lesson, onCompleted }: LessonViewProps) {
  const [summary, setSummary] = useState<QuizSummary | null>(null);
  const [history, setHistory] = useState<AttemptSummary[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [view, setView] = useState<View>({ kind: 'intro' });
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const messageRef = useRef<HTMLDivElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);

  const load = async () => {
    setLoadError(null);
    try {
      const [s, h] = await Promise.all([quizzes.summary(lesson.id), quizzes.history(lesson.id)]);
      setSummary(s);
      setHistory(h.items);
      return s;
    } catch (err) {
      setLoadError(describeError(err).message);
      return null;
    }
  };
  useEffect(() => {
    void load();
  }, [lesson.id]);

  useEffect(() => {
    if (view.kind === 'result') resultHeading.current?.focus();
  }, [view]);
  useEffect(() => {
    if (message) messageRef.current?.focus();
  }, [message]);

  const start = async () => {
    if (busy) return;
    setBusy('start');
    setMessage(null);
    try {
      const attempt = await quizzes.start(lesson.id);
      setView({ kind: 'attempt', attempt });
      void load();
    } catch (err) {
      setMessage(err instanceof ApiError && err.code === 'LEERPAD_NO_ATTEMPTS_LEFT' ? t('quiz.noAttemptsLeft') : describeError(err).message);
      void load();
    } finally {
      setBusy(null);
    }
  };

  const submitted = async (result: AttemptResult, questions: LearnerQuestion[]) => {
    setView({ kind: 'result', result, questions, fresh: true });
    const s = await load();
    const mode = s?.mode ?? summary?.mode;
    if (mode === 'practice' || result.passed) onCompleted?.();
  };

  const review = async (attemptId: string) => {
    setBusy(attemptId);
    setMessage(null);
    try {
      const a = await quizzes.attempt(attemptId);
      if (a.result) setView({ kind: 'result', result: a.result, questions: a.questions, fresh: false });
    } catch (err) {
      setMessage(describeError(err).message);
    } finally {
      setBusy(null);
    }
  };

  const gone = () => {
    setView({ kind: 'intro' });
    setMessage(t('quiz.attemptClosed'));
    void load();
  };

  if (loadError) return <LoadError message={loadError} retry={() => void load()} />;
  if (!summary) return <Loading />;

  const canStart = summary.canStart;
  const startLabel = summary.openAttemptId ? t('quiz.resume') : summary.attemptsUsed > 0 ? t('quiz.tryAgain') : t('quiz.start');
  const startBlock = (
    <div class="quiz-start">
      {canStart ? (
        <button ref={startButton} type="button" class="button button--primary button--large" aria-disabled={busy ? 'true' : undefined} onClick={() => void start()}>
          {busy === 'start' ? t('state.loading') : startLabel}
        </button>
      ) : (
        <p class="notice">{summary.questionCount === 0 ? t('quiz.empty') : t('quiz.noAttemptsLeft')}</p>
      )}
    </div>
  );

  return (
    <div class="quiz">
      <div ref={messageRef} tabIndex={-1} class={message ? 'notice notice--error' : undefined} role={message ? 'alert' : undefined}>
        {message && <p>{message}</p>}
      </div>
      {view.kind === 'attempt' ? (
        <Attempt
          key={view.attempt.id}
          view={view.attempt}
          onSubmitted={(r) => void submitted(r, view.attempt.questions)}
          onGone={gone}
        />
      ) : (
        <>
          {view.kind === 'intro' && typeof lesson.html === 'string' && lesson.html && <div class="prose quiz-intro-text" dangerouslySetInnerHTML={{ __html: lesson.html }} />}
          {view.kind === 'result' && (
            <ResultView
              result={view.result}
              questions={view.questions}
              summary={summary}
              headingRef={resultHeading}
              title={view.fresh ? t('quiz.resultTitle') : t('quiz.reviewTitle', { when: formatDateTime(view.result.submittedAt) })}
            />
          )}
          <section class="quiz-intro" aria-labelledby="quiz-intro-title">
            <h2 id="quiz-intro-title">{t('quiz.aboutTitle')}</h2>
            <Facts summary={summary} />
            {startBlock}
          </section>
          <History items={history} onReview={(id) => void review(id)} busy={busy} practice={summary.mode === 'practice'} />
        </>
      )}
    </div>
  );
}
