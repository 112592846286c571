// Dashboard tabs of the creator's money: Earnings (a month's statement, CSV), Payouts (balances,
// Request payout, history) and Tax form (W-9 / W-8BEN; what is on file, masked).
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { downloadCsv } from '../csvDownload';
import { formatDate } from '../format';
import { useAlive } from '../components/useAlive';
import {
  checkTaxForm,
  earningsCsvName,
  earningsCsvUrl,
  fetchPayouts,
  fetchStatement,
  fetchTaxForm,
  fileTaxForm,
  formatMoney,
  payoutBlocked,
  recentMonths,
  requestPayout,
  type PayoutStatus,
  type Statement,
  type TaxFormInput,
  type TaxFormStatus,
} from './payoutsApi';
import './payouts.css';

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

export function EarningsPanel({ channel, token }: { channel: string; token: string }) {
  const months = recentMonths(Date.now(), 12);
  const [month, setMonth] = useState(months[0]);
  const [data, setData] = useState<Statement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alive = useAlive();
  useEffect(() => {
    setData(null);
    fetchStatement(token, channel, month).then(
      (s) => alive.current && setData(s),
      (e) => alive.current && setError(errorText(e)),
    );
  }, [channel, token, month]);
  const money = (n: number) => formatMoney(n, data?.currency ?? '');
  return (
    <section class="dash-card payouts-card" id="earnings-panel" aria-label="Earnings">
      <div class="dash-row card-head">
        <h2>Earnings</h2>
        <label>
          Month{' '}
          <select data-testid="earnings-month" value={month} onChange={(e) => setMonth((e.target as HTMLSelectElement).value)}>
            {months.map((m) => (
              <option value={m}>{m}</option>
            ))}
          </select>
        </label>
        <button type="button" data-testid="earnings-csv" onClick={() => downloadCsv(earningsCsvUrl(channel, month), token, earningsCsvName(channel, month)).catch((e) => setError(errorText(e)))}>
          Download CSV
        </button>
      </div>
      {error && <p class="form-error" role="alert">{error}</p>}
      {data && (
        <>
          <dl class="payout-figures">
            <dt>Gross</dt>
            <dd data-testid="earnings-gross">{money(data.totals.gross)}</dd>
            <dt>Platform cut</dt>
            <dd>{money(data.totals.cut)}</dd>
            <dt>Fees</dt>
            <dd>{money(data.totals.fee)}</dd>
            <dt>Net</dt>
            <dd data-testid="earnings-net">{money(data.totals.net)}</dd>
            <dt>On hold</dt>
            <dd>{money(data.totals.on_hold)}</dd>
            <dt>Paid out</dt>
            <dd>{money(data.totals.paid_out)}</dd>
          </dl>
          {data.payments.length === 0 ? (
            <p class="muted">No earnings in {data.month}.</p>
          ) : (
            <table class="payout-table" data-testid="earnings-table">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>Product</th>
                  <th>Gross</th>
                  <th>Cut</th>
                  <th>Fee</th>
                  <th>Net</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {data.payments.map((p) => (
                  <tr key={p.payment}>
                    <td>{p.date}</td>
                    <td>{p.product || 'other'}</td>
                    <td>{money(p.gross)}</td>
                    <td>{money(p.cut)}</td>
                    <td>{money(p.fee)}</td>
                    <td>{money(p.net)}</td>
                    <td>{p.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

export function PayoutsPanel({ channel, token }: { channel: string; token: string }) {
  const [data, setData] = useState<PayoutStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const alive = useAlive();
  const load = () =>
    fetchPayouts(token, channel).then(
      (s) => alive.current && setData(s),
      (e) => alive.current && setError(errorText(e)),
    );
  useEffect(() => {
    load();
  }, [channel, token]);
  const request = async () => {
    setBusy(true);
    setError(null);
    try {
      await requestPayout(token, channel);
      await load();
    } catch (e) {
      if (alive.current) setError(errorText(e));
    } finally {
      if (alive.current) setBusy(false);
    }
  };
  if (!data) return <section class="dash-card" id="payouts-panel">{error ? <p class="form-error">{error}</p> : <p class="muted">Loading…</p>}</section>;
  const blocked = payoutBlocked(data);
  const money = (n: number) => formatMoney(n, data.currency);
  return (
    <section class="dash-card payouts-card" id="payouts-panel" aria-label="Payouts">
      <h2>Payouts</h2>
      <dl class="payout-figures">
        <dt>Available</dt>
        <dd data-testid="payout-available">{money(data.available)}</dd>
        <dt>On hold</dt>
        <dd data-testid="payout-on-hold">{money(data.on_hold)}</dd>
        <dt>Threshold</dt>
        <dd>{money(data.threshold)}</dd>
      </dl>
      <button type="button" data-testid="payout-request" disabled={busy || blocked !== null} onClick={request}>
        Request payout
      </button>
      {blocked && <p class="muted">{blocked}</p>}
      {error && <p class="form-error" role="alert">{error}</p>}
      <h3>History</h3>
      {data.payouts.length === 0 ? (
        <p class="muted">No payouts yet.</p>
      ) : (
        <table class="payout-table" data-testid="payout-history">
          <thead>
            <tr>
              <th>Requested</th>
              <th>Amount</th>
              <th>Status</th>
              <th>Paid</th>
            </tr>
          </thead>
          <tbody>
            {data.payouts.map((p) => (
              <tr key={p.n}>
                <td>{formatDate(p.requested_at_ms)}</td>
                <td>{money(p.amount)}</td>
                <td>{p.status}</td>
                <td>{p.paid_at_ms ? formatDate(p.paid_at_ms) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const EMPTY_FORM: TaxFormInput = { form: 'W-9', legal_name: '', tin: '', address: '', country: 'US', signature_name: '', signed_at: new Date().toISOString().slice(0, 10) };

export function TaxFormPanel({ channel, token }: { channel: string; token: string }) {
  const [onFile, setOnFile] = useState<TaxFormStatus | null>(null);
  const [form, setForm] = useState<TaxFormInput>(EMPTY_FORM);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const alive = useAlive();
  useEffect(() => {
    fetchTaxForm(token, channel).then(
      (s) => alive.current && setOnFile(s),
      (e) => alive.current && setError(errorText(e)),
    );
  }, [channel, token]);
  const set = (k: keyof TaxFormInput) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    const problem = checkTaxForm(form);
    if (problem) return setError(problem.error);
    setBusy(true);
    setError(null);
    try {
      const filed = await fileTaxForm(token, channel, form);
      if (alive.current) {
        setOnFile(filed);
        setForm(EMPTY_FORM);  // the TIN leaves the page once filed
      }
    } catch (err) {
      if (alive.current) setError(errorText(err));
    } finally {
      if (alive.current) setBusy(false);
    }
  };
  const field = (k: keyof TaxFormInput, label: string, extra: Record<string, string> = {}) => (
    <label>
      {label} <input name={k} value={form[k]} onInput={set(k)} autocomplete="off" {...extra} />
    </label>
  );
  return (
    <section class="dash-card payouts-card" id="tax-form-panel" aria-label="Tax form">
      <h2>Tax form</h2>
      <p data-testid="tax-form-status">
        {onFile?.on_file ? `${onFile.form} on file: ${onFile.legal_name}, TIN ending ${onFile.tin_last4} (signed ${onFile.signed_at}).` : 'No tax form on file.'}
      </p>
      <form class="tax-form" onSubmit={submit}>
        <label>
          Form{' '}
          <select name="form" value={form.form} onChange={(e) => setForm({ ...form, form: (e.target as HTMLSelectElement).value as TaxFormInput['form'] })}>
            <option value="W-9">W-9 (US person)</option>
            <option value="W-8BEN">W-8BEN (foreign person)</option>
          </select>
        </label>
        {field('legal_name', 'Legal name')}
        {field('tin', form.form === 'W-9' ? 'SSN or EIN' : 'Foreign tax id', { type: 'password' })}
        {field('address', 'Address')}
        {field('country', 'Country (2 letters)', { maxlength: '2' })}
        {field('signature_name', 'Signature (type your name)')}
        {field('signed_at', 'Date', { type: 'date' })}
        {error && <p class="form-error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>
          {onFile?.on_file ? 'Replace tax form' : 'File tax form'}
        </button>
      </form>
      <p class="muted">Stored encrypted; only the last 4 digits of the TIN are shown.</p>
    </section>
  );
}
