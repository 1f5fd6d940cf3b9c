import type { HashAlgorithm } from '../../io/hash';
import { DER, derChildren, derExpect, DerError } from './der';
import { parseCertificate, type Certificate } from './x509';

/**
 * The certificate file of a signed package (DSP0243 §5.2; what ovftool and `openssl dgst -sign` make): a line
 * `SHA256(package.mf)= <hex signature>` over the manifest's bytes, then the signer's X.509 certificate in PEM.
 * Checked with WebCrypto: RSA (PKCS #1 v1.5) and ECDSA keys. This proves the manifest is what the holder of the
 * certificate's key signed; whether that certificate is one to trust is for the user (no trust store here), so
 * the report names the signer, the issuer and the validity dates.
 */
export interface SignatureReport {
  /** true: the manifest is exactly what was signed; false: it is not (changed after signing); null: not checked. */
  valid: boolean | null;
  algorithm: HashAlgorithm | null;
  signer: string | null;
  issuer: string | null;
  notBefore: string | null;
  notAfter: string | null;
  selfSigned: boolean | null;
  /** Why the signature could not be checked, or what is wrong with it. */
  problem: string | null;
}

const SIGNATURE_LINE = /^(SHA1|SHA256|SHA512)\s*\((.+)\)\s*=\s*([0-9a-fA-F]+)\s*$/m;
const PEM = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/;
const WEBCRYPTO_HASH: Record<HashAlgorithm, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' };

export async function checkManifestSignature(certText: string, manifestName: string, manifest: Uint8Array): Promise<SignatureReport> {
  const report: SignatureReport = { valid: null, algorithm: null, signer: null, issuer: null, notBefore: null, notAfter: null, selfSigned: null, problem: null };
  const line = SIGNATURE_LINE.exec(certText);
  if (!line) return { ...report, problem: 'no "SHA256(file.mf)= signature" line' };
  const algorithm = line[1]!.toLowerCase() as HashAlgorithm;
  report.algorithm = algorithm;
  const signedName = line[2]!.trim();
  if (baseName(signedName) !== baseName(manifestName)) return { ...report, problem: `it signs ${signedName}, not the manifest ${manifestName}` };
  const pem = PEM.exec(certText);
  if (!pem) return { ...report, problem: 'no PEM certificate' };
  let certificate: Certificate;
  try {
    certificate = parseCertificate(fromBase64(pem[1]!));
  } catch (error) {
    return { ...report, problem: `the certificate cannot be read (${error instanceof Error ? error.message : String(error)})` };
  }
  Object.assign(report, {
    signer: certificate.subject,
    issuer: certificate.issuer,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    selfSigned: certificate.subject === certificate.issuer,
  });
  try {
    report.valid = await verify(certificate, algorithm, fromHex(line[3]!), manifest);
  } catch (error) {
    return { ...report, problem: `the signature cannot be checked (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!report.valid) report.problem = `the signature does not match ${manifestName}: it was changed after signing, or signed with another key`;
  return report;
}

async function verify(certificate: Certificate, algorithm: HashAlgorithm, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  const hash = WEBCRYPTO_HASH[algorithm];
  const { key } = certificate;
  const spki = certificate.spki as Uint8Array<ArrayBuffer>;
  const bytes = data as Uint8Array<ArrayBuffer>;
  if (key.kind === 'rsa') {
    const publicKey = await crypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify']);
    return crypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, signature as Uint8Array<ArrayBuffer>, bytes);
  }
  if (key.kind === 'ec') {
    const publicKey = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: key.curve }, false, ['verify']);
    const raw = ecdsaRaw(signature, key.curve === 'P-256' ? 32 : key.curve === 'P-384' ? 48 : 66);
    return crypto.subtle.verify({ name: 'ECDSA', hash }, publicKey, raw as Uint8Array<ArrayBuffer>, bytes);
  }
  throw new Error(`keys of type ${key.oid} are not supported (RSA and ECDSA are)`);
}

/** openssl writes ECDSA signatures as DER `SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279 §2.2.3); WebCrypto wants r‖s. */
function ecdsaRaw(der: Uint8Array, size: number): Uint8Array {
  const [r, s] = derChildren(derExpect(der, DER.SEQUENCE, 'ECDSA signature').value);
  if (!r || !s || r.tag !== DER.INTEGER || s.tag !== DER.INTEGER) throw new DerError('ECDSA signature: r and s expected');
  const out = new Uint8Array(2 * size);
  for (const [index, integer] of [r, s].entries()) {
    const digits = integer.value.subarray(Math.max(0, integer.value.length - size));
    if (integer.value.length - digits.length > 0 && integer.value.subarray(0, integer.value.length - digits.length).some((b) => b !== 0)) {
      throw new DerError('ECDSA signature: integer too large for the curve');
    }
    out.set(digits, (index + 1) * size - digits.length);
  }
  return out;
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const baseName = (path: string) => path.replace(/^.*[\\/]/, '');
