// The proposal panel: POST /api/v1/proposals (writes nothing), the sites in
// order with their marginal gains on the map and in a list, the bound and
// the gap in plain words, and « Ajouter au brouillon » for each site.
import { askStream } from './api.js';
import * as labels from './labels.js';
import { nombre, part, decimal, esc } from './format.js';
import { addSite } from './scenario.js';

let ctx, gl;
let markers = [];
let running = null;

export function init(c, maplibregl) {
  ctx = c;
  gl = maplibregl;
  const fs = document.getElementById('prop-profils');
  fs.innerHTML += ctx.profiles.map((p, i) => `<div class="ligne prop-profil"><label><input type="checkbox" name="prop-profil" value="${esc(p.name)}" ${p.name === ctx.profile.name ? 'checked' : ''}> ${esc(labels.profile(p))}</label>` +
    `<label for="mix-${i}" class="discret">Poids de « ${esc(labels.profile(p))} »</label><input id="mix-${i}" data-profil="${esc(p.name)}" type="number" min="0" step="0.1" value="1" class="poids" title="Poids dans le mélange"></div>`).join('');
  document.getElementById('proposer').addEventListener('submit', e => { e.preventDefault(); run(); });
  document.getElementById('annuler').addEventListener('click', () => running?.abort());
}

async function run() {
  const profiles = [...document.querySelectorAll('input[name=prop-profil]:checked')].map(x => x.value);
  const out = document.getElementById('resultat-proposition');
  if (!profiles.length) { out.innerHTML = '<p class="alerte" role="alert">Choisissez au moins un profil.</p>'; return; }
  const mix = profiles.map(n => Number(document.querySelector(`input.poids[data-profil="${CSS.escape(n)}"]`).value) || 0);
  const byTarget = document.querySelector('input[name=objectif]:checked').value === 'cible';
  const hours = Number(document.getElementById('prop-heures').value) || 7;
  const req = {
    profiles, hours,
    candidates: { cells: document.getElementById('cand-cellules').checked, communes: document.getElementById('cand-communes').checked, venues: document.getElementById('cand-lieux').checked },
  };
  if (profiles.length > 1) req.mix = mix;
  if (byTarget) req.target = Number(document.getElementById('prop-cible').value) / 100; else req.k = Number(document.getElementById('prop-k').value);
  running = new AbortController();
  const started = performance.now();
  const prog = document.getElementById('progression'), txt = document.getElementById('progression-texte');
  prog.hidden = false;
  document.getElementById('annuler').hidden = false;
  document.getElementById('lancer').disabled = true;
  const bar = document.getElementById('progression-barre');
  let step = 'Calcul en cours';
  bar.removeAttribute('value'); // indeterminate until the server tells how far it is
  const say = () => { txt.textContent = `${step} — ${decimal((performance.now() - started) / 1000)} s (Annuler pour arrêter)`; };
  const tick = setInterval(say, 250);
  say();
  ctx.setBusy(1);
  try {
    // The server tells how many candidates' catchments it has computed
    // (the bulk of the work), then the sites are chosen.
    const { proposal: prop } = await askStream('/api/v1/proposals', req, running.signal, ({ progress: p }) => {
      if (!p) return;
      bar.max = p.total;
      bar.value = p.done;
      step = p.done < p.total
        ? `Zones de desserte des sites candidats : ${nombre(p.done)} sur ${nombre(p.total)} (${part(p.done / p.total)})`
        : 'Choix des sites';
      say();
    });
    show(prop, hours);
  } catch (e) {
    clear();
    out.innerHTML = e.name === 'AbortError'
      ? '<p role="status">Proposition annulée.</p>'
      : `<p class="alerte" role="alert">Proposition refusée : ${esc(e.message)}</p>`;
  } finally {
    clearInterval(tick);
    prog.hidden = true;
    document.getElementById('annuler').hidden = true;
    document.getElementById('lancer').disabled = false;
    running = null;
    ctx.setBusy(-1);
  }
}

function clear() {
  for (const m of markers) m.remove();
  markers = [];
}

function siteName(s) {
  if (s.label) return s.label;
  const where = s.commune_name || s.commune || '';
  const kinds = { cell: 'hexagone habité', commune: 'centre de la commune', venue: 'lieu existant', user: 'site donné' };
  return `Site ${s.rank} — ${where}${s.kind === 'venue' || s.kind === 'user' ? ' (' + s.name + ')' : ` (${kinds[s.kind] || s.kind})`}`;
}

function show(prop, hours) {
  clear();
  const out = document.getElementById('resultat-proposition');
  const n = prop.sites.length;
  const gapText = prop.gap <= 1e-9
    ? 'Cette solution est optimale : la borne est atteinte.'
    : `Aucune autre combinaison de ${nombre(n)} site(s) ne peut couvrir plus de ${nombre(prop.upper_bound)} personnes pondérées de plus (borne supérieure) : cette solution en atteint ${nombre(prop.gain)}, elle est donc à ${part(prop.gap)} au plus de la meilleure possible.`;
  out.innerHTML = `<h3>${nombre(n)} site(s) proposé(s)</h3>` +
    `<p>Part de la demande pondérée couverte : ${part(prop.share_before)} → <strong>${part(prop.share_after)}</strong>.</p><p>${gapText}</p>` +
    `<ol class="sites">${prop.sites.map((s, i) => `<li><strong>${esc(siteName(s))}</strong><br>` +
      `gain marginal : ${nombre(s.gain)} personnes pondérées (${nombre(s.persons)} habitants dont ${nombre((s.persons_by_age?.Ind_65_79 || 0) + (s.persons_by_age?.Ind_80p || 0))} de 65 ans et plus)` +
      `<br><button type="button" data-i="${i}">Ajouter au brouillon</button></li>`).join('')}</ol>`;
  out.querySelectorAll('button[data-i]').forEach(b => b.addEventListener('click', () => {
    const s = prop.sites[Number(b.dataset.i)];
    addSite({ ...s, label: siteName(s) }, s.hours || hours);
    b.disabled = true;
    b.textContent = 'Ajouté au brouillon';
  }));
  for (const s of prop.sites) {
    const el = document.createElement('div');
    el.className = 'site-numero';
    el.textContent = s.rank;
    el.setAttribute('aria-hidden', 'true');
    markers.push(new gl.Marker({ element: el }).setLngLat([s.lon, s.lat]).addTo(ctx.map));
  }
}
