import { useEffect, useRef, useState } from 'preact/hooks';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { credentials, type MyCredential } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/credentials.ts';
import { formatDateTime } from '../i18n/core.ts';
import { kindName } from '../features/credentials/kind.ts';
import '../features/credentials/credentials.css';

/** Last path segment of a download, so the saved file gets a telling name. */
const fileName = (c: MyCredential, ext: string) => `leerpad-${c.kind}-${c.id.slice(0, 8)}.${ext}`;

function CredentialCard({ c, onChanged }: { c: MyCredential; onChanged: (next: MyCredential) => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const headingId = `cred-${c.id}`;
  const linkId = `cred-link-${c.id}`;
  const course = c.courseTitle;

  // Optimistic, as the admin's role boxes: the box shows the choice at once and goes back if the server refuses it
  // (a controlled box that waited for the answer would flip back on its own while the request is under way).
  const togglePublic = async (visible: boolean) => {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    onChanged({ ...c, public: visible });
    try {
      const r = await credentials.setPublic(c.id, visible);
      onChanged(r.credential);
      setMessage({ kind: 'success', text: t(visible ? 'cred.publicOn' : 'cred.publicOff') });
    } catch (err) {
      onChanged(c);
      setMessage({ kind: 'error', text: describeError(err).message });
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(c.verifyUrl);
      setMessage({ kind: 'success', text: t('cred.copied') });
    } catch {
      setMessage({ kind: 'error', text: t('cred.copyFailed') });
    }
  };

  return (
    <li class="card credential" aria-labelledby={headingId}>
      <h2 id={headingId} class="credential__title">
        {course}
      </h2>
      <p class="credential__badges">
        <span class="badge">{kindName(c)}</span>{' '}
        {c.revoked ? <span class="badge badge--warn">{t('cred.revoked')}</span> : <span class="badge badge--ok">{t('cred.valid')}</span>}
      </p>
      <dl class="facts facts--compact">
        <dt>{t('cred.issuedOn')}</dt>
        <dd>{formatDateTime(c.issuedAt)}</dd>
        {c.institutionName && (
          <>
            <dt>{t('cred.issuedBy')}</dt>
            <dd>{c.institutionName}</dd>
          </>
        )}
        {c.revokedAt && (
          <>
            <dt>{t('cred.status')}</dt>
            <dd>{t('cred.revokedOn', { date: formatDateTime(c.revokedAt) })}</dd>
          </>
        )}
      </dl>

      <h3 class="credential__sub">{t('cred.downloads')}</h3>
      <ul class="credential__downloads">
        <li>
          <a class="button button--primary button--small" href={c.pdfUrl} download={fileName(c, 'pdf')} aria-label={t('cred.pdfLabel', { course })}>
            {t('cred.pdf')}
          </a>
        </li>
        <li>
          <a class="button button--small" href={c.jsonUrl} download={fileName(c, 'json')} aria-label={t('cred.jsonLabel', { course })}>
            {t('cred.json')}
          </a>
        </li>
        <li>
          <a class="button button--small" href={c.jwtUrl} download={fileName(c, 'jwt')} aria-label={t('cred.jwtLabel', { course })}>
            {t('cred.jwt')}
          </a>
        </li>
        <li>
          <a class="button button--small" href={c.elmUrl} download={fileName(c, 'jsonld')} aria-label={t('cred.elmLabel', { course })}>
            {t('cred.elm')}
          </a>
        </li>
      </ul>

      <h3 class="credential__sub">{t('cred.share')}</h3>
      <p class="hint">{t('cred.shareHint')}</p>
      <div class="field">
        <label for={linkId}>{t('cred.shareLink')}</label>
        <div class="inline-controls">
          <input id={linkId} type="url" readOnly value={c.verifyUrl} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" class="button button--small" onClick={copy} aria-label={t('cred.copyLabel', { course })}>
            {t('cred.copy')}
          </button>
        </div>
      </div>
      <p>
        <a href={new URL(c.verifyUrl).pathname}>{t('cred.open')}</a>
      </p>
      <label class="checkbox credential__public">
        <input type="checkbox" checked={c.public} aria-disabled={busy ? 'true' : undefined} onChange={(e) => togglePublic(e.currentTarget.checked)} />
        <span>{t('cred.public')}</span>
      </label>
      <div class={`form-status${message ? ` form-status--${message.kind}` : ''}`} aria-live="polite" aria-atomic="true">
        {message && <p>{message.text}</p>}
      </div>
    </li>
  );
}

export default function Credentials() {
  const [items, setItems] = useState<MyCredential[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = useRef(true);
  const load = () => {
    setError(null);
    credentials.mine().then(
      (r) => live.current && setItems(r.items),
      (err) => live.current && setError(describeError(err).message),
    );
  };
  useEffect(() => {
    load();
    return () => {
      live.current = false;
    };
  }, []);

  return (
    <Page title={t('cred.title')} lead={t('cred.lead')}>
      {error ? (
        <LoadError message={error} retry={load} />
      ) : !items ? (
        <Loading />
      ) : items.length === 0 ? (
        <>
          <p>{t('cred.none')}</p>
          <p>
            <a href="/my-courses">{t('cred.toMyCourses')}</a>
          </p>
        </>
      ) : (
        <ul class="credential-list">
          {items.map((c) => (
            <CredentialCard key={c.id} c={c} onChanged={(next) => setItems((list) => list && list.map((x) => (x.id === next.id ? next : x)))} />
          ))}
        </ul>
      )}
    </Page>
  );
}
