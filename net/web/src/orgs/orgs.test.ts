import { describe, expect, it } from 'vitest';
import { assignableRoles, brandStyle, daysLeft, parseBranding, parseOrg, parseOrgsRoute, roleAllows, roleOf, textOn, type OrgAction } from './model';

describe('orgs model', () => {
  it('mirrors the contract role table', () => {
    const table: Record<OrgAction, boolean[]> = {
      read_public: [true, true, true, true, true],
      read_members: [true, true, true, true, false],
      manage_members: [true, true, false, false, false],
      govern: [true, false, false, false, false],
      manage_channels: [true, true, false, false, false],
      edit_branding: [true, true, false, false, false],
      multistream: [true, true, false, false, false],
      analytics: [true, true, false, false, false],
      create_education: [true, true, true, false, false],
    };
    const roles = ['owner', 'admin', 'instructor', 'member', ''];
    for (const [action, row] of Object.entries(table)) roles.forEach((r, i) => expect(roleAllows(r, action as OrgAction)).toBe(row[i]));
  });

  it('offers only roles below one’s own, admin only to the owner', () => {
    expect(assignableRoles('owner')).toEqual(['admin', 'instructor', 'member']);
    expect(assignableRoles('admin')).toEqual(['instructor', 'member']);
    expect(assignableRoles('instructor')).toEqual([]);
    expect(assignableRoles('')).toEqual([]);
  });

  it('parses answers defensively and finds the viewer’s role', () => {
    const org = parseOrg({ slug: 'acme', name: 'Acme', members: [{ user: 'al', role: 'admin' }], channels: ['a', 3], branding: { colours: { primary: 'red' }, logo: true, domain: null } });
    expect(org?.branding.primary).toBe('#5b3cc4');
    expect(org?.branding.logo).toBe(true);
    expect(org?.channels).toEqual(['a']);
    expect(org && roleOf(org, 'al')).toBe('admin');
    expect(org && roleOf(org, 'bo')).toBe('');
    expect(parseOrg({ slug: 'x' })?.members).toBeNull();
    expect(parseOrg({})).toBeNull();
    expect(parseBranding({ domain: 'live.acme.org' }).domain).toBe('live.acme.org');
  });

  it('picks readable text on the brand colour', () => {
    expect(textOn('#000000')).toBe('#ffffff');
    expect(textOn('#ffffff')).toBe('#000000');
    expect(textOn('#f5a623')).toBe('#000000');
    expect(brandStyle(parseBranding({ colours: { primary: '#112233', accent: '#aabbcc' } }))).toEqual({ '--org-primary': '#112233', '--org-accent': '#aabbcc', '--org-on-primary': '#ffffff' });
  });

  it('routes and days left', () => {
    expect(parseOrgsRoute(['orgs'])).toEqual({ kind: 'orgs' });
    expect(parseOrgsRoute(['orgs', 'acme-1'])).toEqual({ kind: 'org', slug: 'acme-1' });
    expect(parseOrgsRoute(['orgs', 'acme', 'manage'])).toEqual({ kind: 'org-manage', slug: 'acme' });
    expect(parseOrgsRoute(['orgs', 'Acme'])).toBeNull();
    expect(parseOrgsRoute(['orgs', '%E0%A4%A'])).toBeNull();
    expect(parseOrgsRoute(['teams'])).toBeNull();
    expect(daysLeft(86_400_000 * 2, 1)).toBe(2);
    expect(daysLeft(0, 5)).toBe(0);
  });
});
