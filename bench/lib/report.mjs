// Formatting helpers for the bench runner's console report.
const finite = (v) => typeof v === 'number' && Number.isFinite(v);

export const fmt = {
  int: (v) => (finite(v) ? Math.round(v).toLocaleString('en-US') : '-'),
  ms: (v) => (finite(v) ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3)) : '-'),
  us: (v) => (finite(v) ? v.toFixed(1) : '-'),
  x: (v) => (finite(v) ? `${v >= 10 ? v.toFixed(1) : v.toFixed(2)}x` : '-'),
};

/** Prints a left-aligned first column and right-aligned numeric columns. A short row spans the rest. */
export function printTable(head, rows, out = console.log) {
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.filter((r) => r.length === head.length).map((r) => String(r[i]).length)),
  );
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]) : String(c).padStart(widths[i]))).join('  ');
  out(`  ${line(head)}`);
  out(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) out(r.length === head.length ? `  ${line(r)}` : `  ${String(r[0]).padEnd(widths[0])}  ${r.slice(1).join(' ')}`);
}
