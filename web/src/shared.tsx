/** Small pieces every page uses: the domain's lists, the countdown, CSV export, errors and a page title. */
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Text, Title } from "@mantine/core";
import { stringify } from "csv-stringify/browser/esm/sync";
import { type ReactNode, useEffect, useState } from "react";
import { Link } from "wouter";
import { CATEGORY_IDS, KINDS } from "../../src/taxonomy.ts";
import { type CaseListItem, errorText, saveBlob } from "./api.ts";
import { useI18n } from "./i18n.tsx";

export const CASE_STATES = [
  "new",
  "waiting_customer",
  "waiting_reporter",
  "in_review",
  "measures",
  "resolved",
  "rejected",
  "closed",
] as const satisfies readonly CaseListItem["state"][];
// Every state the API knows is listed (a new state makes this line fail to compile).
const _everyState: readonly (typeof CASE_STATES)[number][] = [] as CaseListItem["state"][];
void _everyState;

export const CATEGORIES: readonly string[] = CATEGORY_IDS;
export { KINDS };

/** The moment now, renewed every `ms` (for countdowns). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** A deadline as a countdown: "in 3 h 10 min", or "overdue 2 d 1 h" in red. */
export function Countdown({ due, now }: { due: string | null | undefined; now: number }) {
  const { t, duration, dateTime } = useI18n();
  if (!due) return <span>{t.due.none}</span>;
  const left = Date.parse(due) - now;
  const overdue = left < 0;
  return (
    <time
      dateTime={due}
      title={dateTime(due)}
      className={overdue ? "overdue" : left < 4 * 3600_000 ? "due-soon" : ""}
    >
      {overdue ? t.due.overdue(duration(left)) : t.due.in(duration(left))}
    </time>
  );
}

export function StateBadge({ state }: { state: string }) {
  const color =
    state === "new"
      ? "blue"
      : state === "measures"
        ? "orange"
        : state === "in_review"
          ? "grape"
          : state.startsWith("waiting")
            ? "yellow"
            : "gray";
  return (
    <Badge color={color} variant="light" radius="sm" tt="none" className="state-badge">
      {state.replaceAll("_", " ")}
    </Badge>
  );
}

/** Downloads rows as a CSV file (RFC 4180, with a header line). */
export function downloadCsv(filename: string, header: string[], rows: unknown[][]) {
  const text = stringify([
    header,
    ...rows.map((r) => r.map((v) => (v === null || v === undefined ? "" : String(v)))),
  ]);
  saveBlob(new Blob([text], { type: "text/csv;charset=utf-8" }), filename);
}

/** A detail page's head: the way back to its list, its title and, dimmed, what identifies it. */
export function DetailHeader({
  back,
  title,
  aside,
}: {
  back: { href: string; label: string };
  title: ReactNode;
  aside: ReactNode;
}) {
  return (
    <>
      <Anchor component={Link} href={back.href} size="sm">
        ← {back.label}
      </Anchor>
      <Title order={1} size="h2">
        {title}{" "}
        <Text span c="dimmed" size="lg">
          {aside}
        </Text>
      </Title>
    </>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md">
      <Title order={1} size="h2">
        {children}
      </Title>
      {actions}
    </Group>
  );
}

export function Problem({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useI18n();
  return (
    <Alert color="red" role="alert" my="sm">
      {errorText(error)}
      {retry && (
        <Button size="xs" variant="subtle" ml="sm" onClick={retry}>
          {t.retry}
        </Button>
      )}
    </Alert>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <Loader size="sm" aria-label={t.loading} my="md" />;
}

/** True when a key press belongs to a field being typed in (keys are then the field's, not shortcuts). */
export function typing(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
}

/** A titled panel of a page, named by its heading for screen readers. */
export function Section({ title, children, id }: { title: string; children: ReactNode; id: string }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`${id}-title`} id={id}>
      <Title order={2} size="h4" mb="sm" id={`${id}-title`}>
        {title}
      </Title>
      {children}
    </Paper>
  );
}
