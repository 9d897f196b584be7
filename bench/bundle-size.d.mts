/** Bytes of one measured bundle. */
export interface BundleSize {
  name: string;
  min: number;
  gzip: number;
}
export const CORE_BUDGET_BYTES: number;
export function entries(): Record<string, string>;
export function measure(source: string): Promise<{ min: number; gzip: number }>;
export function measureAll(): Promise<BundleSize[]>;
