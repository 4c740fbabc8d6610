import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import './quiz.css';
import { ApiError, quizzes, type QuestionType, type QuizEdit } from '../../api.ts';
import { LoadError, Loading } from '../../components/page.tsx';
import { describeError } from '../../errors.ts';
import { formatDateTime } from '../../i18n/core.ts';
import { plural, t } from '../../i18n/quiz-studio.ts';
import type { LessonStudioProps } from '../contract.ts';
import {
  acceptedAnswer,
  choice,
  editSnapshot,
  item,
  newDraft,
  numericAnswer,
  pair,
  placeErrors,
  toBody,
  toLearner,
  type Draft,
  type DraftItem,
  type DraftSettings,
} from './draft.ts';
import { CheckField, GroupError, RadioGroup, SelectField, TextField } from './fields.tsx';
import { GiftPanel } from './gift.tsx';
import { QuizForm } from './questions.tsx';

const TYPES: QuestionType[] = ['single', 'multiple', 'trueFalse', 'numeric', 'text', 'ordering', 'matching'];

/** The server speaks English; its messages about quiz fields are told in the lecturer's language. */
export function quizMessage(message: string): string {
  const m = message.toLowerCase();
  const rules: [string, Parameters<typeof t>[0]][] = [
    ['exactly one correct choice', 'quizStudio.err.oneCorrect'],
    ['at least one correct choice', 'quizStudio.err.someCorrect'],
    ['must add up to 100', 'quizStudio.err.weights100'],
    ['needs a weight', 'quizStudio.err.weightRequired'],
    ['give either value', 'quizStudio.err.valueOrRange'],
    ['needs both min and max', 'quizStudio.err.rangeBoth'],
    ['min must not be greater', 'quizStudio.err.rangeOrder'],
    ['a range has no tolerance', 'quizStudio.err.rangeNoTolerance'],
    ['worth 100', 'quizStudio.err.oneFull'],
    ['items must differ', 'quizStudio.err.itemsDiffer'],
    ['left-hand item must be different', 'quizStudio.err.leftDiffer'],
    ['distractor must not equal', 'quizStudio.err.distractorEqual'],
    ['cannot draw', 'quizStudio.err.drawTooMany'],
    ['array length to be greater', 'quizStudio.err.tooFew'],
    ['array length to be less', 'quizStudio.err.tooMany'],
    ['string length greater', 'quizStudio.err.required'],
    ['expected string to match', 'quizStudio.err.required'],
    ['required property', 'quizStudio.err.required'],
    ['string length less', 'quizStudio.err.tooLong'],
    ['to be greater', 'quizStudio.err.tooSmall'],
    ['to be less', 'quizStudio.err.tooLarge'],
    ['expected integer', 'quizStudio.err.integer'],
    ['expected number', 'quizStudio.err.number'],
    ['expected union', 'quizStudio.err.number'],
  ];
  for (const [needle, key] of rules) if (m.includes(needle)) return t(key);
  return t('errors.invalid');
}

const typeLabel = (type: QuestionType) => t(`quizStudio.type.${type}`);
const excerpt = (s: string) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 79)}…` : one;
};

interface Ctx {
  /** Call after mutating the draft in place; `reordered` when rows or questions moved (errors are placed by position). */
  changed: (reordered?: boolean) => void;
  errors: Record<string, string>;
  announce: (message: string) => void;
  /** Focus this element id after the next render (a moved row's button, a new row's first field). */
  focusLater: (id: string) => void;
}

/** Up and down buttons for an entry of a list the lecturer reorders; `move` takes the target index and the button to refocus. */
function MoveButtons({ uid, index, length, noun, move }: { uid: string; index: number; length: number; noun: string; move: (to: number, button: string) => void }) {
  return (
    <>
      <button id={`${uid}-up`} type="button" class="button button--small" aria-disabled={index === 0 ? 'true' : undefined} onClick={() => move(index - 1, `${uid}-up`)}>
        <span aria-hidden="true">↑</span>
        <span class="visually-hidden">{t('quizStudio.moveUp', { what: noun })}</span>
      </button>
      <button
        id={`${uid}-down`}
        type="button"
        class="button button--small"
        aria-disabled={index === length - 1 ? 'true' : undefined}
        onClick={() => move(index + 1, `${uid}-down`)}
      >
        <span aria-hidden="true">↓</span>
        <span class="visually-hidden">{t('quizStudio.moveDown', { what: noun })}</span>
      </button>
    </>
  );
}

/** Up, down and remove buttons for a row of a list the lecturer edits. */
function RowTools<T>({ list, index, uid, addId, noun, ctx, min }: { list: T[]; index: number; uid: string; addId: string; noun: string; ctx: Ctx; min: number }) {
  const move = (to: number, button: string) => {
    if (to < 0 || to >= list.length) return;
    const [x] = list.splice(index, 1);
    list.splice(to, 0, x);
    ctx.focusLater(button);
    ctx.announce(t('quizStudio.movedTo', { what: noun, position: to + 1, total: list.length }));
    ctx.changed(true);
  };
  return (
    <span class="quiz-row-tools">
      <MoveButtons uid={uid} index={index} length={list.length} noun={noun} move={move} />
      <button
        type="button"
        class="button button--small button--quiet"
        aria-disabled={list.length <= min ? 'true' : undefined}
        onClick={() => {
          if (list.length <= min) return ctx.announce(t('quizStudio.cannotRemove', { min }));
          list.splice(index, 1);
          ctx.announce(t('quizStudio.removed', { what: noun }));
          ctx.focusLater(addId);
          ctx.changed(true);
        }}
      >
        {t('quizStudio.remove')}
        <span class="visually-hidden"> {noun}</span>
      </button>
    </span>
  );
}

interface Row<T> {
  /** The entry being rendered. */
  x: T;
  /** Its position in the list. */
  j: number;
  /** Id prefix of the row's fields: `${listId}-${key}`. */
  rid: string;
  /** "Choice 2", "Answer 1", …: the row's accessible name. */
  noun: string;
  /** The row's up, down and remove buttons. */
  tools: ComponentChildren;
}

/**
 * A fieldset holding a list of rows the lecturer adds, removes and reorders (choices, answers, items, pairs, …).
 * `row` renders one row's fields and places its `tools`; a new row's `focus` field receives focus.
 */
function ListEditor<T extends { key: string }>(p: {
  listId: string;
  legend: ComponentChildren;
  hint?: string;
  error?: string;
  list: T[];
  noun: (n: number) => string;
  min: number;
  compact?: boolean;
  addLabel: string;
  create: () => T;
  focus: string;
  ctx: Ctx;
  row: (r: Row<T>) => ComponentChildren;
}) {
  const addId = `${p.listId}-add`;
  return (
    <fieldset class="quiz-edit-group">
      <legend>{p.legend}</legend>
      {p.hint && <p class="hint">{p.hint}</p>}
      <GroupError error={p.error} />
      <ol class="quiz-edit-rows">
        {p.list.map((x, j) => {
          const rid = `${p.listId}-${x.key}`;
          const noun = p.noun(j + 1);
          const tools = <RowTools list={p.list} index={j} uid={rid} addId={addId} noun={noun} ctx={p.ctx} min={p.min} />;
          return (
            <li key={x.key} class={p.compact ? 'quiz-edit-row quiz-edit-row--compact' : 'quiz-edit-row'}>
              {p.row({ x, j, rid, noun, tools })}
            </li>
          );
        })}
      </ol>
      <button
        id={addId}
        type="button"
        class="button button--small"
        onClick={() => {
          const x = p.create();
          p.list.push(x);
          p.ctx.focusLater(`${p.listId}-${x.key}-${p.focus}`);
          p.ctx.changed();
        }}
      >
        + {p.addLabel}
      </button>
    </fieldset>
  );
}

/** A text field bound to `o[k]`: typing writes the draft and re-renders. */
function DraftField<K extends string>({ o, k, ctx, ...rest }: { o: Record<K, string>; k: K; ctx: Ctx } & Omit<Parameters<typeof TextField>[0], 'value' | 'onInput'>) {
  return <TextField {...rest} value={o[k]} onInput={(v) => ((o[k] = v), ctx.changed())} />;
}

function ChoicesEditor({ d, uid, path, ctx }: { d: Draft; uid: string; path: string; ctx: Ctx }) {
  const multiple = d.type === 'multiple';
  const weights = multiple && d.scoring.multiple === 'weights';
  const err = (p: string) => ctx.errors[`${path}${p}`];
  return (
    <>
      {multiple && (
        <RadioGroup
          name={`${uid}-scoring`}
          legend={t('quizStudio.scoring')}
          value={d.scoring.multiple}
          onChange={(v) => {
            d.scoring.multiple = v;
            ctx.changed();
          }}
          error={err('/scoring')}
          options={[
            { value: 'partial', label: t('quizStudio.scoring.partial'), hint: t('quizStudio.scoring.partialHint') },
            { value: 'allOrNothing', label: t('quizStudio.scoring.allOrNothing'), hint: t('quizStudio.scoring.allOrNothingHint') },
            { value: 'weights', label: t('quizStudio.scoring.weights'), hint: t('quizStudio.scoring.weightsHint') },
          ]}
        />
      )}
      <ListEditor
        listId={`${uid}-ch`}
        legend={t('quizStudio.choices')}
        error={err('/choices')}
        list={d.choices}
        noun={(n) => t('quizStudio.choiceN', { n })}
        min={2}
        addLabel={t('quizStudio.addChoice')}
        create={choice}
        focus="text"
        ctx={ctx}
        row={({ x: c, j, rid: cid, noun, tools }) => (
          <>
            <DraftField o={c} k="text" ctx={ctx} id={`${cid}-text`} label={noun} error={err(`/choices/${j}/text`)} />
            <div class="quiz-edit-inline">
              {!weights && (
                <label class="checkbox" for={`${cid}-correct`}>
                  <input
                    id={`${cid}-correct`}
                    type={multiple ? 'checkbox' : 'radio'}
                    name={`${uid}-correct`}
                    checked={c.correct}
                    onChange={(e) => {
                      if (multiple) c.correct = e.currentTarget.checked;
                      else d.choices.forEach((x) => (x.correct = x === c));
                      ctx.changed();
                    }}
                  />
                  <span>
                    {t('quizStudio.correct')}
                    <span class="visually-hidden"> ({noun})</span>
                  </span>
                </label>
              )}
              {weights && (
                <DraftField
                  o={c}
                  k="weight"
                  ctx={ctx}
                  id={`${cid}-weight`}
                  class="quiz-num"
                  numeric
                  label={t('quizStudio.weight')}
                  hint={t('quizStudio.weightHint')}
                  error={err(`/choices/${j}/weight`)}
                />
              )}
              {d.type === 'single' && !c.correct && (
                <DraftField o={c} k="credit" ctx={ctx} id={`${cid}-credit`} class="quiz-num" numeric optional label={t('quizStudio.partialCredit')} error={err(`/choices/${j}/credit`)} />
              )}
            </div>
            <DraftField o={c} k="feedback" ctx={ctx} id={`${cid}-feedback`} optional label={t('quizStudio.choiceFeedback')} error={err(`/choices/${j}/feedback`)} />
            {tools}
          </>
        )}
      />
    </>
  );
}

function TrueFalseEditor({ d, uid, path, ctx }: { d: Draft; uid: string; path: string; ctx: Ctx }) {
  return (
    <>
      <RadioGroup
        name={`${uid}-answer`}
        legend={t('quizStudio.tfAnswer')}
        value={d.answer ? 'true' : 'false'}
        onChange={(v) => ((d.answer = v === 'true'), ctx.changed())}
        options={[
          { value: 'true', label: t('quiz.true') },
          { value: 'false', label: t('quiz.false') },
        ]}
      />
      <DraftField o={d} k="feedbackTrue" ctx={ctx} id={`${uid}-fbt`} optional label={t('quizStudio.feedbackTrue')} error={ctx.errors[`${path}/feedbackTrue`]} />
      <DraftField o={d} k="feedbackFalse" ctx={ctx} id={`${uid}-fbf`} optional label={t('quizStudio.feedbackFalse')} error={ctx.errors[`${path}/feedbackFalse`]} />
    </>
  );
}

function NumericEditor({ d, uid, path, ctx }: { d: Draft; uid: string; path: string; ctx: Ctx }) {
  const err = (p: string) => ctx.errors[`${path}${p}`];
  return (
    <>
      <ListEditor
        listId={`${uid}-num`}
        legend={t('quizStudio.acceptedNumbers')}
        hint={t('quizStudio.acceptedNumbersHint')}
        error={err('/answers')}
        list={d.numeric}
        noun={(n) => t('quizStudio.answerN', { n })}
        min={1}
        addLabel={t('quizStudio.addAnswer')}
        create={numericAnswer}
        focus="kind-value"
        ctx={ctx}
        row={({ x: a, j, rid: aid, noun, tools }) => (
          <fieldset class="quiz-edit-subgroup">
            <legend>{noun}</legend>
            <GroupError error={err(`/answers/${j}`)} />
            <RadioGroup
              name={`${aid}-kind`}
              legend={t('quizStudio.numKind')}
              value={a.kind}
              onChange={(v) => ((a.kind = v), ctx.changed())}
              options={[
                { value: 'value', label: t('quizStudio.numKind.value') },
                { value: 'range', label: t('quizStudio.numKind.range') },
              ]}
            />
            {a.kind === 'value' ? (
              <div class="quiz-edit-inline">
                <DraftField o={a} k="value" ctx={ctx} id={`${aid}-value`} class="quiz-num" numeric label={t('quizStudio.value')} error={err(`/answers/${j}/value`)} />
                <DraftField o={a} k="tolerance" ctx={ctx} id={`${aid}-tolerance`} class="quiz-num" numeric optional label={t('quizStudio.tolerance')} error={err(`/answers/${j}/tolerance`)} />
                <SelectField
                  id={`${aid}-relative`}
                  label={t('quizStudio.toleranceKind')}
                  value={a.relative ? 'relative' : 'absolute'}
                  onChange={(v) => ((a.relative = v === 'relative'), ctx.changed())}
                  options={[
                    { value: 'absolute', label: t('quizStudio.toleranceAbsolute') },
                    { value: 'relative', label: t('quizStudio.toleranceRelative') },
                  ]}
                />
              </div>
            ) : (
              <div class="quiz-edit-inline">
                <DraftField o={a} k="min" ctx={ctx} id={`${aid}-min`} class="quiz-num" numeric label={t('quizStudio.min')} error={err(`/answers/${j}/min`)} />
                <DraftField o={a} k="max" ctx={ctx} id={`${aid}-max`} class="quiz-num" numeric label={t('quizStudio.max')} error={err(`/answers/${j}/max`)} />
              </div>
            )}
            <DraftField o={a} k="credit" ctx={ctx} id={`${aid}-credit`} class="quiz-num" numeric label={t('quizStudio.credit')} error={err(`/answers/${j}/credit`)} />
            <DraftField o={a} k="feedback" ctx={ctx} id={`${aid}-feedback`} optional label={t('quizStudio.answerFeedback')} error={err(`/answers/${j}/feedback`)} />
            {tools}
          </fieldset>
        )}
      />
      <DraftField o={d} k="wrongFeedback" ctx={ctx} id={`${uid}-wrong`} optional label={t('quizStudio.wrongFeedback')} error={err('/wrongFeedback')} />
    </>
  );
}

function TextAnswersEditor({ d, uid, path, ctx }: { d: Draft; uid: string; path: string; ctx: Ctx }) {
  const err = (p: string) => ctx.errors[`${path}${p}`];
  return (
    <>
      <ListEditor
        listId={`${uid}-txt`}
        legend={t('quizStudio.acceptedTexts')}
        error={err('/answers')}
        list={d.accepted}
        noun={(n) => t('quizStudio.answerN', { n })}
        min={1}
        addLabel={t('quizStudio.addAnswer')}
        create={acceptedAnswer}
        focus="text"
        ctx={ctx}
        row={({ x: a, j, rid: aid, noun, tools }) => (
          <>
            <DraftField o={a} k="text" ctx={ctx} id={`${aid}-text`} label={noun} error={err(`/answers/${j}/text`)} />
            <DraftField o={a} k="credit" ctx={ctx} id={`${aid}-credit`} class="quiz-num" numeric label={t('quizStudio.credit')} error={err(`/answers/${j}/credit`)} />
            <DraftField o={a} k="feedback" ctx={ctx} id={`${aid}-feedback`} optional label={t('quizStudio.answerFeedback')} error={err(`/answers/${j}/feedback`)} />
            {tools}
          </>
        )}
      />
      <CheckField id={`${uid}-case`} label={t('quizStudio.caseSensitive')} checked={d.caseSensitive} onChange={(v) => ((d.caseSensitive = v), ctx.changed())} />
      <CheckField id={`${uid}-ws`} label={t('quizStudio.exactWhitespace')} checked={d.exactWhitespace} onChange={(v) => ((d.exactWhitespace = v), ctx.changed())} />
    </>
  );
}

/** A list of one-line entries: ordering items, matching distractors. */
function ItemList({ list, error, itemError, ...rest }: Omit<Parameters<typeof ListEditor<DraftItem>>[0], 'row' | 'create' | 'focus' | 'compact'> & { itemError: (j: number) => string | undefined }) {
  return (
    <ListEditor
      {...rest}
      list={list}
      error={error}
      compact
      create={() => item()}
      focus="text"
      row={({ x, j, rid, noun, tools }) => (
        <>
          <DraftField o={x} k="text" ctx={rest.ctx} id={`${rid}-text`} label={noun} error={itemError(j)} />
          {tools}
        </>
      )}
    />
  );
}

function OrderingEditor({ d, uid, path, ctx }: { d: Draft; uid: string; path: string; ctx: Ctx }) {
  const err = (p: string) => ctx.errors[`${path}${p}`];
  return (
    <>
      <SelectField
        id={`${uid}-oscoring`}
        label={t('quizStudio.scoring')}
        value={d.scoring.ordering}
        error={err('/scoring')}
        onChange={(v) => ((d.scoring.ordering = v), ctx.changed())}
        options={[
          { value: 'position', label: t('quizStudio.scoring.position') },
          { value: 'adjacent', label: t('quizStudio.scoring.adjacent') },
          { value: 'allOrNothing', label: t('quizStudio.scoring.allOrNothing') },
        ]}
      />
      <ItemList
        listId={`${uid}-it`}
        legend={t('quizStudio.items')}
        hint={t('quizStudio.itemsHint')}
        error={err('/items')}
        itemError={(j) => err(`/items/${j}/text`)}
        list={d.items}
        noun={(n) => t('quizStudio.itemN', { n })}
        min={2}
        addLabel={t('quizStudio.addItem')}
        ctx={ctx}
      />
    </>
  );
}

function MatchingEditor({ d, uid, path, ctx }: { d: Draft; uid: string; path: string; ctx: Ctx }) {
  const err = (p: string) => ctx.errors[`${path}${p}`];
  return (
    <>
      <SelectField
        id={`${uid}-mscoring`}
        label={t('quizStudio.scoring')}
        value={d.scoring.matching}
        error={err('/scoring')}
        onChange={(v) => ((d.scoring.matching = v), ctx.changed())}
        options={[
          { value: 'partial', label: t('quizStudio.scoring.pairs') },
          { value: 'allOrNothing', label: t('quizStudio.scoring.allOrNothing') },
        ]}
      />
      <ListEditor
        listId={`${uid}-pr`}
        legend={t('quizStudio.pairs')}
        error={err('/pairs')}
        list={d.pairs}
        noun={(n) => t('quizStudio.pairN', { n })}
        min={2}
        addLabel={t('quizStudio.addPair')}
        create={pair}
        focus="left"
        ctx={ctx}
        row={({ x: p, j, rid: pid, tools }) => (
          <>
            <div class="quiz-edit-inline quiz-edit-inline--grow">
              <DraftField o={p} k="left" ctx={ctx} id={`${pid}-left`} label={t('quizStudio.left', { n: j + 1 })} error={err(`/pairs/${j}/left`)} />
              <DraftField o={p} k="right" ctx={ctx} id={`${pid}-right`} label={t('quizStudio.right', { n: j + 1 })} error={err(`/pairs/${j}/right`)} />
            </div>
            {tools}
          </>
        )}
      />
      <ItemList
        listId={`${uid}-ds`}
        legend={
          <>
            {t('quizStudio.distractors')} <span class="optional">({t('form.optional')})</span>
          </>
        }
        hint={t('quizStudio.distractorsHint')}
        error={err('/distractors')}
        itemError={(j) => err(`/distractors/${j}`)}
        list={d.distractors}
        noun={(n) => t('quizStudio.distractorN', { n })}
        min={0}
        addLabel={t('quizStudio.addDistractor')}
        ctx={ctx}
      />
    </>
  );
}

function QuestionCard({
  d,
  index,
  list,
  ctx,
  open,
  onToggle,
  onDelete,
}: {
  d: Draft;
  index: number;
  list: Draft[];
  ctx: Ctx;
  open: boolean;
  onToggle: () => void;
  onDelete: () => void;
}) {
  const uid = `qe-${d.key}`;
  const path = `questions/${index}`;
  const err = (p: string) => ctx.errors[`${path}${p}`];
  const n = index + 1;
  const noun = t('quizStudio.questionN', { n });
  const hasError = Object.keys(ctx.errors).some((k) => k === path || k.startsWith(`${path}/`));
  const move = (to: number, button: string) => {
    if (to < 0 || to >= list.length) return;
    const [x] = list.splice(index, 1);
    list.splice(to, 0, x);
    ctx.focusLater(button);
    ctx.announce(t('quizStudio.questionMoved', { from: n, position: to + 1, total: list.length }));
    ctx.changed(true);
  };
  const props = { d, uid, path, ctx };
  return (
    <li class={`quiz-edit-question card${hasError ? ' quiz-edit-question--invalid' : ''}`} id={uid}>
      <div class="quiz-edit-head">
        <h4 id={`${uid}-heading`} tabIndex={-1}>
          {noun} <span class="badge">{typeLabel(d.type)}</span>
          {hasError && <span class="badge badge--warn">{t('quizStudio.hasErrors')}</span>}
        </h4>
        {!open && <p class="quiz-edit-excerpt">{excerpt(d.title || d.text) || <em>{t('quizStudio.noText')}</em>}</p>}
        <div class="quiz-edit-tools">
          <button type="button" class="button button--small" aria-expanded={open ? 'true' : 'false'} aria-controls={`${uid}-body`} onClick={onToggle}>
            {open ? t('quizStudio.collapse') : t('quizStudio.expand')}
            <span class="visually-hidden"> {noun}</span>
          </button>
          <MoveButtons uid={uid} index={index} length={list.length} noun={noun} move={move} />
          <button type="button" class="button button--small quiz-delete" onClick={onDelete}>
            {t('quizStudio.delete')}
            <span class="visually-hidden"> {noun}</span>
          </button>
        </div>
      </div>
      <div id={`${uid}-body`} hidden={!open}>
        {open && (
          <>
            <GroupError error={err('')} />
            <SelectField
              id={`${uid}-type`}
              label={t('quizStudio.questionType')}
              value={d.type}
              onChange={(v) => {
                d.type = v;
                ctx.changed();
              }}
              options={TYPES.map((ty) => ({ value: ty, label: typeLabel(ty) }))}
            />
            <DraftField o={d} k="text" ctx={ctx} id={`${uid}-text`} area rows={3} label={t('quizStudio.text')} hint={t('quizStudio.textHint')} error={err('/text')} />
            <div class="quiz-edit-inline quiz-edit-inline--grow">
              <DraftField o={d} k="title" ctx={ctx} id={`${uid}-title`} optional label={t('quizStudio.title')} hint={t('quizStudio.titleHint')} error={err('/title')} maxLength={200} />
              <DraftField o={d} k="points" ctx={ctx} id={`${uid}-points`} class="quiz-num" numeric label={t('quizStudio.points')} error={err('/points')} />
            </div>
            {d.type === 'single' || d.type === 'multiple' ? (
              <ChoicesEditor {...props} />
            ) : d.type === 'trueFalse' ? (
              <TrueFalseEditor {...props} />
            ) : d.type === 'numeric' ? (
              <NumericEditor {...props} />
            ) : d.type === 'text' ? (
              <TextAnswersEditor {...props} />
            ) : d.type === 'ordering' ? (
              <OrderingEditor {...props} />
            ) : (
              <MatchingEditor {...props} />
            )}
            <DraftField
              o={d}
              k="explanation"
              ctx={ctx}
              id={`${uid}-explanation`}
              area
              rows={2}
              optional
              label={t('quizStudio.explanation')}
              hint={t('quizStudio.explanationHint')}
              error={err('/explanation')}
            />
          </>
        )}
      </div>
    </li>
  );
}

function SettingsEditor({ s, ctx, poolSize }: { s: DraftSettings; ctx: Ctx; poolSize: number }) {
  const err = (f: string) => ctx.errors[`settings/${f}`];
  return (
    <section class="quiz-edit-settings" aria-labelledby="quiz-settings-title">
      <h3 id="quiz-settings-title">{t('quizStudio.settings')}</h3>
      <GroupError error={ctx.errors.settings} />
      <div class="quiz-settings-grid">
        <RadioGroup
          name="qs-mode"
          legend={t('quizStudio.mode')}
          value={s.mode}
          error={err('mode')}
          onChange={(v) => ((s.mode = v), ctx.changed())}
          options={[
            { value: 'graded', label: t('quiz.modeGraded'), hint: t('quizStudio.modeGradedHint') },
            { value: 'practice', label: t('quiz.modePractice'), hint: t('quizStudio.modePracticeHint') },
          ]}
        />
        <div>
          <DraftField o={s} k="passMark" ctx={ctx} id="qs-passmark" class="quiz-num" numeric label={t('quizStudio.passMark')} error={err('passMark')} />
          <RadioGroup
            name="qs-attempts"
            legend={t('quizStudio.maxAttempts')}
            value={s.limited ? 'limited' : 'unlimited'}
            onChange={(v) => ((s.limited = v === 'limited'), ctx.changed())}
            options={[
              { value: 'unlimited', label: t('quizStudio.attemptsUnlimited') },
              { value: 'limited', label: t('quizStudio.attemptsLimited') },
            ]}
          />
          {s.limited && (
            <DraftField o={s} k="maxAttempts" ctx={ctx} id="qs-max" class="quiz-num" numeric label={t('quizStudio.attemptsNumber')} error={err('maxAttempts')} />
          )}
        </div>
        <div>
          <SelectField
            id="qs-reveal"
            label={t('quizStudio.reveal')}
            hint={t('quizStudio.revealHint')}
            value={s.reveal}
            error={err('reveal')}
            onChange={(v) => ((s.reveal = v), ctx.changed())}
            options={[
              { value: 'afterEachAttempt', label: t('quizStudio.reveal.afterEachAttempt') },
              { value: 'afterPassing', label: t('quizStudio.reveal.afterPassing') },
              { value: 'afterLastAttempt', label: t('quizStudio.reveal.afterLastAttempt') },
              { value: 'never', label: t('quizStudio.reveal.never') },
            ]}
          />
          <CheckField id="qs-shuffle-q" label={t('quizStudio.shuffleQuestions')} checked={s.shuffleQuestions} onChange={(v) => ((s.shuffleQuestions = v), ctx.changed())} />
          <CheckField
            id="qs-shuffle-c"
            label={t('quizStudio.shuffleChoices')}
            hint={t('quizStudio.shuffleChoicesHint')}
            checked={s.shuffleChoices}
            onChange={(v) => ((s.shuffleChoices = v), ctx.changed())}
          />
          <CheckField id="qs-draw" label={t('quizStudio.draw')} checked={s.draw} onChange={(v) => ((s.draw = v), ctx.changed())} />
          {s.draw && (
            <DraftField
              o={s}
              k="drawCount"
              ctx={ctx}
              id="qs-draw-count"
              class="quiz-num"
              numeric
              label={t('quizStudio.drawCount')}
              hint={t('quizStudio.drawCountHint', { pool: poolSize })}
              error={err('drawCount')}
            />
          )}
        </div>
      </div>
    </section>
  );
}

function Preview({ questions, onClose }: { questions: Draft[]; onClose: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [note, setNote] = useState('');
  useEffect(() => heading.current?.focus(), []);
  const learner = questions.map(toLearner);
  return (
    <section class="quiz-preview" aria-labelledby="quiz-preview-title">
      <h3 id="quiz-preview-title" ref={heading} tabIndex={-1}>
        {t('quizStudio.previewTitle')}
      </h3>
      <p class="notice">{t('quizStudio.previewNote')}</p>
      <p>
        <button type="button" class="button" onClick={onClose}>
          {t('quizStudio.backToEditor')}
        </button>
      </p>
      {learner.length ? (
        <QuizForm
          questions={learner}
          idPrefix="preview"
          onSubmit={() => setNote(t('quizStudio.previewSubmitted'))}
          submitLabel={t('quiz.submit')}
          status={
            <p class="quiz-save-status" role="status">
              {note}
            </p>
          }
        />
      ) : (
        <p>{t('quizStudio.noQuestions')}</p>
      )}
    </section>
  );
}

/** The studio's quiz editor: settings, questions of every type, preview, and GIFT import/export. */
export default function QuizLessonStudio({ lesson, onChanged }: LessonStudioProps) {
  const [data, setData] = useState<ReturnType<typeof editSnapshot> | null>(null);
  const [updatedAt, setUpdatedAt] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [, setVersion] = useState(0);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [closed, setClosed] = useState<Set<string>>(new Set());
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [preview, setPreview] = useState(false);
  const [newType, setNewType] = useState<QuestionType>('single');
  const focusTarget = useRef<string | null>(null);
  const focusFirstError = useRef(false);
  const root = useRef<HTMLDivElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);

  /** Takes the server's quiz as the new working copy. `closedAt`: positions to keep folded (after a save). */
  const apply = (q: QuizEdit, closedAt?: Set<number>) => {
    const snap = editSnapshot(q);
    setData(snap);
    setUpdatedAt(q.updatedAt);
    setDirty(false);
    setErrors({});
    // A long quiz opens folded, so its list stays readable; a short one opens ready to edit.
    setClosed(new Set(snap.questions.filter((_, i) => (closedAt ? closedAt.has(i) : snap.questions.length > 4)).map((d) => d.key)));
  };

  const load = async () => {
    setLoadError(null);
    try {
      apply(await quizzes.edit(lesson.id));
    } catch (err) {
      setLoadError(describeError(err).message);
    }
  };
  useEffect(() => {
    void load();
  }, [lesson.id]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  useEffect(() => {
    if (focusFirstError.current) {
      focusFirstError.current = false;
      root.current?.querySelector<HTMLElement>('[aria-invalid="true"], .quiz-group-error')?.focus();
      return;
    }
    const id = focusTarget.current;
    focusTarget.current = null;
    if (id && document.activeElement?.id !== id) document.getElementById(id)?.focus();
  });

  if (loadError) return <LoadError message={loadError} retry={() => void load()} />;
  if (!data) return <Loading />;

  const ctx: Ctx = {
    changed: (reordered) => {
      if (reordered) setErrors({});
      setDirty(true);
      setVersion((v) => v + 1);
    },
    errors,
    announce: (m) => setAnnouncement(m),
    focusLater: (id) => {
      focusTarget.current = id;
    },
  };

  const toggle = (key: string) => {
    const next = new Set(closed);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setClosed(next);
  };

  const add = () => {
    const d = newDraft(newType);
    data.questions.push(d);
    ctx.focusLater(`qe-${d.key}-text`);
    ctx.announce(t('quizStudio.added', { n: data.questions.length, type: typeLabel(newType) }));
    ctx.changed();
  };

  const remove = (index: number) => {
    const [gone] = data.questions.splice(index, 1);
    const next = data.questions[index] ?? data.questions[index - 1];
    ctx.focusLater(next ? `qe-${next.key}-heading` : 'qs-new-type');
    ctx.announce(t('quizStudio.deleted', { n: index + 1, text: excerpt(gone.title || gone.text) || typeLabel(gone.type) }));
    ctx.changed(true);
  };

  const save = async () => {
    if (saving) return;
    setSaving(true);
    setStatus(null);
    try {
      const saved = await quizzes.saveEdit(lesson.id, toBody(data.settings, data.questions));
      // Keep the lecturer's folding; the keys are new, so map it by position.
      const closedAt = new Set(data.questions.map((d, i) => (closed.has(d.key) ? i : -1)).filter((i) => i >= 0));
      apply(saved, closedAt);
      onChanged?.();
      setStatus({ kind: 'success', text: plural(saved.questions.length, 'quizStudio.savedOkOne', 'quizStudio.savedOk') });
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        const placed = placeErrors(err.errors, data.questions, quizMessage);
        setErrors(placed);
        // Open every question with a problem, so focus can go to the first one.
        const next = new Set(closed);
        data.questions.forEach((d, i) => {
          if (Object.keys(placed).some((k) => k === `questions/${i}` || k.startsWith(`questions/${i}/`))) next.delete(d.key);
        });
        setClosed(next);
        const count = Object.keys(placed).length;
        setStatus({ kind: 'error', text: plural(count, 'quizStudio.saveInvalidOne', 'quizStudio.saveInvalid') });
        focusFirstError.current = true;
      } else {
        setStatus({ kind: 'error', text: describeError(err).message });
        statusRef.current?.focus();
      }
    } finally {
      setSaving(false);
    }
  };

  if (preview) {
    return (
      <div class="quiz-studio">
        <Preview
          questions={data.questions}
          onClose={() => {
            setPreview(false);
            focusTarget.current = 'qs-preview';
          }}
        />
      </div>
    );
  }

  return (
    <div class="quiz-studio" ref={root}>
      <div class="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
      <SettingsEditor s={data.settings} ctx={ctx} poolSize={data.questions.length} />

      <section class="quiz-edit-questions" aria-labelledby="quiz-questions-title">
        <h3 id="quiz-questions-title">
          {t('quizStudio.questions')} <span class="muted">({data.questions.length})</span>
        </h3>
        <GroupError error={errors.questions} />
        {data.questions.length === 0 && <p>{t('quizStudio.noQuestions')}</p>}
        <ol class="quiz-edit-list">
          {data.questions.map((d, i) => (
            <QuestionCard
              key={d.key}
              d={d}
              index={i}
              list={data.questions}
              ctx={ctx}
              open={!closed.has(d.key)}
              onToggle={() => toggle(d.key)}
              onDelete={() => remove(i)}
            />
          ))}
        </ol>
        <div class="quiz-add">
          <SelectField id="qs-new-type" label={t('quizStudio.newType')} value={newType} onChange={setNewType} options={TYPES.map((ty) => ({ value: ty, label: typeLabel(ty) }))} />
          <button type="button" class="button" onClick={add}>
            + {t('quizStudio.addQuestion')}
          </button>
        </div>
      </section>

      <div class="quiz-save-bar">
        <div
          ref={statusRef}
          tabIndex={-1}
          class={`form-status${status ? ` form-status--${status.kind}` : ''}`}
          aria-live="polite"
          aria-atomic="true"
        >
          {status && <p>{status.text}</p>}
        </div>
        <div class="actions">
          <button type="button" class="button button--primary" aria-disabled={saving ? 'true' : undefined} onClick={() => void save()}>
            {saving ? t('state.saving') : t('quizStudio.save')}
          </button>
          <button id="qs-preview" type="button" class="button" onClick={() => setPreview(true)}>
            {t('quizStudio.preview')}
          </button>
          <span class="muted">
            {dirty ? t('quizStudio.unsaved') : updatedAt ? t('quizStudio.savedAt', { when: formatDateTime(updatedAt) }) : t('quizStudio.neverSaved')}
          </span>
        </div>
      </div>

      <GiftPanel
        lessonId={lesson.id}
        dirty={dirty}
        questionCount={data.questions.length}
        onImported={(q) => {
          apply(q);
          onChanged?.();
        }}
      />
    </div>
  );
}
