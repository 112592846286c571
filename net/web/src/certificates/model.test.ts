import { describe, expect, it } from 'vitest';
import { groupCode, isValidCode, issuedOn, normaliseCode, parseCertificate, parseCertificateList, parseCertificatesRoute, verdictOf } from './model';

const cert = {
  code: '7K3M9QX2TR4B',
  course: 'course0001',
  title: 'Rust',
  user: 'stud',
  display_name: 'Stud Ent',
  issuer: 'teacher',
  issued_at_ms: Date.UTC(2026, 11, 4, 23, 30),
  timezone: 'Europe/Berlin',
  revoked: false,
  reason: null,
};

describe('certificate codes', () => {
  it('normalises what people type and checks the alphabet', () => {
    expect(normaliseCode('7k3m-9qx2 tr4b')).toBe('7K3M9QX2TR4B');
    expect(normaliseCode('o0iL')).toBe('0011');
    expect(isValidCode('7K3M9QX2TR4B')).toBe(true);
    expect(isValidCode('7K3M9QX2TR4U')).toBe(false); // U is not in Crockford's alphabet
    expect(isValidCode('7K3M9QX2TR4')).toBe(false);
    expect(groupCode('7K3M9QX2TR4B')).toBe('7K3M-9QX2-TR4B');
  });
});

describe('routes', () => {
  it('parses the verify, my and course pages', () => {
    expect(parseCertificatesRoute(['verify'])).toEqual({ kind: 'verify', code: null });
    expect(parseCertificatesRoute(['verify', '7k3m-9qx2-tr4b'])).toEqual({ kind: 'verify', code: '7K3M9QX2TR4B' });
    expect(parseCertificatesRoute(['verify', '%E0%A4%A'])).toEqual({ kind: 'verify', code: null });
    expect(parseCertificatesRoute(['me', 'certificates'])).toEqual({ kind: 'my-certificates' });
    expect(parseCertificatesRoute(['courses', 'abc123', 'certificates'])).toEqual({ kind: 'course-certificates', course: 'abc123' });
    expect(parseCertificatesRoute(['courses', 'abc123'])).toBeNull();
    expect(parseCertificatesRoute(['courses', 'ABC!', 'certificates'])).toBeNull();
  });
});

describe('verdicts', () => {
  it('says genuine, revoked with the reason, unknown or invalid', () => {
    const c = parseCertificate(cert)!;
    expect(verdictOf(c.code, c).kind).toBe('genuine');
    const r = parseCertificate({ ...cert, revoked: true, reason: 'copied' })!;
    expect(verdictOf(r.code, r)).toMatchObject({ kind: 'revoked', reason: 'copied' });
    expect(verdictOf('7K3M9QX2TR4B', null).kind).toBe('unknown');
    expect(verdictOf('nonsense', null).kind).toBe('invalid');
  });
  it('parses lists and skips rows without a code', () => {
    expect(parseCertificateList({ certificates: [cert, { title: 'x' }] })).toHaveLength(1);
    expect(parseCertificateList(null)).toEqual([]);
  });
  it('gives the day of issue in the course time zone', () => {
    // 23:30 UTC on 4 December is already 5 December in Berlin.
    expect(issuedOn(parseCertificate(cert)!)).toBe('5 December 2026');
    expect(issuedOn(parseCertificate({ ...cert, timezone: 'Not/AZone' })!)).toBe('4 December 2026');
  });
});
