/** Bytes of one measured bundle. */
export interface BundleSize {
  name: string;
  min: number;
  gzip: number;
  /** Bytes min+gzip of lazy chunks (dynamic imports), not loaded at start. */
  lazyGzip: number;
  /** Components: bytes min+gzip added to an app that already ships the core. */
  added?: number;
}
export const CORE_BUDGET_BYTES: number;
export const SHIPPED_CORE: string;
export function entries(): Record<string, string>;
export function measure(source: string): Promise<{ min: number; gzip: number; lazyGzip: number }>;
export function measureAll(): Promise<BundleSize[]>;
