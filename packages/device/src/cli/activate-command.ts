import { access } from 'node:fs/promises';
import { DeviceClient } from '../device-client.js';
import { DEVICE_STATE_FORMAT, writeDeviceState } from '../node/device-state-file.js';
import { SoftwareKeyStore } from '../software-key-store.js';
import { certificateSummary } from './certificate-summary.js';
import { parseOptions, required, UsageError } from './cli-args.js';
import { type CliIo, EXIT, printJson } from './cli-io.js';

export const ACTIVATE_USAGE =
  'mid-device activate --server URL --code CODE --pin1 P1 --pin2 P2 --state FILE [--name LABEL] [--force]';

/**
 * `mid-device activate` (SPEC §4.4): make the keys, activate with the code, keep the state file
 * (mode 0600) and print what was activated — never the PUK.
 */
export async function activateCommand(argv: string[], io: CliIo): Promise<number> {
  const options = parseOptions(argv, {
    server: { type: 'string' },
    code: { type: 'string' },
    pin1: { type: 'string' },
    pin2: { type: 'string' },
    state: { type: 'string' },
    name: { type: 'string' },
    force: { type: 'boolean' },
  });
  const serverUrl = required(options.server, 'server');
  const activationCode = required(options.code, 'code');
  const pin1 = required(options.pin1, 'pin1');
  const pin2 = required(options.pin2, 'pin2');
  const file = required(options.state, 'state');
  if (!URL.canParse(serverUrl) || !/^https?:$/.test(new URL(serverUrl).protocol)) {
    throw new UsageError('--server must be an http(s) URL');
  }
  if (!options.force && (await exists(file))) {
    throw new UsageError(
      `${file} exists: it may hold an activated device (use --force to replace it)`,
    );
  }
  const provisioning = await SoftwareKeyStore.provision({ pin1, pin2 });
  const { registration, keyStore } = await DeviceClient.activate({
    serverUrl,
    activationCode,
    provisioning,
    deviceName: options.name ?? 'mid-device',
  });
  if (!(keyStore instanceof SoftwareKeyStore)) throw new TypeError('expected a software key store');
  await writeDeviceState(file, {
    format: DEVICE_STATE_FORMAT,
    registration,
    keyStore: keyStore.state(),
  });
  printJson(io, {
    deviceId: registration.deviceId,
    server: registration.serverUrl,
    person: registration.person,
    certificates: [
      certificateSummary('auth', registration.authCertificate),
      certificateSummary('sign', registration.signCertificate),
    ],
    pins: await keyStore.pinCounters(),
    state: file,
  });
  return EXIT.ok;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
