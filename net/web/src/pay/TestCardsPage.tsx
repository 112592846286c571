// /payments/test-cards: Stripe's test card numbers the sandbox takes, and what each does.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { formatCardNumber } from './cardFields';
import { fetchTestCards, type TestCard } from './payApi';
import './pay.css';

export function TestCardsPage() {
  const [cards, setCards] = useState<TestCard[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetchTestCards()
      .then(setCards)
      .catch((e) => setError(e instanceof ApiError && e.status === 404 ? 'This node takes real payments: there are no test cards.' : 'The test cards could not be loaded.'));
  }, []);
  return (
    <main class="pay-page">
      <h1>Test cards</h1>
      <p>This node's payments are a sandbox: no money moves. Use any future expiry (MM/YY) and any 3-digit CVC. Any other valid card number is declined.</p>
      {error && <p class="pay-error">{error}</p>}
      {cards && (
        <table class="pay-test-cards" data-testid="test-cards">
          <thead>
            <tr>
              <th>Number</th>
              <th>Brand</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {cards.map((c) => (
              <tr key={c.number}>
                <td>
                  <code>{formatCardNumber(c.number)}</code>
                </td>
                <td>{c.brand}</td>
                <td>{c.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
