// /verify and /verify/<code>: anyone checks a certificate (genuine with its details, revoked
// with the reason, or unknown). /me/certificates: a student's certificates with their PDFs.
// /courses/<id>/certificates: the course's managers see what was given, issue to all who
// qualify and revoke with a reason.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { navigate } from '../router';
import { fetchCertificate, fetchCourseCertificates, fetchMyCertificates, issueToAll, revokeCertificate } from './api';
import { groupCode, isValidCode, issuedOn, normaliseCode, pdfUrl, verdictOf, verifyPath, type Certificate, type CertificatesRoute, type Verdict } from './model';
import './certificates.css';

export function isCertificatesRoute(r: { kind: string }): r is CertificatesRoute {
  return r.kind === 'verify' || r.kind === 'my-certificates' || r.kind === 'course-certificates';
}

export function CertificatesPages({ route }: { route: CertificatesRoute }) {
  if (route.kind === 'verify') return <VerifyPage key={route.code ?? ''} code={route.code} />;
  if (route.kind === 'my-certificates') return <MyCertificatesPage />;
  return <CourseCertificatesPage key={route.course} course={route.course} />;
}

function CodeForm({ initial }: { initial: string }) {
  const [typed, setTyped] = useState(initial);
  const code = normaliseCode(typed);
  return (
    <form
      class="cert-form"
      id="verify-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (isValidCode(code)) navigate(verifyPath(code));
      }}
    >
      <label for="verify-code">Certificate code</label>
      <div class="cert-form-row">
        <input id="verify-code" autocomplete="off" spellcheck={false} placeholder="XXXX-XXXX-XXXX" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
        <button type="submit" class="btn btn-primary" disabled={!isValidCode(code)}>
          Verify
        </button>
      </div>
    </form>
  );
}

function Details({ c }: { c: Certificate }) {
  return (
    <dl class="cert-details">
      <dt>Awarded to</dt>
      <dd id="cert-name">{c.display_name}</dd>
      <dt>Course</dt>
      <dd id="cert-course">{c.title}</dd>
      <dt>Issued</dt>
      <dd>{issuedOn(c)}</dd>
      <dt>Issuer</dt>
      <dd>{c.issuer}</dd>
      <dt>Code</dt>
      <dd class="cert-code">{groupCode(c.code)}</dd>
    </dl>
  );
}

function VerifyPage({ code }: { code: string | null }) {
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'Verify a certificate · AeThex LIVE';
    if (code === null) return;
    if (!isValidCode(code)) return setVerdict(verdictOf(code, null));
    let live = true;
    fetchCertificate(code)
      .then((c) => live && setVerdict(verdictOf(code, c)))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [code]);
  return (
    <main class="cert-page" id="verify-page">
      <h1>Verify a certificate</h1>
      <CodeForm initial={code ?? ''} />
      {error && (
        <p class="cert-error" role="alert">
          {error}
        </p>
      )}
      {verdict?.kind === 'genuine' && (
        <section class="cert-verdict cert-genuine" id="cert-verdict" data-verdict="genuine">
          <h2>✓ Genuine certificate</h2>
          <Details c={verdict.certificate} />
          <a class="btn" href={pdfUrl(verdict.certificate.code)}>
            Download PDF
          </a>
        </section>
      )}
      {verdict?.kind === 'revoked' && (
        <section class="cert-verdict cert-revoked" id="cert-verdict" data-verdict="revoked">
          <h2>✗ This certificate was revoked</h2>
          <p id="cert-reason">Reason: {verdict.reason}</p>
          <Details c={verdict.certificate} />
        </section>
      )}
      {(verdict?.kind === 'unknown' || verdict?.kind === 'invalid') && (
        <section class="cert-verdict cert-unknown" id="cert-verdict" data-verdict="unknown">
          <h2>Unknown code</h2>
          <p>No certificate has this code. Check it against the one printed on the certificate.</p>
        </section>
      )}
    </main>
  );
}

function CertificateRow({ c, children }: { c: Certificate; children?: preact.ComponentChildren }) {
  return (
    <li class="cert-row" data-code={c.code}>
      <div class="cert-row-main">
        <strong>{c.title}</strong>
        <span class="muted">
          {c.display_name} · {issuedOn(c)}
        </span>
        <a class="cert-code" href={verifyPath(c.code)}>
          {groupCode(c.code)}
        </a>
        {c.revoked && <span class="cert-badge-revoked">Revoked{c.reason ? `: ${c.reason}` : ''}</span>}
      </div>
      <div class="cert-row-actions">{children}</div>
    </li>
  );
}

function MyCertificatesPage() {
  const session = useSession();
  const account = hasAccount(session) ? session : null;
  const [list, setList] = useState<Certificate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'My certificates · AeThex LIVE';
    if (!account) return;
    let live = true;
    fetchMyCertificates(account.token)
      .then((l) => live && setList(l))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [account?.token]);
  return (
    <main class="cert-page" id="my-certificates-page">
      <h1>My certificates</h1>
      {!account && (
        <p class="muted">
          <a href="/login">Log in</a> to see your certificates.
        </p>
      )}
      {error && (
        <p class="cert-error" role="alert">
          {error}
        </p>
      )}
      {list && list.length === 0 && <p class="muted">No certificates yet: complete a course and claim yours on its page.</p>}
      <ul class="cert-list" id="my-certificates">
        {(list ?? []).map((c) => (
          <CertificateRow c={c}>
            <a class="btn" href={pdfUrl(c.code)} download={`certificate-${c.code}.pdf`}>
              PDF
            </a>
          </CertificateRow>
        ))}
      </ul>
    </main>
  );
}

function CourseCertificatesPage({ course }: { course: string }) {
  const session = useSession();
  const [list, setList] = useState<Certificate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);
  // Revocations answered by the certificate itself: the list comes from the read model, which
  // may not have the revocation yet when it is asked again right after.
  const [answered, setAnswered] = useState<Record<string, Certificate>>({});
  useEffect(() => {
    document.title = 'Course certificates · AeThex LIVE';
    if (!session) return;
    let live = true;
    fetchCourseCertificates(session.token, course)
      .then((l) => live && setList(l))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [session?.token, course, epoch]);
  if (!session)
    return (
      <main class="cert-page" id="course-certificates-page">
        <h1>Course certificates</h1>
        <p class="muted">
          <a href="/login">Log in</a> as one of the course's managers.
        </p>
      </main>
    );
  const run = async (what: () => Promise<string>) => {
    setError(null);
    try {
      setNote(await what());
      setEpoch((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const revoke = (c: Certificate) => {
    const reason = window.prompt(`Revoke ${c.display_name}'s certificate? Reason:`)?.trim();
    if (reason)
      void run(async () => {
        const revoked = await revokeCertificate(session.token, c.code, reason);
        setAnswered((a) => ({ ...a, [revoked.code]: revoked }));
        return `Revoked ${groupCode(c.code)}.`;
      });
  };
  return (
    <main class="cert-page" id="course-certificates-page">
      <h1>Course certificates</h1>
      <p>
        <button type="button" class="btn btn-primary" id="issue-all" onClick={() => void run(async () => `Issued ${await issueToAll(session.token, course)} new certificate(s).`)}>
          Issue to all who qualify
        </button>
      </p>
      {note && <p class="cert-note">{note}</p>}
      {error && (
        <p class="cert-error" role="alert">
          {error}
        </p>
      )}
      {list && list.length === 0 && <p class="muted">No certificates given yet.</p>}
      <ul class="cert-list" id="course-certificates">
        {(list ?? []).map((listed) => answered[listed.code] ?? listed).map((c) => (
          <CertificateRow c={c}>
            <a class="btn" href={pdfUrl(c.code)}>
              PDF
            </a>
            {!c.revoked && (
              <button type="button" class="btn cert-revoke" onClick={() => revoke(c)}>
                Revoke
              </button>
            )}
          </CertificateRow>
        ))}
      </ul>
    </main>
  );
}
