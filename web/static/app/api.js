// The one way the page talks to the server. Reads are public; a write
// (scenarios only) answered 401 or 403 asks the user for the API key in a
// dialog and is retried with it, the draft staying in memory meanwhile.

let key = sessionStorage.getItem('maillage-cle') || '';

/** An answer the server refused: status and its JSON error text. */
export class APIError extends Error {
  constructor(status, body) {
    super(body?.error || `erreur ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

async function send(method, path, body, signal, onLine) {
  // The server's error texts in French for what the page sends (scenarios,
  // evaluations, proposals); reads go without it, so that the preloads of
  // index.html (which carry no such header) are used.
  const headers = method === 'GET' ? {} : { 'Accept-Language': 'fr' };
  if (onLine) headers.Accept = 'application/x-ndjson';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (key && method !== 'GET') headers.Authorization = 'Bearer ' + key;
  let res;
  // A busy server (503 or 429 with Retry-After: its first coverage
  // computations, or its limits) is asked again, a few times.
  for (let attempt = 0; ; attempt++) {
    res = await fetch(path, { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
    const wait = Number(res.headers.get('Retry-After'));
    if ((res.status !== 503 && res.status !== 429) || !(wait >= 0) || attempt >= 5) break;
    await new Promise(r => setTimeout(r, Math.min(wait, 10) * 1000 || 500));
  }
  if (res.status === 204) return null;
  if (onLine && res.ok && res.headers.get('Content-Type')?.startsWith('application/x-ndjson')) return lines(res, onLine);
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = { error: text }; }
  if (!res.ok) throw new APIError(res.status, json);
  return json;
}

/**
 * Reads an NDJSON answer: onLine(value) for each line but the last, which
 * is the answer ({proposal}: returned; {error}: thrown).
 */
async function lines(res, onLine) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '', last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buf += value;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (!l) continue;
      if (last) onLine(last);
      last = JSON.parse(l);
    }
    if (done) break;
  }
  if (!last || last.error) throw new APIError(500, last?.error || { error: 'réponse interrompue' });
  return last;
}

/** GET path as JSON. */
export function get(path, signal) { return send('GET', path, undefined, signal); }

/** POST for answers that write nothing (evaluations, proposals). */
export function ask(path, body, signal) { return send('POST', path, body, signal); }

/** ask, the answer streamed as NDJSON: onLine gets each line before the last, which is returned. */
export function askStream(path, body, signal, onLine) { return send('POST', path, body, signal, onLine); }

/** A write (POST, PUT, DELETE on scenarios): on 401/403 it asks for the key and retries. */
export async function write(method, path, body) {
  for (;;) {
    try {
      return await send(method, path, body);
    } catch (e) {
      if (!(e instanceof APIError) || (e.status !== 401 && e.status !== 403)) throw e;
      const k = await askKey(e.status === 403
        ? 'La clé donnée est refusée (' + e.message + '). Votre brouillon est conservé.'
        : 'Ce serveur demande une clé pour enregistrer. Votre brouillon est conservé.');
      if (!k) throw e;
      key = k;
      sessionStorage.setItem('maillage-cle', k);
    }
  }
}

function askKey(text) {
  const dlg = document.getElementById('cle');
  document.getElementById('cle-texte').textContent = text;
  const input = document.getElementById('cle-valeur');
  input.value = '';
  return new Promise(resolve => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok' ? input.value.trim() : ''), { once: true });
    dlg.showModal();
    input.focus();
  });
}
