import { Form, useNavigation, useSearchParams } from "@remix-run/react";
import { useId, useState, type ChangeEvent } from "react";
import { ATTACHMENT_KINDS, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_APPLICATION, MIME_LABEL, formatBytes, isAttachmentKind, type AttachmentMime } from "~/domain/attachments";
import type { AttachmentView } from "~/models/attachment.server";
import { formatDateTime } from "~/utils/format";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

const REFUSALS = ["type", "size", "count", "empty", "kind", "status", "malformed"] as const;

function kindLabel(t: ReturnType<typeof useT>, kind: string): string {
  return isAttachmentKind(kind) ? t(`attachments.kind.${kind}` as MessageKey) : kind;
}

/**
 * The evidence files of an application: download links for whoever may see it, and (when the
 * caller may change them) remove buttons and an upload form. Plain multipart POSTs: works
 * without JavaScript. The outcome of an upload or removal comes back in the page's query.
 */
export function AttachmentList({
  applicationId,
  attachments,
  canModify,
  from = "detail",
}: {
  applicationId: number;
  attachments: AttachmentView[];
  canModify: boolean;
  /** The page the list sits on: an upload or removal comes back to it. */
  from?: "detail" | "edit";
}) {
  const back = from === "edit" ? "?from=edit" : "";
  const t = useT();
  const [params] = useSearchParams();
  const error = params.get("attachmentError");
  const notice = params.get("attachment");
  const fileName = params.get("file") ?? "";
  const full = attachments.length >= MAX_ATTACHMENTS_PER_APPLICATION;

  return (
    <div id="attachments" className="attachments">
      {error && (REFUSALS as readonly string[]).includes(error) ? (
        <div className="alert alert--error" role="alert">
          <p>{t(`attachments.error.${error}` as MessageKey, { name: fileName })}</p>
        </div>
      ) : null}
      {notice === "uploaded" || notice === "removed" ? (
        <div className="alert alert--ok" role="status">
          <p>{t(`attachments.${notice}`, { name: fileName })}</p>
        </div>
      ) : null}

      {attachments.length ? (
        <div className="table-wrap">
          <table className="table attachments__table">
            <caption>{t("attachments.count", { count: attachments.length, max: MAX_ATTACHMENTS_PER_APPLICATION })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("attachments.col.kind")}</th>
                <th scope="col">{t("attachments.col.name")}</th>
                <th scope="col">{t("attachments.col.type")}</th>
                <th scope="col" className="num">
                  {t("attachments.col.size")}
                </th>
                <th scope="col">{t("attachments.col.uploadedAt")}</th>
                {canModify ? (
                  <th scope="col">
                    <span className="visually-hidden">{t("common.actions")}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {attachments.map((a) => (
                <tr key={a.id}>
                  <td>{kindLabel(t, a.kind)}</td>
                  <td className="attachments__name">
                    <a href={`/attachments/${a.id}`} download aria-label={t("attachments.download", { name: a.originalName })}>
                      {a.originalName}
                    </a>
                  </td>
                  <td>{MIME_LABEL[a.mime as AttachmentMime] ?? a.mime}</td>
                  <td className="num">{formatBytes(a.size)}</td>
                  <td>{formatDateTime(a.uploadedAt)}</td>
                  {canModify ? (
                    <td>
                      <RemoveButton attachment={a} back={back} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t("attachments.none")}</p>
      )}

      {canModify ? (
        full ? (
          <p className="alert alert--warn">{t("attachments.full")}</p>
        ) : (
          // A new key after each upload or removal empties the form (JavaScript keeps it otherwise).
          <UploadForm key={attachments.map((a) => a.id).join(",")} applicationId={applicationId} back={back} />
        )
      ) : null}
    </div>
  );
}

function RemoveButton({ attachment, back }: { attachment: AttachmentView; back: string }) {
  const t = useT();
  return (
    <Form
      method="post"
      action={`/attachments/${attachment.id}/delete${back}`}
      className="inline-form"
      onSubmit={(event) => {
        if (!window.confirm(t("attachments.removeConfirm", { name: attachment.originalName }))) event.preventDefault();
      }}
    >
      <button type="submit" className="button button--small button--danger" aria-label={t("attachments.removeLabel", { name: attachment.originalName })}>
        {t("attachments.remove")}
      </button>
    </Form>
  );
}

function UploadForm({ applicationId, back }: { applicationId: number; back: string }) {
  const t = useT();
  const id = useId();
  const navigation = useNavigation();
  const action = `/applications/${applicationId}/attachments${back}`;
  const busy = navigation.state === "submitting" && navigation.formAction === action;
  const [tooLarge, setTooLarge] = useState(false);

  // Refuse an oversized file before sending 10 MB for nothing; the server checks again.
  function onFileChange(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    const over = Boolean(file && file.size > MAX_ATTACHMENT_BYTES);
    event.currentTarget.setCustomValidity(over ? t("attachments.error.tooLargeClient") : "");
    setTooLarge(over);
  }

  return (
    <Form method="post" action={action} encType="multipart/form-data" className="attachments__upload" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("attachments.upload")}</h3>
      <div className="attachments__fields">
        <div className="field">
          <label htmlFor={`${id}-kind`} className="field__label">
            {t("attachments.field.kind")}
            <span className="field__required" aria-hidden="true">
              {" "}
              *
            </span>
          </label>
          <select id={`${id}-kind`} name="kind" className="input" required defaultValue="">
            <option value="" disabled>
              {t("attachments.field.kindPlaceholder")}
            </option>
            {ATTACHMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`attachments.kind.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div className={`field${tooLarge ? " field--invalid" : ""}`}>
          <label htmlFor={`${id}-file`} className="field__label">
            {t("attachments.field.file")}
            <span className="field__required" aria-hidden="true">
              {" "}
              *
            </span>
          </label>
          <input
            id={`${id}-file`}
            name="file"
            type="file"
            className="input"
            required
            accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
            aria-describedby={`${id}-hint${tooLarge ? ` ${id}-error` : ""}`}
            aria-invalid={tooLarge || undefined}
            onChange={onFileChange}
          />
          <p id={`${id}-hint`} className="field__hint">
            {t("attachments.field.fileHint")}
          </p>
          {tooLarge ? (
            <ul id={`${id}-error`} className="field__errors" aria-live="polite">
              <li>{t("attachments.error.tooLargeClient")}</li>
            </ul>
          ) : null}
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {t("attachments.uploadButton")}
        </button>
      </div>
    </Form>
  );
}
