import { createColumnHelper, tableFeatures, useTable, type ColumnDef, type RowData } from "@tanstack/react-table";
import { Link, useLocation } from "@remix-run/react";
import type { HTMLAttributes, ReactNode } from "react";
import { useT } from "~/utils/i18n-react";

/**
 * The registry's one table. Sorting, filtering and paging happen on the server (URL search
 * params), so the table needs no client-side row models: it only lays rows out, and renders
 * the same markup with or without JavaScript.
 */
export const dataTableFeatures = tableFeatures({});
export type DataTableFeatures = typeof dataTableFeatures;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table's columns hold values of different types; TanStack types such a list with any
export type DataTableColumn<Row extends RowData> = ColumnDef<DataTableFeatures, Row, any>;

/** Column helper bound to the table's features: `const col = columnHelper<MyRow>()`. */
export function columnHelper<Row extends RowData>() {
  return createColumnHelper<DataTableFeatures, Row>();
}

/** Per-column presentation, read from `meta` of a column definition. */
export interface DataTableColumnMeta {
  numeric?: boolean;
}

/** The cell's markup: its column's `cell` (a function of the cell context, or a fixed node) or its value. */
function renderCell(cell: { column: { columnDef: { cell?: unknown } }; getContext: () => unknown; getValue: () => unknown }): ReactNode {
  const def = cell.column.columnDef.cell;
  // Called as a plain function, not mounted as a component: a cell is markup, never hooks, and
  // a component per cell (TanStack's <FlexRender>) costs about 2 µs each on the server.
  if (typeof def === "function") return (def as (context: unknown) => ReactNode)(cell.getContext());
  return (def as ReactNode) ?? (cell.getValue() as ReactNode);
}

export function DataTable<Row extends RowData>({
  columns,
  data,
  caption,
  getRowId,
  empty,
  containerProps,
}: {
  columns: DataTableColumn<Row>[];
  data: Row[];
  caption?: ReactNode;
  getRowId?: (row: Row) => string;
  empty?: ReactNode;
  /** Extra attributes of the scrolling container, such as useClientLinks().handlers. */
  containerProps?: HTMLAttributes<HTMLDivElement>;
}) {
  const table = useTable({
    features: dataTableFeatures,
    columns,
    data,
    getRowId: getRowId ? (row: Row) => getRowId(row) : undefined,
  });
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={typeof caption === "string" ? caption : undefined} {...containerProps}>
      <table className="table">
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className={(header.column.columnDef.meta as DataTableColumnMeta | undefined)?.numeric ? "num" : undefined}>
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getAllCells().map((cell) => (
                <td key={cell.id} className={(cell.column.columnDef.meta as DataTableColumnMeta | undefined)?.numeric ? "num" : undefined}>
                  {renderCell(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {data.length === 0 && empty ? <div className="empty">{empty}</div> : null}
    </div>
  );
}

/**
 * A column header that sorts through the URL: clicking toggles ascending/descending and drops
 * the page cursor, keeping every other filter.
 */
export function SortHeader({ column, label }: { column: string; label: ReactNode }) {
  const location = useLocation();
  const t = useT();
  const params = new URLSearchParams(location.search);
  const active = params.get("sort") === column;
  const dir = active && params.get("dir") === "asc" ? "asc" : active ? "desc" : null;
  params.set("sort", column);
  params.set("dir", dir === "asc" ? "desc" : "asc");
  params.delete("cursor");
  params.delete("before");
  const arrow = dir === "asc" ? " ▲" : dir === "desc" ? " ▼" : "";
  const sr = dir === "asc" ? (t.lang === "en" ? "(ascending)" : "（升序）") : dir === "desc" ? (t.lang === "en" ? "(descending)" : "（降序）") : "";
  return (
    <Link className="sort-link" to={`?${params.toString()}`} aria-sort={undefined}>
      {label}
      <span aria-hidden="true">{arrow}</span>
      {sr ? <span className="visually-hidden">{sr}</span> : null}
    </Link>
  );
}
