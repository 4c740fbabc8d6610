import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { takeFocusRequest } from '../router.ts';
import { t } from '../i18n/common.ts';

let pending: string | null = null;

/** A message for the page a navigation lands on (e.g. "your account was deleted" on the home page), shown once. */
export function noticeForNextPage(message: string) {
  pending = message;
}

/**
 * Every page starts with this: it sets the document title and, after a client-side navigation, moves focus to
 * the page's heading so screen readers announce the new page (a full load starts at the top anyway).
 */
export function Page({ title, children, lead }: { title: string; children?: ComponentChildren; lead?: ComponentChildren }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  const [notice] = useState(() => {
    const message = pending;
    pending = null;
    return message;
  });
  useEffect(() => {
    document.title = `${title} · ${t('site.name')}`;
  }, [title]);
  useEffect(() => {
    if (takeFocusRequest()) h1.current?.focus({ preventScroll: true });
  }, []);
  return (
    <>
      <h1 ref={h1} tabIndex={-1}>
        {title}
      </h1>
      {notice && (
        <div class="notice notice--success" role="status">
          <p>{notice}</p>
        </div>
      )}
      {lead && <p class="lead">{lead}</p>}
      {children}
    </>
  );
}

/** Shown while a page's data loads. */
export function Loading() {
  return (
    <p class="loading" role="status">
      {t('state.loading')}
    </p>
  );
}

/** A failed load with a way to try again; the message is announced. */
export function LoadError({ message, retry }: { message: string; retry?: () => void }) {
  return (
    <div class="notice notice--error" role="alert">
      <p>{message}</p>
      {retry && (
        <button type="button" class="button" onClick={retry}>
          {t('action.retry')}
        </button>
      )}
    </div>
  );
}
