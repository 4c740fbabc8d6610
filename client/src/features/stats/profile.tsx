import { Field, Form, SubmitButton, optional, text, useForm } from '../../components/form.tsx';
import { auth } from '../../api.ts';
import { t } from '../../i18n/account.ts';
import { lang } from '../../i18n/core.ts';
import { me } from '../../session.ts';

/** ISO 3166-1 alpha-2, current codes; shown by their name in the page's language. */
const COUNTRIES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI ' +
  'CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR ' +
  'GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU ' +
  'LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL ' +
  'PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO ' +
  'TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

function countryOptions(): { code: string; name: string }[] {
  const names = new Intl.DisplayNames([lang.value === 'nl' ? 'nl-BE' : 'en-GB'], { type: 'region' });
  const collator = new Intl.Collator(lang.value);
  return COUNTRIES.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) => collator.compare(a.name, b.name));
}

/**
 * The learner's optional, self-declared country and home institution: used only in aggregate statistics
 * (breakdowns in the open statistics, where groups under 10 learners are suppressed).
 */
export function StatisticsProfile() {
  const user = me.value!;
  const form = useForm();
  const id = `${form.id}-country`;
  const error = form.errors.country;
  const onSubmit = async (data: FormData) => {
    const r = await auth.updateProfile({ country: text(data, 'country') || null, homeInstitution: optional(data, 'homeInstitution') });
    me.value = r.user;
    return t('stats.saved');
  };
  return (
    <section aria-labelledby="stats-profile">
      <h2 id="stats-profile">{t('stats.title')}</h2>
      <p>{t('stats.lead')}</p>
      <div class="narrow">
        <Form form={form} onSubmit={onSubmit}>
          <div class={`field${error ? ' field--invalid' : ''}`}>
            <label for={id}>
              {t('stats.country')}
              <span class="optional"> ({t('form.optional')})</span>
            </label>
            <select id={id} name="country" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}>
              <option value="" selected={!user.country}>
                {t('stats.noCountry')}
              </option>
              {countryOptions().map((c) => (
                <option key={c.code} value={c.code} selected={c.code === user.country}>
                  {c.name}
                </option>
              ))}
            </select>
            {error && (
              <p class="field-error" id={`${id}-error`}>
                {error}
              </p>
            )}
          </div>
          <Field form={form} name="homeInstitution" label={t('stats.home')} hint={t('stats.homeHint')} maxLength={200} defaultValue={user.homeInstitution ?? ''} autoComplete="organization" />
          <SubmitButton form={form}>{t('stats.save')}</SubmitButton>
        </Form>
      </div>
    </section>
  );
}
