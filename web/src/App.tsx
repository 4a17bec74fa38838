/** The console's frame: the header with its pages, the language switch and the person; then the page. */
import {
  Alert,
  AppShell,
  Button,
  Group,
  Loader,
  SegmentedControl,
  Text,
  UnstyledButton,
} from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useRef } from "react";
import { Link, Route, Switch, useLocation } from "wouter";
import { api, csrfToken, errorText, type Me } from "./api.ts";
import { type Lang, useI18n } from "./i18n.tsx";
import { CasePage } from "./pages/Case.tsx";
import { CustomerPage, CustomersPage } from "./pages/Customers.tsx";
import { Dashboard } from "./pages/Dashboard.tsx";
import { MeasuresPage, NoticesPage, OrdersPage, TransparencyPage } from "./pages/Lists.tsx";
import { NoticePage, OrderPage } from "./pages/Procedures.tsx";
import { Queue } from "./pages/Queue.tsx";
import { ReportsPage } from "./pages/Reports.tsx";
import { SettingsPage } from "./pages/Settings.tsx";

const MeContext = createContext<Me | null>(null);

/** The signed-in person: their name, role, brands and what they may do (GET /api/v1/me). */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error("useMe outside the signed-in console");
  return me;
}

export function may(me: Me, ability: Me["abilities"][number]): boolean {
  return me.abilities.includes(ability);
}

export function App() {
  const { t, lang, setLang } = useI18n();
  const [location] = useLocation();
  const me = useQuery({
    queryKey: ["me"],
    queryFn: async () => (await api.GET("/api/v1/me")).data!,
    staleTime: 300_000,
  });
  const client = useQueryClient();
  // The language the person chose (on any browser) wins over this browser's cookie.
  const chosen = me.data?.language;
  // Applied when it changes only, so that a click on the switch is not undone before the API has it.
  const applied = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (chosen === applied.current) return;
    applied.current = chosen;
    if (chosen && chosen !== lang) setLang(chosen);
  }, [chosen, lang, setLang]);
  const choose = (l: Lang) => {
    setLang(l);
    void api
      .PUT("/api/v1/me/language", { body: { language: l } })
      .then(() => client.invalidateQueries({ queryKey: ["me"] }))
      .catch(() => undefined); // a service token has no person: the cookie alone keeps the choice
  };
  if (me.isPending)
    return (
      <Group p="xl">
        <Loader size="sm" aria-label={t.loading} />
      </Group>
    );
  if (me.isError)
    return (
      <Alert color="red" m="xl" role="alert">
        {errorText(me.error)}
      </Alert>
    );
  const pages: [string, string][] = [
    ["/", t.nav.queue],
    ["/dashboard", t.nav.dashboard],
    ["/reports", t.nav.reports],
    ["/notices", t.nav.notices],
    ["/orders", t.nav.orders],
    ["/measures", t.nav.measures],
    ["/customers", t.nav.customers],
    ...(may(me.data, "admin") ? ([["/settings", t.nav.settings]] as [string, string][]) : []),
    ["/transparency", t.nav.transparency],
  ];
  const current = (href: string) =>
    href === "/" ? location === "/" || location.startsWith("/cases") : location.startsWith(href);
  return (
    <MeContext.Provider value={me.data}>
      <a className="skip-link" href="#main">
        {t.skip}
      </a>
      <AppShell header={{ height: 56 }} padding="md">
        <AppShell.Header className="no-print">
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="lg" wrap="nowrap">
              <Text fw={700} c="desk.7" component="span">
                {t.appName}
              </Text>
              <nav aria-label={t.appName}>
                <Group gap={4} wrap="nowrap">
                  {pages.map(([href, label]) => (
                    <UnstyledButton
                      key={href}
                      component={Link}
                      href={href}
                      px="sm"
                      py={6}
                      aria-current={current(href) ? "page" : undefined}
                      className="nav-link"
                      fw={current(href) ? 700 : 400}
                      c={current(href) ? "desk.7" : "dark.6"}
                    >
                      {label}
                    </UnstyledButton>
                  ))}
                </Group>
              </nav>
            </Group>
            <Group gap="sm" wrap="nowrap">
              <SegmentedControl
                size="xs"
                aria-label={t.language}
                value={lang}
                onChange={(v) => choose(v as Lang)}
                data={[
                  { value: "nl", label: "NL" },
                  { value: "en", label: "EN" },
                ]}
              />
              <Text size="sm" id="signed-in-as">
                <a href="/account">{me.data.name}</a> ({me.data.role})
              </Text>
              <form method="post" action="/logout">
                <input type="hidden" name="csrf" value={csrfToken()} />
                <Button type="submit" size="xs" variant="default">
                  {t.signOut}
                </Button>
              </form>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Main id="main" tabIndex={-1}>
          <Switch>
            <Route path="/" component={Queue} />
            <Route path="/cases/:id">{(p) => <CasePage id={Number(p.id)} />}</Route>
            <Route path="/dashboard" component={Dashboard} />
            <Route path="/reports" component={ReportsPage} />
            <Route path="/notices" component={NoticesPage} />
            <Route path="/notices/:id">{(p) => <NoticePage id={Number(p.id)} />}</Route>
            <Route path="/orders" component={OrdersPage} />
            <Route path="/orders/:id">{(p) => <OrderPage id={Number(p.id)} />}</Route>
            <Route path="/measures" component={MeasuresPage} />
            <Route path="/transparency" component={TransparencyPage} />
            <Route path="/customers" component={CustomersPage} />
            <Route path="/settings" component={SettingsPage} />
            <Route path="/customers/:id">{(p) => <CustomerPage id={decodeURIComponent(p.id)} />}</Route>
          </Switch>
        </AppShell.Main>
      </AppShell>
    </MeContext.Provider>
  );
}
