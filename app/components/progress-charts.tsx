/**
 * Bars of the progress pages, drawn as SVG. Every bar is decoration (aria-hidden): the figures
 * it shows are always printed beside it as text, for screen readers and for paper.
 */

/** "57.4%", or "—" when there is nothing to divide by. */
export function formatPercent(percent: number | null): string {
  return percent === null ? "—" : `${percent}%`;
}

/** A progress bar toward 100%; the part beyond the target is shown in a darker shade. */
export function ProgressBar({ percent, className }: { percent: number | null; className?: string }) {
  const p = percent ?? 0;
  const done = p >= 100;
  const width = Math.min(p, 100);
  return (
    <svg className={`pbar${done ? " pbar--done" : ""}${className ? ` ${className}` : ""}`} viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
      {/* x and y are 0 by default: left out, as every byte of the dashboard counts. */}
      <rect className="pbar__track" width="100" height="8" rx="1.5" />
      {width > 0 ? <rect className="pbar__fill" width={width} height="8" rx="1.5" /> : null}
    </svg>
  );
}

export interface OverviewRow {
  key: string;
  label: string;
  percent: number | null;
  /** The text read out and printed for the row, e.g. "16 / 20 · 80%". */
  valueText: string;
}

const SCALE_MAX = 150;

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Percent of target per tier on one scale (0–150%) with the target marked, so that the tiers can
 * be compared at a glance. Each row's label and value are HTML text; only the bar is SVG.
 */
export function OverviewChart({ rows, caption }: { rows: OverviewRow[]; caption: string }) {
  // Two decimals are finer than a pixel; full floats only lengthen the page.
  const targetX = round2((100 / SCALE_MAX) * 100);
  return (
    <figure className="overview">
      <ul className="overview__rows">
        {rows.map((r) => {
          const p = Math.min(r.percent ?? 0, SCALE_MAX);
          const w = round2((p / SCALE_MAX) * 100);
          const done = (r.percent ?? 0) >= 100;
          return (
            <li key={r.key} className="overview__row">
              <span className="overview__label">{r.label}</span>
              <svg className="overview__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                <rect className="pbar__track" x="0" y="0" width="100" height="10" />
                {w > 0 ? <rect className={done ? "pbar__fill pbar__fill--done" : "pbar__fill"} x="0" y="0" width={w} height="10" /> : null}
                <line className="overview__target" x1={targetX} x2={targetX} y1="-1" y2="11" vectorEffect="non-scaling-stroke" />
              </svg>
              <span className="overview__value">{r.valueText}</span>
            </li>
          );
        })}
      </ul>
      <figcaption className="muted small">{caption}</figcaption>
    </figure>
  );
}
