// Courses in the web app (docs/education.md, section Courses): the pure parts — paths, the
// answers' shapes, local times in the course's and the viewer's zones, what the enrol button
// says, and the attendance table's figures.

export type CoursesRoute =
  /** `/courses`: the catalogue. */
  | { kind: 'courses' }
  /** `/courses/<id>`: a course's page. */
  | { kind: 'course'; id: string }
  /** `/courses/<id>/manage`: modules, lessons, enrolment, staff, attendance (its managers). */
  | { kind: 'course-manage'; id: string };

export type Enrolment = 'open' | 'approval' | 'invite';
export type Standing = 'enrolled' | 'requested' | 'invited' | 'none';

export interface Lesson {
  id: string;
  title: string;
  kind: 'live' | 'recording';
  starts_at_ms: number | null;
  ends_at_ms?: number;
  starts_local?: string;
  duration_min: number | null;
  vod: string | null;
  min_attendance_pct: number | null;
}

export interface Module {
  id: string;
  title: string;
  lessons: Lesson[];
}

export interface Course {
  id: string;
  title: string;
  description: string;
  channel: string;
  org: string | null;
  timezone: string;
  enrolment: Enrolment;
  instructors: string[];
  assistants: string[];
  modules: Module[];
  completion: { attendance_pct: number; all_modules: boolean };
  students: number;
  me: { status: Standing; manager: boolean; instructor: boolean; assistant: boolean } | null;
}

export interface AttendanceRow {
  user: string;
  module: string;
  lesson: string;
  title: string;
  kind: string;
  present_pct: number;
  attended: boolean;
  joined_ms: number | null;
  left_ms: number | null;
  sessions: number;
}

export const COURSE_ID_RE = /^[a-z0-9]{10}$/;

export function parseCoursesRoute(parts: string[]): CoursesRoute | null {
  if (parts[0] !== 'courses') return null;
  if (parts.length === 1) return { kind: 'courses' };
  const id = parts[1] ?? '';
  if (!COURSE_ID_RE.test(id)) return null;
  if (parts.length === 2) return { kind: 'course', id };
  if (parts.length === 3 && parts[2] === 'manage') return { kind: 'course-manage', id };
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A course from the node's answer, or null when it lacks what the pages read. */
export function parseCourse(v: unknown): Course | null {
  if (!isObject(v) || typeof v.id !== 'string' || typeof v.title !== 'string' || !Array.isArray(v.modules)) return null;
  return v as unknown as Course;
}

/** Every lesson in order, with its module. */
export function lessonsOf(c: Course): { module: Module; lesson: Lesson }[] {
  return c.modules.flatMap((module) => module.lessons.map((lesson) => ({ module, lesson })));
}

/** "Sat 5 Dec, 18:00" in `timeZone` (the course's, or the viewer's when undefined). */
export function formatLocal(ms: number, timeZone?: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone,
  }).format(new Date(ms));
}

/** Whether the viewer's zone differs from the course's at that instant (then both are shown). */
export function zonesDiffer(ms: number, courseZone: string, viewerZone: string): boolean {
  return formatLocal(ms, courseZone) !== formatLocal(ms, viewerZone);
}

/** The lesson's state at `now`: upcoming, live (in its window) or over; recordings are always "recording". */
export function lessonState(l: Lesson, now: number): 'upcoming' | 'live' | 'over' | 'recording' {
  if (l.kind === 'recording' || l.starts_at_ms === null) return 'recording';
  const ends = l.ends_at_ms ?? l.starts_at_ms + (l.duration_min ?? 0) * 60_000;
  if (now < l.starts_at_ms) return 'upcoming';
  return now < ends ? 'live' : 'over';
}

/** What the enrol button says (null: no button). */
export function enrolAction(enrolment: Enrolment, status: Standing): { label: string; leave: boolean } | null {
  if (status === 'enrolled') return { label: 'Leave course', leave: true };
  if (status === 'requested') return { label: 'Withdraw request', leave: true };
  if (status === 'invited') return { label: 'Accept invitation', leave: false };
  if (enrolment === 'open') return { label: 'Enrol', leave: false };
  if (enrolment === 'approval') return { label: 'Request to enrol', leave: false };
  return null; // invite only
}

/** "2026-12-05T18:00" for an <input type="datetime-local"> from a lesson's starts_local. */
export function localInputValue(startsLocal: string | undefined): string {
  return (startsLocal ?? '').slice(0, 16);
}

/** Attendance as a student × lesson table: students in order, and per student the row of each lesson. */
export function attendanceTable(rows: AttendanceRow[]): { students: string[]; cell: (user: string, lesson: string) => AttendanceRow | undefined } {
  const byKey = new Map<string, AttendanceRow>();
  const students: string[] = [];
  for (const r of rows) {
    if (!byKey.has(`${r.user}\n${r.lesson}`) && !students.includes(r.user)) students.push(r.user);
    byKey.set(`${r.user}\n${r.lesson}`, r);
  }
  return { students, cell: (user, lesson) => byKey.get(`${user}\n${lesson}`) };
}

/** Share of lessons a student attended, as the node computes attendance_pct (floor). */
export function attendedShare(rows: AttendanceRow[], user: string): number {
  const mine = rows.filter((r) => r.user === user);
  if (mine.length === 0) return 0;
  return Math.floor((mine.filter((r) => r.attended).length * 100) / mine.length);
}

export const coursePath = (id: string) => `/courses/${id}`;
export const calendarUrl = (id: string) => `/api/v1/courses/${id}/calendar.ics`;
