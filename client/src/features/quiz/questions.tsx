import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LearnerQuestion } from '../../api.ts';
import { t } from '../../i18n/quiz.ts';
import { htmlToText, initialAnswer, isAnswered, parseNumber, type AnswerMap } from './model.ts';

/**
 * The learner's side of a quiz: one <fieldset> per question, named by its number and text, with native controls
 * only (radios, checkboxes, inputs, selects, buttons), so it works by keyboard and with any screen reader. Used for
 * a real attempt (lesson.tsx) and for the studio's preview, which has no attempt and no answer key.
 */

interface QuestionProps {
  q: LearnerQuestion;
  /** Unique per question on the page; every id in the question starts with it. */
  uid: string;
  value: unknown;
  onChange: (value: unknown) => void;
  announce: (message: string) => void;
}

/** True/false choices come from the server as "True"/"False"; the learner reads them in their own language. */
export function choiceHtml(q: { type: string }, c: { id: string; html: string }): string {
  if (q.type === 'trueFalse') return c.id === 'true' ? t('quiz.true') : t('quiz.false');
  return c.html;
}

function Html({ html, class: cls, id }: { html: string; class?: string; id?: string }) {
  return <span class={cls} id={id} dangerouslySetInnerHTML={{ __html: html }} />;
}

function ChoiceQuestion({ q, uid, value, onChange }: QuestionProps) {
  const multiple = q.type === 'multiple';
  const picked = multiple ? new Set(Array.isArray(value) ? (value as string[]) : []) : new Set([value]);
  return (
    <ul class="quiz-choices">
      {(q.choices ?? []).map((c) => {
        const id = `${uid}-c-${c.id}`;
        return (
          <li key={c.id}>
            <label class="quiz-choice" for={id}>
              <input
                id={id}
                type={multiple ? 'checkbox' : 'radio'}
                name={`${uid}-choice`}
                value={c.id}
                checked={picked.has(c.id)}
                onChange={(e) => {
                  if (!multiple) return onChange(c.id);
                  const next = new Set(picked);
                  if (e.currentTarget.checked) next.add(c.id);
                  else next.delete(c.id);
                  // Keep the shown order, so the saved value does not depend on the order of clicks.
                  onChange((q.choices ?? []).map((x) => x.id).filter((x) => next.has(x)));
                }}
              />
              <Html html={choiceHtml(q, c)} />
            </label>
          </li>
        );
      })}
    </ul>
  );
}

function NumericQuestion({ uid, value, onChange }: QuestionProps) {
  const [raw, setRaw] = useState(() => (typeof value === 'number' ? String(value).replace('.', t('quiz.decimalSeparator')) : ''));
  const invalid = raw.trim() !== '' && parseNumber(raw) === null;
  const id = `${uid}-number`;
  return (
    <div class={`field quiz-field${invalid ? ' field--invalid' : ''}`}>
      <label for={id}>{t('quiz.yourAnswer')}</label>
      <p class="hint" id={`${id}-hint`}>
        {t('quiz.numberHint')}
      </p>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        spellcheck={false}
        value={raw}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={`${id}-hint${invalid ? ` ${id}-error` : ''}`}
        onInput={(e) => {
          const next = e.currentTarget.value;
          setRaw(next);
          onChange(parseNumber(next));
        }}
      />
      {invalid && (
        <p class="field-error" id={`${id}-error`}>
          {t('quiz.notANumber')}
        </p>
      )}
    </div>
  );
}

function TextQuestion({ uid, value, onChange }: QuestionProps) {
  const id = `${uid}-answer`;
  return (
    <div class="field quiz-field">
      <label for={id}>{t('quiz.yourAnswer')}</label>
      <input
        id={id}
        type="text"
        autoComplete="off"
        maxLength={1000}
        value={typeof value === 'string' ? value : ''}
        onInput={(e) => onChange(e.currentTarget.value.trim() === '' ? null : e.currentTarget.value)}
      />
    </div>
  );
}

function OrderingQuestion({ q, uid, value, onChange, announce }: QuestionProps) {
  const items = useMemo(() => new Map((q.items ?? []).map((i) => [i.id, i])), [q]);
  const order = Array.isArray(value) ? (value as string[]).filter((id) => items.has(id)) : (q.items ?? []).map((i) => i.id);
  const focusAfter = useRef<string | null>(null);

  // Moving a list item moves its DOM node, which drops focus in most browsers: put it back on the same button.
  useEffect(() => {
    const want = focusAfter.current;
    focusAfter.current = null;
    if (want && document.activeElement?.id !== want) document.getElementById(want)?.focus();
  });

  const move = (from: number, to: number, buttonId: string) => {
    if (to < 0 || to >= order.length) return;
    const next = [...order];
    const [id] = next.splice(from, 1);
    next.splice(to, 0, id);
    focusAfter.current = buttonId;
    onChange(next);
    announce(t('quiz.movedTo', { item: htmlToText(items.get(id)!.html), position: to + 1, total: order.length }));
  };

  // Pointer users may also drag an item onto another; the buttons stay the way for keyboards and screen readers.
  const [dragging, setDragging] = useState<number | null>(null);

  return (
    <>
      <p class="hint" id={`${uid}-order-hint`}>
        {t('quiz.orderHint')}
      </p>
      <ol class="quiz-order">
        {order.map((id, i) => {
          const label = htmlToText(items.get(id)!.html);
          const up = `${uid}-o-${id}-up`;
          const down = `${uid}-o-${id}-down`;
          return (
            <li
              key={id}
              class={`quiz-order-item${dragging === i ? ' quiz-order-item--dragging' : ''}`}
              draggable
              onDragStart={(e) => {
                setDragging(i);
                e.dataTransfer?.setData('text/plain', id);
              }}
              onDragEnd={() => setDragging(null)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                if (dragging !== null && dragging !== i) move(dragging, i, up);
                setDragging(null);
              }}
            >
              <span class="quiz-order-pos" aria-hidden="true">
                {i + 1}
              </span>
              <Html class="quiz-order-text" html={items.get(id)!.html} />
              <span class="quiz-order-tools">
                <button
                  id={up}
                  type="button"
                  class="button button--small"
                  aria-disabled={i === 0 ? 'true' : undefined}
                  onClick={() => move(i, i - 1, up)}
                >
                  <span aria-hidden="true">↑</span>
                  <span class="visually-hidden">{t('quiz.moveItemUp', { item: label })}</span>
                </button>
                <button
                  id={down}
                  type="button"
                  class="button button--small"
                  aria-disabled={i === order.length - 1 ? 'true' : undefined}
                  onClick={() => move(i, i + 1, down)}
                >
                  <span aria-hidden="true">↓</span>
                  <span class="visually-hidden">{t('quiz.moveItemDown', { item: label })}</span>
                </button>
              </span>
            </li>
          );
        })}
      </ol>
    </>
  );
}

function MatchingQuestion({ q, uid, value, onChange }: QuestionProps) {
  const given = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
  const rights = useMemo(() => (q.right ?? []).map((r) => ({ id: r.id, text: htmlToText(r.html) })), [q]);
  return (
    <div class="quiz-match">
      {(q.left ?? []).map((l) => {
        const id = `${uid}-m-${l.id}`;
        return (
          <div class="quiz-match-row" key={l.id}>
            <label for={id} class="quiz-match-left" dangerouslySetInnerHTML={{ __html: l.html }} />
            <select
              id={id}
              value={given[l.id] ?? ''}
              onChange={(e) => {
                const next = { ...given };
                const v = e.currentTarget.value;
                if (v) next[l.id] = v;
                else delete next[l.id];
                onChange(Object.keys(next).length ? next : null);
              }}
            >
              <option value="">{t('quiz.choose')}</option>
              {rights.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.text}
                </option>
              ))}
            </select>
          </div>
        );
      })}
    </div>
  );
}

const hintKey = (q: LearnerQuestion) =>
  q.type === 'multiple' ? t('quiz.hintMultiple') : q.type === 'matching' ? t('quiz.hintMatching') : q.type === 'single' || q.type === 'trueFalse' ? t('quiz.hintSingle') : null;

export function QuestionField(props: QuestionProps & { index: number; total: number }) {
  const { q, uid, index, total } = props;
  const hint = hintKey(q);
  const describedBy = [hint ? `${uid}-hint` : null, q.type === 'ordering' ? `${uid}-order-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class="quiz-question" id={uid} aria-labelledby={`${uid}-legend ${uid}-text`} aria-describedby={describedBy}>
      <legend id={`${uid}-legend`}>
        {t('quiz.questionOf', { n: index + 1, total })}
        <span class="quiz-points"> · {t('quiz.points', { points: q.points })}</span>
      </legend>
      <div class="quiz-text" id={`${uid}-text`} dangerouslySetInnerHTML={{ __html: q.text }} />
      {hint && (
        <p class="hint" id={`${uid}-hint`}>
          {hint}
        </p>
      )}
      {q.type === 'single' || q.type === 'multiple' || q.type === 'trueFalse' ? (
        <ChoiceQuestion {...props} />
      ) : q.type === 'numeric' ? (
        <NumericQuestion {...props} />
      ) : q.type === 'text' ? (
        <TextQuestion {...props} />
      ) : q.type === 'ordering' ? (
        <OrderingQuestion {...props} />
      ) : (
        <MatchingQuestion {...props} />
      )}
    </fieldset>
  );
}

export interface QuizFormProps {
  questions: LearnerQuestion[];
  /** Saved answers to start from. */
  saved?: AnswerMap;
  /** Prefix of every id in the form (two forms may share a page: the studio's preview and nothing else, today). */
  idPrefix: string;
  /** Called on every change, for auto-saving. */
  onAnswer?: (questionId: string, value: unknown) => void;
  onSubmit: (answers: AnswerMap) => void;
  submitting?: boolean;
  submitLabel: string;
  /** Shown beside the submit button: the save state of a real attempt, or the preview's note. */
  status?: ComponentChildren;
}

/** The questions, a live region for moves, and the submit button that asks first when questions are left open. */
export function QuizForm(props: QuizFormProps) {
  const { questions, idPrefix } = props;
  const [answers, setAnswers] = useState<AnswerMap>(() => {
    const a: AnswerMap = {};
    for (const q of questions) {
      const v = initialAnswer(q, props.saved?.[q.id]);
      if (v !== undefined) a[q.id] = v;
    }
    return a;
  });
  const [announcement, setAnnouncement] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const open = questions.map((q, i) => ({ q, i })).filter(({ q }) => !isAnswered(q, answers[q.id]));

  const change = (id: string, value: unknown) => {
    setAnswers((a) => ({ ...a, [id]: value }));
    props.onAnswer?.(id, value);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (props.submitting) return;
    if (open.length) dialog.current?.showModal();
    else props.onSubmit(answers);
  };
  const goTo = (i: number) => {
    dialog.current?.close();
    const fieldset = document.getElementById(`${idPrefix}-q${i}`);
    fieldset?.querySelector<HTMLElement>('input, select, button')?.focus();
    fieldset?.scrollIntoView({ block: 'center' });
  };

  return (
    <form class="quiz-form" noValidate onSubmit={submit} aria-busy={props.submitting ? 'true' : undefined}>
      <div class="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
      {questions.map((q, i) => (
        <QuestionField
          key={q.id}
          q={q}
          uid={`${idPrefix}-q${i}`}
          index={i}
          total={questions.length}
          value={answers[q.id]}
          onChange={(v) => change(q.id, v)}
          announce={setAnnouncement}
        />
      ))}
      <div class="quiz-submit-bar">
        <p class="quiz-progress">{t('quiz.answeredCount', { answered: questions.length - open.length, total: questions.length })}</p>
        <div class="actions">
          <button type="submit" class="button button--primary" aria-disabled={props.submitting ? 'true' : undefined}>
            {props.submitting ? t('quiz.submitting') : props.submitLabel}
          </button>
          {props.status}
        </div>
      </div>
      <dialog ref={dialog} class="dialog" aria-labelledby={`${idPrefix}-confirm-title`} aria-describedby={`${idPrefix}-confirm-body`}>
        <h2 id={`${idPrefix}-confirm-title`}>{t('quiz.confirmTitle')}</h2>
        <p id={`${idPrefix}-confirm-body`}>{t('quiz.confirmBody', { open: open.length, total: questions.length })}</p>
        <ul class="quiz-open-list">
          {open.map(({ i }) => (
            <li key={i}>
              <button type="button" class="button button--small button--quiet" onClick={() => goTo(i)}>
                {t('quiz.goToQuestion', { n: i + 1 })}
              </button>
            </li>
          ))}
        </ul>
        <div class="actions">
          <button type="button" class="button" onClick={() => dialog.current?.close()}>
            {t('quiz.keepAnswering')}
          </button>
          <button
            type="button"
            class="button button--primary"
            onClick={() => {
              dialog.current?.close();
              props.onSubmit(answers);
            }}
          >
            {t('quiz.submitAnyway')}
          </button>
        </div>
      </dialog>
    </form>
  );
}
