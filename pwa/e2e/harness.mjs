// Test harness for the browser end-to-end suite: a real `warta serve` on a free port with a
// fresh data directory, GraphQL helpers for seeding and for acting as the Telegram worker,
// and Debian's Chromium driven by playwright-core at a phone viewport.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const pwaDir = resolve(here, '..');
export const repoDir = resolve(pwaDir, '..');
export const resultsDir = join(pwaDir, 'test-results');

export const PASSWORD = 'sandi-rahasia-123';
export const PHONE = { width: 390, height: 844 };

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startServer() {
  const bin = process.env.WARTA_BIN ?? join(repoDir, 'target', 'debug', 'warta');
  if (!existsSync(bin)) throw new Error(`no warta binary at ${bin}: run cargo build -p warta`);
  const dist = join(pwaDir, 'dist');
  if (!existsSync(join(dist, 'index.html'))) throw new Error('no pwa/dist: run npm run build');
  const dataDir = mkdtempSync(join(tmpdir(), 'warta-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    WARTA_DATA_DIR: dataDir,
    WARTA_LISTEN: `127.0.0.1:${port}`,
    WARTA_ADMIN_PASSWORD: PASSWORD,
    WARTA_PWA_DIR: dist,
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
  };
  delete env.DATABASE_URL;
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => {
    log += d;
  });
  child.stderr.on('data', (d) => {
    log += d;
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`warta serve exited:\n${log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  return {
    url,
    dataDir,
    log: () => log,
    /** Runs a `warta` CLI command against the same data directory. */
    cli(args, input) {
      const out = spawnSync(bin, args, {
        env: { ...env, RUST_BACKTRACE: '0' },
        input,
        encoding: 'utf8',
      });
      if (out.status !== 0) throw new Error(`warta ${args.join(' ')} failed: ${out.stderr}`);
      return out.stdout;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => {
        if (child.exitCode !== null) return r(undefined);
        child.once('exit', r);
        setTimeout(r, 5000);
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Posts one GraphQL operation; throws on errors unless `allowErrors`. */
export async function gql(url, token, query, variables = {}, { allowErrors = false } = {}) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const json = await res.json();
  if (json.errors && !allowErrors) throw new Error(`GraphQL: ${JSON.stringify(json.errors)}`);
  return json;
}

export async function login(url, username, password = PASSWORD) {
  const { data } = await gql(
    url,
    null,
    'mutation($u:String!,$p:String!){login(username:$u,password:$p){accessToken}}',
    { u: username, p: password },
  );
  return data.login.accessToken;
}

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium`);
  mkdirSync(resultsDir, { recursive: true });
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

/** A fresh phone-sized browser context (its own storage, service worker and IndexedDB). */
export async function phoneContext(browser, baseURL) {
  return browser.newContext({
    baseURL,
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
  });
}

export const axeSource = () =>
  readFileSync(join(pwaDir, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function axeSerious(page) {
  await page.addScriptTag({ content: axeSource() });
  const violations = await page.evaluate(async () => {
    const result = await /** @type {any} */ (window).axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function shot(page, name) {
  await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true });
}
