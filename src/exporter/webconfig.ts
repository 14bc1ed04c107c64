// Prometheus's web configuration file (the exporter toolkit's `--web.config.file`): TLS and
// basic auth with bcrypt hashes. Unknown keys are errors, as in the toolkit: a setting the
// user believes is in force must not be silently ignored.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compare, getRounds, hashSync } from 'bcryptjs';
import { load } from 'js-yaml';

export class WebConfigError extends Error {}

export interface TlsConfig {
  cert: Buffer;
  key: Buffer;
  /** PEM of the CAs client certificates must chain to (client_auth_type RequireAndVerifyClientCert). */
  clientCa: Buffer | null;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
}

export interface WebConfig {
  tls: TlsConfig | null;
  /** User name → bcrypt hash; empty: no authentication. */
  users: ReadonlyMap<string, string>;
}

const TLS_VERSIONS: Record<string, TlsConfig['minVersion']> = { TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
const BCRYPT = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(where: string, o: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new WebConfigError(`${where}: unsupported key '${k}' (pmemstat reads ${allowed.join(', ')})`);
  }
}

function str(where: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new WebConfigError(`${where}: expected a non-empty string`);
  return v;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new WebConfigError(`${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Parse the text of a web configuration file; relative paths are taken from `dir`, as Prometheus does. */
export function parseWebConfig(text: string, dir: string): WebConfig {
  let doc: unknown;
  try {
    doc = load(text);
  } catch (e) {
    throw new WebConfigError(`not YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === undefined || doc === null) return { tls: null, users: new Map() };
  if (!isObject(doc)) throw new WebConfigError('expected a mapping at the top');
  onlyKeys('web config', doc, ['tls_server_config', 'basic_auth_users']);
  let tls: TlsConfig | null = null;
  const t = doc.tls_server_config;
  if (t !== undefined && t !== null) {
    if (!isObject(t)) throw new WebConfigError('tls_server_config: expected a mapping');
    onlyKeys('tls_server_config', t, ['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'min_version']);
    const certFile = resolve(dir, str('tls_server_config.cert_file', t.cert_file));
    const keyFile = resolve(dir, str('tls_server_config.key_file', t.key_file));
    const auth = t.client_auth_type === undefined ? 'NoClientCert' : str('tls_server_config.client_auth_type', t.client_auth_type);
    if (auth !== 'NoClientCert' && auth !== 'RequireAndVerifyClientCert') {
      throw new WebConfigError(`tls_server_config.client_auth_type: '${auth}' (pmemstat supports NoClientCert, RequireAndVerifyClientCert)`);
    }
    let clientCa: Buffer | null = null;
    if (auth === 'RequireAndVerifyClientCert') {
      clientCa = readPem(resolve(dir, str('tls_server_config.client_ca_file', t.client_ca_file)), 'client_ca_file');
    } else if (t.client_ca_file !== undefined) throw new WebConfigError('tls_server_config.client_ca_file needs client_auth_type: RequireAndVerifyClientCert');
    const mv = t.min_version === undefined ? 'TLS12' : str('tls_server_config.min_version', t.min_version);
    const minVersion = TLS_VERSIONS[mv];
    if (!minVersion) throw new WebConfigError(`tls_server_config.min_version: '${mv}' (choose TLS12 or TLS13)`);
    tls = { cert: readPem(certFile, 'cert_file'), key: readPem(keyFile, 'key_file'), clientCa, minVersion };
  }
  const users = new Map<string, string>();
  const u = doc.basic_auth_users;
  if (u !== undefined && u !== null) {
    if (!isObject(u)) throw new WebConfigError('basic_auth_users: expected a mapping of user names to bcrypt hashes');
    for (const [name, hash] of Object.entries(u)) {
      if (name === '' || name.includes(':')) throw new WebConfigError(`basic_auth_users: invalid user name '${name}'`);
      if (typeof hash !== 'string' || !BCRYPT.test(hash)) throw new WebConfigError(`basic_auth_users.${name}: not a bcrypt hash ($2y$..., as htpasswd -nBC 10 "" makes)`);
      users.set(name, hash);
    }
  }
  return { tls, users };
}

export function readWebConfig(file: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new WebConfigError(`${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return parseWebConfig(text, dirname(resolve(file)));
  } catch (e) {
    if (e instanceof WebConfigError) throw new WebConfigError(`${file}: ${e.message}`);
    throw e;
  }
}

/** Successful logins remembered (bcrypt is slow on purpose; a scraper sends the same credentials every time). */
const CACHE_MAX = 64;
/** Password checks at once; more wait their turn, beyond QUEUE_MAX are refused. */
const QUEUE_MAX = 8;

export type AuthResult = 'ok' | 'denied' | 'busy';

/** Checks `Authorization: Basic` headers against the users of a web config. */
export class BasicAuth {
  private ok = new Set<string>();
  private running: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** A hash of nothing anyone knows, compared against for an unknown user: a wrong name costs what a wrong password does. */
  private readonly decoy: string;

  constructor(private readonly users: ReadonlyMap<string, string>) {
    const first = users.values().next();
    this.decoy = first.done ? '' : hashSync(randomBytes(16).toString('hex'), getRounds(first.value));
  }

  get enabled(): boolean {
    return this.users.size > 0;
  }

  async check(header: string | undefined): Promise<AuthResult> {
    if (!this.enabled) return 'ok';
    const m = /^Basic ([A-Za-z0-9+/=]{1,1024})$/i.exec(header ?? '');
    if (!m) return 'denied';
    const plain = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon < 0) return 'denied';
    const user = plain.slice(0, colon);
    const pass = plain.slice(colon + 1);
    const id = createHash('sha256').update(user).update('\0').update(pass).digest('hex');
    if (this.ok.has(id)) return 'ok';
    if (this.waiting >= QUEUE_MAX) return 'busy';
    this.waiting++;
    const run = this.running.then(() => compare(pass, this.users.get(user) ?? this.decoy));
    this.running = run.catch(() => false);
    let good: boolean;
    try {
      good = (await run) && this.users.has(user);
    } finally {
      this.waiting--;
    }
    if (!good) return 'denied';
    if (this.ok.size >= CACHE_MAX) this.ok.clear();
    this.ok.add(id);
    return 'ok';
  }
}
