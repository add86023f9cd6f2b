import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { safeRedirect } from "~/utils/auth.server";
import { isLang, langCookie } from "~/utils/i18n";

/** Open to everyone (the sign-in page has the switch too); remembered for a year in a cookie. */
export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lang = form.get("lang");
  const to = safeRedirect(form.get("redirectTo"), "/");
  if (!isLang(lang)) return redirect(to);
  return redirect(to, { headers: { "Set-Cookie": langCookie(lang) } });
}
