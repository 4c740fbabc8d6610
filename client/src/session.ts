import { computed, effect, signal } from '@preact/signals';
import { ApiError, auth, institutions, type Institution, type Role, type User } from './api.ts';
import { hasStoredLang, isLang, lang, setLang, type Lang } from './i18n/core.ts';

/** The logged-in user: undefined while the first check runs, null when nobody is logged in. */
export const me = signal<User | null | undefined>(undefined);
/** The institution the user belongs to, shown in the header. */
export const myInstitution = signal<Institution | null>(null);

export const loggedIn = computed(() => !!me.value);

/** Same rule as the server: a role, or admin, which may do everything. */
export function hasRole(user: User | null | undefined, role: Role): boolean {
  return !!user && (user.roles.includes(role) || user.roles.includes('admin'));
}

export async function loadMe() {
  try {
    setUser((await auth.me()).user);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) console.warn('could not load the current user', err);
    me.value = null;
  }
}

/** After login or registration. The profile's language applies where this browser has no choice of its own. */
export function setUser(user: User | null) {
  me.value = user;
  if (user?.locale && isLang(user.locale) && user.locale !== lang.value && !hasStoredLang()) setLang(user.locale);
}

export async function logout() {
  try {
    await auth.logout();
  } finally {
    me.value = null;
  }
}

/** The language switch: remembered in this browser, and on the profile when logged in. */
export function chooseLang(l: Lang) {
  setLang(l);
  const user = me.value;
  if (user && user.locale !== l) {
    auth.updateProfile({ locale: l }).then(
      (r) => {
        if (me.value?.id === r.user.id) me.value = r.user;
      },
      (err) => console.warn('could not save the language on the profile', err),
    );
  }
}

let loadedInstitution: string | null = null;
effect(() => {
  const id = me.value?.institutionId ?? null;
  if (id === loadedInstitution) return;
  loadedInstitution = id;
  if (!id) {
    myInstitution.value = null;
    return;
  }
  institutions.get(id).then(
    (r) => {
      if (loadedInstitution === id) myInstitution.value = r.institution;
    },
    () => {
      if (loadedInstitution === id) myInstitution.value = null;
    },
  );
});
