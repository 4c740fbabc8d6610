import { useEffect, useState } from 'preact/hooks';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { ApiError, credentials, type Verification } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/credentials.ts';
import { formatDateTime, formatNumber, lang } from '../i18n/core.ts';
import type { PageProps } from '../routes.ts';
import { kindName } from '../features/credentials/kind.ts';
import '../features/credentials/credentials.css';

type State = { kind: 'loading' } | { kind: 'ok'; v: Verification } | { kind: 'unknown' } | { kind: 'error'; message: string };

function Result({ v }: { v: Verification }) {
  const valid = v.status === 'valid';
  const issuer = lang.value === 'nl' ? v.issuer.nameNl : v.issuer.nameEn;
  return (
    <>
      <div class={`verdict verdict--${v.status}`} role="status">
        <p class="verdict__label">{valid ? t('cred.valid') : t('cred.revoked')}</p>
        <p>{valid ? t('verify.valid') : t('verify.revoked', { date: formatDateTime(v.revokedAt!) })}</p>
      </div>
      <dl class="facts">
        <dt>{t('cred.type')}</dt>
        <dd>{kindName(v)}</dd>
        <dt>{t('cred.issuedBy')}</dt>
        <dd>{issuer}</dd>
        <dt>{t('cred.issuedOn')}</dt>
        <dd>{formatDateTime(v.issuedAt)}</dd>
        {v.learnerName && (
          <>
            <dt>{t('verify.learner')}</dt>
            <dd>{v.learnerName}</dd>
          </>
        )}
        {v.course && (
          <>
            <dt>{t('verify.course')}</dt>
            <dd>{v.course.title}</dd>
            {v.course.workloadHours !== null && (
              <>
                <dt>{t('verify.workload')}</dt>
                <dd>{t('verify.hours', { hours: formatNumber(v.course.workloadHours) })}</dd>
              </>
            )}
            {v.course.ects !== null && (
              <>
                <dt>{t('verify.ects')}</dt>
                <dd>{formatNumber(v.course.ects)} ECTS</dd>
              </>
            )}
            {v.course.eqfLevel !== null && (
              <>
                <dt>{t('verify.eqf')}</dt>
                <dd>{v.course.eqfLevel}</dd>
              </>
            )}
          </>
        )}
        <dt>{t('verify.code')}</dt>
        <dd class="break">{v.id}</dd>
      </dl>
      {v.course && v.course.learningOutcomes.length > 0 && (
        <section aria-labelledby="verify-outcomes">
          <h2 id="verify-outcomes">{t('verify.outcomes')}</h2>
          <ul>
            {v.course.learningOutcomes.map((o, i) => (
              <li key={i}>{o}</li>
            ))}
          </ul>
        </section>
      )}
      {!v.public && <p class="muted">{t('verify.private')}</p>}
      <section aria-labelledby="verify-technical">
        <h2 id="verify-technical">{t('verify.technical')}</h2>
        <p>{t('verify.technicalBody')}</p>
        <ul>
          <li>
            <a href="/.well-known/jwks.json">{t('verify.keys')}</a>
          </li>
          <li>
            <a href={new URL(v.statusListCredential).pathname}>{t('verify.statusList')}</a>
          </li>
        </ul>
      </section>
    </>
  );
}

export default function Verify({ params }: PageProps) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const load = () => {
    setState({ kind: 'loading' });
    credentials.verify(params.id).then(
      (v) => setState({ kind: 'ok', v }),
      (err) => setState(err instanceof ApiError && err.status === 404 ? { kind: 'unknown' } : { kind: 'error', message: describeError(err).message }),
    );
  };
  useEffect(load, [params.id]);

  return (
    <Page title={t('verify.title')} lead={t('verify.lead')}>
      {state.kind === 'loading' ? (
        <Loading />
      ) : state.kind === 'error' ? (
        <LoadError message={state.message} retry={load} />
      ) : state.kind === 'unknown' ? (
        <div class="verdict verdict--unknown" role="status">
          <p class="verdict__label">{t('verify.unknown')}</p>
          <p>{t('verify.unknownBody')}</p>
        </div>
      ) : (
        <Result v={state.v} />
      )}
    </Page>
  );
}
