// Where a pull page ends, decided from row sizes before any document is read: a page's memory is
// bounded by `--max-pull-bytes` (plus one document), not by `limit` × the document limit.

/** A change's identity and the UTF-8 bytes of its stored value (null for a tombstone). */
export interface ChangeSize {
  collection: string;
  key: string;
  rev: number;
  valueBytes: number | null;
}

/**
 * How many of `rows` (oldest first, at most `limit` + 1 of them) one page takes: up to `limit`,
 * stopping before the change whose JSON would pass `maxBytes` (always at least one); `more` when
 * rows are left after the page.
 */
export function pageEnd(rows: readonly ChangeSize[], limit: number, maxBytes: number): { count: number; more: boolean } {
  let bytes = 0;
  let count = 0;
  for (const row of rows) {
    if (count === limit) break;
    bytes += changeBytes(row);
    if (bytes > maxBytes && count > 0) break;
    count++;
  }
  return { count, more: rows.length > count };
}

/** UTF-8 bytes of the change's JSON as the pull answer carries it (stored values are JSON text). */
function changeBytes(row: ChangeSize): number {
  const { collection, key, rev } = row;
  if (row.valueBytes === null) return Buffer.byteLength(JSON.stringify({ collection, key, rev, deleted: true }));
  // `"value":0` stands in for the value: one byte replaced by its stored length.
  return Buffer.byteLength(JSON.stringify({ collection, key, rev, value: 0 })) - 1 + row.valueBytes;
}
