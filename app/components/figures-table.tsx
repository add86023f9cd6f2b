import { useMemo } from "react";
import { DataTable, columnHelper, type DataTableColumn } from "~/components/data-table";
import { FIGURE_FIELDS, bpText, isMoneyKind, type FigureRatios, type Figures } from "~/domain/figures";
import { formatWan } from "~/domain/money";
import { useT } from "~/utils/i18n-react";
import type { MessageKey } from "~/utils/i18n";

export interface FiguresYear {
  year: number;
  figures: Figures;
  ratios: FigureRatios;
  source: "import" | "enterprise" | "bureau";
}

interface Line {
  id: string;
  label: string;
  /** Text per year. */
  values: Record<number, string>;
}

const RATIOS: { key: keyof FigureRatios; label: MessageKey }[] = [
  { key: "revenueGrowthBp", label: "fig.ratio.growth" },
  { key: "rdShareBp", label: "fig.ratio.rdShare" },
  { key: "debtRatioBp", label: "fig.ratio.debt" },
  { key: "mainShareBp", label: "fig.ratio.mainShare" },
];

/**
 * A firm's figures as a statement: one line per figure and ratio, one column per year (newest
 * first), money in 万元. The profile and the figures page show the same table.
 */
export function FiguresTable({ years, caption }: { years: FiguresYear[]; caption: string }) {
  const t = useT();
  const lines = useMemo<Line[]>(() => {
    const out: Line[] = FIGURE_FIELDS.map((f) => ({
      id: f.key,
      label: t.pick({ zh: f.labelZh, en: f.labelEn }) + (isMoneyKind(f.kind) ? t.pick({ zh: "（万元）", en: " (¥10,000)" }) : ""),
      values: Object.fromEntries(
        years.map((y) => {
          const v = y.figures[f.key];
          return [y.year, v === null ? "—" : isMoneyKind(f.kind) ? formatWan(v, { grouping: true }) : v.toLocaleString("en-US")];
        }),
      ),
    }));
    for (const r of RATIOS) out.push({ id: r.key, label: t(r.label), values: Object.fromEntries(years.map((y) => [y.year, bpText(y.ratios[r.key])])) });
    out.push({ id: "source", label: t("fig.source"), values: Object.fromEntries(years.map((y) => [y.year, t(`fig.source.${y.source}` as MessageKey)])) });
    return out;
  }, [years, t]);
  const columns = useMemo(() => {
    const col = columnHelper<Line>();
    return [
      col.display({ id: "label", header: () => t("fig.year"), cell: (c) => <span className="figures-label">{c.row.original.label}</span> }),
      ...years.map((y) =>
        col.display({
          id: `y${y.year}`,
          header: () => t("fig.yearN", { year: y.year }),
          cell: (c) => c.row.original.values[y.year] ?? "—",
          meta: { numeric: true },
        }),
      ),
    ] as DataTableColumn<Line>[];
  }, [years, t]);
  return <DataTable columns={columns} data={lines} getRowId={(l) => l.id} caption={caption} empty={t("fig.none")} />;
}
