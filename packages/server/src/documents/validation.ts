import 'reflect-metadata';
import { createHash, X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFString,
} from 'pdf-lib';
import * as pkijs from 'pkijs';
import { OID, parseDer } from './cms.js';
import { type CertificateStatusAtTime, ocspStatusAt } from './ocsp-status.js';
import { DocumentError, loadPdf, readingPdf } from './pdf-document.js';

/** The validation report of SPEC §4.3 (`POST /validation/v1/reports`). */
export type Verdict = 'TOTAL_PASSED' | 'INDETERMINATE' | 'TOTAL_FAILED';
export type Level = 'B-B' | 'B-T' | 'B-LT';

export interface SignatureReport {
  signer: { commonName: string | null; serialNumber: string | null };
  /** The claimed signing time (PDF /M or CMS signing-time), ISO 8601, or null. */
  signingTime: string | null;
  /** The signature time-stamp's time when a valid one is present. */
  timestamp?: string;
  level: Level;
  /** Status of the signing certificate at the signing time. */
  certificateStatus: CertificateStatusAtTime;
  integrity: boolean;
  verdict: Verdict;
  reasons: string[];
  /** PDF only: the signature covers the whole file (no later incremental update). */
  coversWholeDocument?: boolean;
}

export interface ValidationReport {
  verdict: Verdict;
  signatures: SignatureReport[];
  reasons?: string[];
}

export interface ValidationContext {
  /** Trust anchors (DER): our root and issuing CA plus CAs the operator added. */
  trustAnchors: Uint8Array[];
  /** A current OCSP response for a certificate when we can obtain one (ours), else undefined. */
  freshOcsp?(certificate: Uint8Array): Promise<Uint8Array | undefined>;
  now: Date;
}

const HASHES: Record<string, string> = {
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};

const toDer = (c: pkijs.Certificate) => new Uint8Array(c.toSchema().toBER(false));
const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

function nameField(cert: pkijs.Certificate, oid: string): string | null {
  const found = cert.subject.typesAndValues.find((tv) => tv.type === oid);
  const value = found?.value as { valueBlock?: { value?: unknown } } | undefined;
  return typeof value?.valueBlock?.value === 'string' ? value.valueBlock.value : null;
}

function digest(alg: string, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest());
}

interface ParsedSignature {
  signedData: pkijs.SignedData;
  signerInfo: pkijs.SignerInfo;
  signer: pkijs.Certificate;
}

function parseCms(der: Uint8Array): ParsedSignature {
  const info = new pkijs.ContentInfo({ schema: parseDer(der, 'CMS') });
  if (info.contentType !== OID.signedData) throw new Error('not CMS SignedData');
  const signedData = new pkijs.SignedData({ schema: info.content });
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) throw new Error('no SignerInfo');
  const sid = signerInfo.sid;
  const certs = (signedData.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  const signer = certs.find(
    (c) =>
      sid instanceof pkijs.IssuerAndSerialNumber &&
      c.issuer.isEqual(sid.issuer) &&
      c.serialNumber.isEqual(sid.serialNumber),
  );
  if (!signer) throw new Error('the signing certificate is not in the CMS');
  return { signedData, signerInfo, signer };
}

function attributeValue(
  attrs: pkijs.SignedAndUnsignedAttributes | undefined,
  oid: string,
): asn1js.AsnType | undefined {
  return attrs?.attributes.find((a) => a.type === oid)?.values[0];
}

/** Certificates of the CMS, DER. */
function cmsCertificates(signedData: pkijs.SignedData): Uint8Array[] {
  return (signedData.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map(toDer);
}

/** OCSP responses carried in the CMS as RFC 5940 other revocation info. */
function cmsOcsps(signedData: pkijs.SignedData): Uint8Array[] {
  return (signedData.crls ?? [])
    .filter(
      (c): c is pkijs.OtherRevocationInfoFormat =>
        c instanceof pkijs.OtherRevocationInfoFormat &&
        c.otherRevInfoFormat === OID.ocspResponseRevInfo,
    )
    .map((c) => new Uint8Array((c.otherRevInfo as asn1js.AsnType).toBER(false)));
}

interface Chain {
  trusted: boolean;
  issuer?: pkijs.Certificate;
  reasons: string[];
}

/** Build the path from the signer to a trust anchor (@peculiar/x509) and check it at `time`. */
async function chainOf(
  signerDer: Uint8Array,
  pool: Uint8Array[],
  anchors: Uint8Array[],
  time: Date,
): Promise<Chain> {
  const reasons: string[] = [];
  const signer = new x509.X509Certificate(new Uint8Array(signerDer));
  const certificates = [...pool, ...anchors].map(
    (d) => new x509.X509Certificate(new Uint8Array(d)),
  );
  let path: x509.X509Certificate[];
  try {
    path = await new x509.X509ChainBuilder({ certificates }).build(signer);
  } catch {
    path = [signer];
  }
  const issuerX = path[1];
  const issuer = issuerX
    ? new pkijs.Certificate({ schema: parseDer(new Uint8Array(issuerX.rawData), 'issuer') })
    : undefined;
  const anchorIndex = path.findIndex(
    (c, i) => i > 0 && anchors.some((a) => sameBytes(a, new Uint8Array(c.rawData))),
  );
  const trusted = anchorIndex > 0;
  if (!trusted) reasons.push('the certificate chain does not lead to a trusted CA');
  for (const cert of trusted ? path.slice(0, anchorIndex + 1) : [signer]) {
    if (time < cert.notBefore || time > cert.notAfter) {
      reasons.push(`certificate "${cert.subject}" was not valid at ${time.toISOString()}`);
    }
  }
  return { trusted, issuer, reasons };
}

interface TimestampCheck {
  time?: Date;
  reasons: string[];
}

/** Verify the signature time-stamp token over the signature value (RFC 3161, pkijs). */
async function checkTimestamp(
  signerInfo: pkijs.SignerInfo,
  anchors: Uint8Array[],
  now: Date,
): Promise<TimestampCheck> {
  const token = attributeValue(signerInfo.unsignedAttrs, OID.timeStampToken);
  if (!token) return { reasons: [] };
  try {
    const info = new pkijs.ContentInfo({ schema: token });
    const signed = new pkijs.SignedData({ schema: info.content });
    const result = await signed.verify({
      signer: 0,
      data: new Uint8Array(signerInfo.signature.valueBlock.valueHexView).buffer,
      extendedMode: true,
    });
    if (!result.signatureVerified) return { reasons: ['the signature time-stamp does not verify'] };
    const content = signed.encapContentInfo.eContent?.getValue();
    if (!content) return { reasons: ['the signature time-stamp has no content'] };
    const tst = pkijs.TSTInfo.fromBER(content);
    const tsaCert = result.signerCertificate;
    if (!tsaCert) return { reasons: ['the time-stamping unit is unknown'] };
    const chain = await chainOf(toDer(tsaCert), cmsCertificates(signed), anchors, tst.genTime);
    if (!chain.trusted) return { reasons: ['the time-stamping unit is not trusted'] };
    if (tst.genTime > now) return { reasons: ['the time-stamp is in the future'] };
    return { time: tst.genTime, reasons: [] };
  } catch (err) {
    return { reasons: [`the signature time-stamp does not verify: ${(err as Error).message}`] };
  }
}

interface Evidence {
  /** Certificates and OCSP responses found outside the CMS (a PDF's DSS). */
  certificates: Uint8Array[];
  ocsps: Uint8Array[];
}

/** Validate one CMS signature over `signedContent`. */
async function validateCms(
  cmsDer: Uint8Array,
  signedContent: Uint8Array,
  claimedTime: Date | undefined,
  evidence: Evidence,
  context: ValidationContext,
): Promise<SignatureReport> {
  const reasons: string[] = [];
  let parsed: ParsedSignature;
  try {
    parsed = parseCms(cmsDer);
  } catch (err) {
    return {
      signer: { commonName: null, serialNumber: null },
      signingTime: claimedTime?.toISOString() ?? null,
      level: 'B-B',
      certificateStatus: 'UNKNOWN',
      integrity: false,
      verdict: 'TOTAL_FAILED',
      reasons: [`the signature cannot be read: ${(err as Error).message}`],
    };
  }
  const { signedData, signerInfo, signer } = parsed;
  const signerDer = toDer(signer);
  const signedTime = attributeValue(signerInfo.signedAttrs, OID.signingTime);
  const claimed =
    claimedTime ??
    (signedTime instanceof asn1js.UTCTime || signedTime instanceof asn1js.GeneralizedTime
      ? signedTime.toDate()
      : undefined);

  // Integrity: the message-digest attribute against the content, then the signature value.
  const hashName = HASHES[signerInfo.digestAlgorithm.algorithmId];
  const declared = attributeValue(signerInfo.signedAttrs, OID.messageDigest);
  let integrity = false;
  if (!hashName) reasons.push(`unsupported digest ${signerInfo.digestAlgorithm.algorithmId}`);
  else if (!(declared instanceof asn1js.OctetString)) reasons.push('no message-digest attribute');
  else {
    const actual = digest(hashName, signedContent);
    integrity = sameBytes(actual, declared.valueBlock.valueHexView);
    if (!integrity) reasons.push('the signed content was modified (message digest mismatch)');
  }
  let signatureValid = false;
  if (integrity) {
    try {
      const result = await signedData.verify({
        signer: 0,
        data: new Uint8Array(signedContent).buffer,
        extendedMode: true,
      });
      signatureValid = result.signatureVerified === true;
    } catch (err) {
      reasons.push(`the signature value does not verify: ${(err as Error).message}`);
    }
    if (!signatureValid && reasons.length === 0)
      reasons.push('the signature value does not verify');
    integrity = signatureValid;
  }

  const timestamp = await checkTimestamp(signerInfo, context.trustAnchors, context.now);
  reasons.push(...timestamp.reasons);
  const time = timestamp.time ?? claimed ?? context.now;
  const pool = [...cmsCertificates(signedData), ...evidence.certificates];
  const chain = await chainOf(signerDer, pool, context.trustAnchors, timestamp.time ?? context.now);
  reasons.push(...chain.reasons);

  // Certificate status at the signing time: embedded OCSP first, then a fresh response.
  let status: CertificateStatusAtTime = 'UNKNOWN';
  let embeddedStatus = false;
  if (chain.issuer) {
    for (const der of [...cmsOcsps(signedData), ...evidence.ocsps]) {
      const finding = await ocspStatusAt(der, signer, chain.issuer, time);
      if (finding && finding.status !== 'UNKNOWN') {
        status = finding.status;
        embeddedStatus = true;
        if (finding.status === 'REVOKED') break;
      }
    }
    if (status === 'UNKNOWN' && context.freshOcsp) {
      const fresh = await context.freshOcsp(signerDer).catch(() => undefined);
      if (fresh) status = (await ocspStatusAt(fresh, signer, chain.issuer, time))?.status ?? status;
    }
  }
  if (status === 'REVOKED') reasons.push('the signing certificate was revoked at the signing time');
  if (status === 'UNKNOWN') reasons.push('no revocation information for the signing certificate');

  const hasTimestamp = timestamp.time !== undefined;
  const level: Level = hasTimestamp && embeddedStatus ? 'B-LT' : hasTimestamp ? 'B-T' : 'B-B';
  const verdict: Verdict =
    !integrity || status === 'REVOKED'
      ? 'TOTAL_FAILED'
      : reasons.length > 0
        ? 'INDETERMINATE'
        : 'TOTAL_PASSED';
  return {
    signer: {
      commonName: nameField(signer, '2.5.4.3'),
      serialNumber: nameField(signer, '2.5.4.5'),
    },
    signingTime: claimed?.toISOString() ?? null,
    ...(timestamp.time ? { timestamp: timestamp.time.toISOString() } : {}),
    level,
    certificateStatus: status,
    integrity,
    verdict,
    reasons,
  };
}

/** validateCms, where anything unexpected in hostile input fails the signature, not the request. */
function evaluate(
  cms: Uint8Array,
  content: Uint8Array,
  claimedTime: Date | undefined,
  evidence: Evidence,
  context: ValidationContext,
): Promise<SignatureReport> {
  return validateCms(cms, content, claimedTime, evidence, context).catch(
    (err: unknown): SignatureReport => ({
      signer: { commonName: null, serialNumber: null },
      signingTime: claimedTime?.toISOString() ?? null,
      level: 'B-B',
      certificateStatus: 'UNKNOWN',
      integrity: false,
      verdict: 'TOTAL_FAILED',
      reasons: [`the signature cannot be evaluated: ${(err as Error).message}`],
    }),
  );
}

function worst(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('TOTAL_FAILED')) return 'TOTAL_FAILED';
  if (verdicts.includes('INDETERMINATE') || verdicts.length === 0) return 'INDETERMINATE';
  return 'TOTAL_PASSED';
}

function streamBytes(value: unknown): Uint8Array | undefined {
  if (!(value instanceof PDFRawStream)) return undefined;
  try {
    return decodePDFRawStream(value).decode();
  } catch {
    return undefined; // an undecodable entry is evidence we cannot use, not a reason to refuse
  }
}

function dssEvidence(doc: Awaited<ReturnType<typeof loadPdf>>): Evidence {
  const dss = doc.catalog.lookupMaybe(PDFName.of('DSS'), PDFDict);
  const list = (key: string): Uint8Array[] => {
    const array = dss?.lookupMaybe(PDFName.of(key), PDFArray);
    const out: Uint8Array[] = [];
    for (let i = 0; i < (array?.size() ?? 0); i++) {
      const bytes = streamBytes(array?.lookup(i));
      if (bytes) out.push(bytes);
    }
    return out;
  };
  return { certificates: list('Certs'), ocsps: list('OCSPs') };
}

interface FoundSignature {
  range: number[];
  claimedTime: Date | undefined;
}

/** The signature dictionaries of a PDF (by their ByteRange and Contents) and its DSS. */
async function signatureDictionaries(
  pdf: Uint8Array,
): Promise<{ evidence: Evidence; found: FoundSignature[] }> {
  const doc = await loadPdf(pdf);
  const evidence = dssEvidence(doc);
  const found: FoundSignature[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    const range = object.lookupMaybe(PDFName.of('ByteRange'), PDFArray);
    const contents = object.get(PDFName.of('Contents'));
    if (!range || !(contents instanceof PDFHexString || contents instanceof PDFString)) continue;
    if (object.lookupMaybe(PDFName.of('Type'), PDFName) === PDFName.of('DocTimeStamp')) continue;
    const numbers: number[] = [];
    for (let i = 0; i < range.size(); i++) {
      const n = range.lookup(i);
      numbers.push(n instanceof PDFNumber ? n.asNumber() : Number.NaN);
    }
    const claimed = object.get(PDFName.of('M'));
    let claimedTime: Date | undefined;
    try {
      claimedTime =
        claimed instanceof PDFString || claimed instanceof PDFHexString
          ? claimed.decodeDate()
          : undefined;
    } catch {
      claimedTime = undefined;
    }
    found.push({ range: numbers, claimedTime });
  }
  found.sort(
    (x, y) => (x.range[2] ?? 0) + (x.range[3] ?? 0) - ((y.range[2] ?? 0) + (y.range[3] ?? 0)),
  );

  return { evidence, found };
}

const HEX = /^<([0-9a-fA-F\s]*)>$/;

/** Validate every signature of a PDF (ISO 32000-1 §12.8, ETSI EN 319 142-1). */
export async function validatePdf(
  pdf: Uint8Array,
  context: ValidationContext,
): Promise<ValidationReport> {
  const { evidence, found } = await readingPdf(() => signatureDictionaries(pdf));
  const signatures: SignatureReport[] = [];
  for (const { range, claimedTime } of found) {
    const [a, b, c, d] = range;
    const wellFormed =
      range.length === 4 &&
      range.every((n) => Number.isInteger(n) && n >= 0) &&
      a === 0 &&
      (b as number) < (c as number) &&
      (c as number) + (d as number) <= pdf.length;
    const gap = wellFormed
      ? Buffer.from(pdf.subarray(b as number, c as number)).toString('latin1')
      : '';
    const hex = HEX.exec(gap)?.[1];
    if (!wellFormed || hex === undefined) {
      signatures.push({
        signer: { commonName: null, serialNumber: null },
        signingTime: claimedTime?.toISOString() ?? null,
        level: 'B-B',
        certificateStatus: 'UNKNOWN',
        integrity: false,
        verdict: 'TOTAL_FAILED',
        reasons: ['the ByteRange does not cover the document except the signature value'],
      });
      continue;
    }
    const end = (c as number) + (d as number);
    const signed = Buffer.concat([pdf.subarray(0, b), pdf.subarray(c as number, end)]);
    const cms = Buffer.from(hex.replace(/\s/g, ''), 'hex');
    const report = await evaluate(cms, signed, claimedTime, evidence, context);
    report.coversWholeDocument = end === pdf.length;
    if (end !== pdf.length) {
      const tail = Buffer.from(pdf.subarray(Math.max(0, end - 16), end)).toString('latin1');
      if (!/%%EOF\s*$/.test(tail)) {
        report.integrity = false;
        report.verdict = 'TOTAL_FAILED';
        report.reasons.push('the signed range does not end at a revision of the document');
      }
    }
    signatures.push(report);
  }
  return {
    verdict: worst(signatures.map((s) => s.verdict)),
    signatures,
    ...(signatures.length === 0 ? { reasons: ['the document has no signature'] } : {}),
  };
}

/** Validate a CMS / CAdES signature over its detached content (or encapsulated content). */
export async function validateCmsDocument(
  cms: Uint8Array,
  detachedContent: Uint8Array | undefined,
  context: ValidationContext,
): Promise<ValidationReport> {
  let content = detachedContent;
  try {
    const { signedData } = parseCms(cms);
    const encapsulated = signedData.encapContentInfo.eContent?.getValue();
    if (encapsulated && encapsulated.byteLength > 0) content = new Uint8Array(encapsulated);
  } catch (err) {
    throw new DocumentError(`not a PDF nor a CMS signature: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!content) {
    throw new DocumentError('a detached CMS signature needs its content in detachedContent');
  }
  const report = await evaluate(cms, content, undefined, { certificates: [], ocsps: [] }, context);
  return { verdict: report.verdict, signatures: [report] };
}

/** Validate a signed PDF or a CMS signature (PDF recognised by its header). */
export async function validateDocument(
  document: Uint8Array,
  detachedContent: Uint8Array | undefined,
  context: ValidationContext,
): Promise<ValidationReport> {
  const head = Buffer.from(document.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return validatePdf(document, context);
  return validateCmsDocument(document, detachedContent, context);
}

/** The certificate's serial as lowercase hex (for our PKI's lookups). */
export function serialOf(der: Uint8Array): string {
  return new NodeX509(der).serialNumber.toLowerCase();
}
