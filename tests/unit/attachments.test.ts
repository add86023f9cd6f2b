import { describe, expect, it } from "vitest";
import { attachmentsEditable, contentDisposition, downloadName, formatBytes, sanitizeFileName, sniffMime } from "../../app/domain/attachments";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("sniffMime", () => {
  it("tells the three accepted types by their magic bytes", () => {
    expect(sniffMime(new TextEncoder().encode("%PDF-1.4"))).toBe("application/pdf");
    expect(sniffMime(bytes(0xff, 0xd8, 0xff, 0xe1, 0, 0, 0, 0))).toBe("image/jpeg");
    expect(sniffMime(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe("image/png");
  });

  it("refuses everything else, including near misses and short heads", () => {
    expect(sniffMime(new TextEncoder().encode("MZ\x90\x00"))).toBeNull();
    expect(sniffMime(new TextEncoder().encode("%PDF"))).toBeNull();
    expect(sniffMime(new TextEncoder().encode("<html>"))).toBeNull();
    expect(sniffMime(bytes(0xff, 0xd8))).toBeNull();
    expect(sniffMime(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b))).toBeNull();
    expect(sniffMime(bytes())).toBeNull();
  });
});

describe("sanitizeFileName", () => {
  it.each([
    ["营业执照.pdf", "营业执照.pdf"],
    ["C:\\fakepath\\财务报表 2024.pdf", "财务报表 2024.pdf"],
    ["../../etc/passwd", "passwd"],
    ["a/b/..", ""],
    ["evil\u202Efdp.exe", "evilfdp.exe"],
    ["bell\u0007\u0000name.png", "bellname.png"],
    ["  many   spaces\t.pdf ", "many spaces.pdf"],
    [".hidden.pdf", "hidden.pdf"],
    [null, ""],
  ])("%j → %j", (raw, clean) => {
    expect(sanitizeFileName(raw)).toBe(clean);
  });

  it("shortens long names to 120 characters, keeping the extension", () => {
    const long = `${"证".repeat(200)}.pdf`;
    const clean = sanitizeFileName(long);
    expect(Array.from(clean).length).toBe(120);
    expect(clean.endsWith("证.pdf")).toBe(true);
  });
});

describe("downloadName", () => {
  it("corrects the extension to the type found in the content", () => {
    expect(downloadName("scan.png", "application/pdf", "f")).toBe("scan.pdf");
    expect(downloadName("photo.JPEG", "image/jpeg", "f")).toBe("photo.JPEG");
    expect(downloadName("photo.jpg", "image/png", "f")).toBe("photo.png");
    expect(downloadName("报告", "application/pdf", "f")).toBe("报告.pdf");
    expect(downloadName("v1.2 report", "application/pdf", "f")).toBe("v1.2 report.pdf");
    expect(downloadName("", "image/png", "attachment-7")).toBe("attachment-7.png");
  });
});

describe("contentDisposition", () => {
  it("puts an ASCII name in both parameters", () => {
    expect(contentDisposition("report.pdf", "attachment-1.pdf")).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
  });

  it("keeps quotes and backslashes out of the quoted fallback", () => {
    expect(contentDisposition('a"b\\c.pdf', "x.pdf")).toBe(`attachment; filename="a_b_c.pdf"; filename*=UTF-8''a%22b%5Cc.pdf`);
  });

  it("encodes a Chinese name per RFC 5987 with a neutral ASCII fallback", () => {
    const header = contentDisposition("营业执照 (副本).pdf", "attachment-9.pdf");
    expect(header).toBe(`attachment; filename="attachment-9.pdf"; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%28%E5%89%AF%E6%9C%AC%29.pdf`);
  });
});

describe("attachmentsEditable", () => {
  it("allows the firm and the bureau while drafting or revising, never a town officer", () => {
    for (const role of ["enterprise", "reviewer", "admin"] as const) {
      expect(attachmentsEditable(role, "draft")).toBe(true);
      expect(attachmentsEditable(role, "returned")).toBe(true);
      for (const status of ["submitted", "approved", "rejected", "withdrawn", "revoked"] as const) expect(attachmentsEditable(role, status)).toBe(false);
    }
    expect(attachmentsEditable("town_officer", "draft")).toBe(false);
  });
});

describe("formatBytes", () => {
  it("reads naturally", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(350 * 1024)).toBe("350 KB");
    expect(formatBytes(10 * 1024 * 1024)).toBe("10.0 MB");
  });
});
