import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Independent validators for signed documents (CONVENTIONS §8): poppler's pdfsig with an NSS
 * database that trusts a given root, and `openssl cms -verify`.
 */
export interface PdfsigSignature {
  commonName: string;
  signatureValid: boolean;
  certificateTrusted: boolean;
  wholeDocument: boolean;
  raw: string;
}

export function scratchDir(prefix = 'openmid-doc-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** An NSS database (sql:) that trusts `rootPem` as a CA: what pdfsig consults. */
export function nssDbTrusting(rootPem: string): string {
  const dir = scratchDir('openmid-nss-');
  writeFileSync(join(dir, 'root.pem'), rootPem);
  execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  execFileSync('certutil', [
    '-A',
    '-n',
    'openmid-root',
    '-t',
    'CT,C,C',
    '-i',
    join(dir, 'root.pem'),
    '-d',
    `sql:${dir}`,
  ]);
  return dir;
}

/**
 * Run pdfsig without blocking the event loop: pdfsig asks the OCSP responder named in the
 * certificates (a test node in this very process) about each signer.
 */
export async function pdfsig(pdf: Uint8Array, nssDir: string): Promise<PdfsigSignature[]> {
  const file = join(scratchDir(), 'doc.pdf');
  writeFileSync(file, pdf);
  const stdout = await new Promise<string>((resolve) => {
    execFile('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' }, (_err, out) =>
      resolve(out ?? ''),
    );
  });
  const blocks = stdout.split(/^Signature #\d+:$/m).slice(1);
  return blocks.map((raw) => ({
    commonName: /Signer Certificate Common Name: (.*)$/m.exec(raw)?.[1]?.trim() ?? '',
    signatureValid: /Signature Validation: Signature is Valid\./.test(raw),
    certificateTrusted: /Certificate Validation: Certificate is Trusted\./.test(raw),
    wholeDocument: /Total document signed/.test(raw) && !/Not total document signed/.test(raw),
    raw,
  }));
}

/** `openssl cms -verify` of a detached DER CMS over `content`; returns [ok, output]. */
export function opensslCmsVerify(
  p7s: Uint8Array,
  content: Uint8Array,
  rootPem: string,
): [boolean, string] {
  const dir = scratchDir();
  writeFileSync(join(dir, 'sig.p7s'), p7s);
  writeFileSync(join(dir, 'content.bin'), content);
  writeFileSync(join(dir, 'root.pem'), rootPem);
  const run = spawnSync(
    'openssl',
    [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'sig.p7s'),
      '-content',
      join(dir, 'content.bin'),
      '-CAfile',
      join(dir, 'root.pem'),
      '-purpose',
      'any',
      '-out',
      join(dir, 'out.bin'),
    ],
    { encoding: 'utf8' },
  );
  return [run.status === 0, `${run.stdout}${run.stderr}`];
}
