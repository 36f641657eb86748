import { type PendingRequest, verificationCode } from '@openmid/protocol';
import { decodeBase64 } from '../base64.js';
import type { DeviceClient } from '../device-client.js';
import { isDeviceError } from '../device-error.js';
import type { KeyStore } from '../key-store.js';
import { openDevice } from '../node/open-device.js';
import { assertPinFormat, pinName } from '../pin-policy.js';
import { parseList, parseOptions, parseSeconds, required, UsageError } from './cli-args.js';
import { type CliIo, EXIT, printError, printJson } from './cli-io.js';

export const APPROVE_USAGE =
  'mid-device approve --state FILE --pin1 P1 --pin2 P2 [--once] [--refuse | --not-me] [--timeout S] [--pick-wrong-code] [--approve-claims a,b] [--qr PAYLOAD]';

interface Behaviour {
  pins: { auth?: string; sign?: string };
  decision: 'approve' | 'refuse' | 'not_me';
  pickWrongCode: boolean;
  approvedClaims?: string[];
}

/** What happened to one request: printed as one JSON line beside the request itself. */
interface Outcome {
  answer: 'approve' | 'refuse' | 'not_me' | 'pin_blocked' | null;
  endResult?: string;
  pickedCode?: string;
  approvedClaims?: string[];
  pinError?: { pin: string; triesLeft: number; blocked: boolean };
  error?: string;
  ok: boolean;
}

/**
 * `mid-device approve` (SPEC §4.4): wait for the next request, answer it as the flags say, print
 * it as one JSON line. `--once` stops after one; `--timeout S` gives up after S seconds without a
 * request (exit 2 when nothing was answered). A wrong PIN counts like one typed on a phone.
 * `--qr PAYLOAD` first claims a scanned QR code or device link (F11), whose session then comes.
 */
export async function approveCommand(argv: string[], io: CliIo): Promise<number> {
  const options = parseOptions(argv, {
    state: { type: 'string' },
    pin1: { type: 'string' },
    pin2: { type: 'string' },
    once: { type: 'boolean' },
    refuse: { type: 'boolean' },
    'not-me': { type: 'boolean' },
    timeout: { type: 'string' },
    'pick-wrong-code': { type: 'boolean' },
    'approve-claims': { type: 'string' },
    qr: { type: 'string' },
  });
  const file = required(options.state, 'state');
  const timeout = parseSeconds(options.timeout, 'timeout');
  if (options.refuse && options['not-me'])
    throw new UsageError('--refuse and --not-me exclude each other');
  const decision = options.refuse ? 'refuse' : options['not-me'] ? 'not_me' : 'approve';
  if (decision === 'approve' && options.pin1 === undefined && options.pin2 === undefined) {
    throw new UsageError('missing --pin1 / --pin2 (or --refuse, --not-me)');
  }
  if (options.pin1 !== undefined) assertPinFormat('auth', options.pin1);
  if (options.pin2 !== undefined) assertPinFormat('sign', options.pin2);
  const approvedClaims = parseList(options['approve-claims']);
  const behaviour: Behaviour = {
    pins: {
      ...(options.pin1 === undefined ? {} : { auth: options.pin1 }),
      ...(options.pin2 === undefined ? {} : { sign: options.pin2 }),
    },
    decision,
    pickWrongCode: options['pick-wrong-code'] ?? false,
    ...(approvedClaims === undefined ? {} : { approvedClaims }),
  };
  const { client, keyStore } = await openDevice(file);
  if (options.qr !== undefined) await client.claimQr(options.qr);

  let answered = 0;
  const done = new Set<string>();
  let failed = false;
  let deadline = timeout === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeout * 1000;
  while (!io.signal.aborted) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    let requests: PendingRequest[];
    try {
      requests = await client.pendingRequests({
        timeoutMs: Math.ceil(Math.min(remaining, 30_000)),
        signal: io.signal,
      });
    } catch (error) {
      if (io.signal.aborted) break;
      throw error;
    }
    const fresh = requests.filter((request) => !done.has(request.sessionId));
    if (requests.length > 0 && fresh.length === 0) {
      // only requests already answered (the server has not caught up): do not spin on them
      await pause(1000, io.signal);
      continue;
    }
    for (const request of fresh) {
      const outcome = await answer(client, keyStore, request, behaviour, io);
      const { ok, ...printed } = outcome;
      printJson(io, { ...describe(request), ...printed });
      answered++;
      if (!ok) failed = true;
      // a wrong PIN leaves the request open: it comes back and is tried again, as a person would
      if (!outcome.pinError || outcome.pinError.blocked) done.add(request.sessionId);
      if (options.once) return ok ? EXIT.ok : EXIT.failure;
      if (timeout !== undefined) deadline = Date.now() + timeout * 1000;
    }
  }
  if (answered === 0 && !io.signal.aborted) {
    printError(io, 'approve', `no request within ${timeout} s`);
    return EXIT.timeout;
  }
  return failed ? EXIT.failure : EXIT.ok;
}

/** The request as the phone shows it. */
function describe(request: PendingRequest) {
  return {
    sessionId: request.sessionId,
    type: request.type,
    clientId: request.clientId,
    rpName: request.rpName,
    verificationCode: request.verificationCode,
    vcChoices: request.vcChoices,
    displayText: request.displayText,
    claims: request.claims,
    hashType: request.hashType,
    key: request.key,
    flow: request.flow,
    expiresAt: request.expiresAt,
  };
}

async function answer(
  client: DeviceClient,
  keyStore: KeyStore,
  request: PendingRequest,
  behaviour: Behaviour,
  io: CliIo,
): Promise<Outcome> {
  try {
    if (behaviour.decision === 'refuse') {
      const { endResult } = await client.refuse(request);
      return { answer: 'refuse', endResult, ok: true };
    }
    if (behaviour.decision === 'not_me') {
      const { endResult } = await client.notMe(request);
      return { answer: 'not_me', endResult, ok: true };
    }
    return await approve(client, keyStore, request, behaviour, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    printError(io, 'approve', `request ${request.sessionId}: ${message}`);
    return { answer: null, error: message, ok: false };
  }
}

async function approve(
  client: DeviceClient,
  keyStore: KeyStore,
  request: PendingRequest,
  behaviour: Behaviour,
  io: CliIo,
): Promise<Outcome> {
  const key = request.key;
  const name = pinName(key);
  const counters = await keyStore.pinCounters();
  if ((key === 'auth' ? counters.pin1 : counters.pin2).blocked) {
    const { endResult } = await client.answerPinBlocked(request);
    printError(io, 'approve', `${name} is blocked: answered PIN_BLOCKED (unblock with the PUK)`);
    return { answer: 'pin_blocked', endResult, ok: false };
  }
  const pin = behaviour.pins[key];
  if (pin === undefined) {
    throw new Error(`this ${request.type} request needs ${name}: give --${name.toLowerCase()}`);
  }
  const pickedCode = await pickCode(request, behaviour.pickWrongCode);
  const approvedClaims = behaviour.approvedClaims;
  try {
    const { endResult } = await client.approve(request, pin, {
      ...(pickedCode === undefined ? {} : { pickedCode }),
      ...(approvedClaims === undefined ? {} : { approvedClaims }),
    });
    const claims = request.claims?.length
      ? {
          approvedClaims:
            approvedClaims?.filter((c) => request.claims?.includes(c)) ?? request.claims,
        }
      : {};
    return {
      answer: 'approve',
      endResult,
      ...(pickedCode ? { pickedCode } : {}),
      ...claims,
      ok: true,
    };
  } catch (error) {
    if (isDeviceError(error, 'PIN_INVALID')) {
      printError(io, 'approve', error.message);
      return {
        answer: null,
        pinError: { pin: name, triesLeft: error.triesLeft ?? 0, blocked: false },
        ok: false,
      };
    }
    if (isDeviceError(error, 'PIN_BLOCKED')) {
      printError(io, 'approve', `${error.message}; telling the server`);
      await client.sendEvent({ type: 'pin_blocked', key });
      const { endResult } = await client.answerPinBlocked(request);
      return {
        answer: 'pin_blocked',
        endResult,
        pinError: { pin: name, triesLeft: 0, blocked: true },
        ok: false,
      };
    }
    throw error;
  }
}

/**
 * With a code choice the citizen picks the code the RP shows; the simulator knows it from the
 * RP's hash (SPEC §4.3), and `--pick-wrong-code` picks another one.
 */
async function pickCode(request: PendingRequest, wrong: boolean): Promise<string | undefined> {
  const choices = request.vcChoices;
  if (!choices || choices.length === 0) return undefined;
  const right =
    request.verificationCode ??
    (request.hash ? await verificationCode(decodeBase64(request.hash)) : undefined);
  const picked = wrong ? choices.find((code) => code !== right) : right;
  if (picked === undefined || !choices.includes(picked)) {
    throw new Error('cannot tell which of the offered codes to pick');
  }
  return picked;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
