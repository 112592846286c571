// Certificates in the web app (docs/education.md, section Certificates): the pure parts —
// paths, the code a visitor types, the answer's shape and what the verify page says.

export type CertificatesRoute =
  /** `/verify` (a form) or `/verify/<code>` (the verdict). */
  | { kind: 'verify'; code: string | null }
  /** `/me/certificates`: the signed-in student's certificates. */
  | { kind: 'my-certificates' }
  /** `/courses/<id>/certificates`: the certificates a course gave (its managers). */
  | { kind: 'course-certificates'; course: string };

export interface Certificate {
  code: string;
  course: string;
  title: string;
  user: string;
  display_name: string;
  issuer: string;
  issued_at_ms: number;
  timezone: string;
  revoked: boolean;
  reason: string | null;
}

/** Crockford's base-32 alphabet (no I, L, O, U), as the node draws codes from. */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 12;
const COURSE_RE = /^[a-z0-9]{1,32}$/;

/** A typed code made canonical as the node does: upper case, no spaces or dashes, O → 0, I/L → 1. */
export function normaliseCode(typed: string): string {
  return typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
    .slice(0, 2 * CODE_LENGTH + 1);
}

export function isValidCode(code: string): boolean {
  return code.length === CODE_LENGTH && [...code].every((c) => CODE_ALPHABET.includes(c));
}

/** "7K3M-9QX2-TR4B": a code in groups of four, easier to read out. */
export function groupCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

export function verifyPath(code: string): string {
  return `/verify/${encodeURIComponent(code)}`;
}

export function pdfUrl(code: string): string {
  return `/api/v1/certificates/${encodeURIComponent(code)}.pdf`;
}

/** The certificates route of a path's parts, or null. */
export function parseCertificatesRoute(parts: readonly string[]): CertificatesRoute | null {
  const [head, a, b] = parts;
  if (head === 'verify' && parts.length === 1) return { kind: 'verify', code: null };
  if (head === 'verify' && parts.length === 2 && a !== undefined) {
    let typed = a;
    try {
      typed = decodeURIComponent(a);
    } catch {
      return { kind: 'verify', code: null };
    }
    return { kind: 'verify', code: normaliseCode(typed) };
  }
  if (head === 'me' && a === 'certificates' && parts.length === 2) return { kind: 'my-certificates' };
  if (head === 'courses' && b === 'certificates' && parts.length === 3 && a !== undefined && COURSE_RE.test(a))
    return { kind: 'course-certificates', course: a };
  return null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function parseCertificate(v: unknown): Certificate | null {
  const o = obj(v);
  const code = str(o.code);
  if (!code) return null;
  return {
    code,
    course: str(o.course),
    title: str(o.title),
    user: str(o.user),
    display_name: str(o.display_name) || str(o.user),
    issuer: str(o.issuer),
    issued_at_ms: typeof o.issued_at_ms === 'number' ? o.issued_at_ms : 0,
    timezone: str(o.timezone) || 'UTC',
    revoked: o.revoked === true,
    reason: typeof o.reason === 'string' ? o.reason : null,
  };
}

export function parseCertificateList(v: unknown): Certificate[] {
  const list = obj(v).certificates;
  return (Array.isArray(list) ? list : []).map(parseCertificate).filter((c): c is Certificate => c !== null);
}

export type Verdict =
  | { kind: 'genuine'; certificate: Certificate }
  | { kind: 'revoked'; certificate: Certificate; reason: string }
  | { kind: 'unknown' }
  | { kind: 'invalid' };

/** What /verify/<code> says: `answer` is the certificate, or null when the node said 404. */
export function verdictOf(code: string, answer: Certificate | null): Verdict {
  if (!isValidCode(code)) return { kind: 'invalid' };
  if (!answer) return { kind: 'unknown' };
  if (answer.revoked) return { kind: 'revoked', certificate: answer, reason: answer.reason ?? '' };
  return { kind: 'genuine', certificate: answer };
}

/** The day of issue in the course's time zone ("4 December 2026"), as on the PDF. */
export function issuedOn(c: Certificate): string {
  const when = new Date(c.issued_at_ms);
  try {
    return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: c.timezone }).format(when);
  } catch {
    return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(when);
  }
}
