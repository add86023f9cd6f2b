import type { ReportFile } from "~/models/progress-report.server";

const MIME = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;

/** A download: the Chinese file name for browsers that read filename*, an ASCII one for the rest. */
export function downloadResponse(file: ReportFile): Response {
  return new Response(file.body, {
    headers: {
      "Content-Type": MIME[file.format],
      "Content-Disposition": `attachment; filename="${file.asciiFilename}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      "Cache-Control": "no-store",
    },
  });
}
