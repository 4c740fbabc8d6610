import { useEffect, useRef, useState } from 'preact/hooks';
import { quizzes, type ImportReport, type QuizEdit } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { plural, t } from '../../i18n/quiz-studio.ts';
import { RadioGroup } from './fields.tsx';
import { giftLineText } from './gift-problems.ts';

type Mode = 'append' | 'replace';

/**
 * GIFT import and export. An import is always checked first (a dry run): the lecturer sees what will be imported
 * and every problem with its line number, and only then confirms. The server takes a file all or nothing.
 */
export function GiftPanel({ lessonId, dirty, questionCount, onImported }: { lessonId: string; dirty: boolean; questionCount: number; onImported: (q: QuizEdit) => void }) {
  const [source, setSource] = useState<'paste' | 'file'>('paste');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<Mode>('append');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const reportRef = useRef<HTMLElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const focusReport = useRef(false);

  useEffect(() => {
    if (focusReport.current && report) {
      focusReport.current = false;
      reportRef.current?.focus();
    }
  }, [report]);

  const input = (): string | File | null => (source === 'paste' ? (text.trim() ? text : null) : file);

  const check = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const src = input();
    setStatus(null);
    setReport(null);
    if (!src) {
      setInputError(source === 'paste' ? t('quizStudio.gift.needText') : t('quizStudio.gift.needFile'));
      document.getElementById(source === 'paste' ? 'gift-text' : 'gift-file')?.focus();
      return;
    }
    setInputError(null);
    setBusy(true);
    try {
      focusReport.current = true;
      setReport(await quizzes.importGift(lessonId, src, { dryRun: true, mode }));
    } catch (err) {
      setStatus({ kind: 'error', text: describeError(err).message });
      statusRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    const src = input();
    if (busy || !src || !report?.ok) return;
    setBusy(true);
    try {
      const done = await quizzes.importGift(lessonId, src, { dryRun: false, mode });
      onImported(await quizzes.edit(lessonId));
      setReport(null);
      setText('');
      setFile(null);
      setStatus({ kind: 'success', text: plural(done.imported, 'quizStudio.gift.importedOne', 'quizStudio.gift.imported') });
    } catch (err) {
      setStatus({ kind: 'error', text: describeError(err).message });
    } finally {
      setBusy(false);
      statusRef.current?.focus();
    }
  };

  const reset = () => {
    setReport(null);
    setStatus(null);
  };

  return (
    <section class="quiz-gift" aria-labelledby="gift-title">
      <h3 id="gift-title">{t('quizStudio.gift.title')}</h3>
      <p>{t('quizStudio.gift.lead')}</p>
      <p class="actions">
        <a class="button" href={quizzes.exportUrl(lessonId)} download>
          {t('quizStudio.gift.export')}
        </a>
        {dirty && <span class="muted">{t('quizStudio.gift.exportSaved')}</span>}
      </p>

      <h4 id="gift-import-title">{t('quizStudio.gift.importTitle')}</h4>
      <div ref={statusRef} tabIndex={-1} class={`form-status${status ? ` form-status--${status.kind}` : ''}`} aria-live="polite" aria-atomic="true">
        {status && <p>{status.text}</p>}
      </div>
      <form class="form" noValidate onSubmit={(e) => void check(e)} aria-labelledby="gift-import-title">
        <RadioGroup
          name="gift-source"
          legend={t('quizStudio.gift.source')}
          value={source}
          onChange={(v) => {
            setSource(v);
            setInputError(null);
            reset();
          }}
          options={[
            { value: 'paste', label: t('quizStudio.gift.paste') },
            { value: 'file', label: t('quizStudio.gift.file') },
          ]}
        />
        {source === 'paste' ? (
          <div class={`field${inputError ? ' field--invalid' : ''}`}>
            <label for="gift-text">{t('quizStudio.gift.text')}</label>
            <p class="hint" id="gift-text-hint">
              {t('quizStudio.gift.textHint')}
            </p>
            <textarea
              id="gift-text"
              class="quiz-gift-text"
              rows={8}
              spellcheck={false}
              value={text}
              aria-invalid={inputError ? 'true' : undefined}
              aria-describedby={`gift-text-hint${inputError ? ' gift-text-error' : ''}`}
              onInput={(e) => {
                setText(e.currentTarget.value);
                if (report) reset();
              }}
            />
            {inputError && (
              <p class="field-error" id="gift-text-error">
                {inputError}
              </p>
            )}
          </div>
        ) : (
          <div class={`field${inputError ? ' field--invalid' : ''}`}>
            <label for="gift-file">{t('quizStudio.gift.fileLabel')}</label>
            <input
              id="gift-file"
              type="file"
              accept=".gift,.txt,text/plain"
              aria-invalid={inputError ? 'true' : undefined}
              aria-describedby={inputError ? 'gift-file-error' : undefined}
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                reset();
              }}
            />
            {inputError && (
              <p class="field-error" id="gift-file-error">
                {inputError}
              </p>
            )}
          </div>
        )}
        {/* An empty quiz has nothing to keep or replace. */}
        {questionCount > 0 && (
          <RadioGroup
            name="gift-mode"
            legend={t('quizStudio.gift.mode')}
            value={mode}
            onChange={(v) => {
              setMode(v);
              reset();
            }}
            options={[
              { value: 'append', label: t('quizStudio.gift.append') },
              { value: 'replace', label: t('quizStudio.gift.replace'), hint: plural(questionCount, 'quizStudio.gift.replaceHintOne', 'quizStudio.gift.replaceHint') },
            ]}
          />
        )}
        <button id="gift-check" type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
          {busy && !report ? t('quizStudio.gift.checking') : t('quizStudio.gift.check')}
        </button>
      </form>

      {report && (
        <section class="quiz-gift-report card" ref={reportRef} tabIndex={-1} aria-labelledby="gift-report-title">
          <h5 id="gift-report-title">{t('quizStudio.gift.reportTitle')}</h5>
          <p class={report.ok ? 'quiz-verdict quiz-verdict--passed' : 'quiz-verdict quiz-verdict--failed'}>
            {report.ok
              ? plural(report.questions.length, 'quizStudio.gift.readyOne', 'quizStudio.gift.ready')
              : plural(report.problems.length, 'quizStudio.gift.notReadyOne', 'quizStudio.gift.notReady')}
          </p>
          {report.problems.length > 0 && (
            <>
              <h6>{t('quizStudio.gift.problems')}</h6>
              <ul class="quiz-gift-problems">
                {report.problems.map((p, i) => (
                  <li key={i}>
                    <strong>{t('quizStudio.gift.line', { line: p.line })}</strong> {giftLineText(p)}
                  </li>
                ))}
              </ul>
            </>
          )}
          {report.warnings.length > 0 && (
            <>
              <h6>{t('quizStudio.gift.warnings')}</h6>
              <ul>
                {report.warnings.map((p, i) => (
                  <li key={i}>
                    <strong>{t('quizStudio.gift.line', { line: p.line })}</strong> {giftLineText(p)}
                  </li>
                ))}
              </ul>
            </>
          )}
          {report.questions.length > 0 && (
            <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="gift-questions-caption">
              <table class="data-table">
                <caption id="gift-questions-caption">{t('quizStudio.gift.questionsCaption', { count: report.questions.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('quizStudio.gift.colLine')}</th>
                    <th scope="col">{t('quizStudio.gift.colType')}</th>
                    <th scope="col">{t('quizStudio.gift.colQuestion')}</th>
                    <th scope="col">{t('quizStudio.gift.colCategory')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.questions.map((q, i) => (
                    <tr key={i}>
                      <td>{q.line}</td>
                      <td>{t(`quizStudio.type.${q.type}`)}</td>
                      <td>
                        {q.title && <strong>{q.title}: </strong>}
                        {q.text}
                      </td>
                      <td>{q.category ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {report.ok && dirty && <p class="notice">{t('quizStudio.gift.dirtyWarning')}</p>}
          <div class="actions">
            {report.ok && (
              <button type="button" class="button button--primary" aria-disabled={busy ? 'true' : undefined} onClick={() => void confirm()}>
                {busy
                  ? t('quizStudio.gift.importing')
                  : mode === 'replace'
                    ? plural(report.questions.length, 'quizStudio.gift.confirmReplaceOne', 'quizStudio.gift.confirmReplace')
                    : plural(report.questions.length, 'quizStudio.gift.confirmAppendOne', 'quizStudio.gift.confirmAppend')}
              </button>
            )}
            <button
              type="button"
              class="button"
              onClick={() => {
                reset();
                document.getElementById('gift-check')?.focus();
              }}
            >
              {t('action.cancel')}
            </button>
          </div>
        </section>
      )}
    </section>
  );
}
