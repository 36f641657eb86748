import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPresentation,
  es256Signer,
  QrFrameAssembler,
  splitIntoQrFrames,
  verifyVerifierRequest,
} from '@openmid/protocol/id-card';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Holder,
  issueEnrolmentCode,
  newHolder,
} from '../../packages/server/test/support/id-card.js';
import { collectPageErrors, launchBrowser, mobileContext, screenshot } from '../support/browser.js';
import { startPlatform, type TestNode } from '../support/platform.js';
import { writeQrVideo } from '../support/qr-video.js';

const JOURNEY = 'idcard';
// A 2×2 PNG: the registration photo the card carries.
const PHOTO =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGNgYGD4z8DAwMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';

/**
 * SPEC F20/F21 end to end: the verifier app in Chromium registers with an enrolment code, caches
 * the issuer keys and the status list, loses the network, shows its signed request, and reads
 * the wallet's answer through Chromium's fake camera (a Y4M video of the answer's QR codes);
 * the verdict is reached offline. The wallet's side is the same protocol code the wallet runs
 * (@openmid/protocol/id-card) with the phone's device key.
 */
describe('offline ID check — verifier app with a fake camera', () => {
  let node: TestNode;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let camera: string;
  let holder: Holder;
  let trust: { issuing: Uint8Array; root: Uint8Array };

  beforeAll(async () => {
    node = await startPlatform();
    dir = mkdtempSync(join(tmpdir(), 'openmid-idcard-'));
    camera = join(dir, 'camera.y4m');
    writeQrVideo(camera, []);
    browser = await launchBrowser({
      args: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${camera}`,
      ],
    });
    trust = {
      issuing: new Uint8Array(await (await node.request('/pki/ca.cer')).arrayBuffer()),
      root: new Uint8Array(await (await node.request('/pki/root.cer')).arrayBuffer()),
    };
    holder = await newHolder(node, {
      givenName: 'Leyla',
      familyName: 'Məmmədova',
      photo: PHOTO,
      document: { type: 'ID card', number: 'AZE7654321' },
    });
    context = await mobileContext(browser, { baseURL: node.url, permissions: ['camera'] });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The wallet's answer to the request on screen, as QR frames in the fake camera. */
  async function answerOnCamera(): Promise<void> {
    const shown = await page.getByTestId('qr-frames').locator('li').allTextContents();
    const assembler = new QrFrameAssembler();
    let jws: string | undefined;
    for (const frame of shown) {
      const step = assembler.add(frame);
      if (step.complete) jws = step.message;
    }
    expect(jws).toBeTypeOf('string');
    const request = await verifyVerifierRequest(jws as string, { trust });
    expect(request.role).toBe('police');
    const presentation = await createPresentation({
      credential: holder.activation.credential?.credential as string,
      request,
      kbSigner: es256Signer(holder.device.deviceKey.privateKey),
    });
    const frames = splitIntoQrFrames(presentation);
    expect(frames.length).toBeGreaterThan(0);
    writeQrVideo(camera, frames);
  }

  it('registers, caches trust, goes offline and reaches a valid verdict from the camera', async () => {
    const errors = collectPageErrors(page);
    const enrolmentCode = await issueEnrolmentCode(node, 'Bakı Şəhər Polisi', 'police', 'Patrol 7');

    await page.goto('/verifier/?lang=en');
    await screenshot(page, JOURNEY, 'verifier-enrol-en');
    await page.getByLabel('Enrolment code').fill(enrolmentCode);
    await page.getByRole('button', { name: 'Register' }).click();
    await expect
      .poll(() => page.getByTestId('cache-age').getAttribute('data-fetched-at'), {
        timeout: 30_000,
      })
      .toMatch(/^\d+$/);
    await expect.poll(() => page.getByTestId('qr-frames').locator('li').count()).toBeGreaterThan(0);

    // The network goes; everything below happens offline.
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('network').textContent()).toMatch(/Offline/);
    await screenshot(page, JOURNEY, 'verifier-request-offline-en');

    await answerOnCamera();
    await page.getByRole('button', { name: 'Scan the answer' }).click();
    const verdict = page.getByTestId('verdict');
    await expect
      .poll(() => verdict.getAttribute('data-verdict'), { timeout: 60_000 })
      .toBe('valid');
    const disclosed = page.getByTestId('disclosed');
    await expect.poll(() => disclosed.textContent()).toContain('Məmmədova');
    expect(await disclosed.textContent()).toContain('AZE7654321');
    expect(await page.locator('img.holder-photo').count()).toBe(1);
    for (const [lang, word] of [
      ['en', 'Valid'],
      ['az', 'Etibarlıdır'],
      ['zh-Hant', '有效'],
    ] as const) {
      await page.getByTestId('language').selectOption(lang);
      await expect.poll(() => verdict.textContent()).toContain(word);
      await screenshot(page, JOURNEY, `verifier-valid-${lang}`);
    }
    await page.getByTestId('language').selectOption('en');
    expect(errors).toEqual([]);
  });

  it('shows the same answer again as replayed, still offline', async () => {
    await page.getByRole('button', { name: 'Next check' }).click();
    await page.getByRole('button', { name: 'Scan the answer' }).click();
    const verdict = page.getByTestId('verdict');
    await expect
      .poll(() => verdict.getAttribute('data-verdict'), { timeout: 60_000 })
      .toBe('replayed');
    await screenshot(page, JOURNEY, 'verifier-replayed-en');
  });
});
