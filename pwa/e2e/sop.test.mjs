// The browser end-to-end suite: the whole SOP walked through the PWA on a phone viewport by
// the seven roles (the Telegram worker's part through GraphQL), a requester's request with a
// return for revision, offline reading and an offline action replayed on reconnect, a
// conflict kept and shown, the admin screens, and an accessibility scan of the main screens.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  axeSerious,
  gql,
  launchBrowser,
  login,
  PASSWORD,
  phoneContext,
  pwaDir,
  shot,
  startServer,
} from './harness.mjs';

const USERS = [
  ['pemohon', 'Dra. Siti Rahmawati', 'REQUESTER'],
  ['wr3', 'Prof. Bambang Wijaya', 'VICE_RECTOR'],
  ['wr3b', 'Dr. Ratna Dewi', 'VICE_RECTOR'],
  ['kabiro', 'Drs. Hadi Santoso', 'BUREAU_HEAD'],
  ['korpkih', 'Rina Kusuma, S.Sos.', 'PKIH_COORDINATOR'],
  ['wakorhumas', 'Dimas Pratama, S.I.Kom.', 'HUMAS_DEPUTY'],
  ['petugas', 'Agus Prasetyo', 'STAFF'],
];

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = readFileSync(join(pwaDir, 'public', 'icons', 'icon-192.png'));

const TITLE = 'Dies Natalis ke-62 Universitas Jember';
const NARRATIVE =
  'Universitas Jember memperingati Dies Natalis ke-62 dengan upacara di Gedung Soetardjo pada Senin, 8 Desember 2026 pukul 07.30 WIB.';

let server;
let browser;
let adminToken;
let worker;
/** One signed-in phone per person, kept for the whole run. */
const phones = {};

async function signIn(username) {
  const context = await phoneContext(browser, server.url);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => process.stderr.write(`[${username}] page error: ${e.message}\n`));
  await page.goto('/');
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('navigation', { name: 'Navigasi utama' }).waitFor();
  phones[username] = { context, page };
  return phones[username];
}

async function openRequest(page, id) {
  await page.goto(`/request/${id}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
}

async function waitStatus(page, text) {
  await page.getByTestId('status').filter({ hasText: text }).waitFor({ timeout: 15_000 });
}

async function requestState(id) {
  const { data } = await gql(
    server.url,
    adminToken,
    'query($id:ID!){request(id:$id){status version currentStep}}',
    { id },
  );
  return data.request;
}

async function untilState(id, status) {
  for (let i = 0; i < 100; i++) {
    if ((await requestState(id)).status === status) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.fail(`request ${id} never reached ${status}: ${JSON.stringify(await requestState(id))}`);
}

const requestIdFromUrl = (page) =>
  decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');

async function submitViaApi(title) {
  const token = await login(server.url, 'pemohon');
  const { data } = await gql(
    server.url,
    token,
    'mutation($i:SubmitRequestInput!){submitRequest(input:$i){id}}',
    { i: { title, audience: 'mahasiswa', narrative: `${title}. Informasi lengkap menyusul.` } },
  );
  return data.submitRequest.id;
}

before(async () => {
  server = await startServer();
  adminToken = await login(server.url, 'admin');
  for (const [username, fullName, role] of USERS) {
    await gql(
      server.url,
      adminToken,
      'mutation($i:CreateUserInput!){createUser(input:$i){user{id}}}',
      {
        i: {
          username,
          fullName,
          roles: [role],
          password: PASSWORD,
          unit: 'Bagian Protokol dan Rumah Tangga',
        },
      },
    );
  }
  for (const [name, chatRef] of [
    ['Humas UNEJ', '@humas_unej'],
    ['Info Mahasiswa', '@info_mhs_unej'],
  ]) {
    await gql(server.url, adminToken, 'mutation($i:ChannelFields!){createChannel(input:$i){id}}', {
      i: { name, chatRef },
    });
  }
  const out = server.cli(['client', 'add', 'e2e-worker', '--scope', 'worker']);
  const clientId = /client id:\s*(\S+)/.exec(out)?.[1];
  const secret = /client secret:\s*(\S+)/.exec(out)?.[1];
  assert.ok(clientId && secret, `worker credentials in: ${out}`);
  const { data } = await gql(
    server.url,
    null,
    'mutation($id:String!,$s:String!){clientToken(clientId:$id,clientSecret:$s){accessToken}}',
    { id: clientId, s: secret },
  );
  worker = data.clientToken.accessToken;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) {
    if (process.env.E2E_SERVER_LOG) process.stderr.write(server.log());
    await server.stop();
  }
});

/** A test that leaves a screenshot of every open phone when it fails. */
function step(name, fn) {
  test(name, async () => {
    try {
      await fn();
    } catch (error) {
      for (const [who, { page }] of Object.entries(phones)) {
        await shot(page, `failed-${name.slice(0, 24).replace(/\W+/g, '-')}-${who}`).catch(
          () => undefined,
        );
      }
      throw error;
    }
  });
}

describe('Warta PWA on a phone', () => {
  let requestId;

  step(
    'a requester files a request with the letter and a photo, and the vice rector sees it arrive live',
    async () => {
      const vr = await signIn('wr3');
      await vr.page.getByRole('heading', { name: 'Kotak masuk' }).waitFor();
      await vr.page.getByText('Tidak ada yang menunggu Anda').waitFor();

      const { page } = await signIn('pemohon');
      await page
        .getByRole('link', { name: /Ajukan/ })
        .first()
        .click();
      await page.getByLabel('Judul').fill(TITLE);
      await page.getByLabel('Unit pemohon').fill('Bagian Protokol dan Rumah Tangga');
      await page.getByLabel('Sasaran').fill('sivitas akademika dan masyarakat umum');
      await page.getByLabel('Tanggal tayang yang diinginkan').fill('2026-12-08');
      await page.getByLabel('Narasi').fill(NARRATIVE);
      await page
        .getByLabel('Surat permohonan')
        .setInputFiles({ name: 'surat-permohonan.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page
        .getByLabel('Media (foto')
        .setInputFiles({ name: 'poster.png', mimeType: 'image/png', buffer: PNG });
      await shot(page, '01-new-request');
      await page.getByRole('button', { name: 'Kirim permohonan' }).click();
      await page.getByRole('heading', { name: TITLE }).waitFor();
      requestId = requestIdFromUrl(page);
      await waitStatus(page, 'Disposisi WR III');
      await page.getByRole('img', { name: 'poster.png' }).waitFor();
      await page.getByText('surat-permohonan.pdf').waitFor();
      await shot(page, '02-request-submitted');

      // The subscription tells the vice rector's open inbox, with no reload.
      await vr.page.getByRole('link', { name: new RegExp(TITLE) }).waitFor({ timeout: 15_000 });
      await vr.page
        .getByText(/Sisa \d/)
        .first()
        .waitFor();
      await shot(vr.page, '03-inbox-vice-rector');
    },
  );

  step(
    'step 1: the vice rector dispositions to the head of bureau with a standard instruction',
    async () => {
      const { page } = phones.wr3;
      await page.getByRole('link', { name: new RegExp(TITLE) }).click();
      await page.getByRole('heading', { name: /Tindakan Anda/ }).waitFor();
      await page
        .getByRole('group', { name: 'Instruksi' })
        .getByText('Untuk ditindaklanjuti')
        .click();
      await page.getByRole('group', { name: 'Sifat' }).getByText('Segera', { exact: true }).click();
      await page.getByLabel('Catatan').fill('Mohon dipublikasikan sebelum upacara.');
      await shot(page, '04-step1-disposition');
      await page.getByRole('button', { name: 'Teruskan ke Kepala BPKH' }).click();
      await waitStatus(page, 'Instruksi Kepala Biro');
      await page.getByText('Mohon dipublikasikan sebelum upacara.').waitFor();
      // The requester's open page follows the request live (requestUpdated), with no reload.
      await waitStatus(phones.pemohon.page, 'Instruksi Kepala Biro');
    },
  );

  step('step 2: the head of bureau chooses the channels', async () => {
    const { page } = await signIn('kabiro');
    await openRequest(page, requestId);
    await page.getByRole('button', { name: 'Teruskan ke Koordinator PKIH' }).click();
    await page.getByText('Kanal publikasi (minimal satu)').last().waitFor();
    await page.getByLabel('Humas UNEJ').check();
    await page.getByLabel('Info Mahasiswa').check();
    await page.getByRole('button', { name: 'Teruskan ke Koordinator PKIH' }).click();
    await waitStatus(page, 'Verifikasi Koordinator PKIH');
  });

  step('step 3: the PKIH coordinator ticks the checklist', async () => {
    const { page } = await signIn('korpkih');
    await openRequest(page, requestId);
    for (const item of [
      'Surat permohonan bertanda tangan terlampir',
      'Unit dan pemohon jelas',
      'Tanggal, waktu dan tempat jelas',
      'Ada narahubung',
      'Media layak tayang',
    ]) {
      await page.getByLabel(item).check();
    }
    await shot(page, '05-step3-checklist');
    await page.getByRole('button', { name: 'Teruskan ke Wakil Koordinator Humas' }).click();
    await waitStatus(page, 'Telaah naskah');
  });

  step(
    'steps 4 and 5: the deputy edits the text in place, sees the diff, finds it fit and assigns staff',
    async () => {
      const { page } = await signIn('wakorhumas');
      await openRequest(page, requestId);
      await page
        .getByLabel('Sunting naskah')
        .fill(NARRATIVE.replace('memperingati', 'dengan bangga memperingati'));
      await page.locator('ins').filter({ hasText: 'dengan bangga' }).waitFor();
      await shot(page, '06-step4-review-diff');
      await page.getByRole('button', { name: 'Layak' }).click();
      await waitStatus(page, 'Penugasan petugas');
      await page.getByText('Versi 2').first().waitFor();
      await page.getByRole('button', { name: 'Teruskan ke Petugas Humas' }).click();
      await waitStatus(page, 'Publikasi');
    },
  );

  step(
    'step 6: staff publish now, the worker delivers, and staff settle an uncertain post',
    async () => {
      const { page } = await signIn('petugas');
      await openRequest(page, requestId);
      await page.getByRole('button', { name: 'Publikasikan sekarang' }).click();
      await page.getByText('Menunggu pengiriman oleh bot Telegram.').waitFor();

      // The Telegram worker (not built yet) is played through GraphQL.
      const { data } = await gql(
        server.url,
        worker,
        'mutation{claimPublicationJobs(worker:"e2e",limit:10){publication{id} channel{chatRef}}}',
      );
      const jobs = data.claimPublicationJobs;
      assert.equal(jobs.length, 2);
      const [sent, unsure] = jobs;
      await gql(
        server.url,
        worker,
        'mutation($a:ReportPublicationInput!,$b:ReportPublicationInput!){a:reportPublication(input:$a){status} b:reportPublication(input:$b){status}}',
        {
          a: {
            publicationId: sent.publication.id,
            outcome: 'SENT',
            messageIds: [101],
            link: 'https://t.me/humas_unej/101',
          },
          b: {
            publicationId: unsure.publication.id,
            outcome: 'UNCERTAIN',
            error: 'timeout after sending',
          },
        },
      );

      await page.reload();
      await page.getByText('Tidak pasti', { exact: true }).waitFor();
      await page.getByRole('link', { name: 'Lihat di Telegram' }).first().waitFor();
      await shot(page, '07-step6-uncertain');
      await page.getByLabel('Tautan pesan (opsional)').fill('https://t.me/info_mhs_unej/55');
      await page.getByRole('button', { name: 'Sudah tayang' }).click();
      await waitStatus(page, 'Pengarsipan');
    },
  );

  step('step 7: staff archive it, and the disposition sheet shows every step on time', async () => {
    const { page } = phones.petugas;
    await page.getByLabel('Kode klasifikasi').selectOption('HM.02.01');
    await page.getByRole('button', { name: 'Arsipkan' }).click();
    await waitStatus(page, 'Selesai diarsipkan');
    await page.getByText('Semua langkah tepat waktu').waitFor();
    const steps = page
      .getByRole('heading', { name: 'Lembar disposisi' })
      .locator('xpath=..')
      .locator('ol > li');
    assert.equal(await steps.count(), 7);
    assert.equal(await steps.filter({ hasText: 'Tepat waktu' }).count(), 7);
    await page.getByText('HM.02.01').waitFor();
    await shot(page, '08-archived-disposition-sheet');
    assert.equal((await requestState(requestId)).status, 'ARCHIVED');
  });

  step('the requester answers a return for revision, then withdraws', async () => {
    const id = await submitViaApi('Pengumuman Registrasi Ulang Jalur Mandiri');
    const vr = phones.wr3.page;
    await openRequest(vr, id);
    await vr.getByText('Kembalikan atau tolak').click();
    await vr.getByLabel('Alasan').fill('Lampirkan surat permohonan yang ditandatangani.');
    await vr.getByRole('button', { name: 'Kembalikan ke pemohon' }).click();
    await waitStatus(vr, 'Dikembalikan');

    const { page } = phones.pemohon;
    await page.getByRole('link', { name: /Permohonan saya/ }).click();
    await page.getByRole('link', { name: /Registrasi Ulang/ }).click();
    await page.getByRole('heading', { name: 'Perbaiki dan kirim ulang' }).waitFor();
    await page
      .getByLabel('Narasi')
      .fill(
        'Calon mahasiswa baru jalur mandiri wajib registrasi ulang daring pada 2–6 Desember 2026.',
      );
    await shot(page, '09-requester-answers-return');
    await page.getByRole('button', { name: 'Kirim ulang' }).click();
    await waitStatus(page, 'Disposisi WR III');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Tarik permohonan' }).click();
    await waitStatus(page, 'Ditarik');
  });

  step(
    'offline: the inbox and a request stay readable, and an action taken offline is sent on reconnect',
    async () => {
      const id = await submitViaApi('Seminar Nasional Ketahanan Pangan');
      const { page, context } = phones.wr3;
      // Online first: the service worker takes control and the views are saved.
      await page.goto('/');
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
        timeout: 15_000,
      });
      await page.getByRole('link', { name: /Seminar Nasional/ }).waitFor();
      await openRequest(page, id);

      await context.setOffline(true);
      await page.reload();
      await page.getByRole('heading', { name: 'Seminar Nasional Ketahanan Pangan' }).waitFor();
      await page.getByText(/Luring: data terakhir dari/).waitFor();
      await page.goto('/');
      await page.getByRole('link', { name: /Seminar Nasional/ }).waitFor();
      await page.getByText(/Luring: data terakhir dari/).waitFor();
      await shot(page, '10-offline-inbox');
      await page.getByRole('link', { name: /Seminar Nasional/ }).click();
      await page.getByRole('button', { name: 'Teruskan ke Kepala BPKH' }).click();
      await page.getByText(/Tindakan Anda menunggu koneksi: Teruskan ke Kepala BPKH/).waitFor();
      await page.getByText(/1 tindakan menunggu koneksi/).waitFor();
      await shot(page, '11-offline-queued');
      assert.equal((await requestState(id)).status, 'DISPOSITION');

      await context.setOffline(false);
      await untilState(id, 'INSTRUCTION');
      await page
        .getByText(/tindakan menunggu koneksi/)
        .waitFor({ state: 'detached', timeout: 15_000 });
    },
  );

  step('a conflict from an offline action is shown, not lost', async () => {
    const id = await submitViaApi('Lomba Karya Tulis Ilmiah Mahasiswa');
    const { page, context } = phones.wr3;
    await page.goto('/');
    await page.getByRole('link', { name: /Lomba Karya Tulis/ }).waitFor();
    await openRequest(page, id);
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Teruskan ke Kepala BPKH' }).click();
    await page.getByText(/Tindakan Anda menunggu koneksi/).waitFor();

    // Meanwhile the other vice rector acts first.
    const other = await login(server.url, 'wr3b');
    const state = await requestState(id);
    await gql(
      server.url,
      other,
      'mutation($i:ForwardRequestInput!){forwardRequest(input:$i){id}}',
      {
        i: { requestId: id, expectedVersion: state.version, instruction: 'SEGERA' },
      },
    );

    await context.setOffline(false);
    const refused = page.getByRole('alert').filter({ hasText: 'Tidak terkirim' });
    await refused.waitFor({ timeout: 15_000 });
    assert.equal(await refused.getAttribute('data-code'), 'CONFLICT');
    assert.match(await refused.textContent(), /sudah diubah orang lain/);
    await shot(page, '12-offline-conflict');
    await refused.getByRole('button', { name: 'Tutup' }).click();
    await refused.waitFor({ state: 'detached' });
  });

  step('a vice rector hands the step over to the other vice rector', async () => {
    const id = await submitViaApi('Wisuda Periode Desember 2026');
    const { page } = phones.wr3;
    await openRequest(page, id);
    await page.getByText('Alihkan ke').first().click();
    await page.locator('select[name="reassignTo"]').selectOption({ label: 'Dr. Ratna Dewi' });
    await page.getByRole('button', { name: 'Alihkan ke' }).click();
    await page.locator('dd').filter({ hasText: 'Dr. Ratna Dewi' }).first().waitFor();
    const { data } = await gql(
      server.url,
      adminToken,
      'query($id:ID!){request(id:$id){holder{username}}}',
      { id },
    );
    assert.equal(data.request.holder.username, 'wr3b');
  });

  step('admins manage users, channels and time standards', async () => {
    const { page } = await signIn('admin');
    await page.getByRole('link', { name: /Admin/ }).click();
    await page.getByText('Pengguna baru').click();
    await page.getByLabel('Nama pengguna', { exact: true }).fill('staf2');
    await page.getByLabel('Nama lengkap').fill('Sari Wulandari');
    await page.getByLabel('Kata sandi (kosongkan untuk dibuatkan)').fill('sandi-staf-2026');
    await page.getByRole('group', { name: 'Peran' }).getByLabel('Petugas Humas').check();
    await page.getByRole('button', { name: 'Buat' }).click();
    await page.getByText(/Dibuat\./).waitFor();
    await page.locator('li[data-username="staf2"]').waitFor();

    await page.getByRole('link', { name: 'Kanal' }).click();
    const form = page.locator('details').filter({ hasText: 'Kanal baru' });
    await form.getByText('Kanal baru').click();
    await form.getByLabel('Nama kanal').fill('Humas Fakultas');
    await form.getByLabel('ID chat atau @username').fill('@humas_fakultas');
    await form.getByRole('button', { name: 'Buat' }).click();
    await page.getByText('@humas_fakultas').waitFor();

    await page.getByRole('link', { name: 'Standar waktu' }).click();
    const step4 = page.locator('li').filter({ hasText: '4. Telaah naskah' });
    await step4.getByLabel('Menit').fill('15');
    await step4.getByRole('button', { name: 'Simpan' }).click();
    await page.getByText('Tersimpan.').first().waitFor();
    await shot(page, '13-admin-sla');
    const { data } = await gql(server.url, adminToken, '{slaStandards{step minutes}}');
    assert.equal(data.slaStandards.find((s) => s.step === 'REVIEW').minutes, 15);
  });

  step('the language switch to English persists, and times stay in WIB', async () => {
    const { page } = phones.pemohon;
    await page.getByRole('link', { name: /Pengaturan/ }).click();
    await page.getByText('English').click();
    await page.reload();
    await page.getByRole('link', { name: /My requests/ }).click();
    await page.getByRole('heading', { name: 'My requests' }).waitFor();
    await page
      .getByText(/\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} WIB/)
      .first()
      .waitFor();
    await page.getByRole('link', { name: /Settings/ }).click();
    await page.getByText('Bahasa Indonesia').click();
    await page.getByRole('heading', { name: 'Pengaturan' }).waitFor();
  });

  step('a requester gets a one-time Telegram link code on the Settings page', async () => {
    const { page } = phones.pemohon;
    await page.getByRole('link', { name: /Pengaturan/ }).click();
    const section = page.getByTestId('telegram');
    await section.getByText('Belum terhubung.', { exact: false }).waitFor();
    await section.getByRole('button', { name: 'Minta kode penghubung' }).click();
    const code = (await section.getByTestId('telegram-code').textContent()) ?? '';
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await section
      .getByText(/Berlaku sampai \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}\.\d{2} WIB/)
      .waitFor();
    await section.getByText(/^Sisa /).waitFor();
    await shot(page, '14-settings-telegram-code');
    // A new code replaces the shown one (the server keeps one live code per person).
    await section.getByRole('button', { name: 'Minta kode baru' }).click();
    await page.waitForFunction(
      ([before]) => document.querySelector('[data-testid="telegram-code"]')?.textContent !== before,
      [code],
    );
  });

  step(
    'an expired session is renewed with the refresh token, and signing out revokes it',
    async () => {
      const { page } = phones.kabiro;
      await page.goto('/');
      await page.getByRole('heading', { name: 'Kotak masuk' }).waitFor();
      const before = await page.evaluate(() =>
        JSON.parse(localStorage.getItem('warta.session') ?? 'null'),
      );
      // A stale access token that the server refuses: the client renews once and retries.
      await page.evaluate(() => {
        const s = JSON.parse(localStorage.getItem('warta.session') ?? 'null');
        s.accessToken = 'expired.token.value';
        localStorage.setItem('warta.session', JSON.stringify(s));
      });
      await page.reload();
      await page.getByRole('heading', { name: 'Kotak masuk' }).waitFor();
      await page.getByRole('link', { name: /Lomba Karya Tulis/ }).waitFor();
      const after = await page.evaluate(() =>
        JSON.parse(localStorage.getItem('warta.session') ?? 'null'),
      );
      assert.notEqual(after.refreshToken, before.refreshToken);
      assert.notEqual(after.accessToken, 'expired.token.value');
      // The old refresh token was spent by the rotation.
      const reuse = await gql(
        server.url,
        null,
        'mutation($t:String!){refreshSession(refreshToken:$t){accessToken}}',
        { t: before.refreshToken },
        { allowErrors: true },
      );
      assert.equal(reuse.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');

      const current = await page.evaluate(() =>
        JSON.parse(localStorage.getItem('warta.session') ?? 'null'),
      );
      await page.getByRole('link', { name: /Pengaturan/ }).click();
      await page.getByRole('button', { name: 'Keluar' }).click();
      await page.getByLabel('Nama pengguna').waitFor();
      await page.waitForFunction(() => localStorage.getItem('warta.session') === null);
      const revoked = await gql(
        server.url,
        null,
        'mutation($t:String!){refreshSession(refreshToken:$t){accessToken}}',
        { t: current.refreshToken },
        { allowErrors: true },
      );
      assert.equal(revoked.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    },
  );

  step('the service worker shows a pushed notification that opens the request', async () => {
    const { page, context } = phones.wr3;
    await context.grantPermissions(['notifications'], { origin: server.url });
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cdp = await context.newCDPSession(page);
    const registrations = new Promise((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: list }) => {
        const mine = list.find((r) => r.scopeURL.startsWith(server.url) && !r.isDeleted);
        if (mine) resolve(mine.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registrations;
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: server.url,
      registrationId,
      data: JSON.stringify({
        title: 'Disposisi baru',
        body: 'Lomba Karya Tulis Ilmiah Mahasiswa',
        requestId: '42',
      }),
    });
    let shown = null;
    for (let i = 0; i < 50 && !shown; i++) {
      shown = await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.ready;
        const list = await registration.getNotifications();
        const first = list[0];
        return first ? { title: first.title, body: first.body, url: first.data?.url } : null;
      });
      if (!shown) await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(shown, {
      title: 'Disposisi baru',
      body: 'Lomba Karya Tulis Ilmiah Mahasiswa',
      url: '/request/42',
    });
    await cdp.detach();
  });

  step('the main screens have no serious or critical accessibility violations', async () => {
    const context = await phoneContext(browser, server.url);
    const anon = await context.newPage();
    await anon.goto('/');
    await anon.getByLabel('Nama pengguna').waitFor();
    const screens = [['sign-in', anon]];
    const vr = phones.wr3.page;
    await vr.goto('/');
    await vr.getByRole('heading', { name: 'Kotak masuk' }).waitFor();
    screens.push(['inbox', vr]);
    const staff = phones.petugas.page;
    await openRequest(staff, requestId);
    screens.push(['request-detail', staff]);
    const req = phones.pemohon.page;
    await req.goto('/new');
    await req.getByLabel('Judul').waitFor();
    screens.push(['new-request', req]);
    const admin = phones.admin.page;
    await admin.goto('/admin/users');
    await admin.locator('li[data-username="staf2"]').waitFor();
    screens.push(['admin', admin]);
    const problems = [];
    for (const scheme of ['light', 'dark']) {
      for (const [name, page] of screens) {
        await page.emulateMedia({ colorScheme: scheme });
        if (scheme === 'dark') await shot(page, `14-dark-${name}`);
        for (const v of await axeSerious(page))
          problems.push({ screen: `${name} (${scheme})`, ...v });
      }
    }
    await context.close();
    assert.deepEqual(problems, []);
  });
});
