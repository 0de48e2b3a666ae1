import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllowedHost, isAllowedOrigin, requestAuthority } from './exposure.ts';

describe('isAllowedHost', () => {
  it('answers the loopback names with the gateway port', () => {
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST:3000']) {
      assert.equal(isAllowedHost(host, 3000), true, host);
    }
  });

  it('refuses other names, another port, a missing Host, and a missing port unless it is 80', () => {
    for (const host of ['evil.example:3000', 'localhost:3001', 'localhost', '127.0.0.2:3000', undefined]) {
      assert.equal(isAllowedHost(host, 3000), false, String(host));
    }
    assert.equal(isAllowedHost('localhost', 80), true);
  });

  it('answers the extra names of the setting, or any with *', () => {
    assert.equal(isAllowedHost('devbox.lan:3000', 3000, { allowedHosts: ['devbox.lan'] }), true);
    assert.equal(isAllowedHost('other.lan:3000', 3000, { allowedHosts: ['devbox.lan'] }), false);
    assert.equal(isAllowedHost('anything:1', 3000, { allowedHosts: ['*'] }), true);
  });
});

describe('isAllowedOrigin', () => {
  it('lets requests without Origin through: curl, Postman and server code send none', () => {
    assert.equal(isAllowedOrigin(undefined), true);
  });

  it('serves loopback origins on any port, http or https', () => {
    for (const origin of ['http://localhost:5173', 'https://127.0.0.1', 'http://[::1]:8080']) {
      assert.equal(isAllowedOrigin(origin), true, origin);
    }
  });

  it('refuses other origins, look-alikes and the opaque "null" origin', () => {
    for (const origin of [
      'https://evil.example',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io:3000',
      'null',
    ]) {
      assert.equal(isAllowedOrigin(origin), false, origin);
    }
  });

  it('serves the extra origins of the setting, or any with *', () => {
    assert.equal(isAllowedOrigin('https://app.example', { allowedOrigins: ['https://app.example'] }), true);
    assert.equal(isAllowedOrigin('https://evil.example', { allowedOrigins: ['*'] }), true);
  });
});

describe('requestAuthority (RFC 9112 §3.2)', () => {
  const raw = (...hosts: string[]) => hosts.flatMap((host) => ['Host', host]);

  it('is the one Host line of an origin-form request, or none', () => {
    assert.deepEqual(requestAuthority({ url: '/products', rawHeaders: raw('localhost:3000') }), {
      kind: 'host',
      host: 'localhost:3000',
    });
    assert.deepEqual(requestAuthority({ url: '/products', rawHeaders: ['host', 'a:1', 'Accept', '*/*'] }), {
      kind: 'host',
      host: 'a:1',
    });
    assert.deepEqual(requestAuthority({ url: '/products', rawHeaders: [] }), {
      kind: 'host',
      host: undefined,
    });
  });

  it('makes two Host lines malformed, whatever their case or values', () => {
    for (const rawHeaders of [raw('localhost:3000', 'evil.example'), ['Host', 'a:1', 'HOST', 'a:1']]) {
      assert.equal(requestAuthority({ url: '/', rawHeaders }).kind, 'malformed', rawHeaders.join(' '));
    }
  });

  it('takes an absolute-form target’s authority over the Host line, its default port said', () => {
    const cases = [
      ['http://evil.example/products', 'evil.example:80'],
      ['http://localhost:3000/products?x=1', 'localhost:3000'],
      ['https://[::1]/', '[::1]:443'],
    ] as const;
    for (const [url, host] of cases) {
      assert.deepEqual(
        requestAuthority({ url, rawHeaders: raw('localhost:3000') }),
        { kind: 'host', host },
        url,
      );
    }
  });

  it('makes a target that is neither a path nor an http(s) URL malformed', () => {
    for (const url of ['ftp://localhost/x', 'mailto:a@b.example', 'localhost:3000']) {
      assert.equal(requestAuthority({ url, rawHeaders: raw('localhost:3000') }).kind, 'malformed', url);
    }
  });
});
