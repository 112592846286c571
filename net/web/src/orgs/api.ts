// REST calls of the organisations contract (docs/organisations.md, section Routes).
import { ApiError } from '../api';
import { request } from '../accountApi';
import { parseInvitation, parseOrg, parseSummary, type MyOrg, type Org, type OrgInvitation, type OrgMember, type OrgSummary, asRole } from './model';

const O = (slug: string) => `/api/v1/orgs/${encodeURIComponent(slug)}`;
const opt = (token: string | null, body?: unknown) => ({ ...(token ? { token } : {}), ...(body === undefined ? {} : { body }) });
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function org(v: unknown): Org {
  const o = parseOrg(v);
  if (!o) throw new ApiError(0, 'bad_response', 'organisation missing in the answer');
  return o;
}

export async function listOrgs(q: string): Promise<OrgSummary[]> {
  const body = await request('GET', `/api/v1/orgs?limit=100${q ? `&q=${encodeURIComponent(q)}` : ''}`);
  return list(obj(body).orgs).map(parseSummary).filter((o): o is OrgSummary => o !== null);
}

export const fetchOrg = async (token: string | null, slug: string) => org(await request('GET', O(slug), opt(token)));

/** The org whose custom domain is this page's host, or null (the node answers {"org": null}). */
export async function fetchOrgByHost(): Promise<Org | null> {
  return parseOrg(obj(await request('GET', '/api/v1/orgs/by-host')).org);
}

export const createOrg = async (token: string, slug: string, name: string) => org(await request('POST', '/api/v1/orgs', opt(token, { slug, name })));
export const updateOrg = async (token: string, slug: string, patch: { name?: string; description?: string }) =>
  org(await request('PATCH', O(slug), opt(token, patch)));
export const deleteOrg = async (token: string, slug: string) => void (await request('DELETE', O(slug), opt(token)));

export async function fetchMembers(token: string, slug: string): Promise<{ members: OrgMember[]; invitations: OrgInvitation[] }> {
  const o = obj(await request('GET', `${O(slug)}/members`, opt(token)));
  return {
    members: list(o.members).map((m) => ({ user: String(obj(m).user ?? ''), role: asRole(obj(m).role) })),
    invitations: list(o.invitations).map(parseInvitation),
  };
}

export const invite = async (token: string, slug: string, user: string, role: string) => org(await request('POST', `${O(slug)}/invitations`, opt(token, { user, role })));
export const withdraw = async (token: string, slug: string, user: string) =>
  org(await request('DELETE', `${O(slug)}/invitations/${encodeURIComponent(user)}`, opt(token)));
export const answerInvitation = async (token: string, slug: string, accept: boolean) =>
  org(await request('POST', `${O(slug)}/invitations/${accept ? 'accept' : 'decline'}`, opt(token)));
export const removeMember = async (token: string, slug: string, user: string) =>
  org(await request('DELETE', `${O(slug)}/members/${encodeURIComponent(user)}`, opt(token)));
export const setRole = async (token: string, slug: string, user: string, role: string) =>
  org(await request('PUT', `${O(slug)}/members/${encodeURIComponent(user)}/role`, opt(token, { role })));
export const transfer = async (token: string, slug: string, user: string) => org(await request('POST', `${O(slug)}/transfer`, opt(token, { user })));
export const attachChannel = async (token: string, slug: string, channel: string) => org(await request('POST', `${O(slug)}/channels`, opt(token, { channel })));
export const detachChannel = async (token: string, slug: string, channel: string) =>
  org(await request('DELETE', `${O(slug)}/channels/${encodeURIComponent(channel)}`, opt(token)));
export const putBranding = async (token: string, slug: string, b: { display_name?: string; description?: string; colours?: { primary?: string; accent?: string } }) =>
  org(await request('PUT', `${O(slug)}/branding`, opt(token, b)));
export const putDomain = async (token: string, slug: string, domain: string | null) => void (await request('PUT', `${O(slug)}/domain`, opt(token, { domain })));

/** Uploads the logo's bytes as they are (the node checks they are a PNG or a JPEG). */
export async function putLogo(token: string, slug: string, file: Blob): Promise<void> {
  const res = await fetch(`${O(slug)}/logo`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': file.type || 'application/octet-stream' }, body: file });
  if (!res.ok) {
    const err = obj(obj(await res.json().catch(() => null)).error);
    throw new ApiError(res.status, String(err.code ?? `http_${res.status}`), String(err.message ?? `HTTP ${res.status}`));
  }
}

export async function fetchMyOrgs(token: string): Promise<MyOrg[]> {
  const o = obj(await request('GET', '/api/v1/me/orgs', opt(token)));
  return list(o.orgs).map((r) => ({ org: String(obj(r).org ?? ''), name: String(obj(r).name ?? ''), role: asRole(obj(r).role) }));
}

export async function fetchMyInvitations(token: string): Promise<OrgInvitation[]> {
  return list(obj(await request('GET', '/api/v1/me/org-invitations', opt(token))).invitations).map(parseInvitation);
}
