// The draft scenario: add a permanence by clicking, move or remove a place,
// change its hours; what each change does (POST /api/v1/evaluation, which
// writes nothing); saving, reopening, deleting and comparing scenarios in
// the server's store. The draft is kept in localStorage too, so a refused
// save or a reload loses nothing.
import { get, ask, write, APIError } from './api.js';
import * as labels from './labels.js';
import { nombre, signe, part, points, esc } from './format.js';
import { showFlips as drawFlips, showDraftPlaces as drawPlaces } from './layers.js';

let ctx, gl;
let draft = load();
let pendingMove = null; // {venue_id | index, name} while waiting for the click that moves it
let addPopup = null;
let lastFlips = [];
let drawnPlaces = 0; // places of the draft on the map
let seq = 0;

const halfDays = [['matin', '09:00', '12:00'], ['après-midi', '14:00', '17:00']];
const dayCodes = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];

function blank() { return { id: 0, version: 0, name: '', description: '', changes: [] }; }
function load() {
  try { return JSON.parse(localStorage.getItem('maillage-brouillon')) || blank(); } catch { return blank(); }
}
function keep() { localStorage.setItem('maillage-brouillon', JSON.stringify(draft)); }

export function init(c, maplibregl) {
  ctx = c;
  gl = maplibregl;
  document.getElementById('enregistrer').addEventListener('submit', e => { e.preventDefault(); save(); });
  document.getElementById('nouveau').addEventListener('click', () => { draft = blank(); changed(); });
  document.getElementById('comparer').addEventListener('submit', e => { e.preventDefault(); compare(); });
  document.getElementById('nom-scenario').addEventListener('input', e => { draft.name = e.target.value; keep(); });
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && pendingMove) { pendingMove = null; ctx.message('Déplacement annulé.'); }
  });
  render();
  list();
}

/** The report's address for the saved draft (or the base) and the current profile. */
export function reportURL() {
  return `/report?scenario=${draft.id || 0}&profile=${encodeURIComponent(ctx.profile.name)}`;
}

/** Ids of existing places the draft removes (greyed on the map). */
export function venueStates() {
  return { removed: draft.changes.filter(c => c.op === 'remove' || c.op === 'move').map(c => c.venue_id) };
}

/** The buttons of an existing place's popup. */
export function venueActions(p) {
  return `<div class="ligne actions"><button type="button" data-a="remove">Retirer</button>` +
    `<button type="button" data-a="move">Déplacer</button><button type="button" data-a="hours">Changer les horaires</button></div>`;
}

export function wireVenueActions(popup, p) {
  const el = popup.getElement();
  el.querySelector('[data-a=remove]').addEventListener('click', () => { popup.remove(); push({ op: 'remove', venue_id: p.id }, `Retirer « ${p.name} »`); });
  el.querySelector('[data-a=move]').addEventListener('click', () => {
    popup.remove();
    pendingMove = { venue_id: p.id, name: p.name };
    ctx.message(`Cliquez sur la carte au nouvel emplacement de « ${p.name} » (Échap pour annuler).`);
  });
  el.querySelector('[data-a=hours]').addEventListener('click', () => { popup.remove(); form({ op: 'hours', venue_id: p.id, name: p.name }); });
}

/** Takes the click when a place is being moved. */
export function clickTaken(e) {
  if (!pendingMove) return false;
  const m = pendingMove;
  pendingMove = null;
  ctx.message('');
  const lat = round(e.lngLat.lat), lon = round(e.lngLat.lng);
  if (m.index !== undefined) {
    Object.assign(draft.changes[m.index], { lat, lon });
    changed();
  } else push({ op: 'move', venue_id: m.venue_id, lat, lon }, `Déplacer « ${m.name} »`);
  return true;
}

function round(x) { return Math.round(x * 1e6) / 1e6; }

/** The popup of a click on the map: « Ajouter une permanence ici ». */
export function offerAdd(lngLat) {
  if (addPopup) addPopup.remove();
  const html = '<div class="popup"><button type="button" class="principal" data-a="add">Ajouter une permanence ici</button></div>';
  addPopup = new gl.Popup({ focusAfterOpen: true }).setLngLat(lngLat).setHTML(html).addTo(ctx.map);
  addPopup.getElement().querySelector('[data-a=add]').addEventListener('click', () => {
    addPopup.remove();
    form({ op: 'add', lat: round(lngLat.lat), lon: round(lngLat.lng) });
  });
}

/** The form of a new place (name, half-days, services) or of new hours for an existing one. */
function form(c, index) {
  ctx.showTab('t-scenario');
  const el = document.getElementById('form-lieu');
  el.hidden = false;
  const isAdd = c.op === 'add';
  const had = new Set((c.hours || []).map(h => `${h.day} ${h.open}`));
  const grid = dayCodes.map((d, i) => `<tr><th scope="row">${labels.day(i)}</th>` + halfDays.map(([n, o]) =>
    `<td><input type="checkbox" name="creneau" value="${d} ${o}" id="cr-${d}-${o}" ${had.has(`${d} ${o}`) ? 'checked' : ''}>` +
    `<label for="cr-${d}-${o}" class="discret">${labels.day(i)} ${n}</label></td>`).join('') + '</tr>').join('');
  const services = ctx.cfg.services.map((s, i) => `<label><input type="checkbox" name="service" value="${esc(s)}" ${(c.services || (i === 0 ? [s] : [])).includes(s) ? 'checked' : ''}> ${esc(s)}</label>`).join('');
  el.innerHTML = `<form id="lieu" class="lieu"><h3>${isAdd ? 'Nouvelle permanence' : `Horaires de « ${esc(c.name)} »`}</h3>` +
    (isAdd ? `<label for="lieu-nom">Nom de la permanence</label><input id="lieu-nom" required maxlength="200" value="${esc(c.name || 'Nouvelle permanence')}">` : '') +
    `<table class="creneaux"><caption>Demi-journées d'ouverture (matin 9 h – 12 h, après-midi 14 h – 17 h)</caption>` +
    `<thead><tr><th scope="col">Jour</th><th scope="col">Matin</th><th scope="col">Après-midi</th></tr></thead><tbody>${grid}</tbody></table>` +
    `<label for="lieu-oh">Ou des horaires au format OpenStreetMap (facultatif, ex. « Tu 09:00-12:00 »)</label><input id="lieu-oh" value="${esc(c.opening_hours || '')}">` +
    (isAdd ? `<fieldset><legend>Services proposés</legend>${services}</fieldset>` : '') +
    `<p id="lieu-erreur" class="alerte" role="alert" hidden></p>` +
    `<div class="ligne"><button type="submit" class="principal">${isAdd ? 'Ajouter et voir l\'effet' : 'Appliquer'}</button><button type="button" data-a="fermer">Annuler</button></div></form>`;
  const f = el.querySelector('form');
  (f.querySelector('#lieu-nom') || f.querySelector('input')).focus();
  f.querySelector('[data-a=fermer]').addEventListener('click', () => { el.hidden = true; el.innerHTML = ''; });
  f.addEventListener('submit', e => {
    e.preventDefault();
    const hours = [...f.querySelectorAll('input[name=creneau]:checked')].map(x => {
      const [day, open] = x.value.split(' ');
      return { day, open, close: halfDays.find(h => h[1] === open)[2] };
    });
    const oh = f.querySelector('#lieu-oh').value.trim();
    const err = f.querySelector('#lieu-erreur');
    if (!hours.length && !oh) { err.hidden = false; err.textContent = 'Choisissez au moins une demi-journée.'; return; }
    const n = { ...c };
    delete n.hours; delete n.opening_hours;
    if (oh) n.opening_hours = oh; else n.hours = hours;
    if (isAdd) {
      n.name = f.querySelector('#lieu-nom').value.trim();
      n.services = [...f.querySelectorAll('input[name=service]:checked')].map(x => x.value);
      if (!n.services.length) { err.hidden = false; err.textContent = 'Choisissez au moins un service.'; return; }
    } else delete n.name;
    el.hidden = true;
    el.innerHTML = '';
    if (index !== undefined) { draft.changes[index] = n; changed(); } else push(n);
  });
}

/** Adds a change to the draft and shows its effect. */
export function push(c) {
  draft.changes.push(c);
  changed();
}

/** Adds a proposed site (lat, lon, hours) to the draft. */
export function addSite(site, hours) {
  const spans = [];
  // A proposal's weekly hours as half-days of 3 h from Monday morning on.
  for (let h = 0, i = 0; h < hours && i < 12; h += 3, i++) {
    const [, o, cl] = halfDays[i % 2];
    spans.push({ day: dayCodes[Math.floor(i / 2)], open: o, close: cl });
  }
  push({ op: 'add', name: site.label || `Site proposé ${site.rank} — ${site.commune_name || site.commune || ''}`.trim(), lat: round(site.lat), lon: round(site.lon),
    hours: spans, services: [ctx.cfg.services[0]] });
}

function changed() {
  keep();
  render();
  evaluate();
}

/** Re-evaluates the draft for the newly chosen profile. */
export async function profileChanged() {
  await evaluate();
}

function describe(c) {
  const v = id => ctx.venues.features.find(f => f.properties.id === id)?.properties.name || id;
  switch (c.op) {
    case 'add': return `Ajouter « ${c.name} » (${hoursText(c)})`;
    case 'remove': return `Retirer « ${v(c.venue_id)} »`;
    case 'move': return `Déplacer « ${v(c.venue_id)} »`;
    case 'hours': return `Nouveaux horaires pour « ${v(c.venue_id)} » (${hoursText(c)})`;
    case 'services': return `Nouveaux services pour « ${v(c.venue_id)} »`;
  }
  return c.op;
}

function hoursText(c) {
  if (c.opening_hours) return c.opening_hours;
  const h = (c.hours || []).reduce((s, x) => s + minutesOf(x.close) - minutesOf(x.open), 0) / 60;
  return `${nombre(h)} h par semaine`;
}
function minutesOf(t) { const [h, m] = t.split(':').map(Number); return h * 60 + m; }

function render() {
  document.getElementById('nom-scenario').value = draft.name || '';
  const ol = document.getElementById('changements');
  ol.innerHTML = '';
  if (!draft.changes.length) ol.innerHTML = '<li class="discret-texte">Aucun changement pour l\'instant.</li>';
  draft.changes.forEach((c, i) => {
    const li = document.createElement('li');
    li.innerHTML = `<span>${esc(describe(c))}</span> <span class="ligne actions"></span>`;
    const act = li.querySelector('.actions');
    const btn = (t, f) => { const b = document.createElement('button'); b.type = 'button'; b.textContent = t; b.addEventListener('click', f); act.appendChild(b); };
    if (c.op === 'add' || c.op === 'move') btn('Déplacer', () => { pendingMove = { index: i, name: c.name || describe(c) }; ctx.message('Cliquez sur la carte au nouvel emplacement (Échap pour annuler).'); });
    if (c.op === 'add' || c.op === 'hours') btn('Horaires', () => form(c, i));
    btn('Annuler ce changement', () => { draft.changes.splice(i, 1); changed(); });
    ol.appendChild(li);
  });
  const feats = draft.changes.filter(c => c.lat != null).map(c => ({ type: 'Feature', properties: { name: c.name || '' }, geometry: { type: 'Point', coordinates: [c.lon, c.lat] } }));
  // The source starts empty: an empty draft sets nothing (no tile cut again).
  if (feats.length || drawnPlaces) drawPlaces(ctx.map, { type: 'FeatureCollection', features: feats });
  drawnPlaces = feats.length;
  ctx.refreshVenues();
  document.getElementById('lien-rapport').href = reportURL();
}

function clearFlips() {
  if (lastFlips.length) drawFlips(ctx.map, null, []);
  lastFlips = [];
}

/** Highlights the cells the draft flips (cells: [{h3, covered}]), drawn from the profile's cells. */
async function showFlips(cells, mine = seq) {
  if (!cells.length && !lastFlips.length) return;
  let access = null;
  try {
    if (cells.length) access = await ctx.accessData();
  } catch (e) {
    ctx.message('Hexagones qui changent non affichés : ' + e.message, 'erreur'); // the figures stay shown
    return;
  }
  if (mine !== seq) return;
  drawFlips(ctx.map, access, cells);
  lastFlips = cells;
}

/** Evaluates the draft (nothing is written) and shows what changes. */
async function evaluate() {
  const el = document.getElementById('delta');
  const mine = ++seq;
  if (!draft.changes.length) {
    clearFlips();
    el.innerHTML = '';
    return;
  }
  ctx.setBusy(1);
  try {
    const ev = await ask(`/api/v1/evaluation?profile=${encodeURIComponent(ctx.profile.name)}`, body());
    if (mine !== seq) return;
    el.innerHTML = deltaHTML(ev);
    await showFlips(ev.flipped, mine);
  } catch (e) {
    if (mine !== seq) return;
    clearFlips();
    // Each problem once, by the change and the field it is about; the
    // server's whole sentence when it gives no list.
    const problems = e.body?.problems || [];
    el.innerHTML = `<div class="alerte" role="alert"><strong>Le serveur refuse ce scénario :</strong> ` +
      (problems.length ? '<ul>' + problems.map(p => `<li>${esc(problemPlace(p))} : ${esc(p.reason)}</li>`).join('') + '</ul>' : esc(e.message)) +
      '<p>Corrigez ou annulez le changement en cause ci-dessous.</p></div>';
  } finally {
    ctx.setBusy(-1);
  }
}

/** Where a problem of a refused scenario is: « changement 3, horaires » (the field's JSON path when it has no name here). */
function problemPlace(p) {
  const names = { opening_hours: 'horaires', hours: 'horaires', services: 'services', name: 'nom', lat: 'position', lon: 'position', venue_id: 'lieu', op: 'opération' };
  const key = (p.field || '').replace(/^changes\[\d+\]\.?/, '').split(/[.[]/)[0];
  const what = names[key] || p.field;
  return p.change >= 0 ? `changement ${p.change + 1}${what ? ', ' + what : ''}` : what;
}

function body() {
  return { name: draft.name || 'Brouillon', description: draft.description || '', changes: draft.changes };
}

function deltaHTML(ev) {
  const t = ev.delta.total;
  const gained = ev.delta.communes.filter(c => Math.abs(c.covered) >= 0.5).sort((a, b) => b.covered - a.covered);
  const who = labels.profile(ctx.profile);
  const bands = ['Ind_65_79', 'Ind_80p'].map(k => `<li>${esc(labels.band(k))} : <span data-k="${k}">${signe(ev.newly_covered_by_age[k] || 0)}</span></li>`).join('');
  const gainedFlips = ev.flipped.filter(f => f.covered).length, lostFlips = ev.flipped.length - gainedFlips;
  return `<h3>Effet du brouillon (${esc(who)})</h3>` +
    `<p class="gros"><span id="delta-couverts">${signe(t.covered)}</span> personnes du profil couvertes</p>` +
    `<p>Part couverte : <span id="delta-avant">${part(ev.base.total.covered / ev.base.total.population)}</span> → <strong id="delta-apres">${part(ev.after.total.covered / ev.after.total.population)}</strong> (${points(t.share)})</p>` +
    `<p>Habitants de tous âges nouvellement couverts : <span id="delta-tous">${signe(ev.newly_covered)}</span>, dont :</p><ul>${bands}</ul>` +
    `<p>${nombre(gainedFlips)} hexagone(s) deviennent couverts${lostFlips ? `, ${nombre(lostFlips)} ne le sont plus` : ''} : ils sont en orange sur la carte (en gris : ceux qui perdent leur couverture).</p>` +
    (gained.length ? `<table><caption>Communes qui gagnent ou perdent</caption><thead><tr><th scope="col">Commune</th><th scope="col">Personnes</th><th scope="col">Part couverte</th></tr></thead><tbody>` +
      gained.map(c => `<tr><th scope="row">${esc(c.name || c.code)}</th><td>${signe(c.covered)}</td><td>${part(c.a.population ? c.a.covered / c.a.population : 0)} → ${part(c.b.population ? c.b.covered / c.b.population : 0)}</td></tr>`).join('') + '</tbody></table>'
      : '<p>Aucune commune ne gagne de personnes couvertes pour ce profil.</p>') +
    (ev.warnings || []).map(w => `<p class="alerte">${esc(w)}</p>`).join('');
}

/** Saves the draft: create, or update at the version it was read at; a 409 is explained and the draft kept. */
async function save(force) {
  const box = document.getElementById('conflit');
  box.hidden = true;
  draft.name = document.getElementById('nom-scenario').value.trim();
  if (!draft.name) { ctx.message('Donnez un nom au scénario pour l\'enregistrer.', 'avertissement'); return; }
  try {
    let sc;
    if (draft.id && !force) sc = await write('PUT', `/api/v1/scenarios/${draft.id}`, { ...body(), id: draft.id, version: draft.version });
    else sc = await write('POST', '/api/v1/scenarios', body());
    draft.id = sc.id;
    draft.version = sc.version;
    keep();
    ctx.message(`Scénario « ${sc.name} » enregistré (n° ${sc.id}, version ${sc.version}).`);
    render();
    list();
  } catch (e) {
    if (e instanceof APIError && e.status === 409) return conflict(e);
    if (e instanceof APIError && e.status === 404 && draft.id) {
      ctx.message(`Le scénario n° ${draft.id} a été supprimé entre-temps : enregistrez votre brouillon comme nouveau scénario.`, 'avertissement');
      draft.id = 0; draft.version = 0; keep(); return;
    }
    ctx.message('Enregistrement refusé : ' + e.message + ' — votre brouillon est conservé.', 'erreur');
  }
}

async function conflict(e) {
  const box = document.getElementById('conflit');
  let now = null;
  try { now = await get(`/api/v1/scenarios/${draft.id}`); } catch { /* shown below without it */ }
  box.hidden = false;
  box.innerHTML = `<p><strong>Ce scénario a été modifié ailleurs</strong> depuis que vous l'avez ouvert (vous aviez la version ${draft.version}` +
    (now ? `, la version enregistrée est la ${now.version}, du ${new Date(now.updated).toLocaleString('fr-FR')}` : '') +
    `). Rien n'a été écrasé et votre brouillon est conservé. Que faire ?</p>` +
    `<div class="ligne"><button type="button" data-a="copie">Enregistrer mon brouillon comme nouveau scénario</button>` +
    (now ? `<button type="button" data-a="ecraser">Remplacer la version enregistrée par la mienne</button><button type="button" data-a="recharger">Abandonner mes changements et ouvrir la version enregistrée</button>` : '') + '</div>' +
    `<p class="discret-texte">Détail du serveur : ${esc(e.message)}</p>`;
  box.querySelector('[data-a=copie]').addEventListener('click', () => { draft.id = 0; draft.version = 0; draft.name += ' (copie)'; save(true); });
  box.querySelector('[data-a=ecraser]')?.addEventListener('click', () => { draft.version = now.version; save(); });
  box.querySelector('[data-a=recharger]')?.addEventListener('click', () => { box.hidden = true; open(draft.id, []); });
}

/** Opens stored scenario id as the draft; notes gets a message when there is none. */
export async function open(id, notes) {
  try {
    const sc = await get(`/api/v1/scenarios/${id}`);
    draft = { id: sc.id, version: sc.version, name: sc.name, description: sc.description || '', changes: sc.changes || [] };
    const u = new URL(location.href);
    u.searchParams.set('scenario', sc.id);
    history.replaceState(null, '', u);
    keep();
    render();
    await evaluate();
    if (!notes) ctx.message(`Scénario « ${sc.name} » ouvert.`);
  } catch (e) {
    const text = e instanceof APIError && (e.status === 404 || e.status === 400)
      ? `Scénario « ${id} » introuvable : la carte montre votre brouillon.` : `Scénario « ${id} » illisible : ${e.message}`;
    if (notes) notes.push(text); else ctx.message(text, 'avertissement');
    const u = new URL(location.href);
    u.searchParams.delete('scenario');
    history.replaceState(null, '', u);
  }
}

let stored = [];

/** The stored scenarios, with open, delete and report. */
export async function list() {
  const ul = document.getElementById('scenarios');
  try {
    const page = await get('/api/v1/scenarios?limit=100');
    stored = page.scenarios;
  } catch (e) {
    ul.innerHTML = `<li class="discret-texte">Scénarios indisponibles : ${esc(e.message)}</li>`;
    stored = [];
  }
  if (stored.length) ul.innerHTML = '';
  else if (!ul.textContent) ul.innerHTML = '<li class="discret-texte">Aucun scénario enregistré.</li>';
  for (const sc of stored) {
    const li = document.createElement('li');
    const n = sc.changes ? sc.changes.length : sc.change_count ?? sc.changes_count;
    li.innerHTML = `<span><strong>${esc(sc.name)}</strong> <span class="discret-texte">n° ${sc.id}${n != null ? `, ${nombre(n)} changement(s)` : ''}</span></span><span class="ligne actions"></span>`;
    const act = li.querySelector('.actions');
    const btn = (t, label, f) => { const b = document.createElement('button'); b.type = 'button'; b.textContent = t; b.setAttribute('aria-label', `${label} « ${sc.name} »`); b.addEventListener('click', f); act.appendChild(b); };
    btn('Ouvrir', 'Ouvrir', () => open(sc.id));
    btn('Supprimer', 'Supprimer', async () => {
      if (!confirm(`Supprimer le scénario « ${sc.name} » ?`)) return;
      try {
        await write('DELETE', `/api/v1/scenarios/${sc.id}`);
        if (draft.id === sc.id) { draft.id = 0; draft.version = 0; keep(); render(); }
        ctx.message(`Scénario « ${sc.name} » supprimé.`);
      } catch (e) { ctx.message('Suppression refusée : ' + e.message, 'erreur'); }
      list();
    });
    const a = document.createElement('a');
    a.href = `/report?scenario=${sc.id}&profile=${encodeURIComponent(ctx.profile.name)}`;
    a.target = '_blank';
    a.textContent = 'Rapport';
    a.setAttribute('aria-label', `Rapport du scénario « ${sc.name} »`);
    act.appendChild(a);
    ul.appendChild(li);
  }
  const opts = '<option value="0">Territoire actuel (sans changement)</option>' + stored.map(s => `<option value="${s.id}">${esc(s.name)} (n° ${s.id})</option>`).join('');
  for (const id of ['cmp-a', 'cmp-b']) {
    const sel = document.getElementById(id);
    const v = sel.value;
    sel.innerHTML = opts;
    if ([...sel.options].some(o => o.value === v)) sel.value = v;
  }
  if (stored.length && document.getElementById('cmp-b').value === '0') document.getElementById('cmp-b').value = String(stored[0].id);
}

/** Side-by-side figures of two scenarios (0: the base) and the map of their differences. */
async function compare() {
  const a = Number(document.getElementById('cmp-a').value), b = Number(document.getElementById('cmp-b').value);
  const out = document.getElementById('comparaison');
  const name = id => id === 0 ? 'Territoire actuel' : (stored.find(s => s.id === id)?.name || `n° ${id}`);
  ctx.setBusy(1);
  try {
    const p = encodeURIComponent(ctx.profile.name);
    const [d, fa, fb] = await Promise.all([get(`/api/v1/scenarios/diff?a=${a}&b=${b}&profile=${p}`), flips(a), flips(b)]);
    const A = d.total.a, B = d.total.b;
    const row = (t, x, y, f) => `<tr><th scope="row">${t}</th><td>${f(x)}</td><td>${f(y)}</td></tr>`;
    const communes = d.communes.filter(c => Math.abs(c.covered) >= 0.5).sort((x, y) => y.covered - x.covered);
    out.innerHTML = `<table><caption>${esc(name(a))} (A) et ${esc(name(b))} (B), ${esc(labels.profile(ctx.profile))}</caption>` +
      `<thead><tr><th scope="col"></th><th scope="col">A</th><th scope="col">B</th></tr></thead><tbody>` +
      row('Personnes couvertes', A.covered, B.covered, nombre) + row('Part couverte', A.population ? A.covered / A.population : 0, B.population ? B.covered / B.population : 0, part) +
      row('Hexagones sans couverture', A.uncovered_cells, B.uncovered_cells, nombre) + '</tbody></table>' +
      `<p>B − A : <strong>${signe(d.total.covered)}</strong> personnes couvertes (${points(d.total.share)}).</p>` +
      (communes.length ? '<ul>' + communes.map(c => `<li>${esc(c.name || c.code)} : ${signe(c.covered)}</li>`).join('') + '</ul>' : '<p>Aucune commune ne diffère.</p>') +
      '<p>Sur la carte, les hexagones qui diffèrent sont en orange (couverts dans B seulement) ou en gris (couverts dans A seulement).</p>';
    const diff = [];
    for (const h3 of new Set([...fa.keys(), ...fb.keys()])) {
      const ca = fa.get(h3), cb = fb.get(h3);
      if (ca !== cb) diff.push({ h3, covered: cb ?? !ca });
    }
    await showFlips(diff);
  } catch (e) {
    out.innerHTML = `<p class="alerte" role="alert">Comparaison impossible : ${esc(e.message)}</p>`;
  } finally { ctx.setBusy(-1); }
}

/** The cells scenario id flips from the base, as h3 → covered after (empty for the base). */
async function flips(id) {
  const m = new Map();
  if (!id) return m;
  const sc = await get(`/api/v1/scenarios/${id}`);
  const ev = await ask(`/api/v1/evaluation?profile=${encodeURIComponent(ctx.profile.name)}`, { name: sc.name, changes: sc.changes });
  for (const f of ev.flipped) m.set(f.h3, f.covered);
  return m;
}
