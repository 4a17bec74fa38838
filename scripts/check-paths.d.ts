/** Types of check-paths.js (plain JavaScript so that scripts/test.js can run it before tsx is loaded). */
export interface OutsidePath {
  line: number;
  literal: string;
  why: string;
}
export const REPO_ROOT: string;
export const OUTSIDE_ROOTS: readonly string[];
export function isTestCode(relative: string): boolean;
export function outsidePathsIn(relative: string, source: string): OutsidePath[];
export function checkRepository(root?: string): (OutsidePath & { file: string })[];
