/**
 * How large a spreadsheet the import reads. A statistics office's yearly list of a district (or
 * of a province's firms in parts) stays far below these; a sheet beyond them is refused with the
 * limit named, before it is loaded, since a few kilobytes of XLSX can declare cells in far-right
 * columns of a million rows, and the dense rows the import builds would then take gigabytes.
 */
export const SHEET_LIMITS = {
  rows: 200_000,
  columns: 200,
  /** rows × the widest row: the cells of the dense table the import reads */
  cells: 2_000_000,
  sharedStrings: 2_000_000,
  /** bytes of one worksheet's or the shared strings' XML once unpacked */
  xmlBytes: 256 * 1024 * 1024,
} as const;

export type SheetLimitReason = "too-many-rows" | "too-many-columns" | "too-many-cells" | "too-many-strings" | "too-big-to-read";

/** Which limit a sheet of these dimensions passes first, or null. */
export function sheetLimitPassed(dims: { rows: number; columns: number; sharedStrings?: number }): SheetLimitReason | null {
  if (dims.rows > SHEET_LIMITS.rows) return "too-many-rows";
  if (dims.columns > SHEET_LIMITS.columns) return "too-many-columns";
  if (dims.rows * dims.columns > SHEET_LIMITS.cells) return "too-many-cells";
  if ((dims.sharedStrings ?? 0) > SHEET_LIMITS.sharedStrings) return "too-many-strings";
  return null;
}

/** The column number of a cell reference's letters: A → 1, XFD → 16384; 0 when there are none. */
export function columnNumber(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) n = n * 26 + (c - 64);
    else if (c >= 97 && c <= 122) n = n * 26 + (c - 96);
    else break;
  }
  return n;
}

/**
 * The dimensions of a worksheet's XML as the import would read it: the last row number and the
 * widest row (by cell references, or by position where a cell has none). Reads tags only.
 */
export function measureSheetXml(xml: string): { rows: number; columns: number } {
  let rows = 0;
  let columns = 0;
  let row = 0;
  let column = 0;
  const tags = /<(?:\w+:)?(row|c)\b([^>]*)>/g;
  for (let m = tags.exec(xml); m; m = tags.exec(xml)) {
    const attrs = m[2]!;
    if (m[1] === "row") {
      const r = /\br="(\d+)"/.exec(attrs);
      row = r ? Number(r[1]) : row + 1;
      column = 0;
      if (row > rows) rows = row;
    } else {
      const r = /\br="([A-Za-z]+)\d*"/.exec(attrs);
      column = r ? columnNumber(r[1]!) : column + 1;
      if (column > columns) columns = column;
    }
  }
  return { rows, columns };
}
