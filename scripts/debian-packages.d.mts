// Types of scripts/debian-packages.mjs, for the tests that import it.
export interface DebianPackage {
  name: string;
  tier: string;
  why: string;
}
export const LIST: string;
export const TIERS: string[];
export function packages(tiers?: string[]): DebianPackage[];
export function missing(names: string[]): string[];
export function installCommand(names: string[]): string;
export function ensure(tiers?: string[], log?: (s: string) => void): string[];
