/** Types of changes.js (plain browser JavaScript, also imported by the unit tests). */
export interface SettingsChange {
  field: string;
  before?: unknown;
  after?: unknown;
  added?: string[];
  removed?: string[];
  switchedOn?: string[];
  switchedOff?: string[];
}
export declare function describeChange(change: SettingsChange, S: Record<string, string>): { field: string; text: string };
