#!/usr/bin/env node
// Browser tests of the offline web badge verifier (the page `tessera site
// build` writes), in headless Chromium driven by playwright-core.
//
//   node web/tests/browser.mjs CASES.json
//
// CASES.json is written by app/tests/web.rs (after `tessera site build`):
//   { "site": "/abs/site", "screenshot": "/abs/x.png" | null,
//     "bench_out": "/abs/bench.json" | null,
//     "bench_input": "/abs/badge.cbor" | null,  (bytes for the 1,000 checks;
//                                              default: the valid link's text)
//     "cases": [ { "name", "via": "http" | "file", "locale": "pt-BR" | null,
//                  one of "fragment" (QR text for the link), "file", "paste",
//                  "nfc" ({ "record": "/abs/badge.cbor", "serial": "04:…" | null }:
//                  a Web NFC read of a card whose tsr.io:b record holds those
//                  bytes, given to the page by a stand-in NDEFReader),
//                  "holder": null | { "identity", "code" },
//                  "expect": { "verdict", "reason_contains", "serial", "demo",
//                              "belongs", "holder_error", "lang" } } ] }
// (null or absent expectations are not checked). Each case runs in a fresh
// browser context (its own locale), over http (a static server on
// 127.0.0.1 started here) or from file://, and must show the expected
// verdict without making any network request after the page's load event
// (nor, while it loads, to anything but the site). A screenshot of the
// first passing "valid" case goes to "screenshot"; with "bench_out", the
// time to the first verdict of a valid link (five cold loads, with an empty
// page's floor) and the time of 1,000 window.tesseraVerifier.check calls
// are measured and written there.
//
// Prints one line per case, `ok   name` or `FAIL name: why`, and exits 0
// when every case passed, 1 otherwise (bad usage included).
//
// Environment: CHROMIUM (default /usr/bin/chromium) is the browser to run;
// TESSERA_WEB_HEADED=1 shows the window (for debugging on a desktop).

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox', // we run as root in CI
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium phones home; the connections are refused and
  // would only pollute the logs.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const READY_TIMEOUT_MS = 30_000; // module compiled and site data accepted
const VERDICT_TIMEOUT_MS = 15_000;
const SETTLE_MS = 500; // time left for late (forbidden) requests to show up
const WHOLE_RUN_TIMEOUT_MS = 10 * 60_000;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

let failures = 0;
const ok = (name) => console.log(`ok   ${name}`);
const fail = (name, why, details = []) => {
  failures += 1;
  console.log(`FAIL ${name}: ${why}`);
  for (const d of details) console.log(`       ${d}`);
};

/** A harness problem: no case can run. */
function die(why) {
  console.log(`FAIL harness: ${why}`);
  process.exit(1);
}

// ---------------------------------------------------------------- input --

function readCases(file) {
  let config;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    die(`cannot read ${file}: ${e.message}`);
  }
  const problems = [];
  if (typeof config.site !== 'string' || !path.isAbsolute(config.site)) {
    problems.push('"site" must be an absolute path');
  }
  if (!Array.isArray(config.cases) || config.cases.length === 0) {
    problems.push('"cases" must be a non-empty array');
  }
  for (const [i, c] of (config.cases ?? []).entries()) {
    const label = `case ${i} (${c?.name ?? 'no name'})`;
    if (typeof c?.name !== 'string' || c.name === '') problems.push(`${label}: "name" is required`);
    if (c?.via !== 'http' && c?.via !== 'file') problems.push(`${label}: "via" must be "http" or "file"`);
    const inputs = ['fragment', 'file', 'paste', 'nfc'].filter((k) => c?.[k] != null);
    if (inputs.length !== 1) {
      problems.push(`${label}: give exactly one of "fragment", "file", "paste", "nfc" (got ${inputs.join(', ') || 'none'})`);
    }
    if (c?.nfc != null && !fs.existsSync(c.nfc.record ?? '')) problems.push(`${label}: no file ${c.nfc.record}`);
    if (typeof c?.expect?.verdict !== 'string') problems.push(`${label}: "expect.verdict" is required`);
    const e = c?.expect ?? {};
    if ((e.belongs != null || e.holder_error != null) && c?.holder == null) {
      problems.push(`${label}: "expect.belongs"/"expect.holder_error" need "holder"`);
    }
    if (c?.holder != null && e.belongs == null && e.holder_error !== true) {
      problems.push(`${label}: "holder" needs "expect.belongs" or "expect.holder_error"`);
    }
    if (c?.file != null && !fs.existsSync(c.file)) problems.push(`${label}: no file ${c.file}`);
  }
  if (problems.length > 0) die(`bad ${file}: ${problems.join('; ')}`);
  config.site = path.resolve(config.site);
  return config;
}

// --------------------------------------------------------------- server --

// The benchmark's floor: a page with nothing but one inline script that
// marks when it runs and when its first frame is drawn, served the same
// way. The browser's own time to run any script of a fresh page and to
// draw it, which no page can go below.
const FLOOR_PATH = '/__floor.html';
const FLOOR_PAGE = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>floor</title>'
  + '<link rel="icon" href="data:,"><script>performance.mark("floor");'
  + 'requestAnimationFrame(function(){setTimeout(function(){performance.mark("floor-drawn")},0)})</script>'
  + '</head><body><p>floor</p></body></html>';

/** A static file server for `root` on 127.0.0.1 (random port). */
function startServer(root) {
  const hits = [];
  const server = http.createServer((req, res) => {
    hits.push({ at: Date.now(), method: req.method, url: req.url });
    const answer = (status, text) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : `${text}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      answer(405, 'method not allowed');
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      answer(400, 'bad request');
      return;
    }
    if (pathname === FLOOR_PATH) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(FLOOR_PAGE);
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = path.resolve(root, `.${pathname}`);
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()];
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      stat = null;
    }
    if (!file.startsWith(root + path.sep) || pathname.includes('\0') || !type || !stat?.isFile()) {
      answer(404, 'not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': stat.size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ server, hits, origin: `http://127.0.0.1:${port}` });
    });
  });
}

// ---------------------------------------------------------------- cases --

/** Where a case opens the page, with the link's fragment when given. */
function pageUrl(config, origin, via, fragment) {
  const base = via === 'http'
    ? `${origin}/index.html`
    : pathToFileURL(path.join(config.site, 'index.html')).href;
  // The fragment is QR text, `TSR1:` + base45, whose alphabet has ' ' and
  // '%' among '*', '+', '-', '.', '/', ':', '$': the link percent-encodes
  // those two, as the desk's links do (tessera_formats::qr_text::link_fragment).
  return fragment == null ? base : `${base}#${linkFragment(fragment)}`;
}

/** QR text as a link's fragment: '%' and ' ' percent-encoded. */
const linkFragment = (text) => text.replace(/%/g, '%25').replace(/ /g, '%20');

/** May the page load this URL while it loads? (Never after.) */
function siteUrl(config, origin, via, url) {
  if (via === 'http') return url.startsWith(`${origin}/`);
  if (!url.startsWith('file:')) return false;
  try {
    return fileURLToPath(url.split('#')[0]).startsWith(config.site + path.sep);
  } catch {
    return false;
  }
}

/** Not network: inline data and the page's own object URLs. */
const local = (url) => url.startsWith('data:') || url.startsWith('blob:');

/**
 * A fresh context and page for `via`, recording every request: any one
 * after the load event, or during load to anything but the site, is a
 * violation (and requests leaving the site are aborted, not sent).
 */
async function openPage(browser, config, origin, via, locale) {
  const context = await browser.newContext({ locale: locale ?? 'en-US', viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  const watch = { loaded: false, violations: [], pageErrors: [], console: [] };
  await context.route(
    (u) => !local(u.href) && !siteUrl(config, origin, via, u.href),
    (route) => route.abort('blockedbyclient'),
  );
  page.on('load', () => {
    watch.loaded = true;
  });
  page.on('request', (r) => {
    const url = r.url();
    if (local(url)) return;
    if (watch.loaded) {
      watch.violations.push(`after load: ${r.method()} ${url}`);
    } else if (!siteUrl(config, origin, via, url)) {
      watch.violations.push(`during load, not the site's: ${r.method()} ${url}`);
    }
  });
  page.on('websocket', (ws) => watch.violations.push(`websocket: ${ws.url()}`));
  page.on('pageerror', (e) => watch.pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') watch.console.push(`console.${m.type()}: ${m.text()}`);
  });
  return { context, page, watch };
}

/** Wait for body[data-ready="true"]; throw the page's own error text otherwise. */
async function waitReady(page) {
  try {
    await page.waitForSelector('body[data-ready="true"], body[data-error]', {
      state: 'attached',
      timeout: READY_TIMEOUT_MS,
    });
  } catch {
    throw new Error(`the page never set body[data-ready="true"] or body[data-error] (${READY_TIMEOUT_MS / 1000} s)`);
  }
  const error = await page.evaluate(() => {
    const b = document.body;
    if (!b.hasAttribute('data-error')) return null;
    return b.getAttribute('data-error') || document.querySelector('#status')?.textContent?.trim() || '(empty)';
  });
  if (error !== null) throw new Error(`the page did not start: body[data-error] says ${JSON.stringify(error)}`);
}

/** What the page shows now. */
function readResult(page) {
  return page.evaluate(() => {
    const q = (s) => document.querySelector(s);
    const text = (s) => {
      const el = q(s);
      return el ? el.textContent.replace(/\s+/g, ' ').trim() : null;
    };
    const holder = q('#holder-result');
    return {
      verdict: q('#verdict')?.getAttribute('data-verdict') ?? null,
      headline: text('#verdict'),
      // Drawn, not only in the DOM: early.js hides a link's result until
      // app.js has its verdict.
      visible: q('#verdict') !== null && getComputedStyle(q('#verdict')).visibility === 'visible',
      reason: text('#reason'),
      revocation: text('#revocation-reason'),
      serial: text('#details [data-field="serial"]'),
      status: text('#status'),
      lang: document.documentElement.getAttribute('lang'),
      hasDemo: q('#demo') !== null,
      holder: holder && {
        belongs: holder.getAttribute('data-belongs'),
        error: holder.getAttribute('data-error'),
        text: text('#holder-result'),
      },
    };
  });
}

const show = (v) => JSON.stringify(v);

/** Run one case; returns [] when it passed, else the reasons. */
async function runCase(browser, config, origin, c, shot) {
  const { context, page, watch } = await openPage(browser, config, origin, c.via, c.locale);
  const why = [];
  try {
    if (c.nfc != null) {
      // A stand-in for Chromium's Web NFC (which needs an Android phone): a
      // scan that reads one card, as NDEFReader's reading event gives it.
      const record = [...fs.readFileSync(c.nfc.record)];
      await page.addInitScript(({ record, serial }) => {
        window.NDEFReader = class {
          scan() {
            setTimeout(() => {
              const data = new DataView(new Uint8Array(record).buffer);
              this.onreading?.({
                serialNumber: serial ?? '',
                message: { records: [{ recordType: 'tsr.io:b', data }] },
              });
            }, 50);
            return Promise.resolve();
          }
        };
      }, { record, serial: c.nfc.serial });
    }
    await page.goto(pageUrl(config, origin, c.via, c.fragment), { waitUntil: 'load', timeout: READY_TIMEOUT_MS });
    await waitReady(page);

    if (c.nfc != null) {
      await page.click('#nfc');
    } else if (c.file != null) {
      await page.setInputFiles('#file', c.file);
    } else if (c.paste != null) {
      await page.fill('#paste', c.paste);
      await page.click('#paste-check');
    }
    try {
      await page.waitForSelector('#verdict[data-verdict]', { state: 'attached', timeout: VERDICT_TIMEOUT_MS });
    } catch {
      const r = await readResult(page);
      throw new Error(`no #verdict[data-verdict] after ${VERDICT_TIMEOUT_MS / 1000} s (#status: ${show(r.status)})`);
    }

    const e = c.expect;
    const r = await readResult(page);
    if (r.verdict !== e.verdict) {
      why.push(`verdict ${show(r.verdict)}, expected ${show(e.verdict)} (headline ${show(r.headline)}, reason ${show(r.reason)})`);
    }
    if (!r.headline) why.push('#verdict has no text (the translated headline)');
    if (!r.visible) why.push('#verdict is in the DOM but hidden (html[data-link] left on?)');
    if (e.reason_contains != null) {
      const shown = [r.reason, r.revocation].filter(Boolean).join(' | ');
      if (!shown.includes(e.reason_contains)) {
        why.push(`#reason/#revocation-reason ${show(shown)} do not contain ${show(e.reason_contains)}`);
      }
    }
    if (e.serial != null) {
      const wanted = String(e.serial);
      const re = new RegExp(`(^|\\D)${wanted}(\\D|$)`);
      if (r.serial == null) why.push(`no #details [data-field="serial"] (expected serial ${wanted})`);
      else if (!re.test(r.serial)) why.push(`serial shown is ${show(r.serial)}, expected ${wanted}`);
    }
    if (e.demo != null) {
      const visible = await page.isVisible('#demo');
      if (e.demo && !r.hasDemo) why.push('no #demo element (the DEMO notice)');
      else if (visible !== e.demo) why.push(`#demo is ${visible ? 'visible' : 'hidden'}, expected ${e.demo ? 'visible' : 'hidden'}`);
    }
    if (e.lang != null && r.lang !== e.lang) why.push(`html[lang] is ${show(r.lang)}, expected ${show(e.lang)}`);

    if (c.holder != null) {
      await page.fill('#holder-identity', c.holder.identity);
      await page.fill('#holder-code', c.holder.code);
      await page.click('#holder-check');
      try {
        await page.waitForSelector('#holder-result[data-belongs], #holder-result[data-error]', {
          state: 'attached',
          timeout: VERDICT_TIMEOUT_MS,
        });
      } catch {
        throw new Error(`no #holder-result[data-belongs] or [data-error] after ${VERDICT_TIMEOUT_MS / 1000} s`);
      }
      const h = (await readResult(page)).holder;
      if (e.holder_error === true) {
        if (h.error !== 'code' || h.belongs !== null) {
          why.push(`holder check: expected data-error="code" and no data-belongs, got data-error=${show(h.error)} data-belongs=${show(h.belongs)} (${show(h.text)})`);
        }
        if (!h.text) why.push('holder check: #holder-result shows no error text');
      }
      if (e.belongs != null) {
        if (h.belongs !== String(e.belongs)) {
          why.push(`holder check: data-belongs=${show(h.belongs)}, expected "${e.belongs}" (data-error=${show(h.error)}, ${show(h.text)})`);
        } else if (e.belongs && !(h.text ?? '').includes(c.holder.identity)) {
          why.push(`holder check: #holder-result ${show(h.text)} does not name ${c.holder.identity}`);
        }
      }
    }

    await page.waitForTimeout(SETTLE_MS);
    if (why.length === 0 && watch.violations.length === 0 && watch.pageErrors.length === 0
        && shot.path && !shot.taken && e.verdict === 'valid') {
      fs.mkdirSync(path.dirname(shot.path), { recursive: true });
      await page.screenshot({ path: shot.path, fullPage: true });
      shot.taken = c.name;
    }
  } catch (err) {
    why.push(err.message.split('\n')[0]);
  } finally {
    await context.close().catch(() => {});
  }
  if (watch.violations.length > 0) {
    why.push(`the page made network requests (it must make none after load): ${watch.violations.join(', ')}`);
  }
  for (const m of watch.pageErrors) why.push(`uncaught error in the page: ${m}`);
  return { why, console: watch.console };
}

// ------------------------------------------------------------ benchmark --

/** Cold loads a run times: five, or the config's `cold_loads`. */
const coldLoadsOf = (config) => (Number.isInteger(config.cold_loads) && config.cold_loads > 0 ? config.cold_loads : 5);

/** One load of a link in a fresh context: when its verdict was in the page and drawn. */
async function coldLoad(browser, config, origin, fragment) {
  const { context, page, watch } = await openPage(browser, config, origin, 'http', 'en-US');
  try {
    // When the verdict appears (the app's performance.mark('tessera-verdict'),
    // else this observer's note), and when the main thread has done the
    // frame that draws it (a task queued from that frame's animation
    // callback runs after its layout and paint).
    await page.addInitScript(() => {
      const seen = () => document.querySelector('#verdict[data-verdict]') !== null;
      const observer = new MutationObserver(() => {
        if (window.__tesseraVerdictAt === undefined && seen()) {
          window.__tesseraVerdictAt = performance.now();
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => { window.__tesseraDrawnAt = performance.now(); }, 0));
        }
      });
      observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-verdict'] });
    });
    await page.goto(pageUrl(config, origin, 'http', fragment), { waitUntil: 'load', timeout: READY_TIMEOUT_MS });
    await waitReady(page);
    const load = await page.evaluate(async (timeout) => {
      const deadline = performance.now() + timeout;
      while (document.querySelector('#verdict[data-verdict]') === null || window.__tesseraDrawnAt === undefined) {
        if (performance.now() > deadline) return { error: 'no #verdict[data-verdict] drawn' };
        await new Promise((r) => setTimeout(r, 2));
      }
      const nav = performance.getEntriesByType('navigation')[0];
      const start = nav ? nav.startTime : 0;
      const mark = performance.getEntriesByName('tessera-verdict', 'mark')[0];
      const at = mark ? mark.startTime : window.__tesseraVerdictAt;
      const ready = performance.getEntriesByName('tessera-ready', 'mark')[0];
      const boot = performance.getEntriesByName('tessera-boot', 'mark')[0];
      return {
        ms: at - start,
        drawn: window.__tesseraDrawnAt - start,
        // Where the time went: the page's bytes in, the app's first line,
        // the verifier ready (module compiled, site data read).
        response_end: nav ? nav.responseEnd - start : null,
        boot: boot ? boot.startTime - start : null,
        ready: ready ? ready.startTime - start : null,
        dom_ready: nav ? nav.domContentLoadedEventStart - start : null,
        source: mark ? 'mark' : 'observer',
        verdict: document.querySelector('#verdict').getAttribute('data-verdict'),
      };
    }, VERDICT_TIMEOUT_MS);
    if (load.error) throw new Error(load.error);
    if (load.verdict !== 'valid') throw new Error(`the benchmark's link shows ${JSON.stringify(load.verdict)}, not "valid"`);
    if (watch.violations.length > 0) throw new Error(`the page made network requests: ${watch.violations.join(', ')}`);
    return load;
  } finally {
    await context.close().catch(() => {});
  }
}

/**
 * Time to the first verdict of a valid link, and 1,000 checks of the valid
 * badge's bytes by the page's own Verifier (window.tesseraVerifier).
 */
async function runBench(browser, config, origin) {
  const valid = config.cases.find((c) => c.via === 'http' && c.fragment != null && c.expect.verdict === 'valid');
  if (!valid) throw new Error('no http case with a valid link to measure');
  const input = config.bench_input != null
    ? fs.readFileSync(config.bench_input)
    : Buffer.from(valid.fragment, 'utf8');

  // Five (or `cold_loads`) cold loads of the link, each in a fresh context
  // (a new renderer process): the median, and where its time went.
  const COLD_LOADS = coldLoadsOf(config);
  const loads = [];
  for (let i = 0; i < COLD_LOADS; i += 1) loads.push(await coldLoad(browser, config, origin, valid.fragment));
  const byMs = [...loads].sort((a, b) => a.ms - b.ms);
  const first = byMs[COLD_LOADS >> 1];
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const floors = [];
  for (let i = 0; i < COLD_LOADS; i += 1) {
    const f = await openPage(browser, config, origin, 'http', 'en-US');
    try {
      await f.page.goto(new URL(FLOOR_PATH, origin).href, { waitUntil: 'load', timeout: READY_TIMEOUT_MS });
      await f.page.waitForFunction(() => performance.getEntriesByName('floor-drawn', 'mark').length > 0, null, { timeout: READY_TIMEOUT_MS });
      floors.push(await f.page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const start = nav ? nav.startTime : 0;
        return {
          ms: performance.getEntriesByName('floor', 'mark')[0].startTime - start,
          drawn: performance.getEntriesByName('floor-drawn', 'mark')[0].startTime - start,
        };
      }));
    } finally {
      await f.context.close().catch(() => {});
    }
  }
  const floor = median(floors.map((f) => f.ms));
  const floorDrawn = median(floors.map((f) => f.drawn));
  const drawn = median(loads.map((l) => l.drawn));

  const { context, page, watch } = await openPage(browser, config, origin, 'http', 'en-US');
  try {
    await page.goto(pageUrl(config, origin, 'http', valid.fragment), { waitUntil: 'load', timeout: READY_TIMEOUT_MS });
    await waitReady(page);
    const run = await page.evaluate((b64) => {
      const v = window.tesseraVerifier;
      if (!v || typeof v.check !== 'function') {
        return { error: 'window.tesseraVerifier is missing: the app must expose its wasm_bindgen.Verifier as window.tesseraVerifier' };
      }
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const now = Math.floor(Date.now() / 1000);
      const report = JSON.parse(v.check(bytes, now));
      if (report.verdict !== 'valid') return { error: `tesseraVerifier.check says ${JSON.stringify(report.verdict)} for the valid badge` };
      const thousand = () => {
        let last = '';
        const t0 = performance.now();
        for (let i = 0; i < 1000; i += 1) last = v.check(bytes, now);
        const t1 = performance.now();
        if (JSON.parse(last).verdict !== 'valid') throw new Error('the 1000th check was not valid');
        return t1 - t0;
      };
      // The first 1,000 from cold (V8 runs new code in its baseline
      // compiler and optimises hot functions in the background), then,
      // as criterion does natively, a warm-up of at least a second and
      // the median of 7 runs of 1,000.
      const cold = thousand();
      const warmUntil = performance.now() + 1000;
      while (performance.now() < warmUntil) v.check(bytes, now);
      const runs = Array.from({ length: 7 }, thousand).sort((a, b) => a - b);
      return { cold, median: runs[3], min: runs[0], max: runs[6] };
    }, input.toString('base64'));
    if (run.error) throw new Error(run.error);
    await page.waitForTimeout(SETTLE_MS);
    if (watch.violations.length > 0) throw new Error(`the page made network requests: ${watch.violations.join(', ')}`);

    const wasm = fs.readFileSync(path.join(config.site, 'tessera_web_bg.wasm'));
    const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      // From navigation start to the verdict in the page (the app's mark),
      // and to the end of the main thread's work on the frame that draws
      // it; the median of five cold loads.
      first_verdict_ms: round(first.ms, 1),
      first_verdict_ms_all: loads.map((l) => round(l.ms, 1)),
      first_verdict_from: first.source,
      first_verdict_drawn_ms: round(drawn, 1),
      first_verdict_drawn_ms_all: loads.map((l) => round(l.drawn, 1)),
      // The same browser's time to run the first script of an empty page
      // and to draw it (medians of five), and the first verdict beyond it.
      floor_ms: round(floor, 1),
      floor_drawn_ms: round(floorDrawn, 1),
      first_verdict_over_floor_ms: round(first.ms - floor, 1),
      first_verdict_drawn_over_floor_ms: round(drawn - floorDrawn, 1),
      first_verdict_parts_ms: {
        response_end: first.response_end == null ? null : round(first.response_end, 1),
        app_start: first.boot == null ? null : round(first.boot, 1),
        verifier_ready: first.ready == null ? null : round(first.ready, 1),
        dom_ready: first.dom_ready == null ? null : round(first.dom_ready, 1),
      },
      // ms for 1,000 checks = µs per check.
      per_check_us_median: round(run.median, 1),
      per_check_us_min: round(run.min, 1),
      per_check_us_max: round(run.max, 1),
      per_check_us_cold: round(run.cold, 1),
      wasm_bytes: wasm.length,
      wasm_gzip_bytes: zlib.gzipSync(wasm, { level: 9 }).length,
      chromium: browser.version(),
    };
  } finally {
    await context.close().catch(() => {});
  }
}

// ----------------------------------------------------------------- main --

async function main() {
  if (process.argv.length !== 3) {
    console.log('usage: node web/tests/browser.mjs CASES.json');
    process.exit(1);
  }
  setTimeout(() => die(`the whole run took over ${WHOLE_RUN_TIMEOUT_MS / 60_000} minutes`), WHOLE_RUN_TIMEOUT_MS).unref();
  const config = readCases(process.argv[2]);
  for (const f of ['index.html', 'tessera_web_bg.wasm']) {
    if (!fs.existsSync(path.join(config.site, f))) die(`the site ${config.site} has no ${f} (did \`tessera site build\` run?)`);
  }
  if (!fs.existsSync(CHROMIUM)) die(`no browser at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM)`);
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    die(`cannot load playwright-core (${e.code ?? e.message}): run \`npm ci\` in web/tests`);
  }

  const { server, hits, origin } = await startServer(config.site);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: process.env.TESSERA_WEB_HEADED !== '1',
    args: CHROMIUM_ARGS.filter((a) => a !== '--headless' || process.env.TESSERA_WEB_HEADED !== '1'),
  });
  // launch() gives the browser a fresh temporary profile (--user-data-dir)
  // and removes it on close.
  const shot = { path: config.screenshot ?? null, taken: null };
  try {
    for (const c of config.cases) {
      const { why, console: logs } = await runCase(browser, config, origin, c, shot);
      if (why.length === 0) ok(c.name);
      else fail(c.name, why.join('; '), logs);
    }
    if (shot.path) {
      if (shot.taken) console.log(`     screenshot of "${shot.taken}": ${shot.path}`);
      else fail('screenshot', `no passing "valid" case to take ${shot.path} of`);
    }
    if (config.bench_out) {
      try {
        const bench = await runBench(browser, config, origin);
        fs.mkdirSync(path.dirname(config.bench_out), { recursive: true });
        fs.writeFileSync(config.bench_out, `${JSON.stringify(bench, null, 2)}\n`);
        ok('benchmark');
        console.log(`     ${JSON.stringify(bench)}`);
        console.log(`     written to ${config.bench_out}`);
      } catch (e) {
        fail('benchmark', e.message.split('\n')[0]);
      }
    }
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
  const strays = hits.filter((h) => !/^\/(index\.html)?$|\.(html|js|css|wasm)$/.test(h.url.split('?')[0]));
  if (strays.length > 0) {
    console.log(`     (the server also saw: ${strays.map((h) => `${h.method} ${h.url}`).join(', ')})`);
  }
  const total = config.cases.length + (config.bench_out ? 1 : 0);
  console.log(failures === 0 ? `all ${total} passed` : `${failures} of ${total} failed`);
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((e) => die(e.stack ?? String(e)));
