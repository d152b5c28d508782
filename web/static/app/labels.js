// Readable French labels. The server's catalogue (GET /api/v1/labels, and
// the label and rule fields of /api/v1/profiles) is used when it answers;
// until then these fallbacks name what the page shows.
import { get } from './api.js';

const fallbackBands = {
  Ind_0_3: '0 à 3 ans', Ind_4_5: '4 à 5 ans', Ind_6_10: '6 à 10 ans', Ind_11_17: '11 à 17 ans',
  Ind_18_24: '18 à 24 ans', Ind_25_39: '25 à 39 ans', Ind_40_54: '40 à 54 ans', Ind_55_64: '55 à 64 ans',
  Ind_65_79: '65 à 79 ans', Ind_80p: '80 ans et plus', Ind_inc: 'âge inconnu',
};
const fallbackModes = { walk: 'à pied', senior: 'à pied, au pas d\'un senior', bike: 'à vélo', car: 'en voiture' };
// The built-in profiles' names, until the server's catalogue gives them.
const fallbackProfiles = {
  'france-services-30min-car': 'Tous, 30 min en voiture d\'une France Services',
  'demarches-20min-car': 'Tous, 20 min en voiture d\'une aide aux démarches',
  'seniors-20min-walk': '65 ans et plus, 20 min à pied',
  'needs-help-30min-car': 'Personnes ayant besoin d\'aide, 30 min en voiture',
};

let catalogue = {};

/** Loads the server's catalogue if it has one (a 404 leaves the fallbacks). */
export async function load() {
  try { catalogue = (await get('/api/v1/labels')) || {}; } catch { catalogue = {}; }
}

function pick(group, key, fallback) {
  const g = catalogue[group];
  const v = g && (Array.isArray(g) ? g.find(x => x.key === key || x.name === key || x.id === key) : g[key]);
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') return v.label || v.fr || fallback;
  return fallback;
}

/** The age band's label, e.g. Ind_80p → « 80 ans et plus ». */
export function band(key) { return pick('age_bands', key, fallbackBands[key] || key); }

function who(pop) {
  const p = [...pop].sort().join(',');
  if (p === 'Ind') return 'Tous les habitants';
  if (p === 'Ind_65_79,Ind_80p') return '65 ans et plus';
  if (p === 'Ind_80p') return '80 ans et plus';
  return pop.map(band).join(', ');
}

/** The profile's readable label, e.g. « 65 ans et plus, 20 min à pied ». */
export function profile(p) {
  if (p.label) return p.label;
  if (fallbackProfiles[p.name]) return fallbackProfiles[p.name];
  return `${who(p.population)}, ${p.max_minutes} min ${pick('modes', p.mode, fallbackModes[p.mode] || p.mode)}`;
}

/** The profile's rule in words. */
export function rule(p) {
  if (p.rule) return p.rule;
  let r = `Couvert : un lieu adapté à ${p.max_minutes} min ou moins ${fallbackModes[p.mode] || p.mode}`;
  r += p.engine_used === 'road' ? ' par le réseau routier' : ' à vol d\'oiseau (avec détour)';
  if (p.min_weekly_hours > 0) r += `, ouvert au moins ${p.min_weekly_hours} h par semaine`;
  if (p.name.startsWith('france-services')) r += ' (lieu labellisé France Services)';
  return r + '.';
}

const days = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
const dayKeys = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'];

/** A venue's hours ({mo: ["09:00-12:00"]…}) as rows [day, « 9 h – 12 h, 13 h 30 – 17 h »]. */
export function week(hours) {
  return dayKeys.map((k, i) => [days[i], (hours?.[k] || []).map(span).join(', ') || 'fermé']);
}

function span(s) {
  return s.split('-').map(t => {
    const [h, m] = t.split(':');
    return `${Number(h)} h${m && m !== '00' ? ' ' + m : ''}`;
  }).join(' – ');
}

export { days, dayKeys };
