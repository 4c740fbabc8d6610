import { useEffect, useRef, useState } from 'preact/hooks';
import { Field, Form, SubmitButton, optional, text, useForm } from '../components/form.tsx';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { admin, institutions as institutionsApi, type Institution, type Paged, type Role, type User } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/admin.ts';
import { formatNumber } from '../i18n/core.ts';
import { navigate } from '../router.ts';
import { me } from '../session.ts';
import type { PageProps } from '../routes.ts';
import { DataTable } from '../components/table.tsx';

const ROLES: Role[] = ['lecturer', 'institution-admin', 'admin'];
const PAGE_SIZE = 20;

type Message = { kind: 'success' | 'error'; text: string } | null;

function LiveMessage({ message }: { message: Message }) {
  return (
    <div class={`form-status${message ? ` form-status--${message.kind}` : ''}`} aria-live="polite" aria-atomic="true">
      {message && <p>{message.text}</p>}
    </div>
  );
}

function adminHref(q: string, page: number) {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `/admin?${s}` : '/admin';
}

function Users({ q, page, institutions }: { q: string; page: number; institutions: Institution[] }) {
  const [data, setData] = useState<Paged<User> | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const [pending, setPending] = useState<string | null>(null);
  const self = me.value?.id;

  const load = (signal?: AbortSignal) => {
    setLoadError(null);
    admin.users({ q: q || undefined, page, pageSize: PAGE_SIZE }, signal).then(setData, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setLoadError(describeError(err).message);
    });
  };
  useEffect(() => {
    const ctl = new AbortController();
    load(ctl.signal);
    return () => ctl.abort();
  }, [q, page]);

  const replace = (user: User) => setData((d) => (d ? { ...d, items: d.items.map((u) => (u.id === user.id ? user : u)) } : d));

  /** Shows the change at once (a checkbox must stay as the user left it), and puts it back if the server refuses. */
  const update = async (user: User, patch: { roles?: Role[]; institutionId?: string | null; disabled?: boolean }, done: string) => {
    setPending(user.id);
    setMessage(null);
    replace({ ...user, ...patch });
    try {
      replace((await admin.updateUser(user.id, patch)).user);
      setMessage({ kind: 'success', text: done });
    } catch (err) {
      replace(user);
      setMessage({ kind: 'error', text: describeError(err).message });
    } finally {
      setPending(null);
    }
  };

  const onSearch = (e: Event) => {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    navigate(adminHref(value, 1));
  };

  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const from = data && data.total ? (data.page - 1) * data.pageSize + 1 : 0;
  const to = data ? Math.min(data.total, data.page * data.pageSize) : 0;

  return (
    <section aria-labelledby="users">
      <h2 id="users">{t('users.title')}</h2>
      <form role="search" class="search-form" onSubmit={onSearch} aria-label={t('users.title')}>
        <label for="user-search">{t('users.search')}</label>
        <div class="inline-controls">
          <input id="user-search" name="q" type="search" defaultValue={q} key={q} autoComplete="off" spellcheck={false} />
          <button type="submit" class="button">
            {t('action.search')}
          </button>
        </div>
      </form>
      <LiveMessage message={message} />
      {loadError ? (
        <LoadError message={loadError} retry={() => load()} />
      ) : !data ? (
        <Loading />
      ) : (
        <>
          <p class="result-count" aria-live="polite">
            {data.total ? t('users.range', { from: formatNumber(from), to: formatNumber(to), total: formatNumber(data.total) }) : t('users.none')}
          </p>
          {data.items.length > 0 && (
            <DataTable columns={[t('users.name'), t('users.email'), t('users.roles'), t('users.institution'), t('users.status')]}>
              {data.items.map((u) => {
                const busy = pending === u.id;
                const isSelf = u.id === self;
                return (
                  <tr key={u.id} aria-busy={busy ? 'true' : undefined} class={u.disabled ? 'row--disabled' : undefined}>
                    <th scope="row">
                      {u.name} {isSelf && <span class="muted">{t('users.you')}</span>}
                    </th>
                    <td class="break">{u.email}</td>
                    <td>
                      <fieldset class="checkbox-group">
                        <legend class="visually-hidden">{t('users.rolesOf', { name: u.name })}</legend>
                        {ROLES.map((r) => (
                          <label key={r} class="checkbox">
                            <input
                              type="checkbox"
                              checked={u.roles.includes(r)}
                              disabled={isSelf && r === 'admin'}
                              onChange={(e) => {
                                const box = e.currentTarget;
                                if (pending) {
                                  box.checked = !box.checked;
                                  return;
                                }
                                const roles = box.checked ? [...u.roles, r] : u.roles.filter((x) => x !== r);
                                void update(u, { roles: ROLES.filter((x) => roles.includes(x)) }, t('users.saved', { name: u.name }));
                              }}
                            />
                            {t(`role.${r}`)}
                          </label>
                        ))}
                      </fieldset>
                    </td>
                    <td>
                      <select
                        aria-label={t('users.institutionOf', { name: u.name })}
                        value={u.institutionId ?? ''}
                        onChange={(e) => {
                          if (pending) return setData((d) => (d ? { ...d } : d));
                          const v = e.currentTarget.value;
                          void update(u, { institutionId: v || null }, t('users.saved', { name: u.name }));
                        }}
                      >
                        <option value="">{t('users.noInstitution')}</option>
                        {institutions.map((i) => (
                          <option key={i.id} value={i.id}>
                            {i.shortName}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <span class={`badge${u.disabled ? ' badge--warn' : ' badge--ok'}`}>{u.disabled ? t('users.disabled') : t('users.active')}</span>{' '}
                      {!isSelf && (
                        <button
                          type="button"
                          class="button button--small"
                          aria-disabled={busy ? 'true' : undefined}
                          onClick={() => {
                            if (pending) return;
                            void update(
                              u,
                              { disabled: !u.disabled },
                              u.disabled ? t('users.enabledDone', { name: u.name }) : t('users.disabledDone', { name: u.name }),
                            );
                          }}
                        >
                          {u.disabled ? t('users.enable') : t('users.disable')}
                          <span class="visually-hidden"> {u.name}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </DataTable>
          )}
          {pages > 1 && (
            <nav class="pagination" aria-label={t('users.pages')}>
              {data.page > 1 ? <a href={adminHref(q, data.page - 1)}>{t('action.previous')}</a> : <span aria-hidden="true" />}
              <span>{t('users.page', { page: data.page, pages })}</span>
              {data.page < pages ? <a href={adminHref(q, data.page + 1)}>{t('action.next')}</a> : <span aria-hidden="true" />}
            </nav>
          )}
        </>
      )}
    </section>
  );
}

function InstitutionForm({ institution, onSaved, onCancel }: { institution: Institution | null; onSaved: (i: Institution, created: boolean) => void; onCancel?: () => void }) {
  const form = useForm();
  const editing = !!institution;
  useEffect(() => {
    if (editing) form.ref.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, [institution?.id]);

  const onSubmit = async (data: FormData, el: HTMLFormElement) => {
    const body = {
      shortName: text(data, 'shortName').trim(),
      nameNl: text(data, 'nameNl').trim(),
      nameEn: text(data, 'nameEn').trim(),
      homepage: optional(data, 'homepage'),
      region: optional(data, 'region'),
      kboNumber: optional(data, 'kboNumber'),
    };
    if (institution) {
      const { institution: saved } = await institutionsApi.update(institution.id, body);
      onSaved(saved, false);
      return t('inst.saved', { name: saved.shortName });
    }
    const { institution: saved } = await institutionsApi.create(body);
    el.reset();
    onSaved(saved, true);
    return t('inst.created', { name: saved.shortName });
  };

  const heading = institution ? t('inst.editLabel', { name: institution.shortName }) : t('inst.create');
  return (
    <div class="subsection">
      <h3>{heading}</h3>
      <div class="narrow">
        <Form form={form} onSubmit={onSubmit} label={heading}>
          <Field form={form} name="shortName" label={t('inst.shortName')} hint={t('inst.shortNameHint')} required maxLength={30} defaultValue={institution?.shortName} />
          <Field form={form} name="nameNl" label={t('inst.nameNl')} required maxLength={200} defaultValue={institution?.nameNl} />
          <Field form={form} name="nameEn" label={t('inst.nameEn')} required maxLength={200} defaultValue={institution?.nameEn} />
          <Field form={form} name="homepage" type="url" label={t('inst.homepage')} inputMode="url" defaultValue={institution?.homepage ?? ''} spellcheck={false} />
          <Field form={form} name="region" label={t('inst.region')} hint={t('inst.regionHint')} maxLength={100} defaultValue={institution?.region ?? ''} />
          <Field form={form} name="kboNumber" label={t('inst.kbo')} hint={t('inst.kboHint')} defaultValue={institution?.kboNumber ?? ''} spellcheck={false} />
          <p class="actions">
            <SubmitButton form={form}>{institution ? t('action.save') : t('inst.createSubmit')}</SubmitButton>
            {onCancel && (
              <button type="button" class="button" onClick={onCancel}>
                {t('action.cancel')}
              </button>
            )}
          </p>
        </Form>
      </div>
    </div>
  );
}

function Institutions({ items, error, reload, onSaved }: { items: Institution[] | null; error: string | null; reload: () => void; onSaved: (i: Institution) => void }) {
  const [editing, setEditing] = useState<Institution | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  return (
    <section aria-labelledby="institutions">
      <h2 id="institutions" ref={heading} tabIndex={-1}>
        {t('inst.title')}
      </h2>
      <LiveMessage message={message} />
      {error ? (
        <LoadError message={error} retry={reload} />
      ) : !items ? (
        <Loading />
      ) : items.length === 0 ? (
        <p>{t('inst.none')}</p>
      ) : (
        <DataTable columns={[t('inst.shortName'), t('inst.nameNl'), t('inst.nameEn'), t('inst.homepage')]} actions={t('inst.edit')}>
          {items.map((i) => (
            <tr key={i.id}>
              <th scope="row">{i.shortName}</th>
              <td>{i.nameNl}</td>
              <td>{i.nameEn}</td>
              <td class="break">{i.homepage ? <a href={i.homepage} rel="noopener noreferrer">{i.homepage.replace(/^https?:\/\//, '')}</a> : '—'}</td>
              <td>
                <button type="button" class="button button--small" onClick={() => setEditing(i)} aria-label={t('inst.editLabel', { name: i.shortName })}>
                  {t('inst.edit')}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <InstitutionForm
        key={editing?.id ?? 'new'}
        institution={editing}
        onSaved={(saved, created) => {
          onSaved(saved);
          if (!created) {
            setEditing(null);
            setMessage({ kind: 'success', text: t('inst.saved', { name: saved.shortName }) });
            heading.current?.focus();
          } else setMessage(null);
        }}
        onCancel={
          editing
            ? () => {
                setEditing(null);
                heading.current?.focus();
              }
            : undefined
        }
      />
    </section>
  );
}

export default function Admin({ query }: PageProps) {
  const [items, setItems] = useState<Institution[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    institutionsApi.list().then(
      (r) => setItems(r.items),
      (err: unknown) => setError(describeError(err).message),
    );
  };
  useEffect(load, []);
  const q = query.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  return (
    <Page title={t('admin.title')}>
      <Users q={q} page={page} institutions={items ?? []} />
      <Institutions
        items={items}
        error={error}
        reload={load}
        onSaved={(saved) =>
          setItems((list) => {
            const rest = (list ?? []).filter((i) => i.id !== saved.id);
            return [...rest, saved].sort((a, b) => a.shortName.localeCompare(b.shortName));
          })
        }
      />
    </Page>
  );
}
