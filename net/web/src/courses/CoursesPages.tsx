// /courses (catalogue and a new course), /courses/<id> (modules, lessons in the course's and the
// viewer's local time, enrol / request / accept, add to calendar) and /courses/<id>/manage
// (modules and lessons with their schedule, enrolment requests, invitations, staff, the
// attendance table and its CSV). Fits 360 px.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { navigate } from '../router';
import { downloadCsv } from '../csvDownload';
import { addLesson, addModule, createCourse, decide, enrol, fetchAttendance, fetchCatalogue, fetchCourse, fetchPeople, invite, patchCourse, removeLesson, rotateCalendarToken, type CatalogueEntry, type People } from './api';
import { ClaimCertificate } from '../certificates/ClaimCertificate';
import { attendanceTable, attendedShare, calendarUrl, coursePath, enrolAction, formatLocal, lessonState, lessonsOf, zonesDiffer, type AttendanceRow, type Course, type CoursesRoute } from './model';
import './courses.css';

export function isCoursesRoute(r: { kind: string }): r is CoursesRoute {
  return r.kind === 'courses' || r.kind === 'course' || r.kind === 'course-manage';
}

export function CoursesPages({ route }: { route: CoursesRoute }) {
  if (route.kind === 'courses') return <CataloguePage />;
  if (route.kind === 'course') return <CoursePage key={route.id} id={route.id} />;
  return <ManagePage key={route.id} id={route.id} />;
}

const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function CataloguePage() {
  const session = useSession();
  const [list, setList] = useState<CatalogueEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [channel, setChannel] = useState('');
  useEffect(() => {
    document.title = 'Courses · AeThex LIVE';
    fetchCatalogue().then(setList, (e) => setError(message(e)));
  }, []);
  return (
    <main class="course-page" id="courses-page">
      <h1>Courses</h1>
      {hasAccount(session) && (
        <p class="course-muted">
          <a href="/me/certificates">My certificates</a> · <a href="/verify">Check a certificate</a>
        </p>
      )}
      {error && <p class="course-error">{error}</p>}
      <ul class="course-list">
        {(list ?? []).map((c) => (
          <li key={c.course} class="course-row">
            <a href={coursePath(c.course)}>{c.title}</a>
            <span class="course-muted">
              on {c.channel} · {c.enrolment}
              {c.next_starts_at_ms !== null && ` · next ${formatLocal(c.next_starts_at_ms, c.timezone)} (${c.timezone})`}
            </span>
          </li>
        ))}
      </ul>
      {list?.length === 0 && <p class="course-muted">No courses yet.</p>}
      {hasAccount(session) && (
        <form
          class="course-form"
          id="course-create"
          onSubmit={(e) => {
            e.preventDefault();
            createCourse(session.token, { title, channel, timezone: viewerZone() }).then(
              (c) => navigate(`${coursePath(c.id)}/manage`),
              (err) => setError(message(err)),
            );
          }}
        >
          <h2>New course</h2>
          <input placeholder="Title" value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          <input placeholder="Your channel" value={channel} onInput={(e) => setChannel((e.target as HTMLInputElement).value)} />
          <button class="btn btn-primary" type="submit" disabled={!title || !channel}>
            Create
          </button>
        </form>
      )}
    </main>
  );
}

function LessonList({ course, now }: { course: Course; now: number }) {
  const zone = viewerZone();
  return (
    <>
      {course.modules.map((m) => (
        <section key={m.id} class="course-module">
          <h2>{m.title}</h2>
          <ol class="course-lessons">
            {m.lessons.map((l) => {
              const state = lessonState(l, now);
              return (
                <li key={l.id} class={`course-lesson course-${state}`}>
                  <span class="course-lesson-title">{l.title}</span>
                  {l.kind === 'live' && l.starts_at_ms !== null ? (
                    <span class="course-muted">
                      {formatLocal(l.starts_at_ms, course.timezone)} ({course.timezone}) · {l.duration_min} min
                      {zonesDiffer(l.starts_at_ms, course.timezone, zone) && ` · your time ${formatLocal(l.starts_at_ms, zone)}`}
                      {state === 'live' && (
                        <>
                          {' · '}
                          <a href={`/c/${course.channel}`}>live now</a>
                        </>
                      )}
                    </span>
                  ) : (
                    <a class="course-muted" href={`/vod/${l.vod}`}>
                      recording
                    </a>
                  )}
                </li>
              );
            })}
          </ol>
        </section>
      ))}
    </>
  );
}

function CoursePage({ id }: { id: string }) {
  const session = useSession();
  const [course, setCourse] = useState<Course | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [feed, setFeed] = useState<string | null>(null);
  const load = () => fetchCourse(id, session?.token).then(setCourse, (e) => setError(message(e)));
  useEffect(() => {
    void load();
  }, [id, session?.token]);
  useEffect(() => {
    if (course) document.title = `${course.title} · AeThex LIVE`;
  }, [course]);
  if (error) return <main class="course-page"><p class="course-error">{error}</p></main>;
  if (!course) return <main class="course-page">Loading…</main>;
  const action = course.me ? enrolAction(course.enrolment, course.me.status) : null;
  const staff = course.me && (course.me.manager || course.me.instructor || course.me.assistant);
  return (
    <main class="course-page" id="course-page">
      <h1>{course.title}</h1>
      <p class="course-muted">
        on <a href={`/c/${course.channel}`}>{course.channel}</a> · {course.students} students · times in {course.timezone}
      </p>
      {course.description && <p class="course-description">{course.description}</p>}
      <div class="course-actions">
        {hasAccount(session) && action && (
          <button
            class="btn btn-primary"
            id="course-enrol"
            onClick={() => enrol(session.token, id, action.leave).then(load, (e) => setError(message(e)))}
          >
            {action.label}
          </button>
        )}
        {course.me?.status === 'requested' && <span class="course-muted">Waiting for approval</span>}
        <a class="btn" href={calendarUrl(id)} download={`course-${id}.ics`}>
          Add to calendar
        </a>
        {hasAccount(session) && (
          <button class="btn" onClick={() => rotateCalendarToken(session.token).then(setFeed, (e) => setError(message(e)))}>
            My calendar feed
          </button>
        )}
        {staff && (
          <a class="btn" href={`${coursePath(id)}/manage`}>
            Manage
          </a>
        )}
      </div>
      {feed && (
        <p class="course-feed">
          Subscribe in Google Calendar or Thunderbird with <code>{feed}</code> (a new link stops the old one).
        </p>
      )}
      {course.me?.status === 'enrolled' && <ClaimCertificate course={id} />}
      {staff && (
        <p class="course-muted">
          <a href={`/courses/${id}/certificates`}>Certificates of this course</a>
        </p>
      )}
      <LessonList course={course} now={Date.now()} />
    </main>
  );
}

function ManagePage({ id }: { id: string }) {
  const session = useSession();
  const [course, setCourse] = useState<Course | null>(null);
  const [people, setPeople] = useState<People | null>(null);
  const [rows, setRows] = useState<AttendanceRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [moduleTitle, setModuleTitle] = useState('');
  const [lesson, setLesson] = useState({ module: '', title: '', kind: 'live', starts_local: '', duration_min: 60, vod: '' });
  const [invitee, setInvitee] = useState('');
  const token = hasAccount(session) ? session.token : '';
  const fail = (e: unknown) => setError(message(e));
  const reload = () => {
    fetchCourse(id, token).then(setCourse, fail);
    fetchPeople(token, id).then(setPeople, fail);
    fetchAttendance(token, id).then(setRows, fail);
  };
  useEffect(reload, [id, token]);
  if (!token) return <main class="course-page">Sign in to manage courses.</main>;
  if (!course) return <main class="course-page">{error ?? 'Loading…'}</main>;
  const table = attendanceTable(rows);
  const lessons = lessonsOf(course);
  const then = (p: Promise<unknown>) => p.then(reload, fail);
  return (
    <main class="course-page" id="course-manage">
      <h1>
        <a href={coursePath(id)}>{course.title}</a> · manage
      </h1>
      {error && <p class="course-error">{error}</p>}
      <section class="course-form">
        <h2>Enrolment</h2>
        <select value={course.enrolment} onChange={(e) => then(patchCourse(token, id, { enrolment: (e.target as HTMLSelectElement).value }))}>
          <option value="open">open</option>
          <option value="approval">approval</option>
          <option value="invite">invite only</option>
        </select>
        <div class="course-row-inline">
          <input placeholder="Invite a user" value={invitee} onInput={(e) => setInvitee((e.target as HTMLInputElement).value)} />
          <button class="btn" onClick={() => then(invite(token, id, invitee))} disabled={!invitee}>
            Invite
          </button>
        </div>
        <ul class="course-list" id="course-requests">
          {(people?.requests ?? []).map((r) => (
            <li key={r.user} class="course-row">
              {r.user}
              <span>
                <button class="btn" onClick={() => then(decide(token, id, r.user, true))}>Approve</button>{' '}
                <button class="btn" onClick={() => then(decide(token, id, r.user, false))}>Decline</button>
              </span>
            </li>
          ))}
        </ul>
        <p class="course-muted">
          {people?.students.length ?? 0} students · {people?.invitations.length ?? 0} open invitations · instructors: {course.instructors.join(', ') || '—'} · assistants:{' '}
          {course.assistants.join(', ') || '—'}
        </p>
      </section>
      <section class="course-form">
        <h2>Modules and lessons</h2>
        <div class="course-row-inline">
          <input placeholder="Module title" value={moduleTitle} onInput={(e) => setModuleTitle((e.target as HTMLInputElement).value)} />
          <button class="btn" disabled={!moduleTitle} onClick={() => then(addModule(token, id, moduleTitle))}>
            Add module
          </button>
        </div>
        <select value={lesson.module} onChange={(e) => setLesson({ ...lesson, module: (e.target as HTMLSelectElement).value })}>
          <option value="">Module…</option>
          {course.modules.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title}
            </option>
          ))}
        </select>
        <input placeholder="Lesson title" value={lesson.title} onInput={(e) => setLesson({ ...lesson, title: (e.target as HTMLInputElement).value })} />
        <select value={lesson.kind} onChange={(e) => setLesson({ ...lesson, kind: (e.target as HTMLSelectElement).value })}>
          <option value="live">live</option>
          <option value="recording">recording</option>
        </select>
        {lesson.kind === 'live' ? (
          <label>
            Starts ({course.timezone})
            <input type="datetime-local" value={lesson.starts_local} onInput={(e) => setLesson({ ...lesson, starts_local: (e.target as HTMLInputElement).value })} />
          </label>
        ) : (
          <input placeholder="VOD id" value={lesson.vod} onInput={(e) => setLesson({ ...lesson, vod: (e.target as HTMLInputElement).value })} />
        )}
        <button
          class="btn btn-primary"
          disabled={!lesson.module || !lesson.title}
          onClick={() =>
            then(
              addLesson(
                token,
                id,
                lesson.module,
                lesson.kind === 'live'
                  ? { title: lesson.title, kind: 'live', starts_local: lesson.starts_local, duration_min: lesson.duration_min }
                  : { title: lesson.title, kind: 'recording', vod: lesson.vod },
              ),
            )
          }
        >
          Add lesson
        </button>
        <LessonList course={course} now={Date.now()} />
        <ul class="course-list">
          {lessons.map(({ lesson: l }) => (
            <li key={l.id} class="course-row">
              {l.title}
              <button class="btn" onClick={() => then(removeLesson(token, id, l.id))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>Attendance</h2>
        <button class="btn" id="course-csv" onClick={() => downloadCsv(`/api/v1/courses/${id}/attendance.csv`, token, `attendance-${id}.csv`).catch(fail)}>
          Download CSV
        </button>
        <div class="course-table-wrap">
          <table class="course-table" id="course-attendance">
            <thead>
              <tr>
                <th>Student</th>
                {lessons.map(({ lesson: l }) => (
                  <th key={l.id}>{l.title}</th>
                ))}
                <th>Attended</th>
              </tr>
            </thead>
            <tbody>
              {table.students.map((user) => (
                <tr key={user}>
                  <td>{user}</td>
                  {lessons.map(({ lesson: l }) => {
                    const cell = table.cell(user, l.id);
                    return (
                      <td key={l.id} class={cell?.attended ? 'course-yes' : ''}>
                        {cell ? `${cell.present_pct}%` : '—'}
                      </td>
                    );
                  })}
                  <td>{attendedShare(rows, user)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}
