import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { isTierCode } from "~/domain/tiers";
import { listChecklist } from "~/models/checklist.server";
import { precheckFromForm } from "~/schemas/application.server";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { todayInShanghai } from "~/utils/format";

/**
 * POST /applications/precheck?tier=CODE with the application form as it stands: the live
 * pre-check the form shows while the firm types, judged on the values the server would accept.
 * Nothing is stored.
 */
export async function action({ request }: ActionFunctionArgs) {
  await requireUser(request, { roles: ["enterprise", "reviewer", "admin"] });
  const tier = new URL(request.url).searchParams.get("tier");
  if (!isTierCode(tier)) throw new Response("Bad Request: tier", { status: 400 });
  // Conform's parse gives the form's nested shape (checklist.code, repeated certificates).
  const { payload } = parseWithZod(await request.formData(), { schema: z.object({}).passthrough() });
  const checklist = await listChecklist(db(), tier);
  return { eligibility: precheckFromForm(tier, payload, { checklist, today: todayInShanghai() }) };
}
