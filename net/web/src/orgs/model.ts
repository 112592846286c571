// Organisations in the web app (docs/organisations.md), pure: the answers' shapes, the role table
// (the same as the node's org_role_allows), branding colours as CSS, and paths.
export type OrgRole = 'owner' | 'admin' | 'instructor' | 'member';
export type OrgAction =
  | 'read_public'
  | 'read_members'
  | 'manage_members'
  | 'govern'
  | 'manage_channels'
  | 'edit_branding'
  | 'multistream'
  | 'analytics'
  | 'create_education';

export interface OrgBranding {
  display_name: string;
  description: string;
  primary: string;
  accent: string;
  logo: boolean;
  domain: string | null;
}
export interface OrgMember {
  user: string;
  role: OrgRole;
}
export interface OrgInvitation {
  org: string;
  name: string;
  user: string;
  role: OrgRole;
  by: string;
  expires_at_ms: number;
}
export interface Org {
  slug: string;
  name: string;
  description: string;
  owner: string;
  members: OrgMember[] | null; // null: not shown to this viewer
  channels: string[];
  branding: OrgBranding;
}
export interface OrgSummary {
  slug: string;
  name: string;
  display_name: string;
  description: string;
  primary: string;
  accent: string;
  logo: boolean;
  members: number;
  channels: number;
}
export interface MyOrg {
  org: string;
  name: string;
  role: OrgRole;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const ORG_ROLES: readonly OrgRole[] = ['owner', 'admin', 'instructor', 'member'];
export const DEFAULT_PRIMARY = '#5b3cc4';
export const DEFAULT_ACCENT = '#f5a623';
const COLOUR_RE = /^#[0-9a-fA-F]{6}$/;
const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,31}$/;

export const isOrgSlug = (s: string): boolean => SLUG_RE.test(s);
export const isColour = (s: string): boolean => COLOUR_RE.test(s);
export const asRole = (v: unknown): OrgRole => (ORG_ROLES.includes(v as OrgRole) ? (v as OrgRole) : 'member');

/** The rank of a role (owner 4 … member 1); "" or anything else (an outsider) 0. */
export function roleRank(role: string): number {
  const i = ORG_ROLES.indexOf(role as OrgRole);
  return i < 0 ? 0 : 4 - i;
}

/** The contract's role table, as actors/orgs/orgs.hpp's org_role_allows. */
export function roleAllows(role: string, action: OrgAction): boolean {
  const rank = roleRank(role);
  switch (action) {
    case 'read_public':
      return true;
    case 'read_members':
      return rank >= 1;
    case 'create_education':
      return rank >= 2;
    case 'govern':
      return rank >= 4;
    default:
      return rank >= 3;
  }
}

/** The roles `role` may give in an invitation or a role change (never above one's own; only
 * the owner gives admin). */
export function assignableRoles(role: string): OrgRole[] {
  const rank = roleRank(role);
  return (['admin', 'instructor', 'member'] as OrgRole[]).filter((r) => (r === 'admin' ? rank >= 4 : rank >= 3 && roleRank(r) < rank));
}

export function parseBranding(v: unknown): OrgBranding {
  const o = obj(v);
  const colours = obj(o.colours);
  const primary = str(colours.primary);
  const accent = str(colours.accent);
  return {
    display_name: str(o.display_name),
    description: str(o.description),
    primary: isColour(primary) ? primary : DEFAULT_PRIMARY,
    accent: isColour(accent) ? accent : DEFAULT_ACCENT,
    logo: o.logo === true,
    domain: typeof o.domain === 'string' && o.domain ? o.domain : null,
  };
}

export function parseOrg(v: unknown): Org | null {
  const o = obj(v);
  const slug = str(o.slug);
  if (!slug) return null;
  return {
    slug,
    name: str(o.name, slug),
    description: str(o.description),
    owner: str(o.owner),
    members: Array.isArray(o.members) ? list(o.members).map((m) => ({ user: str(obj(m).user), role: asRole(obj(m).role) })) : null,
    channels: list(o.channels).map((c) => str(c)).filter((c) => c),
    branding: parseBranding(o.branding),
  };
}

export function parseSummary(v: unknown): OrgSummary | null {
  const o = obj(v);
  const slug = str(o.slug);
  if (!slug) return null;
  const primary = str(o.primary);
  const accent = str(o.accent);
  return {
    slug,
    name: str(o.name, slug),
    display_name: str(o.display_name, str(o.name, slug)),
    description: str(o.description),
    primary: isColour(primary) ? primary : DEFAULT_PRIMARY,
    accent: isColour(accent) ? accent : DEFAULT_ACCENT,
    logo: o.logo === true,
    members: num(o.members),
    channels: num(o.channels),
  };
}

export function parseInvitation(v: unknown): OrgInvitation {
  const o = obj(v);
  return { org: str(o.org), name: str(o.name, str(o.org)), user: str(o.user), role: asRole(o.role), by: str(o.by), expires_at_ms: num(o.expires_at_ms) };
}

/** The viewer's role in `org` ("" when not a member, or when the list is hidden from them). */
export function roleOf(org: Org, user: string | null): string {
  if (!user || !org.members) return '';
  return org.members.find((m) => m.user === user)?.role ?? '';
}

/** Black or white text, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex: string): '#000000' | '#ffffff' {
  if (!isColour(hex)) return '#ffffff';
  const lin = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(1) + 0.7152 * lin(3) + 0.0722 * lin(5);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

/** The page's CSS custom properties for an org's colours. */
export function brandStyle(b: OrgBranding): Record<string, string> {
  return { '--org-primary': b.primary, '--org-accent': b.accent, '--org-on-primary': textOn(b.primary) };
}

/** Whole days (rounded up) until an invitation expires; 0 when it has. */
export function daysLeft(expiresAtMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((expiresAtMs - nowMs) / 86_400_000));
}

export const orgPath = (slug: string) => `/orgs/${encodeURIComponent(slug)}`;
export const orgManagePath = (slug: string) => `${orgPath(slug)}/manage`;
export const orgLogoUrl = (slug: string, bust = '') => `/api/v1/orgs/${encodeURIComponent(slug)}/logo${bust ? `?v=${bust}` : ''}`;

export type OrgsRoute = { kind: 'orgs' } | { kind: 'org'; slug: string } | { kind: 'org-manage'; slug: string };

/** The organisations route of a path's parts, or null when it is none of them. */
export function parseOrgsRoute(parts: readonly string[]): OrgsRoute | null {
  if (parts[0] !== 'orgs') return null;
  if (parts.length === 1) return { kind: 'orgs' };
  let slug = '';
  try {
    slug = decodeURIComponent(parts[1] ?? '');
  } catch {
    return null;
  }
  if (!isOrgSlug(slug)) return null;
  if (parts.length === 2) return { kind: 'org', slug };
  if (parts.length === 3 && parts[2] === 'manage') return { kind: 'org-manage', slug };
  return null;
}

export const ORGS_KINDS: readonly string[] = ['orgs', 'org', 'org-manage'];
