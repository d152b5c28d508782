// The map's sources, layers and legend. Cells come from /api/v1/access
// (coverage and time per profile) and /api/v1/cells (population), gap zones
// from /api/v1/gaps, places from /api/v1/venues: all from this server.
import { nombre, decimal, esc } from './format.js';

const empty = { type: 'FeatureCollection', features: [] };

/** Colours of the travel-time classes, nearest first (ColorBrewer PRGn / RdBu, colour-blind safe). */
const timeColours = ['#1b7837', '#5aae61', '#a6dba0', '#d9f0d3', '#f4a582', '#b2182b'];
const coverColours = { oui: '#2166ac', non: '#d6604d' };
const seqPop = ['#fff7bc', '#fec44f', '#fe9929', '#d95f0e', '#993404'];
const seqAccess = ['#f2f0f7', '#cbc9e2', '#9e9ac8', '#756bb1', '#54278f'];

/** The population attributes a layer can show, with the expression that reads them. */
export const populations = {
  Ind: { titre: 'Habitants', expr: ['get', 'Ind'], valeur: p => p.Ind },
  '65p': { titre: 'Habitants de 65 ans et plus', expr: ['+', ['get', 'Ind_65_79'], ['get', 'Ind_80p']], valeur: p => p.Ind_65_79 + p.Ind_80p },
  Ind_80p: { titre: 'Habitants de 80 ans et plus', expr: ['get', 'Ind_80p'], valeur: p => p.Ind_80p },
  Men_pauv: { titre: 'Ménages pauvres', expr: ['get', 'Men_pauv'], valeur: p => p.Men_pauv },
};

/** The style the map starts from: a plain background, or an outside base map when configured. */
export function baseStyle(cfg) {
  if (cfg.basemap) return cfg.basemap;
  return { version: 8, sources: {}, layers: [{ id: 'fond', type: 'background', paint: { 'background-color': '#eef0f2' } }] };
}

/** Draws a 28-pixel icon for each kind of place, so no sprite or font is fetched. */
function icons(map) {
  const draw = (name, fill, shape) => {
    const s = 28, c = document.createElement('canvas');
    c.width = c.height = s;
    const g = c.getContext('2d');
    g.fillStyle = fill; g.strokeStyle = '#ffffff'; g.lineWidth = 3;
    g.beginPath();
    if (shape === 'carre') g.rect(5, 5, 18, 18);
    else if (shape === 'triangle') { g.moveTo(14, 3); g.lineTo(25, 24); g.lineTo(3, 24); g.closePath(); }
    else if (shape === 'etoile') { for (let i = 0; i < 10; i++) { const r = i % 2 ? 5 : 12, a = Math.PI / 5 * i - Math.PI / 2; g.lineTo(14 + r * Math.cos(a), 14 + r * Math.sin(a)); } g.closePath(); }
    else g.arc(14, 14, 8, 0, 2 * Math.PI);
    g.fill(); g.stroke();
    map.addImage(name, g.getImageData(0, 0, s, s), { pixelRatio: 2 });
  };
  draw('lieu-fs', '#1d3a8a', 'carre');
  draw('lieu-itinerant', '#7b2d8b', 'triangle');
  draw('lieu-autre', '#0f6e6e', 'rond');
  draw('lieu-nouveau', '#c2410c', 'etoile');
}

/** A place's kind: France Services, itinerant stop, or another place. */
export function kind(p) {
  if (p.itinerant) return 'itinerant';
  return (p.programmes || []).some(x => x.toLowerCase() === 'france services') ? 'fs' : 'autre';
}

/** Adds every source and layer, empty; data are set by the callers. */
export function install(map) {
  icons(map);
  map.addSource('acces', { type: 'geojson', data: empty, promoteId: 'h3', tolerance: 0 });
  map.addSource('population', { type: 'geojson', data: empty, tolerance: 0 });
  map.addSource('zones', { type: 'geojson', data: empty, promoteId: 'rank', tolerance: 0 });
  map.addSource('lieux', { type: 'geojson', data: empty, promoteId: 'id' });
  map.addSource('brouillon', { type: 'geojson', data: empty });
  // Commune outlines, for bearings on a map with no base map: the server's vector tiles.
  map.addSource('communes', { type: 'vector', url: '/tiles/communes.json' });
  map.addLayer({ id: 'communes', type: 'line', source: 'communes', 'source-layer': 'communes', paint: { 'line-color': '#6b7280', 'line-width': 0.8 } });
  map.addLayer({ id: 'cellules', type: 'fill', source: 'acces', paint: { 'fill-color': '#cccccc', 'fill-opacity': 0.85 } });
  map.addLayer({ id: 'population', type: 'fill', source: 'population', layout: { visibility: 'none' }, paint: { 'fill-color': '#cccccc', 'fill-opacity': 0.85 } });
  map.addLayer({
    id: 'bascules', type: 'line', source: 'acces',
    paint: {
      'line-color': ['case', ['boolean', ['feature-state', 'gagne'], false], '#c2410c', '#000000'],
      'line-width': 2.5,
      'line-opacity': ['case', ['!=', ['feature-state', 'bascule'], null], 1, 0],
    },
  });
  map.addLayer({ id: 'zones-contour', type: 'line', source: 'zones', paint: { 'line-color': '#111827', 'line-width': ['case', ['boolean', ['feature-state', 'choisie'], false], 4, 1.5], 'line-dasharray': [2, 1] } });
  map.addLayer({
    id: 'lieux', type: 'symbol', source: 'lieux',
    layout: { 'icon-image': ['match', ['get', 'kind'], 'fs', 'lieu-fs', 'itinerant', 'lieu-itinerant', 'lieu-autre'], 'icon-allow-overlap': true, 'icon-size': 1 },
    paint: { 'icon-opacity': ['case', ['boolean', ['feature-state', 'retire'], false], 0.3, 1] },
  });
  map.addLayer({ id: 'brouillon', type: 'symbol', source: 'brouillon', layout: { 'icon-image': 'lieu-nouveau', 'icon-allow-overlap': true } });
  map.moveLayer('communes', 'bascules'); // above the cells, under the highlights
}

/** Quantile class breaks of the positive values (n classes). */
function breaks(values, n) {
  const v = values.filter(x => x > 0).sort((a, b) => a - b);
  if (v.length === 0) return [];
  const out = [];
  for (let i = 1; i < n; i++) {
    const b = v[Math.floor(v.length * i / n)];
    if (!out.length || b > out[out.length - 1]) out.push(b);
  }
  return out;
}

function step(expr, colours, bs) {
  if (!bs.length) return colours[0];
  const e = ['step', expr, colours[0]];
  bs.forEach((b, i) => e.push(b, colours[i + 1]));
  return e;
}

function swatches(items) {
  return '<ul>' + items.map(([c, t]) => `<li><span class="pastille" style="background:${c}"></span>${esc(t)}</li>`).join('') + '</ul>';
}

function classes(bs, colours, fmt, unit) {
  const items = [];
  const first = bs.length ? `moins de ${fmt(bs[0])} ${unit}` : `toutes valeurs (${unit})`;
  items.push([colours[0], first]);
  bs.forEach((b, i) => {
    const next = bs[i + 1];
    items.push([colours[i + 1], next === undefined ? `${fmt(b)} ${unit} et plus` : `de ${fmt(b)} à ${fmt(next)} ${unit}`]);
  });
  return items;
}

/** Colours the cells by expr, except those the draft flips: orange when they gain coverage, grey when they lose it. */
function setFill(map, expr) {
  map.setPaintProperty('cellules', 'fill-color', ['case',
    ['==', ['feature-state', 'gagne'], true], flipColours.gagne,
    ['==', ['feature-state', 'gagne'], false], flipColours.perdu, expr]);
}

const flipColours = { gagne: '#f59e0b', perdu: '#4b5563' };

/**
 * Paints the cells for mode (temps, couverture, acces, or a key of
 * populations) and returns the legend's HTML. access and cells are the
 * FeatureCollections; profile is the current profile.
 */
export function paint(map, mode, profile, access, cells) {
  const pop = populations[mode];
  map.setLayoutProperty('cellules', 'visibility', pop ? 'none' : 'visible');
  map.setLayoutProperty('population', 'visibility', pop ? 'visible' : 'none');
  const max = profile.max_minutes;
  let html;
  if (mode === 'temps') {
    const m = ['get', 'nearest_minutes'];
    const bs = [max / 4, max / 2, 3 * max / 4, max];
    setFill(map, ['case', ['==', m, null], timeColours[5],
      ['step', m, timeColours[0], bs[0], timeColours[1], bs[1], timeColours[2], bs[2], timeColours[3], bs[3] + 1e-9, timeColours[4]]]);
    const f = x => decimal(x).replace(/,0$/, '');
    html = '<h3>Temps jusqu\'au lieu adapté le plus proche</h3>' + swatches([
      [timeColours[0], `${f(bs[0])} min ou moins`], [timeColours[1], `de ${f(bs[0])} à ${f(bs[1])} min`],
      [timeColours[2], `de ${f(bs[1])} à ${f(bs[2])} min`], [timeColours[3], `de ${f(bs[2])} à ${f(bs[3])} min (limite du profil)`],
      [timeColours[4], `plus de ${f(max)} min : hors de portée`], [timeColours[5], 'aucun lieu trouvé dans le rayon de recherche']]);
  } else if (mode === 'couverture') {
    setFill(map, ['case', ['get', 'covered'], coverColours.oui, coverColours.non]);
    html = '<h3>Couverture</h3>' + swatches([[coverColours.oui, `couvert (${max} min ou moins, lieu adapté)`], [coverColours.non, 'non couvert']]);
  } else if (mode === 'acces') {
    const bs = breaks(access.features.map(f => f.properties.access), 5);
    setFill(map, ['case', ['<=', ['get', 'access'], 0], '#ffffff', step(['get', 'access'], seqAccess, bs)]);
    html = '<h3>Accessibilité (2SFCA)</h3><p class="unite">heures d\'ouverture par semaine pour 1 000 habitants pondérés</p>' +
      swatches([['#ffffff', 'aucune (0)'], ...classes(bs, seqAccess, decimal, 'h')]);
  } else {
    const bs = breaks((cells?.features || []).map(f => pop.valeur(f.properties)), 5);
    map.setPaintProperty('population', 'fill-color', step(pop.expr, seqPop, bs));
    html = `<h3>${esc(pop.titre)}</h3><p class="unite">personnes (ou ménages) par hexagone de 0,1 km² environ</p>` +
      swatches(classes(bs, seqPop, nombre, ''));
  }
  return html + '<h3>Autres signes</h3>' + swatches([
    [flipColours.gagne, 'devient couvert avec le brouillon'], [flipColours.perdu, 'n\'est plus couvert avec le brouillon'],
    ['#1d3a8a', '■ France Services'], ['#7b2d8b', '▲ arrêt itinérant'], ['#0f6e6e', '● autre lieu de médiation'],
    ['#c2410c', '★ lieu du brouillon'], ['transparent', '- - - contour d\'une zone blanche'], ['#6b7280', '— limite de commune']]);
}
