// REST calls of the certificates routes (docs/api.md, Certificates).
import { ApiError } from '../api';
import { request } from '../accountApi';
import { parseCertificate, parseCertificateList, type Certificate } from './model';

const C = (code: string) => `/api/v1/certificates/${encodeURIComponent(code)}`;
const COURSE = (id: string) => `/api/v1/courses/${encodeURIComponent(id)}/certificates`;

function certificate(v: unknown): Certificate {
  const c = parseCertificate(v);
  if (!c) throw new ApiError(0, 'bad_response', 'certificate missing in the answer');
  return c;
}

/** The certificate of `code`, or null when the node does not know it (404). */
export async function fetchCertificate(code: string): Promise<Certificate | null> {
  try {
    return certificate(await request('GET', C(code)));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export async function fetchMyCertificates(token: string): Promise<Certificate[]> {
  return parseCertificateList(await request('GET', '/api/v1/me/certificates', { token }));
}

export async function fetchCourseCertificates(token: string, course: string): Promise<Certificate[]> {
  return parseCertificateList(await request('GET', COURSE(course), { token }));
}

export async function claimCertificate(token: string, course: string): Promise<Certificate> {
  return certificate(await request('POST', `${COURSE(course)}/claim`, { token, body: {} }));
}

/** Issues to every student who meets the rule; how many got one now. */
export async function issueToAll(token: string, course: string): Promise<number> {
  const r = (await request('POST', COURSE(course), { token, body: { all: true } })) as { issued?: unknown };
  return Array.isArray(r?.issued) ? r.issued.length : 0;
}

export async function revokeCertificate(token: string, code: string, reason: string): Promise<Certificate> {
  return certificate(await request('POST', `${C(code)}/revoke`, { token, body: { reason } }));
}
