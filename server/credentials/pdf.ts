import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CredentialRecord } from './documents.ts';
import { institutionName, kindLabel, urls } from './documents.ts';

/**
 * The printable certificate: A4 landscape, Dutch and English side by side, with a QR code that leads to the public
 * verification page. The standard Helvetica covers Windows-1252 (every Dutch, French and German name); a name
 * or title outside it switches to a Unicode TrueType font found on the system, or degrades to "?" without one.
 */
export interface PdfOptions {
  baseUrl: string;
  siteName: string;
  /** Where "/media/<x>" logo paths live (the data folder) and where other "/<x>" paths live (the built client). */
  dataDir: string;
  clientDir: string;
  /** Off in tests, so the text can be read from the file. */
  compress?: boolean;
}

const UNICODE_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/liberation/LiberationSans-Regular.ttf',
];
const UNICODE_BOLD = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  '/usr/share/fonts/liberation/LiberationSans-Bold.ttf',
];

// Windows-1252 beyond Latin-1: what the standard PDF fonts can show besides U+0020..U+007E and U+00A0..U+00FF.
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const winAnsi = (ch: string) => {
  const c = ch.codePointAt(0)!;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || c === 0x0a || CP1252_EXTRA.has(ch);
};
export const fitsWinAnsi = (text: string) => [...text].every(winAnsi);

/** A PNG or JPEG logo from a local path; remote logos are never fetched while rendering. */
export function localLogo(logoUrl: string | null | undefined, opts: Pick<PdfOptions, 'dataDir' | 'clientDir'>): Buffer | null {
  if (!logoUrl || !logoUrl.startsWith('/') || logoUrl.startsWith('//')) return null;
  const clean = logoUrl.split(/[?#]/)[0];
  const [root, rel] = clean.startsWith('/media/') ? [opts.dataDir, clean.slice('/media/'.length)] : [opts.clientDir, clean.slice(1)];
  try {
    const rootReal = realpathSync(root);
    const full = realpathSync(path.resolve(rootReal, decodeURIComponent(rel)));
    if (!full.startsWith(rootReal + path.sep) || !statSync(full).isFile() || statSync(full).size > 2 * 1024 * 1024) return null;
    const buf = readFileSync(full);
    const png = buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const jpg = buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
    return png || jpg ? buf : null;
  } catch {
    return null;
  }
}

const formatDate = (ms: number, lang: 'nl' | 'en') =>
  new Intl.DateTimeFormat(lang === 'nl' ? 'nl-BE' : 'en-GB', { dateStyle: 'long', timeZone: 'Europe/Brussels' }).format(new Date(ms));

const formatNumber = (n: number, lang: 'nl' | 'en') => new Intl.NumberFormat(lang === 'nl' ? 'nl-BE' : 'en-GB', { maximumFractionDigits: 1 }).format(n);

export async function renderCertificatePdf(rec: CredentialRecord, opts: PdfOptions): Promise<Buffer> {
  const s = rec.snapshot;
  const u = urls(opts.baseUrl, rec.id);
  const micro = rec.microCredential;
  const instNl = institutionName(s, 'nl', opts.siteName);
  const instEn = institutionName(s, 'en', opts.siteName);
  const everything = [s.learner.name, s.course.title, instNl, instEn, ...s.course.learningOutcomes, s.award.assessmentType, s.award.qualityAssurance, s.award.stackability, s.course.prerequisites].join('');
  const unicodeFont = fitsWinAnsi(everything) ? null : UNICODE_FONTS.find((f) => existsSync(f));
  const unicodeBold = unicodeFont ? (UNICODE_BOLD.find((f) => existsSync(f)) ?? unicodeFont) : null;
  const clean = (text: string) => (unicodeFont || fitsWinAnsi(text) ? text : [...text].map((ch) => (winAnsi(ch) ? ch : '?')).join(''));

  // Loaded on the first certificate, not at start-up: pdfkit with fontkit, brotli and its font data is ~10 MB of
  // heap that an idle server does not need.
  const [{ default: PDFDocument }, { default: QRCode }] = await Promise.all([import('pdfkit'), import('qrcode')]);
  const qr = await QRCode.toBuffer(u.verify, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 360 });
  const logo = localLogo(s.institution?.logoUrl, opts);

  const title = `${kindLabel(rec.kind, micro, 'nl')} / ${kindLabel(rec.kind, micro, 'en')}`;
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    compress: opts.compress ?? true,
    lang: 'nl-BE',
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: `${title}: ${s.course.title}`,
      Author: instEn,
      Subject: `${s.learner.name} · ${s.course.title}`,
      Keywords: `${u.verify}`,
      Creator: opts.siteName,
      CreationDate: new Date(rec.issuedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  if (unicodeFont) {
    doc.registerFont('regular', unicodeFont);
    doc.registerFont('bold', unicodeBold!);
  } else {
    doc.registerFont('regular', 'Helvetica');
    doc.registerFont('bold', 'Helvetica-Bold');
  }

  const W = doc.page.width;
  const H = doc.page.height;
  const M = 48;
  const brand = '#1d4e89';
  const muted = '#4a5563';
  const text = '#1b1f24';

  doc.rect(20, 20, W - 40, H - 40).lineWidth(2).stroke(brand);
  doc.rect(26, 26, W - 52, H - 52).lineWidth(0.5).stroke(brand);

  // Header: logo (when local) and the institution, the platform on the right.
  let headerX = M;
  if (logo) {
    try {
      doc.image(logo, M, M - 6, { fit: [110, 48] });
      headerX = M + 122;
    } catch {
      // A corrupt image must not cost the learner the certificate.
    }
  }
  doc.font('bold').fontSize(12).fillColor(text).text(clean(instNl), headerX, M, { width: 420 });
  if (instEn !== instNl) doc.font('regular').fontSize(10).fillColor(muted).text(clean(instEn), headerX, doc.y, { width: 420 });
  doc.font('regular').fontSize(10).fillColor(muted).text(opts.siteName, W - M - 200, M, { width: 200, align: 'right' });

  // Title and learner.
  let y = 118;
  doc.font('bold').fontSize(26).fillColor(brand).text(title, M, y, { width: W - 2 * M, align: 'center' });
  y = doc.y + 10;
  doc.font('regular').fontSize(11).fillColor(muted).text('Hierbij wordt bevestigd dat  ·  This is to certify that', M, y, { width: W - 2 * M, align: 'center' });
  y = doc.y + 6;
  doc.font('bold').fontSize(24).fillColor(text).text(clean(s.learner.name), M, y, { width: W - 2 * M, align: 'center' });
  y = doc.y + 6;
  const what =
    rec.kind === 'participation'
      ? 'heeft deelgenomen aan de online cursus  ·  has participated in the online course'
      : 'heeft met succes de online cursus afgerond  ·  has successfully completed the online course';
  doc.font('regular').fontSize(11).fillColor(muted).text(what, M, y, { width: W - 2 * M, align: 'center' });
  y = doc.y + 6;
  doc.font('bold').fontSize(18).fillColor(text).text(clean(s.course.title), M + 40, y, { width: W - 2 * M - 80, align: 'center' });
  y = doc.y + 14;

  // Facts: date, workload, credits, level, score.
  const facts: [string, string][] = [['Datum / Date', `${formatDate(rec.issuedAt, 'nl')} / ${formatDate(rec.issuedAt, 'en')}`]];
  if (s.course.workloadHours) facts.push(['Studiebelasting / Workload', `${formatNumber(s.course.workloadHours, 'nl')} uur / ${formatNumber(s.course.workloadHours, 'en')} hours`]);
  if (s.course.ects) facts.push(['Studiepunten / Credits', `${formatNumber(s.course.ects, 'nl')} ECTS`]);
  if (s.course.eqfLevel || s.course.vksLevel) {
    facts.push(['Niveau / Level', [s.course.eqfLevel ? `EQF ${s.course.eqfLevel}` : '', s.course.vksLevel ? `VKS ${s.course.vksLevel}` : ''].filter(Boolean).join(' · ')]);
  }
  if (rec.kind === 'achievement' && s.award.scorePercent !== null) facts.push(['Score', `${formatNumber(s.award.scorePercent, 'nl')} %`]);
  // The bilingual date needs about twice the room of the other facts.
  const weights = facts.map((_, i) => (i === 0 ? 2 : 1));
  const unit = (W - 2 * M) / weights.reduce((a, b) => a + b, 0);
  let x = M;
  facts.forEach(([label, value], i) => {
    const colW = unit * weights[i];
    doc.font('regular').fontSize(8).fillColor(muted).text(label, x, y, { width: colW - 10 });
    doc.font('bold').fontSize(9.5).fillColor(text).text(value, x, doc.y + 1, { width: colW - 10 });
    x += colW;
  });
  y += 44;

  // Learning outcomes (and the micro-credential particulars), left of the QR code.
  const boxW = W - 2 * M - 150;
  const bottom = H - M - 26;
  if (s.course.learningOutcomes.length) {
    doc.font('bold').fontSize(10).fillColor(text).text('Leerresultaten / Learning outcomes', M, y, { width: boxW });
    doc.font('regular').fontSize(9).fillColor(text);
    const limit = micro ? 5 : 7;
    const shown = s.course.learningOutcomes.slice(0, limit);
    doc.list(shown.map(clean), M + 4, doc.y + 3, { width: boxW - 4, bulletRadius: 1.6, textIndent: 10, height: bottom - doc.y - (micro ? 60 : 0), ellipsis: true });
    if (s.course.learningOutcomes.length > limit) {
      doc.fillColor(muted).text(`+ ${s.course.learningOutcomes.length - limit} … (${u.verify})`, M + 14, doc.y + 1, { width: boxW - 14 });
    }
  }
  if (micro) {
    const particulars = [
      `Beoordeling / Assessment: ${s.award.assessmentType}`,
      `Deelname / Participation: ${s.award.participationForm.nl} / ${s.award.participationForm.en}`,
      `Kwaliteitszorg / Quality assurance: ${s.award.qualityAssurance}`,
      `Voorkennis / Prerequisites: ${s.course.prerequisites}`,
      `Stapelbaarheid / Stackability: ${s.award.stackability}`,
    ].map(clean);
    doc.font('regular').fontSize(7.5).fillColor(muted);
    const startY = Math.max(doc.y + 6, bottom - 56);
    doc.text(particulars.join('\n'), M, startY, { width: boxW, height: bottom - startY + 14, ellipsis: true });
  }

  // QR code to the verification page, with the address spelled out for those who cannot scan.
  const qrSize = 110;
  const qrX = W - M - qrSize;
  const qrY = H - M - qrSize - 40;
  doc.image(qr, qrX, qrY, { width: qrSize, height: qrSize });
  doc.font('regular').fontSize(7).fillColor(muted).text('Controleer / Verify', qrX - 20, qrY + qrSize + 3, { width: qrSize + 20, align: 'right' });
  doc.text(u.verify, W - M - 300, doc.y + 1, { width: 300, align: 'right', link: u.verify });
  doc.fontSize(7).fillColor(muted).text(`ID ${rec.id}`, M, H - M - 8, { width: 400, lineBreak: false });

  doc.end();
  return done;
}
