import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLocation, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { useClientLinks } from "./components/client-links";
import { GeneralErrorBoundary } from "./components/error-boundary";
import styles from "./styles/app.css";
import { getUser } from "./utils/auth.server";
import { db } from "./utils/db.server";
import { countUnread } from "./models/notification.server";
import { langFromCookieHeader, type MessageKey } from "./utils/i18n";
import { useT } from "./utils/i18n-react";
import { releaseEarlyInput } from "./utils/early-input";
import { useNonce } from "./utils/nonce";
import type { Role } from "./domain/state-machine";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "data:," },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const lang = langFromCookieHeader(request.headers.get("Cookie"));
  const user = await getUser(request);
  return {
    lang,
    unread: user ? await countUnread(db(), user) : 0,
    user: user
      ? {
          displayName: user.displayName,
          username: user.username,
          role: user.role,
          enterpriseId: user.enterpriseId,
        }
      : null,
  };
}

type RootData = Awaited<ReturnType<typeof loader>>;

const NAV: { to: (u: NonNullable<RootData["user"]>) => string; label: MessageKey; roles: Role[] }[] = [
  { to: () => "/dashboard", label: "nav.dashboard", roles: ["reviewer", "admin", "town_officer"] },
  { to: () => "/enterprises", label: "nav.enterprises", roles: ["reviewer", "admin", "town_officer"] },
  { to: (u) => `/enterprises/${u.enterpriseId}`, label: "nav.myEnterprise", roles: ["enterprise"] },
  { to: () => "/applications", label: "nav.applications", roles: ["enterprise", "town_officer"] },
  { to: () => "/applications", label: "nav.reviewQueue", roles: ["reviewer", "admin"] },
  { to: () => "/cultivation", label: "pool.nav", roles: ["reviewer", "admin", "town_officer"] },
  { to: () => "/awards/expiring", label: "val.nav", roles: ["enterprise", "reviewer", "admin", "town_officer"] },
  { to: () => "/targets", label: "nav.targets", roles: ["reviewer", "admin"] },
  { to: () => "/admin/checklists", label: "nav.checklists", roles: ["reviewer", "admin"] },
  { to: () => "/admin/validity", label: "val.settings.nav", roles: ["reviewer", "admin"] },
  { to: () => "/notices/new", label: "propose.nav", roles: ["reviewer", "admin"] },
  { to: () => "/admin/notices", label: "noticeAdmin.nav", roles: ["reviewer", "admin"] },
  { to: () => "/admin/users", label: "nav.users", roles: ["admin"] },
  { to: () => "/admin/audit", label: "nav.audit", roles: ["admin"] },
  { to: () => "/admin/calendar", label: "nav.calendar", roles: ["admin"] },
];

/** NavLink's rule: a section is current on its own path and on every path below it. */
function isCurrent(pathname: string, to: string): boolean {
  return pathname === to || pathname.startsWith(`${to}/`);
}

/**
 * The header is on every page, so it is plain markup: anchors that useClientLinks turns into
 * client navigation with intent prefetch (as <NavLink prefetch="intent"> would, at a fraction of
 * the render cost), and plain forms for switching language and signing out, which reload the
 * whole page anyway.
 */
function Header({ data }: { data: RootData | undefined }) {
  const t = useT();
  const location = useLocation();
  const links = useClientLinks("a[href]");
  const user = data?.user;
  return (
    <header className="site-header" {...links.handlers}>
      <div className="site-header__inner">
        <a className="brand" href={user ? "/" : "/login"}>
          <span className="brand__mark" aria-hidden="true">
            定
          </span>
          <span className="brand__text">
            <span className="brand__title">{t("app.title")}</span>
            <span className="brand__sub">{t("app.district")}</span>
          </span>
        </a>
        <div className="header-tools">
          <form method="post" action="/language" className="inline-form">
            <input type="hidden" name="lang" value={t.lang === "zh" ? "en" : "zh"} />
            <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
            <button type="submit" className="button button--ghost">
              <span className="visually-hidden">{`${t("lang.switchLabel")}: `}</span>
              <span lang={t.lang === "zh" ? "en" : "zh"}>{t("lang.switch")}</span>
            </button>
          </form>
          {user ? (
            <>
              <span className="who">
                <span className="visually-hidden">{`${t("auth.signedInAs")}: `}</span>
                {user.displayName}
                <span className="who__role">{t(`role.${user.role}` as MessageKey)}</span>
              </span>
              <a href="/notifications" className="header-link notifications-link" data-discover="true">
                {data?.unread ? `${t("nav.notifications")} ` : t("nav.notifications")}
                {data?.unread ? (
                  <>
                    <span className="count-badge">{data.unread}</span>
                    <span className="visually-hidden">{t("nav.unreadSuffix")}</span>
                  </>
                ) : null}
              </a>
              <a href="/account/password" className="header-link" data-discover="true">
                {t("account.change")}
              </a>
              <form method="post" action="/logout" className="inline-form">
                <button type="submit" className="button button--ghost">
                  {t("auth.signOut")}
                </button>
              </form>
            </>
          ) : null}
        </div>
      </div>
      {user ? (
        <nav className="site-nav" aria-label={t("nav.main")}>
          <ul>
            {NAV.filter((item) => item.roles.includes(user.role)).map((item) => {
              const to = item.to(user);
              const current = isCurrent(location.pathname, to);
              return (
                <li key={item.label}>
                  <a href={to} className={current ? "active" : undefined} aria-current={current ? "page" : undefined} data-discover="true">
                    {t(item.label)}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      ) : null}
      {links.prefetch}
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  // The loader data is decoded once this renders in the browser: React may take input again.
  releaseEarlyInput();
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  const lang = data?.lang ?? "zh";
  return (
    <html lang={lang === "en" ? "en" : "zh-CN"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {lang === "en" ? "Skip to content" : "跳到正文"}
        </a>
        <Header data={data} />
        <main id="main" className="page" tabIndex={-1}>
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export const meta: MetaFunction = () => [{ title: "定海区企业梯度培育登记系统" }];

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
