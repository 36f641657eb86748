import type { DeviceKeyPurpose } from '@openmid/protocol';
import type { DeviceClient } from '../device-client.js';
import { openDevice } from '../node/open-device.js';
import { pinName } from '../pin-policy.js';
import { parseOptions, required, UsageError } from './cli-args.js';
import { type CliIo, EXIT, printError, printJson } from './cli-io.js';

export const UNBLOCK_USAGE =
  'mid-device unblock --state FILE --puk PUK [--new-pin1 P1] [--new-pin2 P2]';
export const SET_PIN_USAGE =
  'mid-device set-pin --state FILE [--pin1 OLD --new-pin1 NEW] [--pin2 OLD --new-pin2 NEW]';

/** `mid-device unblock`: the PUK unblocks PIN1 and/or PIN2 and sets the new PIN (F6). */
export async function unblockCommand(argv: string[], io: CliIo): Promise<number> {
  const options = parseOptions(argv, {
    state: { type: 'string' },
    puk: { type: 'string' },
    'new-pin1': { type: 'string' },
    'new-pin2': { type: 'string' },
  });
  const file = required(options.state, 'state');
  const puk = required(options.puk, 'puk');
  const targets = pinTargets(options['new-pin1'], options['new-pin2']);
  if (targets.length === 0) throw new UsageError('give --new-pin1 and/or --new-pin2');
  const { client, keyStore } = await openDevice(file);
  const done: DeviceKeyPurpose[] = [];
  for (const { purpose, pin } of targets) {
    await keyStore.unblockPin(purpose, puk, pin);
    done.push(purpose);
  }
  return report(
    io,
    'unblock',
    client,
    done,
    'pin_unblocked',
    { unblocked: done.map(pinName) },
    () => keyStore.pinCounters(),
  );
}

/** `mid-device set-pin`: change PIN1 and/or PIN2 with the current one. */
export async function setPinCommand(argv: string[], io: CliIo): Promise<number> {
  const options = parseOptions(argv, {
    state: { type: 'string' },
    pin1: { type: 'string' },
    pin2: { type: 'string' },
    'new-pin1': { type: 'string' },
    'new-pin2': { type: 'string' },
  });
  const file = required(options.state, 'state');
  const targets = pinTargets(options['new-pin1'], options['new-pin2']);
  if (targets.length === 0) throw new UsageError('give --new-pin1 and/or --new-pin2');
  const old = { auth: options.pin1, sign: options.pin2 };
  for (const { purpose } of targets) {
    if (old[purpose] === undefined) {
      throw new UsageError(
        `--new-${pinName(purpose).toLowerCase()} needs the current --${pinName(purpose).toLowerCase()}`,
      );
    }
  }
  const { client, keyStore } = await openDevice(file);
  const done: DeviceKeyPurpose[] = [];
  for (const { purpose, pin } of targets) {
    await keyStore.changePin(purpose, old[purpose] as string, pin);
    done.push(purpose);
  }
  return report(io, 'set-pin', client, done, 'pin_changed', { changed: done.map(pinName) }, () =>
    keyStore.pinCounters(),
  );
}

function pinTargets(pin1: string | undefined, pin2: string | undefined) {
  const targets: { purpose: DeviceKeyPurpose; pin: string }[] = [];
  if (pin1 !== undefined) targets.push({ purpose: 'auth', pin: pin1 });
  if (pin2 !== undefined) targets.push({ purpose: 'sign', pin: pin2 });
  return targets;
}

/** Tell the server (it records PIN events in the citizen's log), then print the result. */
async function report(
  io: CliIo,
  command: string,
  client: DeviceClient,
  done: DeviceKeyPurpose[],
  type: 'pin_unblocked' | 'pin_changed',
  summary: Record<string, unknown>,
  counters: () => Promise<unknown>,
): Promise<number> {
  let failure: string | undefined;
  for (const key of done) {
    try {
      await client.sendEvent({ type, key });
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
  }
  printJson(io, { ...summary, pins: await counters() });
  if (failure !== undefined) {
    printError(io, command, `done on the device, but the server was not told: ${failure}`);
    return EXIT.failure;
  }
  return EXIT.ok;
}
