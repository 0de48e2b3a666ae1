import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCliOptions } from './cli-options.ts';

describe('parseCliOptions: instances', () => {
  it('leaves the instance limit and idle timeout to the Lambda service by default', () => {
    const options = parseCliOptions([], {});
    assert.ok(options !== 'help');
    assert.equal(options.maxInstancesPerFunction, undefined);
    assert.equal(options.idleTimeoutMs, undefined);
  });

  it('reads them from flags before the environment', () => {
    const options = parseCliOptions(['--max-instances', '3', '--idle-timeout', '1.5'], {
      MAX_INSTANCES: '9',
      IDLE_TIMEOUT: '60',
    });
    assert.ok(options !== 'help');
    assert.equal(options.maxInstancesPerFunction, 3);
    assert.equal(options.idleTimeoutMs, 1500);
  });

  it('refuses values that are not positive numbers', () => {
    assert.throws(
      () => parseCliOptions(['--max-instances', '0'], {}),
      /--max-instances must be a positive number/,
    );
    assert.throws(
      () => parseCliOptions([], { IDLE_TIMEOUT: 'soon' }),
      /--idle-timeout must be a positive number/,
    );
  });
});
