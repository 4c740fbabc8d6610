import type { ComponentChildren } from 'preact';
import { FieldError, FieldFrame, FieldHint, FieldLabel, describedBy, type FormApi } from './form.tsx';

/**
 * Form fields the studio needs beyond components/form.tsx's text inputs: text areas, selects, dates, numbers and
 * checkbox groups. Same conventions: id `${form.id}-${name}`, the server's field errors next to the field,
 * aria-invalid and aria-describedby, "(optional)" on fields that may stay empty.
 */
interface Shell {
  form: FormApi;
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
}

export const fieldId = (form: FormApi, name: string) => `${form.id}-${name}`;

function describe(p: Shell): { id: string; error: string | undefined; describedBy: string | undefined } {
  const id = fieldId(p.form, p.name);
  const error = p.form.errors[p.name];
  return { id, error, describedBy: describedBy(id, p.hint, error) };
}

function Frame({ p, id, error, children }: { p: Shell; id: string; error?: string; children: ComponentChildren }) {
  return (
    <FieldFrame id={id} label={p.label} hint={p.hint} required={p.required} error={error}>
      {children}
    </FieldFrame>
  );
}

export function TextArea(p: Shell & { defaultValue?: string; rows?: number; maxLength?: number; onInput?: (value: string) => void; code?: boolean }) {
  const d = describe(p);
  return (
    <Frame p={p} id={d.id} error={d.error}>
      <textarea
        id={d.id}
        name={p.name}
        rows={p.rows ?? 4}
        maxLength={p.maxLength}
        required={p.required}
        defaultValue={p.defaultValue}
        aria-invalid={d.error ? 'true' : undefined}
        aria-describedby={d.describedBy}
        class={p.code ? 'textarea--code' : undefined}
        spellcheck={p.code ? false : undefined}
        onInput={p.onInput ? (e) => p.onInput!(e.currentTarget.value) : undefined}
      />
    </Frame>
  );
}

export function Select(p: Shell & { defaultValue?: string; options: { value: string; label: string }[] }) {
  const d = describe(p);
  return (
    <Frame p={p} id={d.id} error={d.error}>
      <select id={d.id} name={p.name} defaultValue={p.defaultValue} aria-invalid={d.error ? 'true' : undefined} aria-describedby={d.describedBy}>
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

export function Input(p: Shell & { type: 'date' | 'number' | 'text' | 'email'; defaultValue?: string; min?: number; max?: number; step?: string; inputMode?: 'numeric' | 'decimal' | 'text'; maxLength?: number; autoComplete?: string }) {
  const d = describe(p);
  return (
    <Frame p={p} id={d.id} error={d.error}>
      <input
        id={d.id}
        name={p.name}
        type={p.type as 'text'}
        defaultValue={p.defaultValue}
        min={p.min}
        max={p.max}
        step={p.step}
        inputMode={p.inputMode}
        maxLength={p.maxLength}
        autoComplete={p.autoComplete ?? 'off'}
        required={p.required}
        aria-invalid={d.error ? 'true' : undefined}
        aria-describedby={d.describedBy}
        class={p.type === 'number' || p.type === 'date' ? 'input--short' : undefined}
      />
    </Frame>
  );
}

export function Checkboxes(p: Shell & { options: { value: string; label: string; lang?: string }[]; checked: string[] }) {
  const d = describe(p);
  return (
    <fieldset class={`field checkbox-field${d.error ? ' field--invalid' : ''}`} aria-describedby={d.describedBy}>
      <legend>
        <FieldLabel label={p.label} required={p.required} />
      </legend>
      <FieldHint id={d.id} hint={p.hint} />
      <div class="checkbox-row">
        {p.options.map((o) => (
          <label key={o.value} class="checkbox">
            <input type="checkbox" name={p.name} value={o.value} defaultChecked={p.checked.includes(o.value)} aria-invalid={d.error ? 'true' : undefined} />
            <span lang={o.lang}>{o.label}</span>
          </label>
        ))}
      </div>
      <FieldError id={d.id} error={d.error} />
    </fieldset>
  );
}

export function Checkbox({ form, name, label, hint, defaultChecked }: { form: FormApi; name: string; label: string; hint?: string; defaultChecked?: boolean }) {
  const id = fieldId(form, name);
  return (
    <div class="field">
      <label class="checkbox" for={id}>
        <input id={id} type="checkbox" name={name} value="1" defaultChecked={defaultChecked} aria-describedby={hint ? `${id}-hint` : undefined} />
        {label}
      </label>
      <FieldHint id={id} hint={hint} />
    </div>
  );
}
