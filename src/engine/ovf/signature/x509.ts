import { DER, derChildren, derExpect, DerError, oidText, type DerNode } from './der';

/**
 * The parts of an X.509 certificate (RFC 5280 §4.1) a signature check needs: who it names, when it is valid,
 * and its public key as SubjectPublicKeyInfo (which WebCrypto imports as 'spki').
 */
export interface Certificate {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  spki: Uint8Array;
  key: { kind: 'rsa' } | { kind: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' } | { kind: 'other'; oid: string };
}

const NAME_ATTRIBUTES: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU' };
const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = { '1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384', '1.3.132.0.35': 'P-521' };
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

export function parseCertificate(der: Uint8Array): Certificate {
  const certificate = derExpect(der, DER.SEQUENCE, 'Certificate');
  const [tbs] = derChildren(certificate.value);
  if (!tbs || tbs.tag !== DER.SEQUENCE) throw new DerError('Certificate: no TBSCertificate');
  const fields = derChildren(tbs.value);
  // version is [0] EXPLICIT and optional (absent means v1).
  const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  const [, , issuer, validity, subject, spki] = rest;
  if (!issuer || !validity || !subject || !spki || spki.tag !== DER.SEQUENCE) throw new DerError('TBSCertificate: fields missing');
  const [notBefore, notAfter] = derChildren(validity.value);
  if (!notBefore || !notAfter) throw new DerError('Validity: times missing');
  return { subject: nameText(subject), issuer: nameText(issuer), notBefore: timeText(notBefore), notAfter: timeText(notAfter), spki: spki.element, key: keyOf(spki) };
}

/** `CN=Example Appliances, O=Example Inc., C=US` (RFC 4514 order reversed to the usual reading order is not needed here). */
function nameText(name: DerNode): string {
  const parts: string[] = [];
  for (const set of derChildren(name.value)) {
    for (const attribute of derChildren(set.value)) {
      const [type, value] = derChildren(attribute.value);
      if (!type || !value || type.tag !== DER.OID) continue;
      const label = NAME_ATTRIBUTES[oidText(type.value)];
      if (label) parts.push(`${label}=${new TextDecoder().decode(value.value)}`);
    }
  }
  return parts.join(', ');
}

/** UTCTime YYMMDDHHMMSSZ (years 1950–2049, RFC 5280 §4.1.2.5.1) or GeneralizedTime YYYYMMDDHHMMSSZ, as ISO 8601. */
function timeText(node: DerNode): string {
  const text = new TextDecoder().decode(node.value);
  const match = node.tag === DER.UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) throw new DerError(`Validity: unreadable time "${text}"`);
  const year = node.tag === DER.UTC_TIME ? (Number(match[1]) < 50 ? 2000 : 1900) + Number(match[1]) : Number(match[1]);
  return `${year}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`;
}

function keyOf(spki: DerNode): Certificate['key'] {
  const [algorithm] = derChildren(spki.value);
  if (!algorithm || algorithm.tag !== DER.SEQUENCE) throw new DerError('SubjectPublicKeyInfo: no algorithm');
  const [oid, parameters] = derChildren(algorithm.value);
  if (!oid || oid.tag !== DER.OID) throw new DerError('SubjectPublicKeyInfo: no algorithm identifier');
  const id = oidText(oid.value);
  if (id === RSA_ENCRYPTION) return { kind: 'rsa' };
  if (id === EC_PUBLIC_KEY && parameters?.tag === DER.OID) {
    const curve = CURVES[oidText(parameters.value)];
    if (curve) return { kind: 'ec', curve };
  }
  return { kind: 'other', oid: id };
}
