// "Get certificate" for a course page (the courses part places it): the signed-in student
// claims the certificate of course `course`; it shows the code with links to the PDF and the
// verify page, or what is still missing (the node's not_completed message).
import { useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { claimCertificate } from './api';
import { groupCode, pdfUrl, verifyPath, type Certificate } from './model';
import './certificates.css';

export function ClaimCertificate({ course }: { course: string }) {
  const session = useSession();
  const [got, setGot] = useState<Certificate | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!hasAccount(session)) return null;
  const claim = async () => {
    setBusy(true);
    setError(null);
    try {
      setGot(await claimCertificate(session.token, course));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  if (got)
    return (
      <p class="cert-claimed" id="certificate-claimed">
        {got.revoked ? 'Your certificate was revoked' : 'Your certificate'}:{' '}
        <a class="cert-code" href={verifyPath(got.code)}>
          {groupCode(got.code)}
        </a>{' '}
        {!got.revoked && (
          <a class="btn" href={pdfUrl(got.code)} download={`certificate-${got.code}.pdf`}>
            PDF
          </a>
        )}
      </p>
    );
  return (
    <p class="cert-claim">
      <button type="button" class="btn btn-primary" id="claim-certificate" disabled={busy} onClick={() => void claim()}>
        Get certificate
      </button>
      {error && (
        <span class="cert-error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </p>
  );
}
