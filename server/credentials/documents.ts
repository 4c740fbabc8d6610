import { gzipSync } from 'node:zlib';
import type { AwardKind, Snapshot } from './awards.ts';
import { STATUS_LIST_SIZE } from './awards.ts';
import type { Issuer } from './keys.ts';

/**
 * The documents a credential is published as, built from its frozen snapshot: an Open Badges 3.0
 * OpenBadgeCredential (W3C VC data model 2.0), the revocation status list (Bitstring Status List) and a
 * European Learning Model (ELM 3 / EDC) view with the Annex I fields. Pure functions: same input, same output.
 */
export interface CredentialRecord {
  id: string;
  kind: AwardKind;
  microCredential: boolean;
  issuedAt: number;
  statusList: number;
  statusIndex: number;
  revokedAt: number | null;
  snapshot: Snapshot;
}

/** What every JSON-LD document here has at least. */
export type JsonLd = { '@context': string[]; id: string; type: string[]; [key: string]: unknown };

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const OB_SCHEMA = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * OB 3.0 AchievementType values (a closed list in the spec, extensible only with "ext:" terms):
 * - participation -> "CertificateOfCompletion": "acknowledges completion of an assignment, training or other
 *   activity"; it certifies taking part, not a level reached;
 * - achievement -> "Course": "the result of a curricular course or program", assessed by the graded quizzes;
 * - achievement labelled micro-credential -> "MicroCredential".
 */
export function achievementType(kind: AwardKind, micro: boolean): 'CertificateOfCompletion' | 'Course' | 'MicroCredential' {
  if (kind === 'participation') return 'CertificateOfCompletion';
  return micro ? 'MicroCredential' : 'Course';
}

export const KIND_LABEL = {
  participation: { nl: 'Deelnamebewijs', en: 'Confirmation of participation' },
  achievement: { nl: 'Bewijs van prestatie', en: 'Record of achievement' },
  micro: { nl: 'Microcredential', en: 'Micro-credential' },
} as const;

export function kindLabel(kind: AwardKind, micro: boolean, lang: 'nl' | 'en'): string {
  return (micro ? KIND_LABEL.micro : KIND_LABEL[kind])[lang];
}

export const urls = (baseUrl: string, id: string) => ({
  verify: `${baseUrl}/verify/${id}`,
  json: `${baseUrl}/api/credentials/${id}`,
  jwt: `${baseUrl}/api/credentials/${id}/jwt`,
  pdf: `${baseUrl}/api/credentials/${id}/pdf`,
  elm: `${baseUrl}/api/credentials/${id}/elm`,
});

export const statusListUrl = (baseUrl: string, list: number) => `${baseUrl}/api/credentials/status/${list}`;

/** A stable identifier for what a course awards, shared by every learner who earns it. */
const achievementId = (baseUrl: string, courseId: string, kind: AwardKind) => `${baseUrl}/courses/${courseId}#award-${kind}`;

export function institutionName(s: Snapshot, lang: 'nl' | 'en', fallback: string): string {
  return s.institution ? (lang === 'nl' ? s.institution.nameNl : s.institution.nameEn) : fallback;
}

function criteriaNarrative(s: Snapshot): string {
  const a = s.award;
  const lines: string[] = [];
  if (a.kind === 'participation') {
    lines.push(
      `Completed at least ${a.thresholdPercent}% of the lessons of the online course "${s.course.title}".`,
      `Minstens ${a.thresholdPercent}% van de lessen van de online cursus "${s.course.title}" afgerond.`,
    );
  } else {
    const quizzes = a.gradedQuizzes
      ? ` and scored on average at least ${a.thresholdPercent}% on its graded quizzes (best attempt per quiz)`
      : '';
    const quizzesNl = a.gradedQuizzes ? ` en gemiddeld minstens ${a.thresholdPercent}% behaald op de gequoteerde toetsen (beste poging per toets)` : '';
    lines.push(`Completed the online course "${s.course.title}"${quizzes}.`, `De online cursus "${s.course.title}" volledig afgerond${quizzesNl}.`);
  }
  if (a.microCredential) {
    lines.push(
      '',
      `Type of assessment: ${a.assessmentType}`,
      `Form of participation: ${a.participationForm.en}`,
      `Quality assurance: ${a.qualityAssurance}`,
      `Prerequisites: ${s.course.prerequisites}`,
      `Stackability: ${a.stackability}`,
    );
  }
  return lines.join('\n');
}

function description(s: Snapshot, micro: boolean): string {
  const label = kindLabel(s.award.kind, micro, 'en');
  const summary = s.course.summary.trim();
  return `${label} for the online course "${s.course.title}".${summary ? ` ${summary}` : ''}`;
}

/** The unsigned OpenBadgeCredential. */
export function openBadgeCredential(rec: CredentialRecord, issuer: Issuer, siteName: string): JsonLd {
  const s = rec.snapshot;
  const base = issuer.baseUrl;
  const micro = rec.microCredential;
  const alignment: Record<string, unknown>[] = [];
  if (s.course.eqfLevel) {
    alignment.push({
      type: ['Alignment'],
      targetName: `EQF level ${s.course.eqfLevel}`,
      targetDescription: 'European Qualifications Framework for lifelong learning',
      targetFramework: 'European Qualifications Framework (EQF)',
      targetCode: String(s.course.eqfLevel),
      targetUrl: `http://data.europa.eu/snb/eqf/${s.course.eqfLevel}`,
    });
  }
  if (s.course.vksLevel) {
    alignment.push({
      type: ['Alignment'],
      targetName: `VKS niveau ${s.course.vksLevel}`,
      targetDescription: 'Vlaamse kwalificatiestructuur (Flemish qualifications structure)',
      targetFramework: 'Vlaamse kwalificatiestructuur (VKS)',
      targetCode: String(s.course.vksLevel),
      targetUrl: 'https://www.vlaamsekwalificatiestructuur.be/',
    });
  }
  s.course.learningOutcomes.forEach((outcome, i) => {
    alignment.push({
      type: ['Alignment'],
      targetName: outcome,
      targetType: 'ceasn:Competency',
      targetFramework: `Learning outcomes of "${s.course.title}"`,
      targetCode: `LO${i + 1}`,
      targetUrl: `${base}/courses/${s.course.id}#outcome-${i + 1}`,
    });
  });

  const resultDescriptionId = `${achievementId(base, s.course.id, rec.kind)}-score`;
  const achievement: Record<string, unknown> = {
    id: achievementId(base, s.course.id, rec.kind),
    type: ['Achievement'],
    achievementType: achievementType(rec.kind, micro),
    name: `${kindLabel(rec.kind, micro, 'en')}: ${s.course.title}`,
    description: description(s, micro),
    criteria: { narrative: criteriaNarrative(s) },
    ...(s.course.ects ? { creditsAvailable: s.course.ects } : {}),
    ...(alignment.length ? { alignment } : {}),
    ...(s.course.languages[0] ? { inLanguage: s.course.languages[0] } : {}),
    ...(s.course.iscedCode ? { fieldOfStudy: `ISCED-F ${s.course.iscedCode}` } : {}),
    ...(rec.kind === 'achievement' && s.award.scorePercent !== null
      ? { resultDescription: [{ id: resultDescriptionId, type: ['ResultDescription'], name: 'Average of the best attempt per graded quiz', resultType: 'Percent' }] }
      : {}),
  };

  const inst = s.institution;
  const issuerProfile: Record<string, unknown> = {
    id: issuer.did,
    type: ['Profile'],
    name: institutionName(s, 'en', siteName),
    url: inst?.homepage ?? base,
    ...(inst ? { address: { type: ['Address'], addressCountryCode: inst.country } } : {}),
    ...(inst?.kboNumber ? { otherIdentifier: [{ type: 'IdentifierEntry', identifier: inst.kboNumber, identifierType: 'identifier' }] } : {}),
    ...(inst?.logoUrl ? { image: { id: inst.logoUrl.startsWith('/') ? `${base}${inst.logoUrl}` : inst.logoUrl, type: 'Image' } } : {}),
  };

  const listUrl = statusListUrl(base, rec.statusList);
  return {
    '@context': [VC_CONTEXT, OB_CONTEXT],
    id: `urn:uuid:${rec.id}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${kindLabel(rec.kind, micro, 'en')}: ${s.course.title}`,
    issuer: issuerProfile,
    validFrom: iso(rec.issuedAt),
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [
        { type: 'IdentityObject', identityHash: s.learner.name, identityType: 'name', hashed: false },
        { type: 'IdentityObject', identityHash: s.learner.emailHash, identityType: 'emailAddress', hashed: true, salt: s.learner.salt },
      ],
      ...(s.award.courseCompletedAt && rec.kind === 'achievement' ? { activityEndDate: iso(s.award.courseCompletedAt) } : {}),
      ...(rec.kind === 'achievement' && s.course.ects ? { creditsEarned: s.course.ects } : {}),
      ...(rec.kind === 'achievement' && s.award.scorePercent !== null
        ? { result: [{ type: ['Result'], resultDescription: resultDescriptionId, value: String(s.award.scorePercent) }] }
        : {}),
      achievement,
    },
    credentialStatus: {
      id: `${listUrl}#${rec.statusIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(rec.statusIndex),
      statusListCredential: listUrl,
    },
    credentialSchema: [{ id: OB_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
  };
}

/** JWT claims for the VC-JOSE-COSE form: the credential is the payload; registered claims mirror it. */
export function jwtPayload(rec: CredentialRecord, credential: JsonLd, issuer: Issuer): Record<string, unknown> {
  const seconds = Math.floor(rec.issuedAt / 1000);
  return { ...credential, iss: issuer.did, jti: credential.id, nbf: seconds, iat: seconds };
}

// ---- status list ---------------------------------------------------------------------------------------------

/** GZIP of the bitstring (index 0 is the most significant bit of the first byte), base64url, multibase 'u'. */
export function encodeStatusList(revokedIndexes: Iterable<number>, size = STATUS_LIST_SIZE): string {
  const bits = Buffer.alloc(size / 8);
  for (const i of revokedIndexes) if (i >= 0 && i < size) bits[i >> 3] |= 0x80 >> (i & 7);
  return `u${gzipSync(bits).toString('base64url')}`;
}

export function statusListCredential(issuer: Issuer, list: number, revokedIndexes: number[], validFrom: number): JsonLd {
  const url = statusListUrl(issuer.baseUrl, list);
  return {
    '@context': [VC_CONTEXT],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuer.did,
    validFrom: iso(validFrom),
    credentialSubject: { id: `${url}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: encodeStatusList(revokedIndexes) },
  };
}

// ---- European Learning Model (EDC) ---------------------------------------------------------------------------

const concept = (id: string | null, labels: Record<string, string>) => ({ ...(id ? { id } : {}), type: 'Concept', prefLabel: labels });
const note = (texts: Record<string, string>) => ({ type: 'Note', noteLiteral: texts });
const COUNTRY3: Record<string, string> = { BE: 'BEL', NL: 'NLD', FR: 'FRA', DE: 'DEU', LU: 'LUX', GB: 'GBR' };
const LANGUAGE3: Record<string, string> = { nl: 'NLD', en: 'ENG', fr: 'FRA', de: 'DEU' };

/**
 * An ELM 3 / European Digital Credential shaped JSON-LD document. It carries every mandatory element of Annex I
 * of the Council Recommendation on micro-credentials (learner, title, country, awarding body, date, learning
 * outcomes, workload, level, type of assessment, form of participation, quality assurance) and the optional ones
 * we know (prerequisites, grade, stackability). It is an export for Europass and registries, not sealed: the
 * signed forms are the VC-JWT and the Open Badge.
 */
export function elmCredential(rec: CredentialRecord, issuer: Issuer, siteName: string): JsonLd {
  const s = rec.snapshot;
  const a = s.award;
  const u = urls(issuer.baseUrl, rec.id);
  const both = (nl: string, en: string) => ({ nl, en });
  const country = s.institution?.country ?? 'BE';
  const awardingBody = {
    id: s.institution ? `${issuer.baseUrl}/api/institutions/${s.institution.id}` : issuer.did,
    type: 'Organisation',
    legalName: both(institutionName(s, 'nl', siteName), institutionName(s, 'en', siteName)),
    ...(s.institution?.homepage ? { homepage: [{ type: 'WebResource', contentURL: s.institution.homepage }] } : {}),
    ...(s.institution?.kboNumber
      ? { registration: { type: 'LegalIdentifier', notation: s.institution.kboNumber, spatial: concept(`http://publications.europa.eu/resource/authority/country/${COUNTRY3[country] ?? country}`, { en: country }) } }
      : {}),
    location: [
      {
        type: 'Location',
        address: [{ type: 'Address', countryCode: concept(`http://publications.europa.eu/resource/authority/country/${COUNTRY3[country] ?? country}`, { en: country }) }],
      },
    ],
  };
  const awardingDate = iso(rec.issuedAt);
  const title = both(`${kindLabel(rec.kind, rec.microCredential, 'nl')}: ${s.course.title}`, `${kindLabel(rec.kind, rec.microCredential, 'en')}: ${s.course.title}`);
  const specification: Record<string, unknown> = {
    id: `${issuer.baseUrl}/courses/${s.course.id}#specification`,
    type: 'LearningAchievementSpecification',
    title: both(s.course.title, s.course.title),
    ...(s.course.summary ? { description: both(s.course.summary, s.course.summary) } : {}),
    learningOutcome: s.course.learningOutcomes.map((o, i) => ({ id: `${issuer.baseUrl}/courses/${s.course.id}#outcome-${i + 1}`, type: 'LearningOutcome', title: both(o, o) })),
    ...(s.course.workloadHours ? { volumeOfLearning: `PT${s.course.workloadHours}H` } : {}),
    ...(s.course.ects
      ? { creditPoint: [{ type: 'CreditPoint', framework: concept(null, { en: 'European Credit Transfer and Accumulation System (ECTS)' }), point: String(s.course.ects) }] }
      : {}),
    ...(s.course.eqfLevel ? { eqfLevel: concept(`http://data.europa.eu/snb/eqf/${s.course.eqfLevel}`, { en: `EQF level ${s.course.eqfLevel}` }) } : {}),
    ...(s.course.vksLevel ? { nqfLevel: [concept(null, { nl: `VKS-niveau ${s.course.vksLevel}`, en: `Flemish qualifications structure level ${s.course.vksLevel}` })] } : {}),
    ...(s.course.iscedCode ? { thematicArea: [concept(`http://data.europa.eu/snb/isced-f/${s.course.iscedCode}`, { en: `ISCED-F ${s.course.iscedCode}` })] } : {}),
    language: s.course.languages.map((l) => concept(`http://publications.europa.eu/resource/authority/language/${LANGUAGE3[l.slice(0, 2).toLowerCase()] ?? l.toUpperCase()}`, { en: l })),
    mode: [concept(null, { nl: a.participationForm.nl, en: a.participationForm.en })],
    learningSetting: concept(null, both('Niet-formeel leren', 'Non-formal learning')),
    ...(s.course.prerequisites.trim() ? { entryRequirement: note(both(s.course.prerequisites, s.course.prerequisites)) } : {}),
    ...(a.stackability.trim() ? { additionalNote: [note(both(`Stapelbaarheid: ${a.stackability}`, `Stackability: ${a.stackability}`))] } : {}),
  };
  const assessment = {
    id: `urn:uuid:${rec.id}#assessment`,
    type: 'LearningAssessment',
    title: both('Beoordeling', 'Assessment'),
    awardedBy: { type: 'AwardingProcess', awardingBody: [awardingBody], awardingDate },
    ...(a.scorePercent !== null && rec.kind === 'achievement' ? { grade: note(both(`${a.scorePercent}%`, `${a.scorePercent}%`)) } : {}),
    specifiedBy: {
      type: 'LearningAssessmentSpecification',
      title: both('Beoordeling', 'Assessment'),
      ...(a.assessmentType.trim() ? { description: both(a.assessmentType, a.assessmentType) } : {}),
      mode: concept(null, both('Online', 'Online')),
    },
  };
  return {
    '@context': ['https://www.w3.org/2018/credentials/v1', 'http://data.europa.eu/snb/model/context/edc-ap'],
    id: `urn:uuid:${rec.id}`,
    type: ['VerifiableCredential', 'EuropeanDigitalCredential'],
    credentialProfiles: [concept(null, { en: rec.microCredential ? 'Micro-credential' : 'Generic' })],
    displayParameter: { type: 'DisplayParameter', title, language: [concept('http://publications.europa.eu/resource/authority/language/NLD', { en: 'Dutch' }), concept('http://publications.europa.eu/resource/authority/language/ENG', { en: 'English' })] },
    issuer: { ...awardingBody, id: issuer.did },
    issuanceDate: awardingDate,
    issued: awardingDate,
    validFrom: awardingDate,
    credentialSubject: {
      id: `urn:uuid:${rec.id}#subject`,
      type: 'Person',
      fullName: both(s.learner.name, s.learner.name),
      hasClaim: [
        {
          id: `urn:uuid:${rec.id}#claim`,
          type: 'LearningAchievement',
          title,
          awardedBy: { type: 'AwardingProcess', awardingBody: [awardingBody], awardingDate },
          specifiedBy: specification,
          ...(rec.kind === 'achievement' ? { provenBy: [assessment] } : {}),
          supplementaryDocument: [{ type: 'WebResource', contentURL: u.verify }],
        },
      ],
    },
    credentialStatus: { id: `${statusListUrl(issuer.baseUrl, rec.statusList)}#${rec.statusIndex}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(rec.statusIndex), statusListCredential: statusListUrl(issuer.baseUrl, rec.statusList) },
  };
}
