import { useEffect, useRef, useState } from 'preact/hooks';
import { Form, SubmitButton, text, useForm } from '../components/form.tsx';
import { Checkbox, Input, Select, TextArea } from '../components/studio-fields.tsx';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { ApiError, credentials, type AwardSettings, type AwardSettingsBody, type AwardedCredential } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/credentials.ts';
import { formatDateTime, formatNumber, lang } from '../i18n/core.ts';
import type { PageProps } from '../routes.ts';
import { kindName } from '../features/credentials/kind.ts';
import '../features/credentials/credentials.css';

type Field = AwardSettings['readiness']['missing'][number];
type Warning = AwardSettings['readiness']['warnings'][number];
const fieldLabel = (f: Field) => t(`awards.field.${f}`);

function Readiness({ s, courseId }: { s: AwardSettings; courseId: string }) {
  const r = s.readiness;
  return (
    <div class="readiness">
      {r.complete ? (
        <p class="notice">{t('awards.ready')}</p>
      ) : (
        <div class="notice">
          <p>{t('awards.missing')}</p>
          <ul>
            {r.missing.map((f) => (
              <li key={f}>{fieldLabel(f)}</li>
            ))}
          </ul>
          <p>
            <a href={`/studio/courses/${encodeURIComponent(courseId)}`}>{t('awards.editCourse')}</a>
          </p>
        </div>
      )}
      {r.warnings.length > 0 && (
        <ul class="notice">
          {r.warnings.map((w: Warning) => (
            <li key={w}>{t(`awards.warn.${w}`)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Settings({ s, courseId, onSaved }: { s: AwardSettings; courseId: string; onSaved: (next: AwardSettings) => void }) {
  const form = useForm();
  const onSubmit = async (data: FormData) => {
    const vks = text(data, 'vksLevel');
    const body: AwardSettingsBody = {
      participationEnabled: data.get('participationEnabled') === '1',
      participationPercent: Number(text(data, 'participationPercent')),
      achievementEnabled: data.get('achievementEnabled') === '1',
      achievementPercent: Number(text(data, 'achievementPercent')),
      microCredential: data.get('microCredential') === '1',
      vksLevel: vks ? Number(vks) : null,
      assessmentType: text(data, 'assessmentType'),
      qualityAssurance: text(data, 'qualityAssurance'),
      stackability: text(data, 'stackability'),
    };
    try {
      onSaved(await credentials.saveAwards(courseId, body));
      return t('awards.saved');
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 422) throw err;
      // The server lists what a micro-credential still lacks: fields of this form are marked as required; the
      // course's own fields are named in the summary, since they are edited on the course page.
      const own = err.errors.filter((e) => e.pointer.startsWith('/body/') && e.pointer !== '/body/achievementEnabled');
      const course = err.errors.filter((e) => e.pointer.startsWith('/course/')).map((e) => fieldLabel(e.pointer.slice('/course/'.length) as Field));
      const detail = err.errors.some((e) => e.pointer === '/body/achievementEnabled')
        ? t('awards.needsAchievement')
        : `${t('awards.refused')}${course.length ? ` ${course.join(', ')}.` : ''}`;
      throw new ApiError({
        ...err.problem,
        code: own.length ? 'LEERPAD_VALIDATION' : err.code,
        detail,
        errors: own.map((e) => ({ pointer: e.pointer, message: 'must have required property' })),
      });
    }
  };
  return (
    <Form form={form} onSubmit={onSubmit} label={t('awards.settings')}>
      <fieldset class="awards-fieldset">
        <legend>{t('awards.participation')}</legend>
        <Checkbox form={form} name="participationEnabled" label={t('awards.participationEnabled')} defaultChecked={s.participationEnabled} />
        <div class="awards-percent">
          <Input
            form={form}
            type="number"
            name="participationPercent"
            label={t('awards.participationPercent')}
            hint={t('awards.participationHint')}
            defaultValue={String(s.participationPercent)}
            min={1}
            max={100}
            inputMode="numeric"
            required
          />
        </div>
      </fieldset>
      <fieldset class="awards-fieldset">
        <legend>{t('awards.achievement')}</legend>
        <Checkbox form={form} name="achievementEnabled" label={t('awards.achievementEnabled')} defaultChecked={s.achievementEnabled} />
        <div class="awards-percent">
          <Input
            form={form}
            type="number"
            name="achievementPercent"
            label={t('awards.achievementPercent')}
            hint={t('awards.achievementHint', { count: s.gradedQuizzes })}
            defaultValue={String(s.achievementPercent)}
            min={1}
            max={100}
            inputMode="numeric"
            required
          />
        </div>
      </fieldset>
      <fieldset class="awards-fieldset">
        <legend>{t('awards.micro')}</legend>
        <p class="hint">{t('awards.microLead')}</p>
        <Readiness s={s} courseId={courseId} />
        <Checkbox form={form} name="microCredential" label={t('awards.microEnabled')} defaultChecked={s.microCredential} />
        <Select
          form={form}
          name="vksLevel"
          label={t('awards.vksLevel')}
          defaultValue={s.vksLevel === null ? '' : String(s.vksLevel)}
          options={[{ value: '', label: t('awards.vksNone') }, ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ value: String(n), label: String(n) }))]}
        />
        <div class="awards-field">
          <TextArea form={form} name="assessmentType" label={t('awards.assessmentType')} hint={t('awards.assessmentHint')} defaultValue={s.assessmentType} maxLength={1000} rows={2} />
          <TextArea form={form} name="qualityAssurance" label={t('awards.qualityAssurance')} hint={t('awards.qualityHint')} defaultValue={s.qualityAssurance} maxLength={1000} rows={2} />
          <TextArea form={form} name="stackability" label={t('awards.stackability')} hint={t('awards.stackabilityHint')} defaultValue={s.stackability} maxLength={1000} rows={2} />
        </div>
        <dl class="facts facts--compact">
          <dt>{t('awards.participationForm')}</dt>
          <dd>{s.participationForm[lang.value]}</dd>
        </dl>
      </fieldset>
      <SubmitButton form={form}>{t('awards.save')}</SubmitButton>
    </Form>
  );
}

function RevokeForm({ c, onDone, onCancel }: { c: AwardedCredential; onDone: (next: AwardedCredential) => void; onCancel: () => void }) {
  const form = useForm();
  const wrap = useRef<HTMLDivElement>(null);
  useEffect(() => {
    wrap.current?.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  }, []);
  const onSubmit = async (data: FormData) => {
    const r = await credentials.revoke(c.id, text(data, 'reason'));
    onDone(r.credential);
  };
  return (
    <div ref={wrap} class="revoke-form" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <Form form={form} onSubmit={onSubmit} label={t('awards.revokeTitle', { name: c.learnerName })}>
        <TextArea form={form} name="reason" label={t('awards.reason')} hint={t('awards.reasonHint')} maxLength={500} rows={2} required />
        <div class="actions">
          <SubmitButton form={form}>{t('awards.confirmRevoke')}</SubmitButton>
          <button type="button" class="button button--quiet" onClick={onCancel}>
            {t('action.cancel')}
          </button>
        </div>
      </Form>
    </div>
  );
}

function Awarded({ items, onRevoked }: { items: AwardedCredential[]; onRevoked: (next: AwardedCredential) => void }) {
  const [open, setOpen] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const status = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const close = () => {
    setOpen(null);
    // Back to the button that opened the form, so keyboard users keep their place.
    requestAnimationFrame(() => opener.current?.focus());
  };
  if (!items.length) return <p>{t('awards.noneAwarded')}</p>;
  return (
    <>
      <div ref={status} tabIndex={-1} class={`form-status${message ? ' form-status--success' : ''}`} aria-live="polite" aria-atomic="true">
        {message && <p>{message}</p>}
      </div>
      <div class="table-wrap">
        <table class="data-table">
          <caption class="visually-hidden">{t('awards.awarded')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('awards.learner')}</th>
              <th scope="col">{t('cred.type')}</th>
              <th scope="col">{t('cred.issuedOn')}</th>
              <th scope="col">{t('awards.score')}</th>
              <th scope="col">{t('cred.status')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.learnerName}</th>
                <td>{kindName(c)}</td>
                <td>{formatDateTime(c.issuedAt)}</td>
                <td>{c.scorePercent === null ? '–' : `${formatNumber(c.scorePercent)} %`}</td>
                <td>
                  {c.revoked ? (
                    <>
                      <span class="badge badge--warn">{t('cred.revoked')}</span>
                      {c.revokedReason && <p class="muted">{c.revokedReason}</p>}
                    </>
                  ) : open === c.id ? (
                    <RevokeForm
                      c={c}
                      onCancel={close}
                      onDone={(next) => {
                        onRevoked(next);
                        setOpen(null);
                        setMessage(t('awards.revokedDone', { name: c.learnerName }));
                        requestAnimationFrame(() => status.current?.focus());
                      }}
                    />
                  ) : (
                    <>
                      <span class="badge badge--ok">{t('cred.valid')}</span>{' '}
                      <button
                        type="button"
                        class="button button--small"
                        aria-label={t('awards.revokeLabel', { name: c.learnerName })}
                        onClick={(e) => {
                          opener.current = e.currentTarget;
                          setMessage(null);
                          setOpen(c.id);
                        }}
                      >
                        {t('awards.revoke')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

const tally = (items: AwardedCredential[]) => ({
  participation: items.filter((c) => !c.revoked && c.kind === 'participation').length,
  achievement: items.filter((c) => !c.revoked && c.kind === 'achievement').length,
  revoked: items.filter((c) => c.revoked).length,
});

export default function StudioCredentials({ params }: PageProps) {
  const courseId = params.id;
  const [settings, setSettings] = useState<AwardSettings | null>(null);
  const [awarded, setAwarded] = useState<AwardedCredential[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    Promise.all([credentials.awards(courseId), credentials.awarded(courseId)]).then(
      ([s, a]) => {
        setSettings(s);
        setAwarded(a.items);
      },
      (err) => setError(describeError(err).message),
    );
  };
  useEffect(load, [courseId]);

  const title = settings ? t('awards.title', { course: settings.course.title }) : t('awards.titleShort');
  return (
    <Page title={title}>
      <p>
        <a href={`/studio/courses/${encodeURIComponent(courseId)}`}>{t('awards.backToCourse')}</a>
      </p>
      {error ? (
        <LoadError message={error} retry={load} />
      ) : !settings || !awarded ? (
        <Loading />
      ) : (
        <>
          <section aria-labelledby="awards-settings">
            <h2 id="awards-settings">{t('awards.settings')}</h2>
            <p>{t('awards.settingsLead')}</p>
            <Settings
              s={settings}
              courseId={courseId}
              onSaved={(next) => {
                setSettings(next);
                // Saving may have awarded learners who already qualified.
                credentials.awarded(courseId).then((a) => setAwarded(a.items), () => undefined);
              }}
            />
          </section>
          <section aria-labelledby="awards-awarded">
            <h2 id="awards-awarded">{t('awards.awarded')}</h2>
            <p>{t('awards.awardedCount', tally(awarded))}</p>
            <Awarded items={awarded} onRevoked={(next) => setAwarded((list) => list && list.map((x) => (x.id === next.id ? next : x)))} />
          </section>
        </>
      )}
    </Page>
  );
}
