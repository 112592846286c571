// The pay page's card fields: formatting as the viewer types and the checks the server repeats
// (docs/payments.md), so most mistakes show before a request.

/** Digits only, at most 19. */
export function cardDigits(text: string): string {
  return text.replace(/\D/g, '').slice(0, 19);
}

/** "4242424242424242" → "4242 4242 4242 4242" (groups of 4 as typed). */
export function formatCardNumber(text: string): string {
  return cardDigits(text).replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** Luhn's check digit holds. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let twice = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (twice && (d *= 2) > 9) d -= 9;
    sum += d;
    twice = !twice;
  }
  return sum % 10 === 0;
}

/** "1", "12", "123", "1230" typed into MM/YY → "1", "12", "12/3", "12/30"; "9" → "09/" is not forced. */
export function formatExpiry(text: string): string {
  const d = text.replace(/\D/g, '').slice(0, 4);
  return d.length <= 2 ? d : `${d.slice(0, 2)}/${d.slice(2)}`;
}

export interface Expiry {
  month: number;
  year: number; // four digits
}

/** "12/34" or "12/2034" → {12, 2034}; null when it is not a month and a year. */
export function parseExpiry(text: string): Expiry | null {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!m) return null;
  const month = Number(m[1]);
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  if (month < 1 || month > 12) return null;
  return { month, year };
}

/** The first problem of a card form, or null when it may be sent. `now` for the expiry. */
export function cardProblem(number: string, expiry: string, cvc: string, now: Date = new Date()): string | null {
  const digits = cardDigits(number);
  if (digits.length < 12 || !luhnValid(digits)) return 'The card number is not valid.';
  const exp = parseExpiry(expiry);
  if (!exp) return 'Enter the expiry as MM/YY.';
  const thisYear = now.getFullYear();
  const thisMonth = now.getMonth() + 1;
  if (exp.year < thisYear || (exp.year === thisYear && exp.month < thisMonth)) return 'The card has expired.';
  if (!/^\d{3,4}$/.test(cvc)) return 'The security code (CVC) is 3 or 4 digits.';
  return null;
}

/** The brand shown beside the number. */
export function cardBrand(number: string): string {
  const d = cardDigits(number);
  if (d.startsWith('4')) return 'Visa';
  if (/^5[1-5]/.test(d)) return 'Mastercard';
  if (/^3[47]/.test(d)) return 'American Express';
  if (/^(6011|65)/.test(d)) return 'Discover';
  return '';
}
