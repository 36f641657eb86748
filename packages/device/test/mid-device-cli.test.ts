import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDeviceServer, startFakeDeviceServer } from './support/fake-device-server.js';
import { ensureBuilt, runCli } from './support/run-cli.js';

const PIN1 = '1357';
const PIN2 = '24680';

let server: FakeDeviceServer;
let dir: string;
let state: string;

beforeAll(async () => {
  ensureBuilt();
  server = await startFakeDeviceServer();
  dir = await mkdtemp(join(tmpdir(), 'mid-device-'));
  state = join(dir, 'phone.json');
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function oneLine(stderr: string) {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('mid-device usage (SPEC §4.4)', () => {
  it('exits 64 with one line on stderr for a missing option, an unknown one or command', async () => {
    for (const args of [
      [
        'activate',
        '--server',
        'http://127.0.0.1:1',
        '--pin1',
        PIN1,
        '--pin2',
        PIN2,
        '--state',
        'x',
      ],
      ['approve', '--state', 'x', '--pin1', PIN1, '--bogus'],
      ['approve', '--state', 'x', '--pin1', PIN1, '--timeout', 'soon'],
      ['approve', '--state', 'x', '--pin1', PIN1, '--refuse', '--not-me'],
      ['approve', '--state', 'x', '--pin1', '12'],
      ['status'],
      ['unblock', '--state', 'x', '--puk', '1'],
      ['fly'],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(64);
      expect(run.stdout).toBe('');
      oneLine(run.stderr);
    }
  });

  it('refuses PINs outside the policy before making any key', async () => {
    const run = await runCli([
      'activate',
      '--server',
      server.url,
      '--code',
      server.activationCode,
      '--pin1',
      '12',
      '--pin2',
      PIN2,
      '--state',
      join(dir, 'never.json'),
    ]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('PIN1 must be 4–12 digits');
    await expect(stat(join(dir, 'never.json'))).rejects.toThrow();
  });

  it('exits 1 with the server problem for a wrong activation code', async () => {
    const run = await runCli([
      'activate',
      '--server',
      server.url,
      '--code',
      'WRONG',
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--state',
      join(dir, 'wrong.json'),
    ]);
    expect(run.code).toBe(1);
    oneLine(run.stderr);
    expect(run.stderr).toContain('activation_code_invalid');
  });
});

describe('mid-device against a device API', () => {
  it('activates: state file 0600, a summary without the PUK', async () => {
    const run = await runCli([
      'activate',
      '--server',
      server.url,
      '--code',
      server.activationCode,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--state',
      state,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(1);
    const summary = run.lines[0] as Record<string, unknown>;
    expect(summary).toMatchObject({
      person: { nationalId: 'PNOAZ-1234567' },
      pins: { pin1: { triesLeft: 3 }, pin2: { triesLeft: 3 }, puk: { triesLeft: 10 } },
    });
    expect(run.stdout).not.toContain(server.puk);
    expect((await stat(state)).mode & 0o777).toBe(0o600);
    const text = await readFile(state, 'utf8');
    expect(text).not.toContain(server.puk);
    expect(server.proofs[0]).toMatchObject({
      htm: 'POST',
      htu: `${server.url}/device/v1/activations`,
    });
  });

  it('will not overwrite an activated device without --force', async () => {
    const run = await runCli([
      'activate',
      '--server',
      server.url,
      '--code',
      server.activationCode,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--state',
      state,
    ]);
    expect(run.code).toBe(64);
    oneLine(run.stderr);
  });

  it('status prints the certificates as PEM with their status and the PIN counters', async () => {
    const run = await runCli(['status', '--state', state]);
    expect(run.code).toBe(0);
    const status = run.lines[0] as {
      status: string;
      certificates: { purpose: string; status: string; pem: string }[];
    };
    expect(status.status).toBe('active');
    expect(status.certificates.map((c) => [c.purpose, c.status])).toEqual([
      ['auth', 'good'],
      ['sign', 'good'],
    ]);
    expect(status.certificates[0]?.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(status).toMatchObject({ pins: { pin1: { triesLeft: 3, blocked: false } } });
  });

  it('approve --timeout exits 2 when nothing comes', async () => {
    const run = await runCli([
      'approve',
      '--state',
      state,
      '--pin1',
      PIN1,
      '--once',
      '--timeout',
      '1',
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    oneLine(run.stderr);
  });

  it('approves an authentication with PIN1, printing it as one JSON line', async () => {
    const challenge = createHash('sha512').update('login').digest('base64');
    const pending = runCli([
      'approve',
      '--state',
      state,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--once',
      '--timeout',
      '30',
    ]);
    const request = await server.push({
      type: 'auth',
      hash: challenge,
      hashType: 'SHA512',
      displayText: 'Log in to Demo RP',
      claims: ['given_name', 'birthdate'],
    });
    const run = await pending;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatchObject({
      sessionId: request.sessionId,
      type: 'auth',
      rpName: 'Demo RP',
      verificationCode: request.verificationCode,
      displayText: 'Log in to Demo RP',
      claims: ['given_name', 'birthdate'],
      answer: 'approve',
      endResult: 'OK',
    });
    expect(server.answers.at(-1)).toMatchObject({
      endResult: 'OK',
      answer: { decision: 'approve', approvedClaims: ['given_name', 'birthdate'] },
    });
  });

  it('signs a digest with PIN2, approves only the claims asked for with --approve-claims', async () => {
    const pending = runCli([
      'approve',
      '--state',
      state,
      '--pin1',
      PIN1,
      '--pin2',
      PIN2,
      '--once',
      '--timeout',
      '30',
    ]);
    await server.push(
      { type: 'sign', displayText: 'Sign the contract' },
      { document: new TextEncoder().encode('contract') },
    );
    const run = await pending;
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatchObject({
      type: 'sign',
      key: 'sign',
      answer: 'approve',
      endResult: 'OK',
    });

    const second = runCli([
      'approve',
      '--state',
      state,
      '--pin1',
      PIN1,
      '--once',
      '--timeout',
      '30',
      '--approve-claims',
      'birthdate,email',
    ]);
    await server.push({
      type: 'auth',
      hash: createHash('sha256').update('x').digest('base64'),
      claims: ['given_name', 'birthdate'],
    });
    expect((await second).lines[0]).toMatchObject({
      answer: 'approve',
      approvedClaims: ['birthdate'],
    });
    expect(server.answers.at(-1)?.answer.approvedClaims).toEqual(['birthdate']);
  });

  it('picks the right code out of three, or a wrong one with --pick-wrong-code', async () => {
    const hash = createHash('sha256').update('pick').digest();
    const { verificationCode } = await import('@openmid/protocol');
    const right = await verificationCode(hash);
    const wrong = [right === '0000' ? '0001' : '0000', right === '9999' ? '9998' : '9999'];
    for (const [flag, endResult] of [
      [[], 'OK'],
      [['--pick-wrong-code'], 'WRONG_VC'],
    ] as const) {
      const pending = runCli([
        'approve',
        '--state',
        state,
        '--pin1',
        PIN1,
        '--once',
        '--timeout',
        '30',
        ...flag,
      ]);
      await server.push(
        {
          type: 'auth',
          hash: hash.toString('base64'),
          vcChoices: [wrong[0] ?? '', right, wrong[1] ?? ''],
        },
        { rightCode: right },
      );
      const run = await pending;
      expect(run.lines[0]).toMatchObject({ answer: 'approve', endResult });
      expect((run.lines[0] as { pickedCode: string }).pickedCode === right).toBe(
        endResult === 'OK',
      );
    }
  });

  it('--refuse and --not-me answer without a PIN', async () => {
    for (const [flag, decision] of [
      ['--refuse', 'refuse'],
      ['--not-me', 'not_me'],
    ] as const) {
      const pending = runCli(['approve', '--state', state, '--once', '--timeout', '30', flag]);
      await server.push({ type: 'sign' }, { document: new Uint8Array([1]) });
      const run = await pending;
      expect(run.code).toBe(0);
      expect(run.lines[0]).toMatchObject({ answer: decision, endResult: 'USER_REFUSED' });
      expect(server.answers.at(-1)?.answer).toEqual({ decision });
    }
  });

  it('counts a wrong PIN1, blocks at the third and tells the server PIN_BLOCKED', async () => {
    for (const triesLeft of [2, 1]) {
      const pending = runCli([
        'approve',
        '--state',
        state,
        '--pin1',
        '0000',
        '--once',
        '--timeout',
        '30',
      ]);
      if (triesLeft === 2)
        await server.push({
          type: 'auth',
          hash: createHash('sha256').update('b').digest('base64'),
        });
      const run = await pending;
      expect(run.code).toBe(1);
      oneLine(run.stderr);
      expect(run.stderr).toContain(`${triesLeft} tries left`);
      expect(run.lines[0]).toMatchObject({ answer: null, pinError: { pin: 'PIN1', triesLeft } });
    }
    const third = await runCli([
      'approve',
      '--state',
      state,
      '--pin1',
      '0000',
      '--once',
      '--timeout',
      '30',
    ]);
    expect(third.code).toBe(1);
    expect(third.lines[0]).toMatchObject({ answer: 'pin_blocked', endResult: 'PIN_BLOCKED' });
    expect(server.events.at(-1)).toEqual({ type: 'pin_blocked', key: 'auth' });

    const status = await runCli(['status', '--state', state]);
    expect(status.lines[0]).toMatchObject({ pins: { pin1: { triesLeft: 0, blocked: true } } });

    // a blocked key answers PIN_BLOCKED at once, even with the right PIN
    const pending = runCli([
      'approve',
      '--state',
      state,
      '--pin1',
      PIN1,
      '--once',
      '--timeout',
      '30',
    ]);
    await server.push({ type: 'auth', hash: createHash('sha256').update('c').digest('base64') });
    expect((await pending).lines[0]).toMatchObject({
      answer: 'pin_blocked',
      endResult: 'PIN_BLOCKED',
    });
  });

  it('unblock --puk sets a new PIN1 and tells the server; a wrong PUK counts', async () => {
    const wrong = await runCli([
      'unblock',
      '--state',
      state,
      '--puk',
      '11112222',
      '--new-pin1',
      '2468',
    ]);
    expect(wrong.code).toBe(1);
    oneLine(wrong.stderr);
    expect(wrong.stderr).toContain('9 tries left');
    const run = await runCli([
      'unblock',
      '--state',
      state,
      '--puk',
      server.puk,
      '--new-pin1',
      '2468',
    ]);
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatchObject({
      unblocked: ['PIN1'],
      pins: { pin1: { triesLeft: 3, blocked: false }, puk: { triesLeft: 10 } },
    });
    expect(server.events.at(-1)).toEqual({ type: 'pin_unblocked', key: 'auth' });

    const pending = runCli([
      'approve',
      '--state',
      state,
      '--pin1',
      '2468',
      '--once',
      '--timeout',
      '30',
    ]);
    await server.push({ type: 'auth', hash: createHash('sha256').update('d').digest('base64') });
    expect((await pending).lines[0]).toMatchObject({ answer: 'approve', endResult: 'OK' });
  });

  it('set-pin changes PIN2 with the old one', async () => {
    const usage = await runCli(['set-pin', '--state', state, '--new-pin2', '97531']);
    expect(usage.code).toBe(64);
    const run = await runCli(['set-pin', '--state', state, '--pin2', PIN2, '--new-pin2', '97531']);
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatchObject({ changed: ['PIN2'] });
    expect(server.events.at(-1)).toEqual({ type: 'pin_changed', key: 'sign' });
    const pending = runCli([
      'approve',
      '--state',
      state,
      '--pin2',
      '97531',
      '--once',
      '--timeout',
      '30',
    ]);
    await server.push({ type: 'certificate-choice' });
    expect((await pending).lines[0]).toMatchObject({
      type: 'certificate-choice',
      answer: 'approve',
      endResult: 'OK',
    });
  });

  it('without --once keeps answering until --timeout passes without a request', async () => {
    const pending = runCli(['approve', '--state', state, '--pin1', '2468', '--timeout', '3']);
    const first = await server.push({
      type: 'auth',
      hash: createHash('sha256').update('e').digest('base64'),
    });
    const second = await server.push({
      type: 'auth',
      hash: createHash('sha256').update('f').digest('base64'),
    });
    const run = await pending;
    expect(run.code).toBe(0);
    expect(run.lines.map((line) => (line as { sessionId: string }).sessionId)).toEqual([
      first.sessionId,
      second.sessionId,
    ]);
    expect(run.lines.every((line) => (line as { endResult: string }).endResult === 'OK')).toBe(
      true,
    );
  });

  it('approve --qr claims a scanned QR code and answers its session (F11)', async () => {
    const qr = 'mid://qr?t=start-token&c=3&h=abcdef';
    server.qrCodes.set(qr, {
      type: 'auth',
      hash: createHash('sha256').update('qr').digest('base64'),
    });
    const run = await runCli([
      'approve',
      '--state',
      state,
      '--pin1',
      '2468',
      '--once',
      '--timeout',
      '30',
      '--qr',
      qr,
    ]);
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatchObject({ flow: 'qr', answer: 'approve', endResult: 'OK' });
    const unknown = await runCli([
      'approve',
      '--state',
      state,
      '--pin1',
      '2468',
      '--once',
      '--qr',
      'mid://qr?t=x',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('session_not_found');
  });

  it('every call carried a fresh proof bound to its method and URL', () => {
    const jtis = server.proofs.map((p) => p.jti);
    expect(new Set(jtis).size).toBe(jtis.length);
    for (const proof of server.proofs) {
      expect(String(proof.htu)).toMatch(new RegExp(`^${server.url}/device/v1/[a-z/0-9-]+$`));
      expect(String(proof.htu)).not.toContain('?');
    }
  });

  it('exits 1 with one line when the state file is not one', async () => {
    const run = await runCli(['status', '--state', join(dir, 'missing.json')]);
    expect(run.code).toBe(1);
    oneLine(run.stderr);
  });
});
