import type { Ref } from 'preact';
import type { AttemptResult, LearnerQuestion, QuestionFeedback, QuizSummary } from '../../api.ts';
import { formatNumber } from '../../i18n/core.ts';
import { t } from '../../i18n/quiz.ts';
import { choiceHtml } from './questions.tsx';

/** One decimal at most: 66.7 %, 7.5 points. */
const num = (n: number) => formatNumber(Math.round(n * 10) / 10);

function Html({ html, class: cls }: { html: string; class?: string }) {
  return <div class={cls} dangerouslySetInnerHTML={{ __html: html }} />;
}

function outcomeBadge(outcome: QuestionFeedback['outcome']) {
  const cls = outcome === 'correct' ? 'badge badge--ok' : outcome === 'partial' ? 'badge' : 'badge badge--warn';
  return <span class={cls}>{t(`quiz.outcome.${outcome}`)}</span>;
}

/** "(your answer)", "(correct)": said in words, never by colour alone. */
function Marks({ selected, correct }: { selected: boolean; correct: boolean }) {
  return (
    <span class="quiz-marks">
      {selected && <span class="quiz-mark">{t('quiz.markYours')}</span>}
      {correct && <span class="quiz-mark quiz-mark--correct">{t('quiz.markCorrect')}</span>}
    </span>
  );
}

function Review({ f, q }: { f: QuestionFeedback; q: LearnerQuestion | undefined }) {
  const given = f.answer;
  switch (f.type) {
    case 'single':
    case 'multiple':
    case 'trueFalse':
      return (
        <ul class="quiz-review-choices">
          {(f.choices ?? []).map((c) => (
            <li key={c.id} class={c.selected ? 'quiz-review-choice--selected' : undefined}>
              <span dangerouslySetInnerHTML={{ __html: choiceHtml(f, c) }} /> <Marks selected={c.selected} correct={c.correct} />
              {f.type === 'multiple' && c.selected && c.feedback && <Html class="quiz-feedback quiz-feedback--choice" html={c.feedback} />}
            </li>
          ))}
        </ul>
      );
    case 'numeric':
    case 'text':
      return (
        <dl class="facts facts--compact">
          <dt>{t('quiz.yourAnswer')}</dt>
          <dd>{given === null || given === undefined || given === '' ? <em>{t('quiz.noAnswer')}</em> : typeof given === 'number' ? formatNumber(given) : String(given)}</dd>
          <dt>{t('quiz.acceptedAnswers')}</dt>
          <dd>
            {(f.acceptedAnswers ?? [])
              .map((a) => (a.credit < 100 ? t('quiz.withCredit', { answer: a.text, credit: num(a.credit) }) : a.text))
              .join(' · ')}
          </dd>
        </dl>
      );
    case 'ordering': {
      const byId = new Map((f.correctOrder ?? []).map((i) => [i.id, i.html]));
      const mine = Array.isArray(given) ? (given as string[]) : [];
      return (
        <div class="quiz-review-orders">
          <div>
            <h4>{t('quiz.yourOrder')}</h4>
            {mine.length ? (
              <ol>
                {mine.map((id, i) => (
                  <li key={id}>
                    <span dangerouslySetInnerHTML={{ __html: byId.get(id) ?? '' }} />{' '}
                    {f.correctOrder?.[i]?.id === id && <span class="quiz-mark quiz-mark--correct">{t('quiz.markRightPlace')}</span>}
                  </li>
                ))}
              </ol>
            ) : (
              <p>
                <em>{t('quiz.noAnswer')}</em>
              </p>
            )}
          </div>
          <div>
            <h4>{t('quiz.correctOrder')}</h4>
            <ol>
              {(f.correctOrder ?? []).map((i) => (
                <li key={i.id} dangerouslySetInnerHTML={{ __html: i.html }} />
              ))}
            </ol>
          </div>
        </div>
      );
    }
    case 'matching': {
      const rightHtml = new Map((q?.right ?? []).map((r) => [r.id, r.html]));
      for (const p of f.pairs ?? []) if (!rightHtml.has(p.right.id)) rightHtml.set(p.right.id, p.right.html);
      return (
        <ul class="quiz-review-pairs">
          {(f.pairs ?? []).map((p) => (
            <li key={p.left.id}>
              <strong dangerouslySetInnerHTML={{ __html: p.left.html }} />
              {': '}
              {p.givenRightId ? <span dangerouslySetInnerHTML={{ __html: rightHtml.get(p.givenRightId) ?? '' }} /> : <em>{t('quiz.noAnswer')}</em>}{' '}
              <span class={p.correct ? 'quiz-mark quiz-mark--correct' : 'quiz-mark quiz-mark--wrong'}>{p.correct ? t('quiz.markRight') : t('quiz.markWrong')}</span>
              {!p.correct && (
                <span class="quiz-review-right">
                  {' '}
                  {t('quiz.correctAnswer')}: <span dangerouslySetInnerHTML={{ __html: p.right.html }} />
                </span>
              )}
            </li>
          ))}
        </ul>
      );
    }
  }
}

function notRevealed(summary: QuizSummary | null): string {
  switch (summary?.reveal) {
    case 'afterPassing':
      return t('quiz.reveal.afterPassingLater');
    case 'afterLastAttempt':
      return t('quiz.reveal.afterLastAttemptLater');
    default:
      return t('quiz.reveal.neverLater');
  }
}

export interface ResultViewProps {
  result: AttemptResult;
  /** The attempt's questions (for their text), when known. */
  questions: LearnerQuestion[];
  summary: QuizSummary | null;
  headingRef?: Ref<HTMLHeadingElement>;
  title: string;
}

/** Score, verdict and, when the quiz's reveal setting allows, the review of every question. */
export function ResultView({ result, questions, summary, headingRef, title }: ResultViewProps) {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const practice = summary?.mode === 'practice';
  return (
    <section class="quiz-result" aria-labelledby={`result-${result.id}`}>
      <h2 id={`result-${result.id}`} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <p class={`quiz-verdict ${result.passed ? 'quiz-verdict--passed' : 'quiz-verdict--failed'}`}>
        {practice ? t('quiz.practiceDone') : result.passed ? t('quiz.passed') : t('quiz.failed')}
      </p>
      <dl class="facts">
        <dt>{t('quiz.score')}</dt>
        <dd>{t('quiz.scoreOf', { score: num(result.score), max: num(result.maxScore) })}</dd>
        <dt>{t('quiz.percent')}</dt>
        <dd>{num(result.percent)} %</dd>
        {summary && (
          <>
            <dt>{t('quiz.passMark')}</dt>
            <dd>{num(summary.passMark)} %</dd>
          </>
        )}
      </dl>
      {result.revealed ? (
        <ol class="quiz-review">
          {result.feedback.map((f, i) => {
            const q = byId.get(f.questionId);
            return (
              <li key={f.questionId} class="quiz-review-item card">
                <h3>
                  {t('quiz.questionN', { n: i + 1 })} {outcomeBadge(f.outcome)}{' '}
                  <span class="quiz-points">{t('quiz.scoreOf', { score: num(f.score), max: num(f.maxScore) })}</span>
                </h3>
                {q && <Html class="quiz-text" html={q.text} />}
                <Review f={f} q={q} />
                {f.feedback && (
                  <div class="quiz-feedback">
                    <h4>{t('quiz.feedback')}</h4>
                    <Html html={f.feedback} />
                  </div>
                )}
                {f.explanation && (
                  <div class="quiz-feedback quiz-feedback--explanation">
                    <h4>{t('quiz.explanation')}</h4>
                    <Html html={f.explanation} />
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      ) : (
        <p class="notice">{notRevealed(summary)}</p>
      )}
    </section>
  );
}
