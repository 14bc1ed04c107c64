// The one validation toolkit of every boundary: the helper's requests and replies
// (protocol.ts), the webview's messages (webviewProtocol.ts) and snapshot files
// (snapshot.ts). A Check returns null when a value is well-formed, else one message
// naming the first problem by its path (`rows[0].members[0][10] (ptotal) must be …`).
// Pure and browser-safe.

/**
 * Where a value sits, for the message. undefined while only asking whether a value passes:
 * then no path strings are built (a sample holds thousands of processes); `explain` runs
 * a check that way first and again with paths only for a value that fails.
 */
export type Path = string | undefined;
export type Check = (v: unknown, path: Path) => string | null;

/** The path of field `k` below `path`. */
export const field = (path: Path, k: string): Path => (path === undefined ? undefined : `${path}.${k}`);
/** The path of item `i` below `path`, with an optional note (`[10] (ptotal)`). */
export const item = (path: Path, i: number, note?: string): Path =>
  path === undefined ? undefined : note === undefined ? `${path}[${i}]` : `${path}[${i}] (${note})`;

/** What is wrong with `v` (null: nothing), naming the field, `path` being what `v` is called. */
export function explain(c: Check, v: unknown, path: string): string | null {
  return c(v, undefined) === null ? null : c(v, path);
}

/** A plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether `o` itself has `k`. Never `k in o`: that also finds what every object inherits
 * (`__proto__`, `constructor`, `toString`, …), which would let such names through a check.
 */
export function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** A value as an error message shows it (long strings by length only). */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  return typeof v;
}

export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export function isOneOf<T extends string | number>(list: readonly T[], v: unknown): v is T {
  return (list as readonly unknown[]).includes(v);
}

/**
 * Plain data, as JSON.parse and structured clone make it: its prototype is Object.prototype
 * (or none), so a field can only be inherited under a name Object.prototype has.
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  const p: unknown = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/**
 * `check` with a hand-written test in front, for the shapes a sample holds thousands of
 * (generic field lookups cost ~10 times as much). The test must accept nothing that
 * `check` refuses; `check` still gives the message.
 */
export function withFastTest(test: (v: unknown) => boolean, check: Check): Check {
  return (v, path) => (test(v) ? null : check(v, path));
}

/** Whether a check passes (for the receivers that only accept or drop). */
export function passes(c: Check, v: unknown): boolean {
  return c(v, undefined) === null;
}

export const num: Check = (v, path) => (isNum(v) ? null : `${path} must be a finite number, not ${describe(v)}`);
export const str: Check = (v, path) => (typeof v === 'string' ? null : `${path} must be a string, not ${describe(v)}`);
export const bool: Check = (v, path) => (typeof v === 'boolean' ? null : `${path} must be true or false, not ${describe(v)}`);

export function int(min: number, max: number): Check {
  return (v, path) =>
    isInt(v) && v >= min && v <= max ? null : `${path} must be an integer from ${min} to ${max}, not ${describe(v)}`;
}

/** A non-negative safe integer (counts, pids in a report, start times). */
export const count: Check = int(0, Number.MAX_SAFE_INTEGER);

export function oneOf<T extends string | number>(values: readonly T[]): Check {
  return (v, path) =>
    isOneOf(values, v) ? null : `${path} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}, not ${describe(v)}`;
}

export function nullable(c: Check): Check {
  return (v, path) => (v === null ? null : c(v, path));
}

export function arrayOf(c: Check, max = Infinity): Check {
  return (v, path) => {
    if (!Array.isArray(v)) return `${path} must be an array, not ${describe(v)}`;
    if (v.length > max) return `${path} has ${v.length} items, more than ${max}`;
    for (let i = 0; i < v.length; i++) {
      const e = c(v[i], item(path, i));
      if (e) return e;
    }
    return null;
  };
}

export type Shape = Record<string, Check>;

/** A shape tied to a type: one check for each field of T, no more (the compiler holds them together). */
export type ShapeOf<T> = { [K in keyof T]-?: Check };

/**
 * `v` as T, when the check made from T's ShapeOf found no problem: the one place a checked value
 * takes its type, instead of a cast at each boundary.
 */
export function conforms<T>(v: unknown, problem: string | null): v is T {
  return problem === null;
}

/**
 * Every listed field present (unless `optional`) and well-formed; with `exact`, no other
 * field. Fields are looked up as own properties only.
 */
export function object(shape: Shape, exact: boolean, optional: readonly string[] = []): Check {
  const keys = Object.keys(shape);
  return (v, path) => {
    if (!isObject(v)) return `${path} must be an object, not ${describe(v)}`;
    for (const k of keys) {
      if (!hasOwn(v, k) || v[k] === undefined) {
        if (optional.includes(k)) continue;
        return `${field(path, k)} is missing`;
      }
      const e = shape[k](v[k], field(path, k));
      if (e) return e;
    }
    if (exact) for (const k of Object.keys(v)) if (!hasOwn(shape, k)) return `${path} has an unknown field ${JSON.stringify(k)}`;
    return null;
  };
}
