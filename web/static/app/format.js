// French number formats, as every French output writes them
// (internal/labels on the server): 12 345, +607, 78,5 %, +1,2 pts, 12,3 min.
// The thousands separator and the space before % are narrow no-break spaces.
const int = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** n rounded to a whole number: « 12 345 ». */
export function nombre(n) {
  if (n == null || !Number.isFinite(n)) return '—';
  return int.format(Math.round(n) === 0 ? 0 : n); // no « -0 »
}

/** n with a sign: « +1 234 », « -56 », « 0 ». */
export function signe(n) {
  const r = Math.round(n);
  if (r > 0) return '+' + int.format(r);
  if (r < 0) return '-' + int.format(-r);
  return '0';
}

/** share in [0, 1] as « 78,5 % ». */
export function part(s) {
  if (s == null || !Number.isFinite(s)) return '—';
  return one.format(s * 100) + '\u202f%';
}

/** difference of shares in percentage points: « +1,2 pts », « -0,4 pts ». */
export function points(d) {
  const v = Math.round(d * 1000) / 10;
  if (v === 0) return one.format(0) + ' pts';
  return (v > 0 ? '+' : '-') + one.format(Math.abs(v)) + ' pts';
}

/** minutes as « 12,3 min », or « plus de 60 min » when none is within reach. */
export function minutes(m, max) {
  if (m == null || !Number.isFinite(m)) return max ? `plus de ${nombre(max)} min` : '—';
  return one.format(m) + ' min';
}

/** a number with one decimal: « 1,2 ». */
export function decimal(n) {
  if (n == null || !Number.isFinite(n)) return '—';
  return one.format(n);
}

/** HTML-escapes s for insertion as text. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
