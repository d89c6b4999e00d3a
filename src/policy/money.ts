// Money for people: integer minor units shown with the currency's decimals (ISO 4217 via Intl).
export function formatMoney (amount: number, currency: string): string {
  let digits = 2
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    // a code Intl does not know: two decimals, the common case
  }
  const text = BigInt(amount).toString().padStart(digits + 1, '0')
  return digits === 0 ? `${text} ${currency}` : `${text.slice(0, -digits)}.${text.slice(-digits)} ${currency}`
}
