// Organisations, a course and a certificate in the browser (docs/organisations.md and
// docs/education.md, the web pages), four people in one Chromium:
// - the owner creates the org on /orgs, invites the member, attaches two channels, sets the
//   colours and uploads the logo on /orgs/<slug>/manage; the org page shows colours and logo;
// - the member finds the invitation in the bell's inbox (leading to the org page) and accepts
//   it on /orgs, which opens the org's page listing them;
// - on the manage page's streams panel the owner gives the member a key for the second channel
//   (shown once) and schedules a stream (listed, and in the panel's iCal link);
// - ffmpeg publishes with the member key; a viewer on the first channel's page sees the org (name,
//   logo, link) and "Also live from <org>" naming the second channel and the member;
// - a student (browser in America/New_York) enrols on the course page, sees the lesson in the
//   course's zone (Asia/Tokyo) and their own, the iCal link serves the lesson, and claims the
//   certificate; /verify/<code> says genuine, the owner revokes it on the course's certificates
//   page, and /verify/<code> says revoked with the reason;
// - the org, channel, course and verify pages at 360 px: screenshots, no sideways scroll.
// Waits are on the pages' state or the API's answers, never fixed sleeps.
// Usage: node tests/e2e/browser/orgs.mjs --url BASE --rtmp RTMP_BASE --owner-token T
//          --member-token T --student-token T --course ID --logo PNG --out DIR [--timeout 20]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fail, launchOrExit, report, scriptArgs } from './lib.mjs';

const USAGE =
  'usage: orgs.mjs --url BASE --rtmp RTMP_BASE --owner-token T --member-token T --student-token T --course ID --logo PNG --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, {
  options: ['url', 'rtmp', 'owner-token', 'member-token', 'student-token', 'course', 'logo'],
  required: ['url', 'rtmp', 'owner-token', 'member-token', 'student-token', 'course', 'logo'],
  defaults: { timeout: '20' },
});
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const shot = (name) => path.join(args.out, `${name}.png`);
const SLUG = 'acmelive';
const ORG_NAME = 'Acme Live';
const PRIMARY = '#0a7d5a';
const ACCENT = '#ff3366';
const COURSE_ZONE = 'Asia/Tokyo';
const STUDENT_ZONE = 'America/New_York';
const REASON = 'Issued by mistake';

const browser = await launchOrExit();
const errors = [];
// Offline channel pages request playlists that 404; the player logs those.
const ignore = /404|hls|m3u8|media|\/thumb|WebSocket/i;

/** A page in its own context: signed in as `session` when given, with extra context options. */
async function person(name, session, options = {}) {
  const storageState = session
    ? { cookies: [], origins: [{ origin: base, localStorage: [{ name: 'aethex.session', value: JSON.stringify(session) }] }] }
    : undefined;
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, storageState, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  page.on('pageerror', (err) => errors.push(`${name}: pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !ignore.test(msg.text())) errors.push(`${name}: console: ${msg.text()}`);
  });
  return page;
}

async function api(method, route, token = '', body = undefined) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}/api/v1/${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** Asks `probe` again (every 100 ms) until it answers something truthy; read models lag. */
async function until(what, probe) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const overflow = (page) =>
  page.evaluate(() => ({
    scroll_width: document.documentElement.scrollWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > 360.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${String(e.className).split(' ')[0]}`),
  }));

/** The wall time of `ms` in `zone` as the course page writes it (courses/model.ts formatLocal). */
const wallTime = (ms, zone) =>
  new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: zone }).format(ms);

let step = 'starting';
let current = null;
let ffmpeg = null;
const out = { step_ms: {} };
const checks = {};
const t0 = Date.now();
let stepStart = t0;
/** Starts the next step, noting how long the last one took. */
const begin = (name) => {
  out.step_ms[step] = Date.now() - stepStart;
  stepStart = Date.now();
  step = name;
};

try {
  const owner = await person('owner', { token: args['owner-token'], username: 'olga' });
  const member = await person('member', { token: args['member-token'], username: 'mia' });
  const student = await person('student', { token: args['student-token'], username: 'stu' }, { timezoneId: STUDENT_ZONE });
  const viewer = await person('viewer', null);

  begin('creating the org on /orgs');
  current = owner;
  await owner.goto(`${base}/orgs`, { waitUntil: 'domcontentloaded' });
  await owner.fill('input[placeholder="slug (a-z, 0-9, -)"]', SLUG);
  await owner.fill('input[placeholder="Name"]', ORG_NAME);
  await owner.getByRole('button', { name: 'Create organisation' }).click();
  await owner.waitForURL(`${base}/orgs/${SLUG}`);
  await owner.locator('#org-name', { hasText: ORG_NAME }).waitFor();
  checks.org_created = true;

  begin('inviting, attaching channels and branding on the manage page');
  await owner.goto(`${base}/orgs/${SLUG}/manage`, { waitUntil: 'domcontentloaded' });
  await owner.locator('#org-manage').waitFor();
  const inviteForm = owner.locator('form:has(input[placeholder="user name"])');
  await inviteForm.locator('input').fill('mia');
  await inviteForm.locator('select').selectOption('member');
  await inviteForm.locator('button').click();
  await owner.locator('#org-pending li', { hasText: 'mia' }).waitFor();
  checks.invited = true;
  for (const channel of ['olga', 'olgatv']) {
    await owner.fill('input[placeholder="one of your channels"]', channel);
    await owner.getByRole('button', { name: 'Attach' }).click();
    await owner.locator(`#org-manage a[href="/c/${channel}"]`).waitFor();
  }
  checks.channels_attached = true;
  const colours = owner.locator('form.org-branding input[type="color"]');
  await colours.nth(0).fill(PRIMARY);
  await colours.nth(1).fill(ACCENT);
  await owner.getByRole('button', { name: 'Save branding' }).click();
  await until('the colours saved', async () => (await api('GET', `orgs/${SLUG}/branding`)).body?.colours?.primary === PRIMARY);
  await owner.locator('label:has-text("Logo") input[type="file"]').setInputFiles(args.logo);
  await owner.locator('#org-manage img.org-logo').waitFor();
  checks.branding_saved = true;

  begin('the invitation in the member inbox, accepted on /orgs');
  current = member;
  await member.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  const bell = member.locator('#nav-bell');
  await bell.waitFor();
  await bell.click();
  const notice = member.locator(`#nav-bell-list a[data-kind="org_invitation"]`);
  await notice.waitFor();
  checks.inbox_notice = (await notice.getAttribute('href')) === `/orgs/${SLUG}` && (await notice.textContent()).includes(ORG_NAME);
  await member.goto(`${base}/orgs`, { waitUntil: 'domcontentloaded' });
  const invitation = member.locator('#org-invitations li', { hasText: ORG_NAME });
  await invitation.getByRole('button', { name: 'Accept' }).click();
  await member.waitForURL(`${base}/orgs/${SLUG}`);
  await member.locator('#org-members li', { hasText: 'mia' }).waitFor();
  checks.accepted = true;

  begin('the org page shows colours, logo and the new member');
  current = owner;
  await owner.goto(`${base}/orgs/${SLUG}`, { waitUntil: 'domcontentloaded' });
  await owner.locator('#org-members li', { hasText: 'mia' }).waitFor();
  await owner.waitForFunction(() => (document.querySelector('#org-logo')?.naturalWidth ?? 0) > 0);
  out.banner_colour = await owner.locator('.org-banner').evaluate((e) => getComputedStyle(e).backgroundColor);
  checks.branding_visible = out.banner_colour === 'rgb(10, 125, 90)';
  checks.org_channels_listed = (await owner.locator('#org-channels li').count()) === 2;
  await owner.screenshot({ path: shot('org-page'), fullPage: true });

  begin('a member key and a scheduled stream in the streams panel');
  await owner.goto(`${base}/orgs/${SLUG}/manage`, { waitUntil: 'domcontentloaded' });
  const panel = owner.locator('#org-streams');
  await panel.locator('#org-streams-rules').waitFor({ state: 'attached' });
  await panel.locator('input[list="org-streams-channels"]').fill('olgatv');
  await panel.locator('input[placeholder="members (comma separated)"]').fill('mia');
  await panel.getByRole('button', { name: 'Save rule' }).click();
  const key = ((await panel.locator('#org-streams-keys code').first().textContent()) ?? '').trim();
  checks.member_key_shown = key.startsWith('live_olgatv_');
  const starts = new Date(Date.now() + 2 * 86_400_000);
  starts.setSeconds(0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  const localInput = `${starts.getFullYear()}-${pad(starts.getMonth() + 1)}-${pad(starts.getDate())}T${pad(starts.getHours())}:${pad(starts.getMinutes())}`;
  await panel.locator('input[placeholder="channel"]:not([list])').fill('olga');
  await panel.locator('input[placeholder="title"]').fill('Launch night');
  await panel.locator('input[type="datetime-local"]').fill(localInput);
  await panel.getByRole('button', { name: 'Schedule', exact: true }).click();
  await panel.locator('#org-streams-schedule li', { hasText: 'Launch night' }).waitFor();
  const ics = await panel.locator('h3 a', { hasText: 'iCal' }).getAttribute('href');
  const icsText = await (await fetch(new URL(ics, base))).text();
  checks.schedule_ics = icsText.includes('BEGIN:VCALENDAR') && icsText.includes('SUMMARY:Launch night');
  await owner.screenshot({ path: shot('org-manage'), fullPage: true });

  begin('the member goes live on the second channel with the key');
  ffmpeg = spawn(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', '15', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv',
      `${args.rtmp.replace(/\/$/, '')}/${key}`],
    { stdio: 'ignore' },
  );
  await until('olgatv live', async () => (await api('GET', 'channels/olgatv')).body?.live === true);
  await until('the org live list naming mia', async () => (await api('GET', `orgs/${SLUG}/live`)).body?.live?.some((l) => l.channel === 'olgatv' && l.streamer === 'mia'));

  begin('the first channel page shows the org and who else is live');
  current = viewer;
  await viewer.goto(`${base}/c/olga`, { waitUntil: 'domcontentloaded' });
  const strip = viewer.locator('#org-strip');
  await strip.locator(`a.org-strip-name[href="/orgs/${SLUG}"]`, { hasText: ORG_NAME }).waitFor();
  await viewer.waitForFunction(() => (document.querySelector('#org-strip img.org-strip-logo')?.naturalWidth ?? 0) > 0);
  const alsoLive = strip.locator('[data-testid="org-also-live"]');
  await alsoLive.locator('a[data-channel="olgatv"]').waitFor();
  out.also_live = ((await alsoLive.textContent()) ?? '').trim();
  checks.channel_shows_org = true;
  checks.channel_names_live_member = out.also_live.startsWith(`Also live from ${ORG_NAME}`) && out.also_live.includes('(mia)');
  await viewer.screenshot({ path: shot('channel-org-strip') });
  ffmpeg.kill('SIGTERM');
  ffmpeg = null;

  begin('enrolling on the course page');
  current = student;
  await student.goto(`${base}/courses/${args.course}`, { waitUntil: 'domcontentloaded' });
  await student.locator('#course-enrol', { hasText: 'Enrol' }).click();
  await student.locator('#claim-certificate').waitFor();
  checks.enrolled = true;
  const course = (await api('GET', `courses/${args.course}`)).body;
  const lesson = course.modules[0].lessons[0];
  const row = ((await student.locator('.course-lesson').first().textContent()) ?? '').replace(/\s+/g, ' ');
  out.lesson_row = row;
  out.lesson_course_time = wallTime(lesson.starts_at_ms, COURSE_ZONE);
  out.lesson_student_time = wallTime(lesson.starts_at_ms, STUDENT_ZONE);
  checks.lesson_in_course_zone = row.includes(`${out.lesson_course_time} (${COURSE_ZONE})`);
  checks.lesson_in_student_zone = row.includes(`your time ${out.lesson_student_time}`);
  const calendar = await student.locator('a[download^="course-"]').getAttribute('href');
  const calendarText = await (await fetch(new URL(calendar, base))).text();
  checks.course_ics = calendarText.includes('BEGIN:VCALENDAR') && calendarText.includes(lesson.title);
  await student.screenshot({ path: shot('course-page'), fullPage: true });

  begin('claiming the certificate');
  await student.locator('#claim-certificate').click();
  const codeLink = student.locator('#certificate-claimed a.cert-code');
  await codeLink.waitFor();
  const verifyHref = await codeLink.getAttribute('href');
  const code = verifyHref.split('/').pop();
  out.code = code;

  begin('the verify page says genuine');
  current = viewer;
  await viewer.goto(`${base}/verify/${code}`, { waitUntil: 'domcontentloaded' });
  await viewer.locator('#cert-verdict[data-verdict="genuine"]').waitFor();
  checks.verify_genuine = true;
  await viewer.screenshot({ path: shot('verify-genuine'), fullPage: true });

  begin('the owner revokes it on the course certificates page');
  current = owner;
  await owner.goto(`${base}/courses/${args.course}/certificates`, { waitUntil: 'domcontentloaded' });
  owner.once('dialog', (d) => void d.accept(REASON));
  await owner.locator(`li.cert-row[data-code="${code}"] button.cert-revoke`).click();
  await owner.locator(`li.cert-row[data-code="${code}"] .cert-badge-revoked`).waitFor();

  begin('the verify page says revoked');
  current = viewer;
  await viewer.reload({ waitUntil: 'domcontentloaded' });
  await viewer.locator('#cert-verdict[data-verdict="revoked"]').waitFor();
  checks.verify_revoked = ((await viewer.locator('#cert-reason').textContent()) ?? '').includes(REASON);
  await viewer.screenshot({ path: shot('verify-revoked'), fullPage: true });

  begin('the pages at 360 px');
  await viewer.setViewportSize({ width: 360, height: 740 });
  out.overflow = {};
  for (const [name, url, ready] of [
    ['org', `/orgs/${SLUG}`, '#org-logo'],
    ['channel', '/c/olga', '#org-strip'],
    ['course', `/courses/${args.course}`, '.course-lesson'],
    ['verify', `/verify/${code}`, '#cert-verdict'],
  ]) {
    await viewer.goto(`${base}${url}`, { waitUntil: 'domcontentloaded' });
    await viewer.locator(ready).first().waitFor();
    out.overflow[name] = await overflow(viewer);
    checks[`${name}_fits_360`] = out.overflow[name].scroll_width <= 360;
    await viewer.screenshot({ path: shot(`${name}-360`), fullPage: true });
  }

  begin('done');
  checks.no_page_errors = errors.length === 0;
  out.wall_ms = Date.now() - t0;
  report(checks, out, errors);
} catch (e) {
  await current?.screenshot({ path: shot('orgs_failure') }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { checks, ...out, errors });
} finally {
  ffmpeg?.kill('SIGTERM');
  await browser.close();
}
