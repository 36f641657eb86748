import type { DeviceStatusResponse } from '@openmid/protocol';
import { openDevice } from '../node/open-device.js';
import { certificateSummary } from './certificate-summary.js';
import { parseOptions, required } from './cli-args.js';
import { type CliIo, EXIT, printError, printJson } from './cli-io.js';

export const STATUS_USAGE = 'mid-device status --state FILE';

/**
 * `mid-device status` (SPEC §4.4): the device's certificates as PEM with their status from the
 * server, and the PIN counters. When the server cannot answer, the local view is printed with
 * status "unknown" and the exit code is 1.
 */
export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const options = parseOptions(argv, { state: { type: 'string' } });
  const file = required(options.state, 'state');
  const { state, client, keyStore } = await openDevice(file);
  const { registration } = state;
  let server: DeviceStatusResponse | undefined;
  let serverError: string | undefined;
  try {
    server = await client.status();
  } catch (error) {
    serverError = error instanceof Error ? error.message : String(error);
  }
  const certificates = server
    ? server.certificates.map((entry) => ({
        ...certificateSummary(entry.purpose, entry.certificate),
        serialHex: entry.serialHex,
        status: entry.status,
      }))
    : [
        { ...certificateSummary('auth', registration.authCertificate), status: 'unknown' },
        { ...certificateSummary('sign', registration.signCertificate), status: 'unknown' },
      ];
  printJson(io, {
    deviceId: registration.deviceId,
    server: registration.serverUrl,
    status: server?.status ?? 'unknown',
    person: registration.person,
    certificates,
    pins: await keyStore.pinCounters(),
    ...(serverError === undefined ? {} : { serverError }),
  });
  if (serverError !== undefined) {
    printError(io, 'status', `the server did not answer: ${serverError}`);
    return EXIT.failure;
  }
  return EXIT.ok;
}
