import type { ComponentChildren } from 'preact';

/**
 * A data table in its scroll wrapper: a header row with one column header per label, and, with `actions`, a last
 * column for the row's buttons whose header only a screen reader announces. `children` are the body's rows.
 * With `caption`, the table gets a visually hidden caption that also names the wrapper, which then takes focus,
 * so a keyboard can scroll it sideways on a narrow screen.
 */
export function DataTable({ columns, actions, caption, children }: { columns: string[]; actions?: string; caption?: { id: string; text: string }; children: ComponentChildren }) {
  return (
    <div class="table-wrap" tabIndex={caption ? 0 : undefined} role={caption ? 'region' : undefined} aria-labelledby={caption?.id}>
      <table class="data-table">
        {caption && (
          <caption id={caption.id} class="visually-hidden">
            {caption.text}
          </caption>
        )}
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
            {actions !== undefined && (
              <th scope="col">
                <span class="visually-hidden">{actions}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
