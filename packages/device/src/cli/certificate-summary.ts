import 'reflect-metadata';
import type { DeviceKeyPurpose } from '@openmid/protocol';
import { X509Certificate } from '@peculiar/x509';

/** A device certificate as the CLI prints it: serial, subject, validity and the PEM. */
export function certificateSummary(purpose: DeviceKeyPurpose, base64Der: string) {
  const certificate = new X509Certificate(base64Der);
  return {
    purpose,
    serialHex: certificate.serialNumber.toLowerCase(),
    subject: certificate.subject,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    pem: certificate.toString('pem'),
  };
}
