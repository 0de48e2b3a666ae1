import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unstorableNumberReason } from './dynamodb-number.ts';

test('accepts every number DynamoDB stores, at its limits', () => {
  const storable = [
    '0',
    '-0',
    '0.000',
    '0e999999',
    '12.5',
    '-3',
    '100000000000000000000000000000000000000000000000000',
    '9.999999999999998e125',
    '-9.999999999999998E+125',
    '1E-130',
    '-1e-130',
    `0.${'0'.repeat(129)}1`,
    `1${'2'.repeat(37)}`,
    `0.000${'3'.repeat(38)}`,
  ];
  for (const text of storable) assert.equal(unstorableNumberReason(text), undefined, text);
});

test('names what is wrong with a number DynamoDB cannot store', () => {
  const cases: [string, RegExp][] = [
    ['1e300', /larger in magnitude/],
    ['1.7976931348623157e308', /larger in magnitude/],
    ['1e126', /larger in magnitude/],
    ['-1e400', /larger in magnitude/],
    ['1e-200', /smaller in magnitude/],
    ['9e-131', /smaller in magnitude/],
    [`0.${'0'.repeat(130)}1`, /smaller in magnitude/],
    [`1${'2'.repeat(38)}`, /39 significant digits/],
    [`1.${'0'.repeat(37)}1`, /39 significant digits/],
    ['12345678901234567890123456789012345678901', /41 significant digits/],
    [`9.${'9'.repeat(37)}E+125`, /rounds to 1e\+126 as a JavaScript number/],
  ];
  for (const [text, reason] of cases) assert.match(unstorableNumberReason(text) ?? '', reason, text);
});
