import type { ComponentChildren, TargetedEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../errors.ts';
import { t } from '../i18n/common.ts';

/**
 * Form plumbing shared by every page: the submit handler reads FormData, keeps the button inert while the request
 * runs, maps the problem body's `errors[].pointer` to the fields, announces the outcome in a live region and moves
 * focus to the first field in error (or to the message when no field is to blame).
 */
export interface Status {
  kind: 'error' | 'success';
  text: string;
  /** Problems the server raised about fields this form does not show. */
  extra?: string[];
}

export interface FormApi {
  id: string;
  ref: { current: HTMLFormElement | null };
  submitting: boolean;
  errors: Record<string, string>;
  status: Status | null;
  setStatus: (s: Status | null) => void;
  /** onSubmit handler; the action returns a success message to announce, or nothing. */
  handle: (action: (data: FormData, form: HTMLFormElement) => Promise<string | void>) => (e: TargetedEvent<HTMLFormElement, SubmitEvent>) => void;
}

let seq = 0;

export function useForm(): FormApi {
  const [id] = useState(() => `f${++seq}`);
  const ref = useRef<HTMLFormElement | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<Status | null>(null);
  const busy = useRef(false);
  const focusAfterRender = useRef<'error' | 'status' | null>(null);

  useEffect(() => {
    const form = ref.current;
    const want = focusAfterRender.current;
    if (!form || !want) return;
    focusAfterRender.current = null;
    const target = want === 'error' ? form.querySelector<HTMLElement>('[aria-invalid="true"]') : null;
    (target ?? form.querySelector<HTMLElement>('.form-status'))?.focus();
  });

  const handle: FormApi['handle'] = (action) => (e) => {
    e.preventDefault();
    if (busy.current) return;
    const form = e.currentTarget;
    busy.current = true;
    setSubmitting(true);
    setErrors({});
    setStatus(null);
    action(new FormData(form), form).then(
      (message) => {
        if (message) {
          setStatus({ kind: 'success', text: message });
          // Without this, focus would stay on a button that may be about to vanish.
          if (!form.contains(document.activeElement)) focusAfterRender.current = 'status';
        }
      },
      (err: unknown) => {
        const { fields, message } = describeError(err);
        const shown: Record<string, string> = {};
        const extra: string[] = [];
        for (const [name, text] of Object.entries(fields)) {
          if (form.elements.namedItem(name)) shown[name] = text;
          else extra.push(text);
        }
        setErrors(shown);
        setStatus({ kind: 'error', text: message, extra });
        focusAfterRender.current = Object.keys(shown).length ? 'error' : 'status';
      },
    ).finally(() => {
      busy.current = false;
      setSubmitting(false);
    });
  };

  return { id, ref, submitting, errors, status, setStatus, handle };
}

/** The live region of a form: always in the DOM, so a change in its text is announced. */
export function FormStatus({ form }: { form: FormApi }) {
  const s = form.status;
  return (
    <div class={`form-status${s ? ` form-status--${s.kind}` : ''}`} id={`${form.id}-status`} aria-live="polite" aria-atomic="true" tabIndex={-1}>
      {s && (
        <>
          <p>{s.text}</p>
          {s.extra && s.extra.length > 0 && (
            <ul>
              {s.extra.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

export interface FieldProps {
  form: FormApi;
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'search' | 'url' | 'number';
  hint?: string;
  autoComplete?: string;
  required?: boolean;
  defaultValue?: string;
  maxLength?: number;
  spellcheck?: boolean;
  inputMode?: 'text' | 'email' | 'url' | 'numeric' | 'search';
}

/** The id list for aria-describedby: the hint and the error, where shown. */
export const describedBy = (id: string, hint?: string, error?: string) => [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

/** A field's label or legend text, marked "(optional)" unless required. */
export function FieldLabel({ label, required }: { label: string; required?: boolean }) {
  return (
    <>
      {label}
      {!required && <span class="optional"> ({t('form.optional')})</span>}
    </>
  );
}

export function FieldHint({ id, hint }: { id: string; hint?: string }) {
  return hint ? (
    <p class="hint" id={`${id}-hint`}>
      {hint}
    </p>
  ) : null;
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p class="field-error" id={`${id}-error`}>
      {error}
    </p>
  ) : null;
}

/** Label, hint and error around one form control whose id is `id`. */
export function FieldFrame({ id, label, hint, required, error, children }: { id: string; label: string; hint?: string; required?: boolean; error?: string; children: ComponentChildren }) {
  return (
    <div class={`field${error ? ' field--invalid' : ''}`}>
      <label for={id}>
        <FieldLabel label={label} required={required} />
      </label>
      <FieldHint id={id} hint={hint} />
      {children}
      <FieldError id={id} error={error} />
    </div>
  );
}

export function Field(p: FieldProps) {
  const id = `${p.form.id}-${p.name}`;
  const error = p.form.errors[p.name];
  return (
    <FieldFrame id={id} label={p.label} hint={p.hint} required={p.required} error={error}>
      <input
        id={id}
        name={p.name}
        // The input-type union confuses Preact's per-type ARIA role typing; every type here allows a textbox.
        type={(p.type ?? 'text') as 'text'}
        autoComplete={p.autoComplete}
        required={p.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, p.hint, error)}
        defaultValue={p.defaultValue}
        maxLength={p.maxLength}
        spellcheck={p.spellcheck}
        inputMode={p.inputMode}
      />
    </FieldFrame>
  );
}

export function SubmitButton({ form, children, busyLabel }: { form: FormApi; children: ComponentChildren; busyLabel?: string }) {
  return (
    <button type="submit" class="button button--primary" aria-disabled={form.submitting ? 'true' : undefined}>
      {form.submitting ? (busyLabel ?? t('state.saving')) : children}
    </button>
  );
}

/** A <form> wired to useForm: novalidate, because the server's answer is the one source of field errors. */
export function Form({ form, onSubmit, children, label }: {
  form: FormApi;
  onSubmit: (data: FormData, el: HTMLFormElement) => Promise<string | void>;
  children: ComponentChildren;
  label?: string;
}) {
  return (
    <form ref={form.ref} class="form" noValidate onSubmit={form.handle(onSubmit)} aria-label={label} aria-busy={form.submitting ? 'true' : undefined}>
      <FormStatus form={form} />
      {children}
    </form>
  );
}

export const text = (data: FormData, name: string) => String(data.get(name) ?? '');
/** An optional text field: empty means null. */
export const optional = (data: FormData, name: string) => text(data, name).trim() || null;
