import type { ComponentChildren } from 'preact';
import { t } from '../../i18n/quiz-studio.ts';

/** Small labelled controls for the quiz editor: every input has a <label>, its hint and its error tied to it. */

export function describedBy(id: string, hint?: unknown, error?: unknown): string | undefined {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
}

export function ErrorText({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      {error}
    </p>
  );
}

/** An error about a group (the choices, the answers ...) rather than one field; focusable for the save summary. */
export function GroupError({ error }: { error?: string }) {
  if (!error) return null;
  return (
    <p class="field-error quiz-group-error" tabIndex={-1}>
      {error}
    </p>
  );
}

export interface TextFieldProps {
  id: string;
  label: ComponentChildren;
  value: string;
  onInput: (value: string) => void;
  error?: string;
  hint?: string;
  area?: boolean;
  rows?: number;
  optional?: boolean;
  /** Numbers are typed as text ("2,5" is fine), so no spinner fights the lecturer. */
  numeric?: boolean;
  class?: string;
  maxLength?: number;
}

export function TextField(p: TextFieldProps) {
  const common = {
    id: p.id,
    value: p.value,
    'aria-invalid': p.error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(p.id, p.hint, p.error),
    maxLength: p.maxLength,
  };
  return (
    <div class={`field${p.error ? ' field--invalid' : ''}${p.class ? ` ${p.class}` : ''}`}>
      <label for={p.id}>
        {p.label}
        {p.optional && <span class="optional"> ({t('form.optional')})</span>}
      </label>
      {p.hint && (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
      {p.area ? (
        <textarea {...common} rows={p.rows ?? 3} onInput={(e) => p.onInput(e.currentTarget.value)} />
      ) : (
        <input
          {...common}
          type="text"
          inputMode={p.numeric ? 'decimal' : undefined}
          autoComplete="off"
          spellcheck={p.numeric ? false : undefined}
          onInput={(e) => p.onInput(e.currentTarget.value)}
        />
      )}
      <ErrorText id={p.id} error={p.error} />
    </div>
  );
}

export function CheckField({ id, label, checked, onChange, hint }: { id: string; label: ComponentChildren; checked: boolean; onChange: (v: boolean) => void; hint?: string }) {
  return (
    <div class="field quiz-check">
      <label class="checkbox" for={id}>
        <input id={id} type="checkbox" checked={checked} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(e) => onChange(e.currentTarget.checked)} />
        <span>{label}</span>
      </label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function RadioGroup<V extends string>({
  name,
  legend,
  value,
  options,
  onChange,
  error,
  hint,
}: {
  name: string;
  legend: ComponentChildren;
  value: V;
  options: { value: V; label: ComponentChildren; hint?: string }[];
  onChange: (v: V) => void;
  error?: string;
  hint?: string;
}) {
  return (
    <fieldset class={`field quiz-radios${error ? ' field--invalid' : ''}`} aria-describedby={describedBy(name, hint, error)}>
      <legend>{legend}</legend>
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {options.map((o) => (
        <label class="checkbox" key={o.value} for={`${name}-${o.value}`}>
          <input id={`${name}-${o.value}`} type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
          <span>
            {o.label}
            {o.hint && <span class="muted"> — {o.hint}</span>}
          </span>
        </label>
      ))}
      <ErrorText id={name} error={error} />
    </fieldset>
  );
}

export function SelectField<V extends string>({
  id,
  label,
  value,
  options,
  onChange,
  error,
  hint,
}: {
  id: string;
  label: ComponentChildren;
  value: V;
  options: { value: V; label: string }[];
  onChange: (v: V) => void;
  error?: string;
  hint?: string;
}) {
  return (
    <div class={`field${error ? ' field--invalid' : ''}`}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <select id={id} value={value} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, hint, error)} onChange={(e) => onChange(e.currentTarget.value as V)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <ErrorText id={id} error={error} />
    </div>
  );
}
