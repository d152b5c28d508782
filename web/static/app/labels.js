// Readable French labels, from the server's one catalogue
// (GET /api/v1/labels, package internal/labels) and the label and rule of
// each profile (the page's config has them as /api/v1/profiles does). A key the catalogue lacks shows as it is.
import { get } from './api.js';

let catalogue = {};

/** Loads the server's catalogue (an error leaves the raw keys). */
export async function load() {
  try { catalogue = (await get('/api/v1/labels')) || {}; } catch { catalogue = {}; }
}

/** The age band's label, e.g. Ind_80p → « 80 ans ou plus ». */
export function band(key) { return catalogue.age_bands?.[key] || key; }

/** The profile's readable label, e.g. « 65 ans ou plus, 20 min à pied ». */
export function profile(p) { return p.label || catalogue.profiles?.[p.name]?.label || p.name; }

/** The profile's rule in words. */
export function rule(p) { return p.rule || catalogue.profiles?.[p.name]?.rule || ''; }

const dayKeys = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'];
const dayCodes = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];

/** The name of day i (0: Monday). */
export function day(i) { return catalogue.days?.[dayCodes[i]] || dayCodes[i]; }

/** A venue's hours ({mo: ["09:00-12:00"]…}) as rows [day, « 9 h – 12 h, 13 h 30 – 17 h »]. */
export function week(hours) {
  return dayKeys.map((k, i) => [day(i), (hours?.[k] || []).map(span).join(', ') || 'fermé']);
}

function span(s) {
  return s.split('-').map(t => {
    const [h, m] = t.split(':');
    return `${Number(h)} h${m && m !== '00' ? ' ' + m : ''}`;
  }).join(' – ');
}
