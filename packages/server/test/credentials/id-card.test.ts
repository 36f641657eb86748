import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { createCsr } from '@openmid/device';
import type { CredentialResponse } from '@openmid/protocol';
import {
  createPresentation,
  createVerifierRequest,
  decodeBase64,
  es256Signer,
  IdCardError,
  type IssuerMetadata,
  NonceLedger,
  sha256Hasher,
  VERIFIER_REQUEST_TYP,
  verifierClientId,
  verifyPresentation,
  verifyVerifierRequest,
  WALLET_AUDIENCE,
} from '@openmid/protocol/id-card';
import { SDJwt, SDJwtInstance } from '@sd-jwt/core';
import { base64url, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall, createStaff } from '../support/admin.js';
import { deviceCall } from '../support/device.js';
import {
  enrol,
  expectJson,
  type Holder,
  issueEnrolmentCode,
  newHolder as makeHolder,
} from '../support/id-card.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

// A 1×1 PNG: the registration photo.
const PHOTO =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

interface Verifier {
  key: CryptoKeyPair;
  certificateDer: Uint8Array;
  role: string;
  claims: string[];
}

let node: TestNode;
let trust: { issuing: Uint8Array; root: Uint8Array };
let police: Verifier;
let shop: Verifier;
let issuer: IssuerMetadata;

const json = expectJson;

async function enrolVerifier(organisation: string, role: string): Promise<Verifier> {
  const code = await issueEnrolmentCode(node, organisation, role);
  const key = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const csr = Buffer.from(await createCsr(key, 'CN=verifier')).toString('base64');
  const enrolled = await json<{ certificate: string; role: string; claims: string[] }>(
    await enrol(node, code, csr),
    201,
  );
  return {
    key,
    certificateDer: decodeBase64(enrolled.certificate),
    role: enrolled.role,
    claims: enrolled.claims,
  };
}

const newHolder = (overrides: Record<string, unknown> = {}) =>
  makeHolder(node, {
    photo: PHOTO,
    document: { type: 'ID card', number: 'AZE1234567' },
    ...overrides,
  });

async function statusList(): Promise<string> {
  const r = await node.request('/credentials/v1/status-lists/0');
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toContain('application/statuslist+jwt');
  return r.text();
}

/** The verifier shows a request, the holder answers it; returns what the verifier holds. */
async function present(holder: Holder, verifier: Verifier, credential?: string) {
  const ledger = new NonceLedger();
  const request = await createVerifierRequest({
    key: verifier.key.privateKey,
    certificateDer: verifier.certificateDer,
  });
  ledger.issue({
    nonce: request.nonce,
    clientId: request.clientId,
    claims: request.claims,
    expiresAt: request.expiresAt,
  });
  const seen = await verifyVerifierRequest(request.jws, { trust });
  const presentation = await createPresentation({
    credential: credential ?? (holder.activation.credential?.credential as string),
    request: seen,
    kbSigner: es256Signer(holder.device.deviceKey.privateKey),
  });
  return { ledger, request, seen, presentation };
}

beforeAll(async () => {
  node = await startTestNode();
  const ca = await node.request('/pki/ca.cer');
  const root = await node.request('/pki/root.cer');
  trust = {
    issuing: new Uint8Array(await ca.arrayBuffer()),
    root: new Uint8Array(await root.arrayBuffer()),
  };
  police = await enrolVerifier(`City Police ${Date.now()}`, 'police');
  shop = await enrolVerifier(`Corner Shop ${Date.now()}`, 'shop');
  issuer = await json<IssuerMetadata>(await node.request('/.well-known/jwt-vc-issuer'), 200);
});

afterAll(async () => {
  await node?.stop();
});

describe('SD-JWT VC ID card (SPEC F20)', () => {
  it('is issued at activation, bound to the device key, every claim selectively disclosable', async () => {
    const holder = await newHolder();
    const credential = holder.activation.credential?.credential as string;
    expect(credential).toBeTypeOf('string');
    const decoded = await SDJwt.fromEncode(credential, sha256Hasher);
    const payload = decoded.jwt?.payload as Record<string, unknown>;
    expect(payload.iss).toBe(node.url);
    expect(payload.vct).toBe('urn:openmid:id-card:1');
    expect((payload.cnf as { jwk: JWK }).jwk).toMatchObject({
      x: holder.device.deviceJwk.x,
      y: holder.device.deviceJwk.y,
    });
    const status = (payload.status as { status_list: { idx: number; uri: string } }).status_list;
    expect(status.uri).toBe(`${node.url}/credentials/v1/status-lists/0`);
    expect(Number.isInteger(status.idx)).toBe(true);
    // No claim in the clear: all of them are disclosures.
    for (const claim of ['given_name', 'family_name', 'birthdate', 'national_id', 'picture']) {
      expect(payload).not.toHaveProperty(claim);
    }
    const claims = Object.fromEntries((decoded.disclosures ?? []).map((d) => [d.key, d.value]));
    expect(claims).toMatchObject({
      given_name: 'Leyla',
      family_name: 'Məmmədova',
      birthdate: '1990-04-12',
      nationality: 'AZ',
      document_number: 'AZE1234567',
      age_over_18: true,
      age_over_21: true,
    });
    expect(claims.picture).toBe(`data:image/png;base64,${PHOTO}`);
    expect(decoded.jwt?.header?.kid).toBe(issuer.jwks.keys[0]?.kid);

    // GET /device/v1/credential returns the same card while nothing changed.
    const again = await json<CredentialResponse>(
      await deviceCall(node, holder.device, 'GET', '/device/v1/credential'),
      200,
    );
    expect(again.credential).toBe(credential);
  });

  it('the age attestations follow the birth date; the card expires on the 18th birthday', async () => {
    const now = new Date();
    const birth = new Date(
      Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate() + 10),
    );
    const birthDate = birth.toISOString().slice(0, 10);
    const holder = await newHolder({ birthDate });
    const card = holder.activation.credential as CredentialResponse;
    const decoded = await SDJwt.fromEncode(card.credential, sha256Hasher);
    const claims = Object.fromEntries((decoded.disclosures ?? []).map((d) => [d.key, d.value]));
    expect(claims.age_over_18).toBe(false);
    expect(new Date(card.expiresAt).toISOString().slice(5, 10)).toBe(birthDate.slice(5, 10));
  });
});

describe('offline presentation (SPEC F21)', () => {
  it('a police presentation verifies offline and with the independent @sd-jwt/core verifier', async () => {
    const holder = await newHolder();
    const { ledger, presentation, request, seen } = await present(holder, police);
    expect(seen.organisation).toMatch(/^City Police/);
    expect(seen.role).toBe('police');
    const result = await verifyPresentation(presentation, {
      issuer,
      statusLists: await statusList(),
      requests: ledger,
    });
    expect(result.reason).toBeUndefined();
    expect(result.verdict).toBe('valid');
    expect(result.claims).toMatchObject({ given_name: 'Leyla', national_id: expect.any(String) });

    // Independent oracle: @sd-jwt/core's verifier with node:crypto keys (none of our helpers).
    const independent = new SDJwtInstance({
      hasher: async (data, alg) => {
        expect(alg).toBe('sha-256');
        const { createHash } = await import('node:crypto');
        return new Uint8Array(
          createHash('sha256')
            .update(data as string)
            .digest(),
        );
      },
      verifier: (data, sig) =>
        nodeVerify(
          'sha256',
          Buffer.from(data),
          {
            key: createPublicKey({ key: issuer.jwks.keys[0] as never, format: 'jwk' }),
            dsaEncoding: 'ieee-p1363',
          },
          Buffer.from(sig, 'base64url'),
        ),
      kbVerifier: (data, sig, payload) =>
        nodeVerify(
          'sha256',
          Buffer.from(data),
          {
            key: createPublicKey({
              key: (payload.cnf as { jwk: JWK }).jwk as never,
              format: 'jwk',
            }),
            dsaEncoding: 'ieee-p1363',
          },
          Buffer.from(sig, 'base64url'),
        ),
    });
    const verified = await independent.verify(presentation, { keyBindingNonce: request.nonce });
    expect(verified.kb?.payload.aud).toBe(request.clientId);
    expect(verified.payload).toMatchObject({ family_name: 'Məmmədova' });
  });

  it('a shop presentation carries age_over_18 and the photo, and no name or birth date', async () => {
    const holder = await newHolder();
    const { ledger, presentation, seen } = await present(holder, shop);
    expect(seen.requested).toEqual(['picture', 'age_over_18']);
    const decoded = await SDJwt.fromEncode(presentation, sha256Hasher);
    const disclosed = (decoded.disclosures ?? []).map((d) => d.decode());
    expect(disclosed.map(([, key]) => key).sort()).toEqual(['age_over_18', 'picture']);
    // Decode every disclosure: no name, birth date or national id anywhere.
    for (const part of presentation.split('~').slice(1)) {
      if (!part || part.split('.').length === 3) continue; // the KB-JWT
      const text = new TextDecoder().decode(base64url.decode(part));
      expect(text).not.toMatch(/Leyla|Məmmədova|1990-04-12|PNO|given_name|family_name|birthdate/);
    }
    const result = await verifyPresentation(presentation, {
      issuer,
      statusLists: await statusList(),
      requests: ledger,
    });
    expect(result.verdict).toBe('valid');
    expect(Object.keys(result.claims ?? {}).sort()).toEqual(['age_over_18', 'picture']);
  });

  it('refuses a tampered disclosure', async () => {
    const holder = await newHolder();
    const { ledger, presentation } = await present(holder, shop);
    const parts = presentation.split('~');
    const index = parts.findIndex(
      (p, i) =>
        i > 0 &&
        p &&
        p.split('.').length === 1 &&
        new TextDecoder().decode(base64url.decode(p)).includes('age_over_18'),
    );
    const [salt] = JSON.parse(new TextDecoder().decode(base64url.decode(parts[index] as string)));
    parts[index] = base64url.encode(
      JSON.stringify([salt, 'age_over_18', true]).replace('true', 'true '),
    );
    const result = await verifyPresentation(parts.join('~'), {
      issuer,
      statusLists: await statusList(),
      requests: ledger,
    });
    expect(result.verdict).toBe('invalid');
  });

  it('refuses a wrong nonce', async () => {
    const holder = await newHolder();
    const { ledger } = await present(holder, police);
    // A presentation made for another request (another nonce) of the same verifier.
    const other = await createVerifierRequest({
      key: police.key.privateKey,
      certificateDer: police.certificateDer,
    });
    const forged = await createPresentation({
      credential: holder.activation.credential?.credential as string,
      request: await verifyVerifierRequest(other.jws, { trust }),
      kbSigner: es256Signer(holder.device.deviceKey.privateKey),
    });
    const result = await verifyPresentation(forged, {
      issuer,
      statusLists: await statusList(),
      requests: ledger,
    });
    expect(result.verdict).toBe('invalid');
    expect(result.reason).toMatch(/nonce/);
  });

  it('detects a replayed presentation (nonce already used)', async () => {
    const holder = await newHolder();
    const { ledger, presentation } = await present(holder, police);
    const token = await statusList();
    const options = { issuer, statusLists: token, requests: ledger };
    expect((await verifyPresentation(presentation, options)).verdict).toBe('valid');
    const replay = await verifyPresentation(presentation, options);
    expect(replay.verdict).toBe('replayed');
  });

  it('refuses an expired credential', async () => {
    const holder = await newHolder();
    const { ledger, presentation } = await present(holder, police);
    const expiresAt = new Date(holder.activation.credential?.expiresAt as string);
    const result = await verifyPresentation(presentation, {
      issuer,
      statusLists: await statusList(),
      requests: ledger,
      now: new Date(expiresAt.getTime() + 1000),
    });
    expect(result.verdict).toBe('expired');
  });

  it('a suspended, resumed and revoked device sets the status list bit', async () => {
    const holder = await newHolder();
    const deviceId = holder.activation.deviceId;
    const check = async () => {
      const { ledger, presentation } = await present(holder, police);
      return verifyPresentation(presentation, {
        issuer,
        statusLists: await statusList(),
        requests: ledger,
      });
    };
    expect((await check()).verdict).toBe('valid');
    await json(await adminCall(node, 'POST', `/admin/v1/devices/${deviceId}/suspend`), 200);
    expect((await check()).verdict).toBe('suspended');
    await json(await adminCall(node, 'POST', `/admin/v1/devices/${deviceId}/resume`), 200);
    expect((await check()).verdict).toBe('valid');
    // Revoking one certificate revokes the card (it follows the certificates).
    const serial = (
      await json<{ certificates: { serialHex: string; purpose: string }[] }>(
        await deviceCall(node, holder.device, 'GET', '/device/v1/status'),
        200,
      )
    ).certificates.find((c) => c.purpose === 'auth')?.serialHex as string;
    await json(
      await adminCall(node, 'POST', `/admin/v1/certificates/${serial}/revoke`, {
        body: { reason: 'keyCompromise' },
      }),
      200,
    );
    const revoked = await check();
    expect(revoked.verdict).toBe('revoked');
    // The revoked device cannot fetch a new card either.
    expect((await deviceCall(node, holder.device, 'GET', '/device/v1/credential')).status).toBe(
      403,
    );
  });
});

describe('role-based requests (SPEC F21)', () => {
  it('a shop certificate cannot make a request for the police claim set', async () => {
    await expect(
      createVerifierRequest({
        key: shop.key.privateKey,
        certificateDer: shop.certificateDer,
        claims: police.claims as never,
      }),
    ).rejects.toMatchObject({ code: 'claims_not_allowed' });
  });

  it('the wallet refuses a shop request signed for the police claim set', async () => {
    // Built by hand, past createVerifierRequest's own check: the wallet must refuse on its own.
    const clientId = await verifierClientId(shop.certificateDer);
    const iat = Math.floor(Date.now() / 1000);
    const jws = await new SignJWT({
      nonce: base64url.encode(crypto.getRandomValues(new Uint8Array(18))),
      claims: police.claims,
      organisation: (
        await verifyVerifierRequest(
          (
            await createVerifierRequest({
              key: shop.key.privateKey,
              certificateDer: shop.certificateDer,
            })
          ).jws,
          { trust },
        )
      ).organisation,
      role: 'shop',
    })
      .setProtectedHeader({
        alg: 'ES256',
        typ: VERIFIER_REQUEST_TYP,
        x5c: [Buffer.from(shop.certificateDer).toString('base64')],
      })
      .setIssuer(clientId)
      .setAudience(WALLET_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 120)
      .sign(shop.key.privateKey);
    const refusal = await verifyVerifierRequest(jws, { trust }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(IdCardError);
    expect((refusal as IdCardError).code).toBe('claims_not_allowed');
  });

  it('the wallet refuses a request whose certificate is not from the platform CA', async () => {
    const stranger = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const request = await createVerifierRequest({
      key: stranger.privateKey,
      certificateDer: police.certificateDer,
    });
    // The signature does not match the certificate's key.
    await expect(verifyVerifierRequest(request.jws, { trust })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('the wallet refuses to disclose claims that were not requested', async () => {
    const holder = await newHolder();
    const request = await createVerifierRequest({
      key: shop.key.privateKey,
      certificateDer: shop.certificateDer,
    });
    const seen = await verifyVerifierRequest(request.jws, { trust });
    await expect(
      createPresentation({
        credential: holder.activation.credential?.credential as string,
        request: seen,
        approved: ['given_name'],
        kbSigner: es256Signer(holder.device.deviceKey.privateKey),
      }),
    ).rejects.toMatchObject({ code: 'claims_not_allowed' });
  });
});

describe('issuer key rotation and re-issue (F20)', () => {
  it('a rotated issuer key re-issues the card; the old one stays verifiable but is invalid', async () => {
    const holder = await newHolder();
    const old = holder.activation.credential as CredentialResponse;
    const officer = await createStaff(node, 'officer');
    expect(
      (await adminCall(node, 'POST', '/admin/v1/credentials/issuer-keys', { token: officer.token }))
        .status,
    ).toBe(403);
    const { kid } = await json<{ kid: string }>(
      await adminCall(node, 'POST', '/admin/v1/credentials/issuer-keys'),
      201,
    );
    const fresh = await json<CredentialResponse>(
      await deviceCall(node, holder.device, 'GET', '/device/v1/credential'),
      200,
    );
    expect(fresh.credential).not.toBe(old.credential);
    expect(fresh.status.idx).not.toBe(old.status.idx);
    expect((await SDJwt.fromEncode(fresh.credential, sha256Hasher)).jwt?.header?.kid).toBe(kid);
    // Both keys are published; the replaced card is invalid in the status list.
    const rotated = await json<IssuerMetadata>(
      await node.request('/.well-known/jwt-vc-issuer'),
      200,
    );
    expect(rotated.jwks.keys.map((k) => k.kid)).toEqual(
      expect.arrayContaining([kid, issuer.jwks.keys[0]?.kid]),
    );
    const check = async (credential: string) => {
      const { ledger, presentation } = await present(holder, police, credential);
      return verifyPresentation(presentation, {
        issuer: rotated,
        statusLists: await statusList(),
        requests: ledger,
      });
    };
    expect((await check(fresh.credential)).verdict).toBe('valid');
    expect((await check(old.credential)).verdict).toBe('revoked');
  });
});

describe('re-issue on a change of the person (F20)', () => {
  it('an officer corrects the name: the next fetch gets a new card, the old one is invalid', async () => {
    const holder = await newHolder();
    const old = holder.activation.credential as CredentialResponse;
    const officer = await createStaff(node, 'officer');
    const updated = await adminCall(node, 'PATCH', `/admin/v1/persons/${holder.personId}`, {
      token: officer.token,
      body: { givenName: 'Leyla-Nur', address: { locality: 'Bakı', country: 'AZ' } },
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ givenName: 'Leyla-Nur', familyName: 'Məmmədova' });
    const fresh = await json<CredentialResponse>(
      await deviceCall(node, holder.device, 'GET', '/device/v1/credential'),
      200,
    );
    expect(fresh.credential).not.toBe(old.credential);
    const decoded = await SDJwt.fromEncode(fresh.credential, sha256Hasher);
    const claims = Object.fromEntries((decoded.disclosures ?? []).map((d) => [d.key, d.value]));
    expect(claims.given_name).toBe('Leyla-Nur');
    const check = async (credential: string) => {
      const { ledger, presentation } = await present(holder, police, credential);
      return verifyPresentation(presentation, {
        issuer: await json<IssuerMetadata>(await node.request('/.well-known/jwt-vc-issuer'), 200),
        statusLists: await statusList(),
        requests: ledger,
      });
    };
    expect((await check(fresh.credential)).verdict).toBe('valid');
    expect((await check(old.credential)).verdict).toBe('revoked');
  });
});

describe('verifier registry and presentation log', () => {
  it('only operators manage verifiers; enrolment codes work once', async () => {
    const officer = await createStaff(node, 'officer');
    const denied = await adminCall(node, 'POST', '/admin/v1/verifier-organisations', {
      token: officer.token,
      body: { name: 'Sneaky Org' },
    });
    expect(denied.status).toBe(403);
    const enrolmentCode = await issueEnrolmentCode(node, `Hotel ${Date.now()}`, 'hotel');
    const key = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const csr = Buffer.from(await createCsr(key, 'CN=v')).toString('base64');
    const tryEnrol = (value: string) => enrol(node, value, csr);
    const wrong = `${enrolmentCode.slice(0, -1)}${enrolmentCode.endsWith('0') ? '1' : '0'}`;
    const refused = await tryEnrol(wrong);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('enrolment_code_invalid');
    const ok = await json<{ claims: string[]; role: string }>(await tryEnrol(enrolmentCode), 201);
    expect(ok.role).toBe('hotel');
    expect(ok.claims).toEqual(['given_name', 'family_name', 'nationality', 'document_number']);
    expect((await tryEnrol(enrolmentCode)).status).toBe(400);
  });

  it('a reported presentation reaches the person’s usage log with claim names only', async () => {
    const holder = await newHolder();
    const r = await deviceCall(node, holder.device, 'POST', '/device/v1/presentations', {
      body: { organisation: 'Corner Shop', role: 'shop', claims: ['age_over_18', 'picture'] },
    });
    expect(r.status).toBe(204);
    const bad = await deviceCall(node, holder.device, 'POST', '/device/v1/presentations', {
      body: { organisation: 'Corner Shop', role: 'shop', claims: ['password'] },
    });
    expect(bad.status).toBe(400);
    const entries = await node.ctx.audit.listForPerson(node.ctx.db, holder.personId, {
      types: ['credential.presented', 'credential.issued'],
      limit: 10,
    });
    const presented = entries.find((e) => e.type === 'credential.presented');
    expect(presented?.data).toMatchObject({ role: 'shop', claims: ['age_over_18', 'picture'] });
    expect(JSON.stringify(presented)).not.toContain('Leyla');
    expect(entries.some((e) => e.type === 'credential.issued')).toBe(true);
  });

  it('publishes the status list as a signed, compressed token', async () => {
    const token = await statusList();
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(new TextDecoder().decode(base64url.decode(p as string))));
    expect(header).toMatchObject({ alg: 'ES256', typ: 'statuslist+jwt' });
    expect(payload.status_list.bits).toBe(2);
    expect(typeof payload.status_list.lst).toBe('string');
    expect(payload.sub).toBe(`${node.url}/credentials/v1/status-lists/0`);
    expect((await node.request('/credentials/v1/status-lists/99')).status).toBe(404);
  });
});
