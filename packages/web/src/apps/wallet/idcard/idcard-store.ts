import type { DeviceClient } from '@openmid/device/browser';
import type { CredentialResponse, PresentationReport } from '@openmid/protocol';
import { getRecord, putRecord } from '../storage.js';

/**
 * The ID card on this phone (SPEC F20): the SD-JWT VC the server issued for this device, kept in
 * the wallet's IndexedDB so the card shows and presents offline; refreshed from
 * `GET /device/v1/credential` whenever the wallet is online (the server re-issues it when the
 * data changed). Presentation reports wait here until the network is back.
 */
const CARD_RECORD = 'idcard';
const REPORTS_RECORD = 'idcard-reports';

export interface StoredCard extends CredentialResponse {
  /** Milliseconds since the epoch. */
  fetchedAt: number;
}

export async function storedCard(): Promise<StoredCard | undefined> {
  return getRecord<StoredCard>(CARD_RECORD);
}

/** Fetch the current card (online); keeps and returns it. */
export async function fetchCard(client: DeviceClient): Promise<StoredCard> {
  const response = await client.credential();
  const card: StoredCard = { ...response, fetchedAt: Date.now() };
  await putRecord(CARD_RECORD, card);
  return card;
}

/** Log a presentation for the usage log now, or keep it until the next time we are online. */
export async function reportPresentation(
  client: DeviceClient,
  report: PresentationReport,
): Promise<void> {
  const queued = [...((await getRecord<PresentationReport[]>(REPORTS_RECORD)) ?? []), report];
  await putRecord(REPORTS_RECORD, queued);
  await flushReports(client);
}

export async function flushReports(client: DeviceClient): Promise<void> {
  const queued = (await getRecord<PresentationReport[]>(REPORTS_RECORD)) ?? [];
  const left: PresentationReport[] = [];
  for (const report of queued) {
    try {
      await client.reportPresentation(report);
    } catch {
      left.push(report);
    }
  }
  await putRecord(REPORTS_RECORD, left);
}
