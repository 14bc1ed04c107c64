// What a request for one process's mappings answers (src/core/maps.ts groups them; the helper
// reads them, src/sampler/maps.ts), and its one schema, checked by the host on the helper's
// reply and by the webview on the host's message. Pure and browser-safe.
import { MAP_KINDS, type MapGroup, type ProcessMaps } from '../core/maps';
import { arrayOf, count, describe, object, oneOf, type Check } from './validate';

export type MapsOutcome = 'not-found' | 'pid-reused' | 'not-permitted' | 'kernel-thread' | 'failed';
export const MAPS_OUTCOMES: readonly MapsOutcome[] = ['not-found', 'pid-reused', 'not-permitted', 'kernel-thread', 'failed'];

/** The mappings of the process named by pid + start time, or why there are none. */
export type MapsResult =
  | { ok: true; pid: number; starttime: number; maps: ProcessMaps }
  | { ok: false; outcome: MapsOutcome; message: string };

/** A process has at most vm.max_map_count mappings (65,530 by default): a generous bound. */
export const MAX_MAP_GROUPS = 1_000_000;
/** A name is a path (PATH_MAX 4096) made printable (an escape is at most 10 characters). */
const MAX_NAME_CHARS = 65_536;

const name: Check = (v, path) =>
  typeof v === 'string' && v.length <= MAX_NAME_CHARS ? null : `${path} must be a string of at most ${MAX_NAME_CHARS} characters, not ${describe(v)}`;
const figures = { count, pss: count, rss: count, priv: count, shared: count, swap: count, swapPss: count };
const checkGroup: Check = object({ kind: oneOf(MAP_KINDS), name, ...figures } satisfies Record<keyof MapGroup, Check>, true);
const checkMaps: Check = object(
  { groups: arrayOf(checkGroup, MAX_MAP_GROUPS), total: object(figures, true), ptotal: count, cut: count } satisfies Record<keyof ProcessMaps, Check>,
  true,
  ['cut'],
);

const message: Check = (v, path) => (typeof v === 'string' && v.length <= 4096 ? null : `${path} must be a short string, not ${describe(v)}`);

export const checkMapsResult: Check = (v, path) => {
  const ok = (v as { ok?: unknown } | null)?.ok;
  if (ok === true) return object({ ok: () => null, pid: count, starttime: count, maps: checkMaps }, true)(v, path);
  if (ok === false) return object({ ok: () => null, outcome: oneOf(MAPS_OUTCOMES), message }, true)(v, path);
  return `${path}.ok must be true or false, not ${describe(ok)}`;
};
