// The map's sources, layers and legend. Cells come from the vector tiles of
// coverage-{profile} (coverage and time per profile) and from /api/v1/cells
// (population), gap zones from /api/v1/gaps, places from /api/v1/venues:
// all from this server.
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

/**
 * The style the map starts from: a plain background with the profile's
 * cells coloured for mode, whose tiles load with the style, before any
 * answer of the API; or an outside base map when configured (the cells are
 * then added by install).
 */
export function baseStyle(cfg, profile, mode) {
  if (cfg.basemap) return cfg.basemap;
  // No transitions: a new colouring is drawn at once, not over 300 ms of frames.
  return {
    version: 8, transition: { duration: 0, delay: 0 },
    sources: { acces: cellSource(cfg, profile) },
    layers: [{ id: 'fond', type: 'background', paint: { 'background-color': background } }, cellLayer(profile, mode)],
  };
}

/**
 * The profile's cells as vector tiles of this server. detail=full keeps every
 * H3 cell at the zooms the whole territory is seen at (the server would
 * aggregate them to parent cells there for a GIS client); past zoom 12 the
 * tiles are drawn larger, not asked again.
 */
function cellSource(cfg, profile) {
  const b = cfg.bounds, pad = 0.05; // the centres' box, widened past a hexagon's reach (0.023° at resolution 7)
  return {
    type: 'vector', maxzoom: 12, bounds: [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad],
    tiles: [`${location.origin}/tiles/coverage-${encodeURIComponent(profile.name)}/{z}/{x}/{y}.pbf?detail=full`],
  };
}

// Opaque fills without antialiasing: one pass per tile (the colours are
// mixed with the background beforehand, see opaque).
function cellLayer(profile, mode, access) {
  return {
    id: 'cellules', type: 'fill', source: 'acces', 'source-layer': 'coverage-' + profile.name,
    layout: { visibility: populations[mode] ? 'none' : 'visible' },
    paint: { 'fill-color': opaqueExpr(cellColour(mode, profile, access) || '#cccccc'), 'fill-antialias': false },
  };
}

/** Shows the cells of profile (coloured for mode; access: its cells, for the 2SFCA classes), in place of the current ones. */
export function setCells(map, cfg, profile, mode, access) {
  if (map.getLayer('cellules')) map.removeLayer('cellules');
  if (map.getSource('acces')) map.removeSource('acces');
  map.addSource('acces', cellSource(cfg, profile));
  // Under every other layer: right above the background, or the base map's layers.
  map.addLayer(cellLayer(profile, mode, access), map.getLayer('population') ? 'population' : undefined);
}

/** Draws a 28-pixel icon for each kind of place, so no sprite or font is fetched. */
function icons(map) {
  const draw = (name, fill, shape) => {
    const s = 28, c = document.createElement('canvas');
    c.width = c.height = s;
    const g = c.getContext('2d', { willReadFrequently: true }); // drawn in memory: getImageData reads no GPU back
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

/**
 * Adds every source and layer but the cells (in the style already, unless
 * it is an outside base map: then added here, under the others). The gap
 * zones and places come with their data (d.gaps, d.venues), so each
 * source's tiles are cut once; the population and draft sources start empty.
 */
export function install(map, d) {
  icons(map);
  if (!map.getSource('acces')) setCells(map, d.cfg, d.profile, d.mode);
  map.addSource('population', { type: 'geojson', data: empty, tolerance: 0 });
  map.addSource('zones', { type: 'geojson', data: slim(d.gaps, ['rank']), tolerance: 0 });
  map.addSource('lieux', { type: 'geojson', data: slim(d.venues, ['id', 'kind']), promoteId: 'id' });
  map.addSource('brouillon', { type: 'geojson', data: empty });
  // Only the cells the draft flips, so the thousands of others draw no outline.
  map.addSource('bascules', { type: 'geojson', data: empty, tolerance: 0 });
  // Commune outlines, for bearings on a map with no base map: the server's vector tiles.
  map.addSource('communes', { type: 'vector', url: '/tiles/communes.json' });
  map.addLayer({ id: 'population', type: 'fill', source: 'population', layout: { visibility: 'none' }, paint: { 'fill-color': opaque('#cccccc'), 'fill-antialias': false } });
  // The draft's layers stay hidden while empty: no tiles are cut for them.
  const hidden = { visibility: 'none' };
  map.addLayer({ id: 'bascules-fond', type: 'fill', source: 'bascules', layout: hidden, paint: { 'fill-color': ['case', ['get', 'gagne'], flipColours.gagne, flipColours.perdu], 'fill-antialias': false } });
  map.addLayer({ id: 'communes', type: 'line', source: 'communes', 'source-layer': 'communes', paint: { 'line-color': '#6b7280', 'line-width': 0.8 } });
  // Lines of constant colour and width share one shader (a data-driven
  // property would make another, compiled at the first draw, on the CPU here).
  map.addLayer({ id: 'bascules', type: 'line', source: 'bascules', layout: hidden, filter: ['==', ['get', 'gagne'], true], paint: { 'line-color': '#c2410c', 'line-width': 2.5 } });
  map.addLayer({ id: 'bascules-perdues', type: 'line', source: 'bascules', layout: hidden, filter: ['==', ['get', 'gagne'], false], paint: { 'line-color': '#000000', 'line-width': 2.5 } });
  // Solid: a dashed line would need a shader of its own.
  map.addLayer({ id: 'zones-contour', type: 'line', source: 'zones', paint: { 'line-color': '#111827', 'line-width': 1.6 } });
  map.addLayer({ id: 'zone-choisie', type: 'line', source: 'zones', filter: ['==', ['get', 'rank'], -1], paint: { 'line-color': '#111827', 'line-width': 4 } });
  // Both symbol layers have the same paint, hence one shader.
  const faded = { 'icon-opacity': ['case', ['boolean', ['feature-state', 'retire'], false], 0.3, 1] };
  map.addLayer({
    id: 'lieux', type: 'symbol', source: 'lieux',
    // Drawn over one another, and left out of the collision index (no placement work).
    layout: { 'icon-image': ['match', ['get', 'kind'], 'fs', 'lieu-fs', 'itinerant', 'lieu-itinerant', 'lieu-autre'], 'icon-allow-overlap': true, 'icon-ignore-placement': true, 'icon-size': 1 },
    paint: faded,
  });
  map.addLayer({ id: 'brouillon', type: 'symbol', source: 'brouillon', layout: { ...hidden, 'icon-image': 'lieu-nouveau', 'icon-allow-overlap': true, 'icon-ignore-placement': true }, paint: faded });
}

/** The properties of a cell the population layer draws from (the page keeps the others). */
export const populationKeys = ['Ind', 'Ind_65_79', 'Ind_80p', 'Men_pauv'];

/**
 * fc with only the properties keys of each feature: what the map's worker
 * receives, cuts into tiles and writes into each tile is then a third of the
 * API's answer (the page keeps the full features for its panels and popups).
 */
export function slim(fc, keys) {
  return {
    type: 'FeatureCollection',
    features: fc.features.map(f => {
      const p = {};
      for (const k of keys) p[k] = f.properties[k];
      return { type: 'Feature', properties: p, geometry: f.geometry };
    }),
  };
}

/** Shows the cells the draft flips (flipped: [{h3, covered}]), outlined, with their geometry from access. */
export function showFlips(map, access, flipped) {
  const byH3 = flipped.length ? access.index ||= new Map(access.features.map(f => [f.properties.h3, f])) : null;
  const features = [];
  for (const c of flipped) {
    const f = byH3.get(c.h3);
    if (f) features.push({ type: 'Feature', properties: { h3: c.h3, gagne: c.covered }, geometry: f.geometry });
  }
  map.getSource('bascules').setData({ type: 'FeatureCollection', features });
  show(map, ['bascules-fond', 'bascules', 'bascules-perdues'], features.length > 0);
}

/** Draws the draft's places (a FeatureCollection of Points). */
export function showDraftPlaces(map, fc) {
  map.getSource('brouillon').setData(fc);
  show(map, ['brouillon'], fc.features.length > 0);
}

function show(map, ids, on) {
  for (const id of ids) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
}

const background = '#eef0f2';
/** colour at 85 % over the background, as an opaque colour (the look of fill-opacity 0.85, drawn in one pass). */
function opaque(colour) {
  const c = n => parseInt(colour.slice(n, n + 2), 16), b = n => parseInt(background.slice(n, n + 2), 16);
  return '#' + [1, 3, 5].map(n => Math.round(0.85 * c(n) + 0.15 * b(n)).toString(16).padStart(2, '0')).join('');
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

/** The legend's list; with mixed, the colours as the cells show them (see opaque). */
function swatches(items, mixed, cls = '') {
  return `<ul${cls ? ` class="${cls}"` : ''}>` + items.map(([c, t]) => `<li><span class="pastille" style="background:${mixed ? opaque(c) : c}"></span>${esc(t)}</li>`).join('') + '</ul>';
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

/** Colours the cells by expr (its colours made opaque). */
function setFill(map, layer, expr) {
  map.setPaintProperty(layer, 'fill-color', opaqueExpr(expr));
}

function opaqueExpr(e) {
  if (typeof e === 'string') return e.startsWith('#') ? opaque(e) : e;
  return Array.isArray(e) ? e.map(opaqueExpr) : e;
}

const flipColours = { gagne: '#f59e0b', perdu: '#4b5563' };

/** The travel-time class breaks of profile, in minutes: quarters of its limit. */
function timeBreaks(profile) {
  const max = profile.max_minutes;
  return [max / 4, max / 2, 3 * max / 4, max];
}

/**
 * The cells' fill colour for mode (temps, couverture or acces; access: the
 * profile's cells, which the 2SFCA classes are computed from), before it is
 * made opaque; null for a population mode, or acces without its cells.
 */
function cellColour(mode, profile, access) {
  if (mode === 'temps') {
    const m = ['get', 'nearest_minutes'], bs = timeBreaks(profile);
    return ['case', ['==', m, null], timeColours[5],
      ['step', m, timeColours[0], bs[0], timeColours[1], bs[1], timeColours[2], bs[2], timeColours[3], bs[3] + 1e-9, timeColours[4]]];
  }
  if (mode === 'couverture') return ['case', ['get', 'covered'], coverColours.oui, coverColours.non];
  if (mode === 'acces' && access) return ['case', ['<=', ['get', 'access'], 0], '#ffffff', step(['get', 'access'], seqAccess, accessBreaks(access))];
  return null;
}

function accessBreaks(access) {
  return breaks(access.features.map(f => f.properties.access), 5);
}

/**
 * Paints the cells for mode (temps, couverture, acces, or a key of
 * populations) and returns the legend's HTML. access and cells are the
 * FeatureCollections (access needed for acces only, cells for a
 * population); profile is the current profile.
 */
export function paint(map, mode, profile, access, cells) {
  const pop = populations[mode];
  map.setLayoutProperty('cellules', 'visibility', pop ? 'none' : 'visible');
  map.setLayoutProperty('population', 'visibility', pop ? 'visible' : 'none');
  const colour = cellColour(mode, profile, access);
  if (colour) setFill(map, 'cellules', colour);
  const max = profile.max_minutes;
  let html;
  if (mode === 'temps') {
    const bs = timeBreaks(profile);
    const f = x => decimal(x).replace(/,0$/, '');
    html = '<h3>Temps jusqu\'au lieu adapté le plus proche</h3>' + swatches([
      [timeColours[0], `${f(bs[0])} min ou moins`], [timeColours[1], `de ${f(bs[0])} à ${f(bs[1])} min`],
      [timeColours[2], `de ${f(bs[1])} à ${f(bs[2])} min`], [timeColours[3], `de ${f(bs[2])} à ${f(bs[3])} min (limite du profil)`],
      [timeColours[4], `plus de ${f(max)} min : hors de portée`], [timeColours[5], 'aucun lieu trouvé dans le rayon de recherche']], true);
  } else if (mode === 'couverture') {
    html = '<h3>Couverture</h3>' + swatches([[coverColours.oui, `couvert (${max} min ou moins, lieu adapté)`], [coverColours.non, 'non couvert']], true);
  } else if (mode === 'acces') {
    html = '<h3>Accessibilité (2SFCA)</h3><p class="unite">heures d\'ouverture par semaine pour 1 000 habitants pondérés</p>' +
      swatches([['#ffffff', 'aucune (0)'], ...classes(accessBreaks(access), seqAccess, decimal, 'h')], true);
  } else {
    const bs = breaks((cells?.features || []).map(f => pop.valeur(f.properties)), 5);
    setFill(map, 'population', step(pop.expr, seqPop, bs));
    html = `<h3>${esc(pop.titre)}</h3><p class="unite">personnes (ou ménages) par hexagone de 0,1 km² environ</p>` +
      swatches(classes(bs, seqPop, nombre, ''), true);
  }
  return html + '<h3>Autres signes</h3>' + swatches([
    [flipColours.gagne, 'couvert grâce au brouillon'], [flipColours.perdu, 'découvert par le brouillon'],
    ['#1d3a8a', '■ France Services'], ['#7b2d8b', '▲ arrêt itinérant'], ['#0f6e6e', '● autre lieu de médiation'],
    ['#c2410c', '★ lieu du brouillon'], ['#111827', '— contour d\'une zone blanche'], ['#6b7280', '— limite de commune']], false, 'deux');
}
