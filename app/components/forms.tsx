import type { FieldMetadata } from "@conform-to/react";
import { getInputProps, getSelectProps, getTextareaProps } from "@conform-to/react";
import { useLocation } from "@remix-run/react";
import { useRef, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

/** A field of any form: what the field components need is the same whatever the form's shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- FieldMetadata is invariant in the form's shape, so no narrower type takes every form's fields
export type AnyFieldMetadata = FieldMetadata<any, any, any>;

/**
 * A key that changes after each successful submission: the action redirected, so the page has
 * a new location and no action data. Conform keeps a form's errors in the browser until its next
 * result, and a redirect brings none, so the errors of an earlier failed attempt would stay
 * beside a success message. Remount the forms with this key (or put it in their ids); a refused
 * attempt (action data present) keeps the key, so its errors and typed values stay.
 */
export function useSuccessKey(actionData: unknown): string {
  const location = useLocation();
  // A count, not the location's key: a page loaded in full renders on the server with the key
  // "default" but may hydrate with the key its history entry kept from an earlier visit, and an
  // id that differs between the two stays as the server wrote it, out of step with the form.
  const seen = useRef(location.key);
  const successes = useRef(0);
  if (actionData === undefined && location.key !== seen.current) {
    seen.current = location.key;
    successes.current += 1;
  }
  return String(successes.current);
}

/** The messages under a field, announced by screen readers through aria-describedby. */
export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  if (!errors?.length) return null;
  return (
    <ul id={id} className="field__errors" aria-live="polite">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

interface FieldShellProps {
  label: ReactNode;
  hint?: ReactNode;
  field: AnyFieldMetadata;
  required?: boolean;
  children: ReactNode;
}

function FieldShell({ label, hint, field, required, children }: FieldShellProps) {
  return (
    <div className={`field${field.errors?.length ? " field--invalid" : ""}`}>
      <label htmlFor={field.id} className="field__label">
        {label}
        {required ? (
          <span className="field__required" aria-hidden="true">
            {" "}
            *
          </span>
        ) : null}
      </label>
      {children}
      {hint ? (
        <p id={`${field.id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  );
}

function describedBy(field: AnyFieldMetadata, hint: boolean): string | undefined {
  const ids = [field.errors?.length ? field.errorId : null, hint ? `${field.id}-hint` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function TextField({
  label,
  hint,
  field,
  type = "text",
  required,
  ...rest
}: Omit<FieldShellProps, "children"> & { type?: "text" | "password" | "tel" | "number" | "date" | "month" } & Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "required">) {
  const props = getInputProps(field, { type: type === "month" || type === "date" ? type : (type as "text") });
  return (
    <FieldShell label={label} hint={hint} field={field} required={required}>
      <input
        {...props}
        {...rest}
        key={props.key}
        className="input"
        required={required}
        aria-invalid={field.errors?.length ? true : undefined}
        aria-describedby={describedBy(field, Boolean(hint))}
      />
    </FieldShell>
  );
}

export function SelectField({
  label,
  hint,
  field,
  required,
  options,
  placeholder,
  ...rest
}: Omit<FieldShellProps, "children"> & {
  /** `lang` marks an option whose label is data in its own language (a person's name), not interface text. */
  options: { value: string; label: string; lang?: string }[];
  placeholder?: string;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, "required">) {
  const props = getSelectProps(field);
  return (
    <FieldShell label={label} hint={hint} field={field} required={required}>
      <select
        {...props}
        {...rest}
        key={props.key}
        className="input"
        required={required}
        aria-invalid={field.errors?.length ? true : undefined}
        aria-describedby={describedBy(field, Boolean(hint))}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function TextareaField({ label, hint, field, required, ...rest }: Omit<FieldShellProps, "children"> & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "required">) {
  const props = getTextareaProps(field);
  return (
    <FieldShell label={label} hint={hint} field={field} required={required}>
      <textarea
        {...props}
        {...rest}
        key={props.key}
        className="input"
        required={required}
        aria-invalid={field.errors?.length ? true : undefined}
        aria-describedby={describedBy(field, Boolean(hint))}
      />
    </FieldShell>
  );
}

export function CheckboxField({ label, field, hint }: { label: ReactNode; field: AnyFieldMetadata; hint?: ReactNode }) {
  const props = getInputProps(field, { type: "checkbox", value: "on" });
  return (
    <div className={`field field--checkbox${field.errors?.length ? " field--invalid" : ""}`}>
      <input {...props} key={props.key} aria-invalid={field.errors?.length ? true : undefined} aria-describedby={describedBy(field, Boolean(hint))} />
      <label htmlFor={field.id}>{label}</label>
      {hint ? (
        <p id={`${field.id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  );
}

/** A form-level message (for errors not tied to one field), announced when it appears. */
export function FormAlert({ id, errors }: { id?: string; errors?: string[] | null }) {
  if (!errors?.length) return null;
  return (
    <div id={id} className="alert alert--error" role="alert">
      {errors.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  );
}
