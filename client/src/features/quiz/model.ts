import type { LearnerQuestion } from '../../api.ts';

/** A learner's answers by question id, in the shapes the server takes (see the server's AnswersBody). */
export type AnswerMap = Record<string, unknown>;

/** The plain text of server-sanitised HTML, for accessible names and <option> labels (which cannot hold markup). */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  return (doc.body.textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A small, safe rendering of the studio's markdown for the preview: everything is escaped first, then only
 * **bold**, *italic*, `code` and paragraphs are turned back into markup. The learner's real view is rendered by
 * the server; the preview says its formatting is simplified.
 */
export function previewInline(markdown: string): string {
  return escapeHtml(markdown.trim())
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*\n]+)\*/g, '$1<em>$2</em>');
}

export function previewBlock(markdown: string): string {
  return markdown
    .trim()
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map((p) => `<p>${previewInline(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** Reads a number as typed by a Flemish or English learner: "3,14" and "3.14" are the same; "" is no answer. */
export function parseNumber(raw: string): number | null {
  const s = raw.trim().replace(/\s/g, '').replace(',', '.');
  if (s === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** Whether a value counts as an answer (the same idea of "blank" as the server's grading). */
export function isAnswered(q: LearnerQuestion, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  switch (q.type) {
    case 'multiple':
      return Array.isArray(value) && value.length > 0;
    case 'text':
      return typeof value === 'string' && value.trim() !== '';
    case 'numeric':
      return typeof value === 'number' && Number.isFinite(value);
    case 'matching':
      return typeof value === 'object' && Object.keys(value as object).length === (q.left?.length ?? 0);
    default:
      return true;
  }
}

/** The answer a question starts with: the saved one, or for ordering the order shown (which is an answer too). */
export function initialAnswer(q: LearnerQuestion, saved: unknown): unknown {
  if (saved !== undefined && saved !== null) return saved;
  if (q.type === 'ordering') return (q.items ?? []).map((i) => i.id);
  return undefined;
}
