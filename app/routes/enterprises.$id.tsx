import { ValidityText } from "~/components/validity-text";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useMemo } from "react";
import { LevelSought } from "~/components/application-view";
import { columnHelper, DataTable, type DataTableColumn } from "~/components/data-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TierBadge } from "~/components/tier-badges";
import { formatWan } from "~/domain/money";
import { seesEverything } from "~/domain/scope";
import { STATUS_NAMES, type Status } from "~/domain/state-machine";
import { LEVEL_NAMES, getTier } from "~/domain/tiers";
import { getEnterprise, parseEnterpriseId, setEnterpriseArchived } from "~/models/enterprise.server";
import { getEnterpriseProfile, type ApplicationSummary, type AwardState, type AwardView } from "~/models/enterprise-profile.server";
import { getFiguresOverview } from "~/models/figures.server";
import { listIndustries, listTowns } from "~/models/reference.server";
import { FiguresTable } from "~/components/figures-table";
import { profileIntentSchema } from "~/schemas/enterprise.server";
import { notFound, requireRole, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDate, formatDateTime, formatInteger } from "~/utils/format";
import type { MessageKey } from "~/utils/i18n";
import { useT } from "~/utils/i18n-react";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = parseEnterpriseId(params.id);
  if (id === null) throw notFound();
  const profile = await getEnterpriseProfile(db(), user, id);
  if (!profile) throw notFound();
  const [towns, industries, figures] = await Promise.all([listTowns(db()), listIndustries(db()), getFiguresOverview(db(), user, id)]);
  const town = towns.find((x) => x.code === profile.townCode);
  const industry = industries.find((x) => x.code === profile.industryCode);
  const own = user.role === "enterprise" && user.enterpriseId === id;
  return {
    profile,
    figures: figures ? figures.years.map(({ year, figures: f, ratios, source }) => ({ year, figures: f, ratios, source })) : [],
    town: town ? { zh: town.nameZh, en: town.nameEn } : { zh: profile.townCode, en: profile.townCode },
    industry: industry ? { zh: industry.nameZh, en: industry.nameEn } : { zh: profile.industryCode, en: profile.industryCode },
    canEdit: seesEverything(user) || own,
    canArchive: seesEverything(user),
    showBack: user.role !== "enterprise",
    // Reviewers apply on a firm's behalf; the firm's own user applies for itself.
    applyHref: own ? "/applications/new" : seesEverything(user) ? `/applications/new?enterprise=${id}` : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = parseEnterpriseId(params.id);
  if (id === null) throw notFound();
  // Out of scope answers 404 before the role is considered, so a 403 never confirms a firm exists.
  if (!(await getEnterprise(db(), user, id))) throw notFound();
  await requireRole(request, user, ["reviewer", "admin"]);
  const submission = parseWithZod(await request.formData(), { schema: profileIntentSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const archive = submission.value.intent === "archive";
  const outcome = await setEnterpriseArchived(db(), user, id, archive);
  if (outcome === "not-found") throw notFound();
  if (outcome === "forbidden") throw new Response("Forbidden", { status: 403 });
  return redirect(`/enterprises/${id}?${archive ? "archived" : "restored"}=1`);
}

const AWARD_BADGE: Record<AwardState, string> = { live: "badge--ok", expired: "badge--warn", revoked: "badge--bad" };
const STATUS_BADGE: Record<Status, string> = {
  draft: "badge--muted",
  submitted: "badge--info",
  returned: "badge--warn",
  approved: "badge--ok",
  rejected: "badge--bad",
  withdrawn: "badge--muted",
  revoked: "badge--bad",
  publicized: "badge--info",
};

const awardCol = columnHelper<AwardView>();
const appCol = columnHelper<ApplicationSummary>();

function useAwardColumns(): DataTableColumn<AwardView>[] {
  const t = useT();
  return useMemo(
    () =>
      [
        awardCol.accessor("tierCode", {
          header: t("ent.award.tier"),
          cell: (info) => t.pick({ zh: getTier(info.getValue()).nameZh, en: getTier(info.getValue()).nameEn }),
        }),
        // The state first after the tier: on a phone it is what one opens the profile to see.
        awardCol.accessor("state", {
          header: t("ent.award.status"),
          cell: (info) => {
            const award = info.row.original;
            return (
              <>
                <span className={`badge ${AWARD_BADGE[award.state]}`}>{t(`ent.award.${award.state}` as MessageKey)}</span>
                {award.state === "revoked" ? (
                  <span className="small muted">
                    {formatDate(award.revokedOn)}
                    {award.revokedReason ? ` · ${award.revokedReason}` : ""}
                  </span>
                ) : null}
              </>
            );
          },
        }),
        awardCol.accessor("level", { header: t("ent.award.level"), cell: (info) => t.pick(LEVEL_NAMES[info.row.original.level]) }),
        awardCol.accessor("year", { header: t("ent.award.year"), meta: { numeric: true } }),
        awardCol.accessor("documentNo", { header: t("ent.award.documentNo"), cell: (info) => info.getValue() ?? "—" }),
        awardCol.accessor("recognizedOn", {
          header: t("ent.award.recognizedOn"),
          cell: (info) => <span className="nowrap">{formatDate(info.getValue()) || "—"}</span>,
        }),
        awardCol.accessor("validUntil", {
          header: t("ent.award.validUntil"),
          cell: (info) => {
            const a = info.row.original;
            // Current awards show the time left ("有效期至 … (剩 N 天)"); superseded and revoked ones the date.
            if (a.validUntil && a.daysLeft !== null && !a.revokedOn && !a.endedOn) {
              return <ValidityText validUntil={a.validUntil} daysLeft={a.daysLeft} />;
            }
            return <span className="nowrap">{formatDate(info.getValue()) || t("ent.award.noExpiry")}</span>;
          },
        }),
      ] as DataTableColumn<AwardView>[],
    [t],
  );
}

function useApplicationColumns(): DataTableColumn<ApplicationSummary>[] {
  const t = useT();
  return useMemo(
    () =>
      [
        appCol.accessor("id", {
          header: t("ent.app.id"),
          cell: (info) => <Link to={`/applications/${info.getValue()}`}>#{info.getValue()}</Link>,
        }),
        appCol.accessor("tierCode", {
          header: t("ent.app.tier"),
          cell: (info) => t.pick({ zh: getTier(info.getValue()).nameZh, en: getTier(info.getValue()).nameEn }),
        }),
        appCol.accessor("year", { header: t("ent.app.year"), meta: { numeric: true } }),
        appCol.accessor("levelSought", {
          header: t("ent.app.level"),
          cell: (info) => <LevelSought tierCode={info.row.original.tierCode} level={info.row.original.levelSought} />,
        }),
        appCol.accessor("status", {
          header: t("ent.app.status"),
          cell: (info) => {
            const status = info.row.original.status;
            return <span className={`badge ${STATUS_BADGE[status]}`}>{t.pick(STATUS_NAMES[status])}</span>;
          },
        }),
        appCol.accessor("submittedAt", {
          header: t("ent.app.submittedAt"),
          cell: (info) => <span className="nowrap">{formatDateTime(info.getValue()) || "—"}</span>,
        }),
        appCol.accessor("updatedAt", {
          header: t("ent.app.updatedAt"),
          cell: (info) => <span className="nowrap">{formatDateTime(info.getValue())}</span>,
        }),
      ] as DataTableColumn<ApplicationSummary>[],
    [t],
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children === null || children === undefined || children === "" ? <span className="muted">—</span> : children}</dd>
    </div>
  );
}

export default function EnterpriseProfilePage() {
  const { profile, figures, town, industry, canEdit, canArchive, applyHref, showBack } = useLoaderData<typeof loader>();
  const t = useT();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const awardColumns = useAwardColumns();
  const applicationColumns = useApplicationColumns();
  const wan = (yuan: number | null) => (yuan === null ? null : formatWan(yuan, { grouping: true }));
  const live = profile.awards.filter((a) => a.state === "live");
  const flash = searchParams.has("created")
    ? t("ent.profile.created")
    : searchParams.has("saved")
      ? t("ent.profile.saved")
      : searchParams.has("archived")
        ? t("ent.profile.archivedDone")
        : searchParams.has("restored")
          ? t("ent.profile.restoredDone")
          : null;
  return (
    <article aria-labelledby="ent-name" className="ent-profile">
      {showBack ? (
        <p className="ent-back no-print">
          <Link to="/enterprises">← {t("ent.profile.backToList")}</Link>
        </p>
      ) : null}
      {flash ? (
        <div className="alert alert--ok" role="status">
          {flash}
        </div>
      ) : null}
      {profile.archivedAt ? <div className="alert alert--warn">{t("ent.profile.archivedBanner", { date: formatDate(profile.archivedAt) })}</div> : null}
      <div className="page-head">
        <div>
          <h1 id="ent-name">
            {profile.name}
            {profile.archivedAt ? <span className="badge badge--muted ent-archived">{t("ent.archived")}</span> : null}
          </h1>
          <p className="muted ent-profile__sub">
            <code className="uscc">{profile.uscc}</code> · {t.pick(town)} · {t.pick(industry)}
          </p>
          {live.length ? (
            <p className="tier-badges">
              {live.map((a) => (
                <TierBadge key={a.id} tierCode={a.tierCode} level={a.level} />
              ))}
            </p>
          ) : null}
        </div>
        <div className="page-head__actions">
          {applyHref ? (
            <Link to={applyHref} className="button button--primary">
              {t("ent.profile.apply")}
            </Link>
          ) : null}
          {canEdit ? (
            <Link to={`/enterprises/${profile.id}/edit`} className="button">
              {t("ent.profile.edit")}
            </Link>
          ) : null}
          {canArchive ? (
            <Form method="post" className="inline-form">
              <button
                type="submit"
                name="intent"
                value={profile.archivedAt ? "restore" : "archive"}
                className={`button${profile.archivedAt ? "" : " button--danger"}`}
                disabled={navigation.state === "submitting"}
                title={profile.archivedAt ? undefined : t("ent.profile.archiveConfirm")}
              >
                {profile.archivedAt ? t("ent.profile.restore") : t("ent.profile.archive")}
              </button>
            </Form>
          ) : null}
        </div>
      </div>

      <section className="card" aria-labelledby="ent-identity">
        <h2 id="ent-identity">{t("ent.section.identity")}</h2>
        <dl className="facts">
          <Fact label={t("ent.field.uscc")}>
            <code className="uscc">{profile.uscc}</code>
          </Fact>
          <Fact label={t("ent.field.town")}>{t.pick(town)}</Fact>
          <Fact label={t("ent.field.industry")}>{t.pick(industry)}</Fact>
          <Fact label={t("ent.field.platform")}>{profile.platform}</Fact>
          <Fact label={t("ent.field.aboveScale")}>{profile.aboveScale ? t("common.yes") : t("common.no")}</Fact>
          <Fact label={t("ent.field.address")}>{profile.address}</Fact>
          <Fact label={t("ent.field.legalRep")}>{profile.legalRep}</Fact>
          <Fact label={t("ent.field.contactName")}>{profile.contactName}</Fact>
          <Fact label={t("ent.field.contactPhone")}>{profile.contactPhone ? <a href={`tel:${profile.contactPhone}`}>{profile.contactPhone}</a> : null}</Fact>
        </dl>
        <h3>{figures.length ? t("ent.section.figuresOf", { year: figures[0]!.year }) : t("ent.section.figures")}</h3>
        <dl className="facts">
          <Fact label={t.lang === "en" ? `${t("ent.field.employees")} (${t("ent.field.employeesUnit")})` : `${t("ent.field.employees")}（${t("ent.field.employeesUnit")}）`}>
            {formatInteger(profile.employees)}
          </Fact>
          <Fact label={figures.length ? t("ent.field.revenueYear", { year: figures[0]!.year }) : t("ent.field.revenue")}>{wan(profile.revenueYuan)}</Fact>
          <Fact label={figures.length ? t("ent.field.rdExpenseYear", { year: figures[0]!.year }) : t("ent.field.rdExpense")}>{wan(profile.rdExpenseYuan)}</Fact>
          <Fact label={t("ent.field.createdAt")}>{formatDate(profile.createdAt)}</Fact>
          <Fact label={t("ent.field.updatedAt")}>{formatDateTime(profile.updatedAt)}</Fact>
        </dl>
      </section>

      <section aria-labelledby="ent-figures">
        <h2 id="ent-figures">{t("fig.profile.title")}</h2>
        <FiguresTable years={figures} caption={t("fig.caption")} />
        <p>
          <Link to={`/enterprises/${profile.id}/figures`}>{t("fig.profile.open")}</Link>
        </p>
      </section>

      <section aria-labelledby="ent-awards">
        <h2 id="ent-awards">{t("ent.profile.awards")}</h2>
        <DataTable
          columns={awardColumns}
          data={profile.awards}
          getRowId={(a) => String(a.id)}
          caption={<span className="visually-hidden">{t("ent.profile.awards")}</span>}
          empty={t("ent.profile.noAwards")}
        />
      </section>

      <section aria-labelledby="ent-apps">
        <h2 id="ent-apps">{t("ent.profile.applications")}</h2>
        <DataTable
          columns={applicationColumns}
          data={profile.applications}
          getRowId={(a) => String(a.id)}
          caption={<span className="visually-hidden">{t("ent.profile.applications")}</span>}
          empty={t("ent.profile.noApplications")}
        />
      </section>
    </article>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.profile.name ?? "企业档案"} · 定海区企业梯度培育登记系统` }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
