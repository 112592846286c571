// REST calls of the courses routes (docs/education.md, Courses → Routes).
import { ApiError } from '../api';
import { request } from '../accountApi';
import { parseCourse, type AttendanceRow, type Course } from './model';

const C = (id: string) => `/api/v1/courses/${encodeURIComponent(id)}`;

function course(v: unknown): Course {
  const c = parseCourse(v);
  if (!c) throw new ApiError(0, 'bad_response', 'course missing in the answer');
  return c;
}

export interface CatalogueEntry {
  course: string;
  title: string;
  channel: string;
  enrolment: string;
  timezone: string;
  next_starts_at_ms: number | null;
}

export async function fetchCatalogue(): Promise<CatalogueEntry[]> {
  const r = (await request('GET', '/api/v1/courses')) as { courses?: CatalogueEntry[] };
  return Array.isArray(r?.courses) ? r.courses : [];
}

export async function fetchCourse(id: string, token?: string): Promise<Course> {
  return course(await request('GET', C(id), { token }));
}

export async function createCourse(token: string, body: Record<string, unknown>): Promise<Course> {
  return course(await request('POST', '/api/v1/courses', { token, body }));
}

export async function patchCourse(token: string, id: string, body: Record<string, unknown>): Promise<Course> {
  return course(await request('PATCH', C(id), { token, body }));
}

export async function addModule(token: string, id: string, title: string): Promise<Course> {
  return course(await request('POST', `${C(id)}/modules`, { token, body: { title } }));
}

export async function addLesson(token: string, id: string, module: string, body: Record<string, unknown>): Promise<Course> {
  return course(await request('POST', `${C(id)}/modules/${encodeURIComponent(module)}/lessons`, { token, body }));
}

export async function removeLesson(token: string, id: string, lesson: string): Promise<Course> {
  return course(await request('DELETE', `${C(id)}/lessons/${encodeURIComponent(lesson)}`, { token }));
}

/** Enrols, requests or accepts (leave: leaves, withdraws or declines); the new standing. */
export async function enrol(token: string, id: string, leave: boolean): Promise<string> {
  const r = (await request(leave ? 'DELETE' : 'POST', `${C(id)}/enrolment`, { token })) as { status?: string };
  return r?.status ?? 'none';
}

export interface People {
  students: { user: string; enrolled_at_ms: number; completed_at_ms: number | null }[];
  requests: { user: string; requested_at_ms: number }[];
  invitations: { user: string; invited_at_ms: number }[];
}

export async function fetchPeople(token: string, id: string): Promise<People> {
  return (await request('GET', `${C(id)}/people`, { token })) as People;
}

export async function decide(token: string, id: string, user: string, approve: boolean): Promise<void> {
  await request('POST', `${C(id)}/requests/${encodeURIComponent(user)}/${approve ? 'approve' : 'decline'}`, { token });
}

export async function invite(token: string, id: string, user: string): Promise<void> {
  await request('POST', `${C(id)}/invitations`, { token, body: { user } });
}

export async function fetchAttendance(token: string, id: string): Promise<AttendanceRow[]> {
  const r = (await request('GET', `${C(id)}/attendance`, { token })) as { rows?: AttendanceRow[] };
  return Array.isArray(r?.rows) ? r.rows : [];
}

/** A new personal calendar feed URL (the previous one stops working). */
export async function rotateCalendarToken(token: string): Promise<string> {
  const r = (await request('POST', '/api/v1/me/calendar-token', { token })) as { path?: string };
  return `${location.origin}${r?.path ?? ''}`;
}
