// `pmemstat metrics`' options and Prometheus's web configuration file: what is accepted, what
// is refused with which message, and the basic-auth check against bcrypt hashes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LISTEN, exposureProblem, parseMetricsArgs } from '../../src/exporter/args';
import { isLoopback, parseListen } from '../../src/exporter/server';
import { BasicAuth, parseWebConfig, readWebConfig, WebConfigError } from '../../src/exporter/webconfig';

const dir = mkdtempSync(join(tmpdir(), 'pmemstat-webconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'c.pem'), 'CERT');
writeFileSync(join(dir, 'k.pem'), 'KEY');

describe('pmemstat metrics options', () => {
  it('listens on the loopback by default and samples every 5 s', () => {
    const o = parseMetricsArgs([]);
    expect(`${o.host}:${o.port}`).toBe(DEFAULT_LISTEN);
    expect(o.sampling.loopSeconds).toBe(5);
    expect(o.grouping).toBe('exe');
  });

  it('takes its own options and the sampling options of pmemstat', () => {
    const o = parseMetricsArgs(['--listen', '[::1]:9100', '--top=7', '-g', 'container', '-l', '2', '--walk-budget', '20', '--web.config.file', '/x.yml']);
    expect(o).toMatchObject({ host: '::1', port: 9100, top: 7, grouping: 'container', webConfig: '/x.yml' });
    expect(o.sampling).toMatchObject({ loopSeconds: 2, walkBudgetMs: 20 });
  });

  it.each([
    [['-g', 'pid'], /-g pid: not with metrics/],
    [['--top', '0'], /--top: expected a whole number/],
    [['--listen', 'nohost'], /--listen: expected ADDR:PORT/],
    [['--listen', '1.2.3.4:70000'], /--listen/],
    [['--json'], /--json is not an option of pmemstat metrics/],
    [['--top'], /--top: expected a value/],
    [['--root', '/nonexistent-tree'], /--root \/nonexistent-tree: no proc\/ directory there/],
  ])('refuses %j', (argv, re) => {
    expect(() => parseMetricsArgs(argv)).toThrow(re);
  });

  it('knows the loopback', () => {
    for (const h of ['127.0.0.1', '127.3.2.1', '::1', 'localhost', '::ffff:127.0.0.1']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com', '127.0.0.1.evil.com']) expect(isLoopback(h)).toBe(false);
    expect(parseListen(':9100')).toEqual({ host: '0.0.0.0', port: 9100 });
  });

  it('refuses to listen beyond the loopback without both TLS and basic auth', () => {
    expect(exposureProblem('127.0.0.1', false, false)).toBeNull();
    expect(exposureProblem('0.0.0.0', true, true)).toBeNull();
    expect(exposureProblem('0.0.0.0', false, false)).toMatch(/without TLS \(tls_server_config\) and basic auth/);
    expect(exposureProblem('10.1.2.3', true, false)).toMatch(/without basic auth \(basic_auth_users\)/);
    expect(exposureProblem('10.1.2.3', false, true)).toMatch(/without TLS \(tls_server_config\):/);
  });
});

describe("Prometheus's web configuration file", () => {
  const hash = hashSync('s3cret', 4).replace(/^\$2b\$/, '$2y$'); // htpasswd -B writes $2y$
  const cfg = `tls_server_config:\n  cert_file: c.pem\n  key_file: ${join(dir, 'k.pem')}\nbasic_auth_users:\n  alice: '${hash}'\n`;

  it('reads TLS files relative to the file and the users', () => {
    const w = parseWebConfig(cfg, dir);
    expect(w.tls?.cert.toString()).toBe('CERT');
    expect(w.tls?.key.toString()).toBe('KEY');
    expect(w.tls?.minVersion).toBe('TLSv1.2');
    expect([...w.users.keys()]).toEqual(['alice']);
    expect(parseWebConfig('', dir)).toEqual({ tls: null, users: new Map() });
  });

  it.each([
    ['tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  cipher_suites: [x]\n', /unsupported key 'cipher_suites'/],
    ['basic_auth_users:\n  bob: plaintext\n', /basic_auth_users.bob: not a bcrypt hash/],
    ['tls_server_config:\n  cert_file: missing.pem\n  key_file: k.pem\n', /cert_file .*missing.pem: ENOENT/],
    ['tls_server_config:\n  cert_file: c.pem\n', /key_file: expected a non-empty string/],
    ['tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  min_version: TLS10\n', /min_version: 'TLS10'/],
    ['http_server_config:\n  http2: false\n', /unsupported key 'http_server_config'/],
    ['[1, 2', /not YAML/],
    ['- a\n- b\n', /expected a mapping at the top/],
  ])('refuses %j', (text, re) => {
    expect(() => parseWebConfig(text, dir)).toThrow(re);
  });

  it('names the file in its errors', () => {
    const f = join(dir, 'bad.yml');
    writeFileSync(f, 'nope: 1\n');
    expect(() => readWebConfig(f)).toThrow(WebConfigError);
    expect(() => readWebConfig(f)).toThrow(new RegExp(`^${f}: web config: unsupported key 'nope'`));
    expect(() => readWebConfig(join(dir, 'absent.yml'))).toThrow(/absent.yml: ENOENT/);
  });

  it('checks basic auth against bcrypt hashes, and only Basic credentials', async () => {
    const auth = new BasicAuth(new Map([['alice', hash]]));
    const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(await auth.check(basic('alice:s3cret'))).toBe('ok');
    expect(await auth.check(basic('alice:s3cret'))).toBe('ok'); // remembered
    expect(await auth.check(basic('alice:wrong'))).toBe('denied');
    expect(await auth.check(basic('mallory:s3cret'))).toBe('denied');
    expect(await auth.check(basic('alice'))).toBe('denied');
    expect(await auth.check(undefined)).toBe('denied');
    expect(await auth.check('Bearer abc')).toBe('denied');
    expect(await new BasicAuth(new Map()).check(undefined)).toBe('ok');
  });

  it('refuses password checks beyond its queue instead of piling them up', async () => {
    const auth = new BasicAuth(new Map([['alice', hashSync('pw', 8)]]));
    const wrong = `Basic ${Buffer.from('alice:nope').toString('base64')}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => auth.check(wrong)));
    expect(results.filter((r) => r === 'busy').length).toBe(12);
    expect(results.filter((r) => r === 'denied').length).toBe(8);
  });
});
