/**
 * What a DynamoDB number holds: up to 38 significant digits, magnitude from 1E-130 to
 * 9.99…E+125 (and zero). One source for the handlers' check and the API Gateway models.
 */
export const DYNAMODB_NUMBER = {
  maxSignificantDigits: 38,
  /** Decimal exponent of the first significant digit, smallest and largest. */
  minExponent: -130,
  maxExponent: 125,
  /**
   * For JSON Schema, whose numbers are doubles: every magnitude below 1E+126 (exclusive; no
   * double lies between 9.99…E+125 and it) and none below 1E-130 but zero.
   */
  magnitudeBelow: 1e126,
  smallestMagnitude: 1e-130,
} as const;

const JSON_NUMBER = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Why DynamoDB cannot store the number written as `text` in JSON, or `undefined` when it can.
 * Judged on the text, digit by digit, so that precision a JavaScript number would round away
 * (a 40-digit value) or a magnitude it would turn into 0 or Infinity is not missed; then on the
 * double the handler really sends, which may round past the largest magnitude (9.99…9E+125 with
 * 38 nines is 1e+126 as a double).
 *
 * @example
 * unstorableNumberReason('12.5')   // undefined
 * unstorableNumberReason('1e300')  // 'is larger in magnitude than 9.99…E+125, …'
 */
export function unstorableNumberReason(text: string): string | undefined {
  // Fast path, the common case: without an exponent, 15 characters hold at most 15 digits
  // and a magnitude between 1E-14 and 1E+15, which DynamoDB and a double both hold exactly.
  if (text.length <= 15 && !text.includes('e') && !text.includes('E')) {
    return JSON_NUMBER.test(text) ? undefined : 'is not a JSON number';
  }
  const reason = textReason(text);
  if (reason) return reason;
  const sent = String(Number(text));
  return textReason(sent)
    ? `rounds to ${sent} as a JavaScript number, which DynamoDB cannot store`
    : undefined;
}

function textReason(text: string): string | undefined {
  const match = JSON_NUMBER.exec(text);
  if (!match) return 'is not a JSON number';
  const [, whole = '', fraction = '', exponent = '0'] = match;
  const digits = `${whole}${fraction}`;
  const leadingZeros = digits.length - digits.replace(/^0+/, '').length;
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  if (significant === '') return undefined; // zero, however written
  const { maxSignificantDigits, minExponent, maxExponent } = DYNAMODB_NUMBER;
  if (significant.length > maxSignificantDigits) {
    return `has ${significant.length} significant digits; DynamoDB stores at most ${maxSignificantDigits}`;
  }
  const magnitude = whole.length - 1 - leadingZeros + Number(exponent);
  if (magnitude > maxExponent) {
    return 'is larger in magnitude than 9.99…E+125, the largest number DynamoDB stores';
  }
  if (magnitude < minExponent) {
    return 'is smaller in magnitude than 1E-130, the smallest non-zero number DynamoDB stores';
  }
  return undefined;
}
