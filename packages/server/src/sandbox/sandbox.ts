import { createHmac, randomInt } from 'node:crypto';
import { createApproval, DeviceClient, type KeyStore, SoftwareKeyStore } from '@openmid/device';
import { type DeviceAnswer, type PendingRequest, verificationCode } from '@openmid/protocol';
import type { AppContext } from '../context.js';
import type { KeyVault } from '../keys/key-vault.js';
import { insertSandboxDevice, listSandboxDevices, type SandboxDeviceRow } from './sandbox-store.js';

/** The fixed answers of the sandbox's virtual phones (SPEC F26). */
export type SandboxOutcome =
  | 'approve'
  | 'refuse'
  | 'timeout'
  | 'wrong_code'
  | 'revoked'
  | 'under_18'
  | 'pin_blocked'
  /** Answered by hand from the developer portal's device simulator (/developers/). */
  | 'manual';

export interface SandboxPersonSpec {
  nationalId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  phone: string;
  /** Answered by a virtual phone inside the platform; absent: an ordinary person to activate. */
  outcome?: SandboxOutcome;
}

function yearsAgo(years: number): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
}

export const SANDBOX_PERSONS: readonly SandboxPersonSpec[] = [
  {
    nationalId: 'PNOAZ-9000001',
    givenName: 'Approve',
    familyName: 'Always',
    birthDate: '1985-03-14',
    phone: '+994509000001',
    outcome: 'approve',
  },
  {
    nationalId: 'PNOAZ-9000002',
    givenName: 'Refuse',
    familyName: 'Always',
    birthDate: '1979-07-02',
    phone: '+994509000002',
    outcome: 'refuse',
  },
  {
    nationalId: 'PNOAZ-9000003',
    givenName: 'Silent',
    familyName: 'Timeout',
    birthDate: '1990-11-23',
    phone: '+994509000003',
    outcome: 'timeout',
  },
  {
    nationalId: 'PNOAZ-9000004',
    givenName: 'Wrong',
    familyName: 'Code',
    birthDate: '1988-01-30',
    phone: '+994509000004',
    outcome: 'wrong_code',
  },
  {
    nationalId: 'PNOAZ-9000005',
    givenName: 'Revoked',
    familyName: 'Certificate',
    birthDate: '1975-05-05',
    phone: '+994509000005',
    outcome: 'revoked',
  },
  {
    nationalId: 'PNOAZ-9000006',
    givenName: 'Young',
    familyName: 'Minor',
    birthDate: yearsAgo(16),
    phone: '+994509000006',
    outcome: 'under_18',
  },
  {
    nationalId: 'PNOAZ-9000007',
    givenName: 'Blocked',
    familyName: 'Pin',
    birthDate: '1982-09-09',
    phone: '+994509000007',
    outcome: 'pin_blocked',
  },
  {
    nationalId: 'PNOAZ-9000020',
    givenName: 'Simulator',
    familyName: 'Manual',
    birthDate: '1991-02-20',
    phone: '+994509000020',
    outcome: 'manual',
  },
  {
    nationalId: 'PNOAZ-9000010',
    givenName: 'Leyla',
    familyName: 'Məmmədova',
    birthDate: '1992-04-12',
    phone: '+994509000010',
  },
  {
    nationalId: 'PNOAZ-9000011',
    givenName: 'Rəşad',
    familyName: 'Əliyev',
    birthDate: '1987-12-01',
    phone: '+994509000011',
  },
];

export const SANDBOX_CLIENT_ID = 'sandbox-demo-rp';
const SIM_PIN1 = '0000';
const SIM_PIN2 = '00000';
/** The virtual phones' keys are test keys: a low PBKDF2 count keeps answers fast. */
const SIM_KDF_ITERATIONS = 1000;
const KEY_STORE_LABEL = 'sandbox/key-store';

export interface SandboxSummary {
  client: { clientId: string; clientSecret: string; name: string };
  persons: {
    nationalId: string;
    phone: string;
    name: string;
    outcome: string;
    activationCode?: string;
  }[];
}

/** The demo client's secret: derived from the master key, the same on every start and node. */
export function sandboxClientSecret(vault: Pick<KeyVault, 'deriveKey'>): string {
  return createHmac('sha256', vault.deriveKey('sandbox-demo-client'))
    .update(SANDBOX_CLIENT_ID)
    .digest('base64url');
}

/**
 * Seed the sandbox (SPEC §4.1, F26) idempotently: the demo RP client, test persons with fixed
 * outcomes and their virtual phones (real keys, real certificates, activated through the real
 * device API), and ordinary test persons with a fresh activation code for `mid-device` or the
 * wallet. Runs after the node listens. The demo client's secret is derived from the master key,
 * so it stays the same across restarts and is printed at each start.
 */
export async function seedSandbox(ctx: AppContext, selfUrl: string): Promise<SandboxSummary> {
  const actor = 'system:sandbox';
  const clientSecret = sandboxClientSecret(ctx.vault);
  const demoRedirect = `${ctx.config.publicUrl}/demo-rp/callback`;
  const { client } = await ctx.clients.ensure(
    ctx.db,
    SANDBOX_CLIENT_ID,
    {
      client_name: 'OpenMID Demo RP (sandbox)',
      environment: 'sandbox',
      redirect_uris: [demoRedirect],
      // No refresh_token: the provider issues none (no offline_access), and would refuse the client.
      grant_types: ['authorization_code'],
      allowed_claims: [
        'given_name',
        'family_name',
        'name',
        'birthdate',
        'age_over_18',
        'phone_number',
        'nationality',
        // The demo RP names the signer of its declaration by the released national id.
        'national_id',
      ],
    },
    actor,
    clientSecret,
  );

  const seeded = new Map((await listSandboxDevices(ctx.db)).map((d) => [d.nationalId, d]));
  const persons: SandboxSummary['persons'] = [];
  for (const spec of SANDBOX_PERSONS) {
    let person = await ctx.registry.findPersonByNationalId(ctx.db, spec.nationalId);
    person ??= await ctx.registry.createPerson(
      ctx.db,
      {
        nationalId: spec.nationalId,
        givenName: spec.givenName,
        familyName: spec.familyName,
        birthDate: spec.birthDate,
        phone: spec.phone,
        nationality: 'AZ',
      },
      actor,
    );
    const entry = {
      nationalId: spec.nationalId,
      phone: spec.phone,
      name: `${spec.givenName} ${spec.familyName}`,
      outcome: spec.outcome ?? 'ordinary: activate with mid-device or the wallet',
    };
    if (!spec.outcome) {
      const device = await ctx.registry.findActiveDevice(ctx.db, person.id);
      if (!device) {
        const code = await ctx.registry.issueActivationCode(ctx.db, person.id, actor);
        persons.push({ ...entry, activationCode: code.activationCode });
      } else persons.push({ ...entry, outcome: 'ordinary: already activated' });
      continue;
    }
    if (!seeded.has(spec.nationalId)) {
      const code = await ctx.registry.issueActivationCode(ctx.db, person.id, actor);
      const provisioning = await SoftwareKeyStore.provision({
        pin1: SIM_PIN1,
        pin2: SIM_PIN2,
        kdfIterations: SIM_KDF_ITERATIONS,
      });
      const { registration, keyStore } = await DeviceClient.activate({
        // Device proofs name PUBLIC_URL; the calls go to this node's own address.
        serverUrl: ctx.config.publicUrl,
        fetch: (input, init) => fetch(String(input).replace(ctx.config.publicUrl, selfUrl), init),
        activationCode: code.activationCode,
        provisioning,
        deviceName: `sandbox virtual phone (${spec.outcome})`,
      });
      if (spec.outcome === 'revoked') {
        for (const purpose of ['auth', 'sign'] as const) {
          const device = await ctx.registry.getDevice(ctx.db, registration.deviceId);
          const serial = purpose === 'auth' ? device?.authCertSerial : device?.signCertSerial;
          if (serial) await ctx.pki.revoke(ctx.db, serial, 'keyCompromise', actor);
        }
      }
      const row: SandboxDeviceRow = {
        nationalId: spec.nationalId,
        outcome: spec.outcome,
        personId: person.id,
        deviceId: registration.deviceId,
        keyStoreSealed: ctx.vault.seal(
          Buffer.from(JSON.stringify((keyStore as SoftwareKeyStore).state())),
          KEY_STORE_LABEL,
        ),
      };
      await insertSandboxDevice(ctx.db, row);
    }
    persons.push(entry);
  }
  return {
    client: { clientId: client.clientId, clientSecret, name: client.clientName },
    persons,
  };
}

/** What a virtual phone answers to a request, by its fixed outcome. */
export async function sandboxAnswer(
  outcome: string,
  keyStore: KeyStore,
  request: PendingRequest,
): Promise<DeviceAnswer | undefined> {
  const pin = request.key === 'auth' ? SIM_PIN1 : SIM_PIN2;
  switch (outcome) {
    case 'timeout':
    case 'manual':
      return undefined;
    case 'refuse':
      return { decision: 'refuse' };
    case 'pin_blocked':
      return { decision: 'pin_blocked' };
    case 'wrong_code': {
      if (request.type === 'certificate-choice' || !request.hash) return { decision: 'refuse' };
      // The right code follows from the hash (SPEC §4.3); this phone picks another one.
      const right = await verificationCode(Buffer.from(request.hash, 'base64'));
      const wrong =
        request.vcChoices?.find((c) => c !== right) ??
        String((Number(right) + 1 + randomInt(9998)) % 10000).padStart(4, '0');
      if (request.vcChoices) return createApproval(keyStore, request, pin, { pickedCode: wrong });
      return { ...(await createApproval(keyStore, request, pin)), pickedCode: wrong };
    }
    default:
      return createApproval(keyStore, request, pin);
  }
}

/**
 * The sandbox's virtual phones: each node answers the requests of the fixed-outcome persons as
 * they arrive (bus hint) and on a slow re-scan. Two nodes may both answer; completion is
 * idempotent, so the first answer wins and the second changes nothing.
 */
export async function startSandboxSimulator(
  ctx: AppContext,
  onError: (error: unknown) => void,
): Promise<{ stop(): void }> {
  const devices = await listSandboxDevices(ctx.db);
  const stores = new Map<string, { row: SandboxDeviceRow; keyStore: KeyStore }>();
  for (const row of devices) {
    const state = JSON.parse(ctx.vault.open(row.keyStoreSealed, KEY_STORE_LABEL).toString('utf8'));
    stores.set(row.deviceId, { row, keyStore: SoftwareKeyStore.fromState(state) });
  }
  const answered = new Set<string>();
  let stopped = false;
  const handle = async (deviceId: string) => {
    const entry = stores.get(deviceId);
    if (!entry || stopped) return;
    const pending = await ctx.sessions.pendingForDevice(ctx.db, deviceId);
    for (const request of pending) {
      if (answered.has(request.sessionId)) continue;
      const answer = await sandboxAnswer(entry.row.outcome, entry.keyStore, request);
      if (!answer) continue;
      answered.add(request.sessionId);
      if (answered.size > 10_000) answered.clear();
      await ctx.sessions.answer(
        ctx.db,
        { deviceId, personId: entry.row.personId, actor: `device:${deviceId}` },
        request.sessionId,
        answer,
      );
    }
  };
  const run = (deviceId: string) => void handle(deviceId).catch(onError);
  const unsubscribes = [...stores.keys()].map((id) => ctx.sessions.watchDevice(id, () => run(id)));
  const rescan = setInterval(() => {
    for (const id of stores.keys()) run(id);
  }, 2000);
  rescan.unref();
  for (const id of stores.keys()) run(id);
  return {
    stop() {
      stopped = true;
      clearInterval(rescan);
      for (const u of unsubscribes) u();
    },
  };
}

/**
 * The requests waiting on the sandbox's hand-answered virtual phones (outcome 'manual'), only
 * those started by the given clients: the developer portal's device simulator shows them.
 */
export async function manualSandboxRequests(
  ctx: AppContext,
  clientIds: readonly string[],
): Promise<{ nationalId: string; request: PendingRequest }[]> {
  const allowed = new Set(clientIds);
  const out: { nationalId: string; request: PendingRequest }[] = [];
  for (const row of await listSandboxDevices(ctx.db)) {
    if (row.outcome !== 'manual') continue;
    for (const request of await ctx.sessions.pendingForDevice(ctx.db, row.deviceId)) {
      if (allowed.has(request.clientId)) out.push({ nationalId: row.nationalId, request });
    }
  }
  return out;
}

/**
 * Answer a request on a hand-answered sandbox phone, with the keys the sandbox holds for it
 * (never a real person's: only 'manual' sandbox devices are looked at). Returns false when no
 * such request is waiting for one of the given clients.
 */
export async function answerManualSandboxRequest(
  ctx: AppContext,
  clientIds: readonly string[],
  sessionId: string,
  decision: { approve: true; approvedClaims?: string[]; pickedCode?: string } | { approve: false },
): Promise<boolean> {
  const allowed = new Set(clientIds);
  for (const row of await listSandboxDevices(ctx.db)) {
    if (row.outcome !== 'manual') continue;
    const request = (await ctx.sessions.pendingForDevice(ctx.db, row.deviceId)).find(
      (r) => r.sessionId === sessionId && allowed.has(r.clientId),
    );
    if (!request) continue;
    let answer: DeviceAnswer = { decision: 'refuse' };
    if (decision.approve) {
      const state = JSON.parse(
        ctx.vault.open(row.keyStoreSealed, KEY_STORE_LABEL).toString('utf8'),
      );
      const keyStore = SoftwareKeyStore.fromState(state);
      const pin = request.key === 'auth' ? SIM_PIN1 : SIM_PIN2;
      answer = await createApproval(keyStore, request, pin, {
        ...(decision.approvedClaims ? { approvedClaims: decision.approvedClaims } : {}),
        ...(decision.pickedCode ? { pickedCode: decision.pickedCode } : {}),
      });
    }
    await ctx.sessions.answer(
      ctx.db,
      { deviceId: row.deviceId, personId: row.personId, actor: `device:${row.deviceId}` },
      sessionId,
      answer,
    );
    return true;
  }
  return false;
}
