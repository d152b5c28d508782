// The planners' web map: what is covered, where the gaps are, what a new
// permanence would change. Plain ES modules over MapLibre GL JS (vendored)
// and this server's /api/v1. The only globals are the test hooks:
// window.maillage.map and window.maillage.ready.
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';
import { get } from './api.js';
import * as labels from './labels.js';
import * as layers from './layers.js';
import { nombre, part, minutes, esc } from './format.js';
import * as draft from './scenario.js';
import * as proposals from './propose.js';

const cfg = JSON.parse(document.getElementById('config').textContent);
const hooks = { map: null, ready: false };
window.maillage = hooks;

/** What the page shows now; the modules read it through ctx. */
const ctx = {
  cfg, map: null, profiles: [], profile: null, coverage: null, cells: null, gaps: null, venues: null,
  mode: 'temps', communes: new Map(), message, profileByName: n => ctx.profiles.find(p => p.name === n),
  refreshVenues: () => showVenues(), setBusy,
};

let busy = 0;
/** Counts pending work; ready is true once the map is idle with nothing pending. */
function setBusy(d) {
  busy += d;
  hooks.ready = false;
  if (busy === 0) ctx.map.once('idle', () => { if (busy === 0) { hooks.ready = true; performance.mark('maillage:prête'); } });
  if (busy === 0) ctx.map.triggerRepaint();
}

/** Shows a message under the header (an error: role alert). */
function message(text, kind = 'info') {
  const el = document.getElementById('message');
  el.hidden = !text;
  el.textContent = text || '';
  el.className = 'message ' + kind;
  el.setAttribute('role', kind === 'erreur' ? 'alert' : 'status');
}

async function start() {
  const params = new URLSearchParams(location.search);
  const coverage = get('/api/v1/coverage');
  const answers = Promise.all([get('/api/v1/venues'), labels.load()]);
  // The profiles come with the page, so the map's first style holds the
  // profile's cells: their tiles load with it, while the answers come.
  ctx.profiles = cfg.profiles;
  const wanted = params.get('profile');
  const first = ctx.profileByName(wanted);
  const notes = [];
  const fallback = ctx.profileByName(cfg.profile) || ctx.profiles[0];
  if (wanted && !first) notes.push(`Profil « ${wanted} » inconnu : la carte montre « ${labels.profile(fallback)} ».`);
  ctx.profile = first || fallback;
  const gapsLoaded = fetchGaps();
  // The map first: its WebGL context, shaders, worker and cell tiles start
  // while the answers come. The camera is fitted from the territory's
  // bounds, before any data, and once more only should the header's height
  // change below.
  const b = cfg.bounds;
  const fit = () => map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 20, animate: false });
  const map = new maplibregl.Map({
    container: 'map', style: layers.baseStyle(cfg, ctx.profile, ctx.mode), bounds: [[b[0], b[1]], [b[2], b[3]]],
    fitBoundsOptions: { padding: 20 }, attributionControl: false, locale: mapLocale,
    fadeDuration: 0, // symbols shown at once, not faded in over 300 ms of frames
  });
  ctx.map = map;
  hooks.map = map;
  busy++;
  const styled = new Promise(r => map.once('style.load', r));
  map.once('load', () => performance.mark('maillage:carte-chargée'));
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.addControl(new maplibregl.AttributionControl({ compact: true, customAttribution: attribution() }), 'bottom-right');
  // The header's figures come first with placeholders, then as soon as the
  // coverage answers (before the map's data, usually): should either change
  // the map's height, the territory is fitted again then.
  let height = document.getElementById('map').clientHeight;
  const keepFitted = () => {
    const h = document.getElementById('map').clientHeight;
    if (h !== height) { height = h; map.resize(); fit(); }
  };
  fillProfiles();
  figures();
  keepFitted();
  const figured = coverage.then(c => { ctx.coverage = c; figures(); keepFitted(); });
  try {
    const [venues] = await answers;
    ctx.venues = venues;
    for (const f of venues.features) f.properties.kind = layers.kind(f.properties);
    await styled;
    ctx.gaps = await gapsLoaded;
    performance.mark('maillage:données');
    // The sources come with their data and the layers with their colours,
    // so each tile is cut and laid out once.
    layers.install(map, { cfg, profile: ctx.profile, mode: ctx.mode, gaps: ctx.gaps, venues: ctx.venues });
    const painted = repaint();
    draft.init(ctx, maplibregl);
    showVenues();
    map.on('click', onClick);
    map.on('mouseenter', 'lieux', () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', 'lieux', () => { map.getCanvas().style.cursor = ''; });
    wire();
    document.getElementById('lien-rapport').href = draft.reportURL();
    await painted;
    await draft.profileChanged();
    await figured;
    communeList();
    gapList(0);
    proposals.init(ctx, maplibregl);
    const sc = params.get('scenario');
    if (sc) await draft.open(Number(sc), notes);
  } catch (e) {
    notes.push('Chargement impossible : ' + e.message);
  }
  if (notes.length) message(notes.join(' '), 'avertissement');
  setBusy(-1);
  // The cells as GeoJSON (the draft's flipped cells are drawn from them, a
  // commune's extent computed), once the map is drawn.
  map.once('idle', () => ctx.accessData().catch(() => { /* asked again when needed, and reported then */ }));
}

/** Starts loading the current profile's gap zones. */
function fetchGaps() {
  return get(`/api/v1/gaps?profile=${encodeURIComponent(ctx.profile.name)}`);
}

/**
 * The current profile's cells as GeoJSON (/api/v1/access), fetched once per
 * profile: the map draws them from tiles, the page's panels need their
 * geometry and values.
 */
ctx.accessData = () => {
  const name = ctx.profile.name;
  if (accessOf.name !== name) {
    const p = get(`/api/v1/access?profile=${encodeURIComponent(name)}`);
    Object.assign(accessOf, { name, p });
    p.catch(() => { if (accessOf.p === p) accessOf.name = null; }); // a failure is asked again next time
  }
  return accessOf.p;
};
const accessOf = { name: null, p: null };

const mapLocale = {
  'NavigationControl.ZoomIn': 'Zoomer', 'NavigationControl.ZoomOut': 'Dézoomer', 'NavigationControl.ResetBearing': 'Réorienter vers le nord',
  'ScaleControl.Meters': 'm', 'ScaleControl.Kilometers': 'km', 'Popup.Close': 'Fermer', 'Map.Title': 'Carte',
  'AttributionControl.ToggleAttribution': 'Sources', 'CooperativeGesturesHandler.WindowsHelpText': 'Ctrl + molette pour zoomer',
};

function attribution() {
  // The tiles' attribution names the real sources; a fictional territory says so too.
  return cfg.fictional ? 'Territoire fictif — données générées' : undefined;
}

function fillProfiles() {
  const sel = document.getElementById('profil');
  sel.innerHTML = ctx.profiles.map(p => `<option value="${esc(p.name)}">${esc(labels.profile(p))}</option>`).join('');
  sel.value = ctx.profile.name;
  document.getElementById('regle').textContent = labels.rule(ctx.profile);
}

/** The key figures, always visible: population, share covered per profile, distance to the 30-min target. */
function figures() {
  const rows = ctx.coverage ? ctx.coverage.profiles : ctx.profiles.map(p => ({ name: p.name }));
  const pop = ctx.coverage ? rows[0]?.population : null;
  const wait = '…';
  let html = `<div><dt>Population</dt><dd>${pop == null ? wait : nombre(pop)}</dd></div>`;
  for (const r of rows) {
    const p = ctx.profileByName(r.name);
    const cur = r.name === ctx.profile.name ? ' class="actuel"' : '';
    html += `<div${cur}><dt>${esc(p ? labels.profile(p) : r.name)}</dt><dd>${r.covered_share == null ? wait : part(r.covered_share)} couverts</dd></div>`;
  }
  const fs = ctx.coverage ? rows.find(r => r.name === 'france-services-30min-car') : null;
  if (fs) {
    const miss = fs.population - fs.covered;
    html += `<div class="cible${miss < 0.5 ? ' atteint' : ''}"><dt>Objectif national : tous à 30 min d'une France Services</dt><dd>${miss < 0.5 ? 'atteint' : nombre(miss) + ' personnes au-delà'}</dd></div>`;
  } else if (ctx.profileByName('france-services-30min-car')) {
    html += `<div class="cible"><dt>Objectif national : tous à 30 min d'une France Services</dt><dd>${wait}</dd></div>`;
  }
  document.getElementById('chiffres').innerHTML = html;
}

/** Fetches and draws the current profile's cells and gap zones (after a change of profile). */
async function loadProfile() {
  setBusy(1);
  try {
    const wanted = ctx.profile;
    const [gaps, access] = await Promise.all([fetchGaps(), ctx.mode === 'acces' ? ctx.accessData() : null]);
    if (ctx.profile !== wanted) return; // another profile was chosen meanwhile
    ctx.gaps = gaps;
    layers.setCells(ctx.map, cfg, ctx.profile, ctx.mode, access);
    ctx.map.getSource('zones').setData(layers.slim(gaps, ['rank']));
    await repaint();
    gapList(0);
    await draft.profileChanged();
    document.getElementById('lien-rapport').href = draft.reportURL();
  } finally {
    setBusy(-1);
  }
}

async function repaint() {
  if (layers.populations[ctx.mode] && !ctx.cells) {
    const b = cfg.bounds;
    const pad = 0.01;
    ctx.cells = await get(`/api/v1/cells?bbox=${b[0] - pad},${b[1] - pad},${b[2] + pad},${b[3] + pad}`);
    ctx.map.getSource('population').setData(layers.slim(ctx.cells, layers.populationKeys));
  }
  const profile = ctx.profile, mode = ctx.mode;
  const access = mode === 'acces' ? await ctx.accessData() : null;
  if (ctx.profile !== profile || ctx.mode !== mode) return; // chosen again meanwhile: that repaint draws
  document.getElementById('legende').innerHTML = layers.paint(ctx.map, mode, profile, access, ctx.cells);
}

/** Greys the places the draft removes or moves (feature state: no redraw of the data, drawn once by layers.install). */
function showVenues() {
  const extra = draft.venueStates();
  ctx.map.removeFeatureState({ source: 'lieux' });
  for (const id of extra.removed) ctx.map.setFeatureState({ source: 'lieux', id }, { retire: true });
}

/** Per commune, the bounds of its populated cells (for zooming) from the access layer. */
function cellBounds(access) {
  const out = new Map();
  for (const f of access.features) {
    const c = f.properties.commune;
    const ring = f.geometry.coordinates[0];
    let b = out.get(c);
    if (!b) out.set(c, b = [Infinity, Infinity, -Infinity, -Infinity]);
    for (const [x, y] of ring) {
      if (x < b[0]) b[0] = x; if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x; if (y > b[3]) b[3] = y;
    }
  }
  return out;
}

const zonesPerPage = 25;
let zonesShown = 0;

/** The gap zones in rank order, with their uncovered persons by age band. */
function gapList(from) {
  const ol = document.getElementById('liste-zones');
  if (from === 0) { ol.innerHTML = ''; zonesShown = 0; }
  const feats = ctx.gaps.features;
  const end = Math.min(feats.length, from + zonesPerPage);
  const names = code => ctx.communes.get(code)?.name || code;
  for (let i = from; i < end; i++) {
    const p = feats[i].properties;
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'zone';
    b.innerHTML = `<strong>Zone ${p.rank}</strong> — ${esc(p.communes.map(names).join(', '))}<br>` +
      `${nombre(p.persons)} personnes du profil non couvertes (${nombre(p.Ind_65_79)} de 65 à 79 ans, ${nombre(p.Ind_80p)} de 80 ans et plus ; ${nombre(p.Ind)} habitants en tout)` +
      `<br><span class="discret-texte">lieu le plus proche : ${minutes(p.nearest_min_minutes, p.search_minutes)}</span>`;
    b.addEventListener('click', () => zoomTo(bbox(feats[i].geometry), p.rank));
    li.appendChild(b);
    ol.appendChild(li);
  }
  zonesShown = end;
  const more = document.getElementById('plus-zones');
  more.hidden = zonesShown >= feats.length;
  more.textContent = `Afficher plus de zones (${nombre(feats.length - zonesShown)} autres)`;
  if (!feats.length) ol.innerHTML = '<li>Aucune zone blanche pour ce profil : tout le monde est couvert.</li>';
}

function bbox(g) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = c => {
    if (typeof c[0] === 'number') { b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]); } else c.forEach(walk);
  };
  walk(g.coordinates);
  return b;
}

/** Zooms to b, outlining the gap zone of rank zone (none: -1) more thickly. */
function zoomTo(b, zone = -1) {
  ctx.map.setFilter('zone-choisie', ['==', ['get', 'rank'], zone]);
  ctx.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 14, duration: 600 });
}

function communeList() {
  for (const c of ctx.coverage.profiles[0]?.communes || []) ctx.communes.set(c.code, c);
  const first = [...ctx.communes.values()].sort((a, b) => b.population - a.population)[0];
  if (first) document.getElementById('commune').placeholder = `ex. ${first.name} ou ${first.code}`;
  document.getElementById('communes').innerHTML = [...ctx.communes.values()]
    .map(c => `<option value="${esc(c.name)} (${esc(c.code)})"></option>`).join('');
}

/** Finds a commune by INSEE code, exact name or a name's start (accents and case ignored). */
function findCommune(q) {
  const norm = s => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
  const m = q.match(/\((\w{5})\)\s*$/) || q.match(/^\s*(\w{5})\s*$/);
  if (m && ctx.communes.has(m[1])) return ctx.communes.get(m[1]);
  const n = norm(q);
  const all = [...ctx.communes.values()];
  return all.find(c => norm(c.name) === n) || all.find(c => norm(c.name).startsWith(n));
}

function showCommune(c) {
  const rows = ctx.coverage.profiles.map(r => {
    const cr = r.communes.find(x => x.code === c.code);
    const p = ctx.profileByName(r.name);
    return cr ? `<tr><th scope="row">${esc(p ? labels.profile(p) : r.name)}</th><td>${nombre(cr.covered)} / ${nombre(cr.population)}</td><td>${part(cr.covered_share)}</td></tr>` : '';
  }).join('');
  const el = document.getElementById('fiche-commune');
  el.hidden = false;
  el.innerHTML = `<h3>${esc(c.name)} <span class="discret-texte">(${esc(c.code)})</span></h3>` +
    `<table><caption>Personnes couvertes par profil</caption><thead><tr><th scope="col">Profil</th><th scope="col">Couvertes</th><th scope="col">Part</th></tr></thead><tbody>${rows}</tbody></table>`;
  ctx.accessData().then(access => {
    access.communeBounds ||= cellBounds(access);
    const b = access.communeBounds.get(c.code);
    if (b) zoomTo(b);
  }).catch(e => message('Chargement impossible : ' + e.message, 'erreur'));
}

function venuePopup(p, lngLat) {
  const list = (t, xs) => xs && xs.length ? `<p><strong>${t} :</strong> ${xs.map(esc).join(', ')}</p>` : '';
  const wk = p.hours_known === false || !p.hours
    ? '<p>Horaires inconnus.</p>'
    : `<table class="semaine"><caption>Horaires (${nombre(p.weekly_hours)} h par semaine)</caption><tbody>${labels.week(typeof p.hours === 'string' ? JSON.parse(p.hours) : p.hours).map(([d, h]) => `<tr><th scope="row">${d}</th><td>${esc(h)}</td></tr>`).join('')}</tbody></table>`;
  const kinds = { fs: 'France Services', itinerant: 'Arrêt itinérant', autre: 'Lieu de médiation numérique' };
  const html = `<div class="popup"><h3>${esc(p.name)}</h3><p class="discret-texte">${kinds[p.kind]}</p>` +
    `<p>${esc(p.address || '')}${p.postcode ? ', ' + esc(p.postcode) : ''} ${esc(p.commune_name || '')}</p>` +
    list('Services', parse(p.services)) + list('Programmes', parse(p.programmes)) + list('Publics', parse(p.publics)) + wk +
    draft.venueActions(p) + '</div>';
  const pop = new maplibregl.Popup({ maxWidth: '340px', focusAfterOpen: true }).setLngLat(lngLat).setHTML(html).addTo(ctx.map);
  draft.wireVenueActions(pop, p);
}

// Properties of rendered features come back with arrays as JSON strings.
function parse(v) { return typeof v === 'string' ? JSON.parse(v) : v; }

function onClick(e) {
  if (draft.clickTaken(e)) return;
  const hit = ctx.map.queryRenderedFeatures(e.point, { layers: ['lieux'] })[0];
  if (hit) {
    const full = ctx.venues.features.find(f => f.properties.id === hit.properties.id);
    venuePopup(full ? full.properties : hit.properties, hit.geometry.coordinates);
    return;
  }
  draft.offerAdd(e.lngLat);
}

function wire() {
  document.getElementById('profil').addEventListener('change', async e => {
    ctx.profile = ctx.profileByName(e.target.value);
    document.getElementById('regle').textContent = labels.rule(ctx.profile);
    if (ctx.coverage) figures();
    const u = new URL(location.href);
    u.searchParams.set('profile', ctx.profile.name);
    history.replaceState(null, '', u);
    try { await loadProfile(); } catch (err) { message('Chargement impossible : ' + err.message, 'erreur'); }
  });
  document.getElementById('couche').addEventListener('change', async e => {
    ctx.mode = e.target.value;
    setBusy(1);
    try { await repaint(); } catch (err) { message('Chargement impossible : ' + err.message, 'erreur'); } finally { setBusy(-1); }
  });
  document.getElementById('voir-zones').addEventListener('change', e => {
    for (const id of ['zones-contour', 'zone-choisie']) ctx.map.setLayoutProperty(id, 'visibility', e.target.checked ? 'visible' : 'none');
  });
  document.getElementById('voir-lieux').addEventListener('change', e => ctx.map.setLayoutProperty('lieux', 'visibility', e.target.checked ? 'visible' : 'none'));
  document.getElementById('plus-zones').addEventListener('click', () => gapList(zonesShown));
  document.getElementById('recherche').addEventListener('submit', e => {
    e.preventDefault();
    const q = document.getElementById('commune').value;
    const c = findCommune(q);
    if (!c) { message(`Aucune commune ne correspond à « ${q} ».`, 'avertissement'); return; }
    message('');
    showCommune(c);
  });
  tabs();
}

/** Tabs with arrow keys (WAI-ARIA tabs pattern). */
function tabs() {
  const list = [...document.querySelectorAll('[role=tab]')];
  const select = t => {
    for (const o of list) {
      const on = o === t;
      o.setAttribute('aria-selected', on);
      o.tabIndex = on ? 0 : -1;
      document.getElementById(o.getAttribute('aria-controls')).hidden = !on;
    }
  };
  list.forEach((t, i) => {
    t.addEventListener('click', () => select(t));
    t.addEventListener('keydown', e => {
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!d) return;
      const n = list[(i + d + list.length) % list.length];
      select(n);
      n.focus();
    });
  });
  ctx.showTab = id => select(document.getElementById(id));
}

window.addEventListener('unhandledrejection', e => message('Erreur : ' + (e.reason?.message || e.reason), 'erreur'));
start().catch(e => message('Chargement impossible : ' + e.message, 'erreur'));
