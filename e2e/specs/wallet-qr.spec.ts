import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qrPayload } from '@openmid/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  challenge,
  registerClient,
  rpCall,
  type TestClient,
} from '../../packages/server/test/support/rp.js';
import { collectPageErrors, launchBrowser, mobileContext, screenshot } from '../support/browser.js';
import { startPlatform, type TestNode } from '../support/platform.js';
import { writeQrVideo } from '../support/qr-video.js';
import {
  activateInBrowser,
  approveWithPin,
  personWithCode,
  WALLET_PIN1,
} from '../support/wallet.js';

/**
 * The wallet's camera (Chromium's fake camera plays a Y4M file of QR codes): the activation code
 * scanned from the officer's letter, and an RP's animated QR code (F11) scanned to log in.
 */
describe('wallet camera — activation code and animated QR log-in', () => {
  let node: TestNode;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let camera: string;
  let rp: TestClient;
  let errors: string[];

  beforeAll(async () => {
    node = await startPlatform();
    rp = await registerClient(node, { client_name: 'ASAN Bank' });
    dir = mkdtempSync(join(tmpdir(), 'openmid-wallet-qr-'));
    camera = join(dir, 'camera.y4m');
    writeQrVideo(camera, []);
    browser = await launchBrowser({
      args: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${camera}`,
      ],
    });
    context = await mobileContext(browser, { baseURL: node.url, permissions: ['camera'] });
    page = await context.newPage();
    errors = collectPageErrors(page);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the activation code from the officer letter with the camera', async () => {
    const person = await personWithCode(node);
    writeQrVideo(camera, [`${node.url}/wallet/activate?code=${person.activationCode}`]);
    const puk = await activateInBrowser(page, person.activationCode, undefined, async (p) => {
      await p.getByRole('button', { name: 'Scan the code with the camera' }).click();
      await expect
        .poll(() => p.getByTestId('activation-code').inputValue(), { timeout: 30_000 })
        .toBe(person.activationCode);
    });
    expect(puk).toBe(person.puk);
    await page.getByTestId('no-requests').waitFor();
  });

  it('logs in by scanning the RP animated QR code', async () => {
    writeQrVideo(camera, []);
    const r = await rpCall(node, rp, 'POST', '/rp/v1/authentication', {
      hash: challenge().b64,
      hashType: 'SHA256',
    });
    expect(r.status).toBe(201);
    const started = Date.now();
    const qr = (await r.json()) as {
      sessionId: string;
      qrStartToken: string;
      qrStartSecret: string;
    };
    // The RP's screen shows a new code every second; the server takes the current one (±1 s).
    // The camera film starts when the scanner opens, some seconds after the session (more on a
    // loaded machine): in film second f show the codes of seconds f+1 … f+4, so that a start-up
    // lag of up to five seconds still finds a current code among them, after at most a few
    // refused ones (well under the ten a minute a device may get wrong).
    const from = Math.floor((Date.now() - started) / 1000);
    const codes: string[] = [];
    for (let s = from; s < from + 20; s++) {
      for (const c of [s + 1, s + 2, s + 3, s + 4])
        codes.push(await qrPayload(qr.qrStartToken, qr.qrStartSecret, c));
    }
    // A small film (20 s, 480x360) is written fast, so the camera starts soon after the session.
    writeQrVideo(camera, codes, { fps: 8, holdFrames: 2, width: 480, height: 360 });
    await page.goto('/wallet/scan');
    await screenshot(page, 'wallet', '16-scan-en');
    await page.getByTestId('request-pin').waitFor({ timeout: 60_000 });
    expect(await page.locator('#request-title').textContent()).toBe('ASAN Bank asks');
    await approveWithPin(page, WALLET_PIN1);
    const done = await rpCall(node, rp, 'GET', `/rp/v1/sessions/${qr.sessionId}?timeoutMs=20000`);
    expect(((await done.json()) as { result: { endResult: string } }).result.endResult).toBe('OK');
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});
