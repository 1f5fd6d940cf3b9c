import type { SignatureReport } from './manifest-signature';

/** One sentence on a manifest signature, for the CLI and the app: what was proved, or why not. */
export function signatureText(certificate: string, signature: SignatureReport | null): string {
  if (!signature) return `certificate ${certificate}`;
  if (signature.valid) {
    const by = signature.signer || 'an unnamed subject';
    const issuer = signature.selfSigned ? 'self-signed' : `issued by ${signature.issuer}`;
    return `signature valid (${certificate}: ${by}, ${issuer}, valid ${signature.notBefore?.slice(0, 10)} to ${signature.notAfter?.slice(0, 10)}; trust in the certificate is not checked)`;
  }
  if (signature.valid === false) return `signature INVALID (${certificate}: ${signature.problem})`;
  return `signature not checked (${certificate}: ${signature.problem})`;
}
