// What the channel page's Donate and Gift buttons share: shown to accounts only, each opens its
// purchase dialog, and a dialog's purchase opens a checkout and goes to its pay page.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { ApiError } from '../api';
import type { Checkout } from './api';
import './tips.css';

export function PurchaseButton({ label, testid, dialog }: { label: string; testid: string; dialog: (token: string, close: () => void) => JSX.Element }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  if (!hasAccount(session)) return null;
  return (
    <>
      <button type="button" class="btn donate-button" data-testid={testid} onClick={() => setOpen(true)}>
        {label}
      </button>
      {open && dialog(session.token, () => setOpen(false))}
    </>
  );
}

/** Opens the checkout and goes to its pay page; `failed` gets what to tell the viewer otherwise. */
export async function goToCheckout(open: () => Promise<Checkout>, failed: (message: string) => void): Promise<void> {
  try {
    window.location.assign((await open()).url);
  } catch (err) {
    failed(err instanceof ApiError ? err.message : 'Could not start the payment');
  }
}

/** A purchase dialog's last lines: the error if any, Cancel, and the submit button with its price. */
export function PurchaseActions({ error, onCancel, submitTestid, disabled, busy, label }: { error: string | null; onCancel: () => void; submitTestid: string; disabled: boolean; busy: boolean; label: string }) {
  return (
    <>
      {error && (
        <p class="donate-error" role="alert">
          {error}
        </p>
      )}
      <div class="donate-actions">
        <button type="button" class="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="btn btn-primary" data-testid={submitTestid} disabled={disabled}>
          {busy ? 'Opening…' : label}
        </button>
      </div>
    </>
  );
}
