import { describe, expect, it } from 'vitest';
import { attendanceTable, attendedShare, enrolAction, formatLocal, lessonState, localInputValue, parseCoursesRoute, zonesDiffer, type AttendanceRow, type Lesson } from './model';

describe('course routes', () => {
  it('parses the catalogue, a course and its manage page', () => {
    expect(parseCoursesRoute(['courses'])).toEqual({ kind: 'courses' });
    expect(parseCoursesRoute(['courses', 'abcde12345'])).toEqual({ kind: 'course', id: 'abcde12345' });
    expect(parseCoursesRoute(['courses', 'abcde12345', 'manage'])).toEqual({ kind: 'course-manage', id: 'abcde12345' });
    expect(parseCoursesRoute(['courses', 'abcde12345', 'certificates'])).toBeNull();
    expect(parseCoursesRoute(['courses', 'BAD'])).toBeNull();
    expect(parseCoursesRoute(['c', 'x'])).toBeNull();
  });
});

describe('local times', () => {
  const at = Date.UTC(2026, 11, 5, 17, 0); // 17:00 UTC
  it('shows the wall time of the course zone', () => {
    expect(formatLocal(at, 'Europe/Berlin')).toContain('18:00');
    expect(formatLocal(at, 'America/New_York')).toContain('12:00');
    expect(zonesDiffer(at, 'Europe/Berlin', 'Europe/Paris')).toBe(false);
    expect(zonesDiffer(at, 'Europe/Berlin', 'UTC')).toBe(true);
  });
  it('reads the datetime-local value from starts_local', () => {
    expect(localInputValue('2026-12-05T18:00:00+01:00')).toBe('2026-12-05T18:00');
    expect(localInputValue(undefined)).toBe('');
  });
  it('knows whether a lesson is upcoming, live or over', () => {
    const l: Lesson = { id: 'l1', title: 'x', kind: 'live', starts_at_ms: at, ends_at_ms: at + 3_600_000, duration_min: 60, vod: null, min_attendance_pct: 75 };
    expect(lessonState(l, at - 1)).toBe('upcoming');
    expect(lessonState(l, at)).toBe('live');
    expect(lessonState(l, at + 3_600_000)).toBe('over');
    expect(lessonState({ ...l, kind: 'recording', starts_at_ms: null }, at)).toBe('recording');
  });
});

describe('enrolment', () => {
  it('offers what the mode and the standing allow', () => {
    expect(enrolAction('open', 'none')?.label).toBe('Enrol');
    expect(enrolAction('approval', 'none')?.label).toBe('Request to enrol');
    expect(enrolAction('invite', 'none')).toBeNull();
    expect(enrolAction('invite', 'invited')).toEqual({ label: 'Accept invitation', leave: false });
    expect(enrolAction('approval', 'requested')?.leave).toBe(true);
    expect(enrolAction('open', 'enrolled')?.leave).toBe(true);
  });
});

describe('attendance', () => {
  const row = (user: string, lesson: string, attended: boolean, pct: number): AttendanceRow => ({
    user, module: 'm1', lesson, title: lesson, kind: 'live', present_pct: pct, attended, joined_ms: null, left_ms: null, sessions: 0,
  });
  const rows = [row('sam', 'l1', true, 83), row('sam', 'l2', false, 10), row('ann', 'l1', false, 0), row('ann', 'l2', false, 0), row('ivy', 'l1', true, 100), row('ivy', 'l2', true, 95)];
  it('lays rows out as students × lessons', () => {
    const t = attendanceTable(rows);
    expect(t.students).toEqual(['sam', 'ann', 'ivy']);
    expect(t.cell('sam', 'l1')?.present_pct).toBe(83);
    expect(t.cell('bob', 'l1')).toBeUndefined();
  });
  it('computes the attended share as the node does (floor)', () => {
    expect(attendedShare(rows, 'sam')).toBe(50);
    expect(attendedShare(rows, 'ivy')).toBe(100);
    expect(attendedShare(rows, 'nobody')).toBe(0);
  });
});
