/**
 * CSV for spreadsheets (RFC 4180). Spreadsheet programs run a cell that starts with =, +, -, @, tab or CR as a
 * formula, and learners choose their own names: such a cell gets a leading apostrophe so it stays text (OWASP
 * "CSV injection"). Cells holding a quote, comma or line break are quoted, inner quotes doubled.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const raw = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return NEEDS_QUOTES.test(text) || text !== raw ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
