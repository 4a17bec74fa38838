/**
 * The procedures' lists: notice-and-takedown notices, authority orders and measures, each with its own
 * states and deadlines, and the DSA transparency report of a period (page, CSV and print).
 */
import { Anchor, Button, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { type UseQueryResult, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Link } from "wouter";
import { api } from "../api.ts";
import { useI18n, words } from "../i18n.tsx";
import { Countdown, downloadCsv, Loading, PageTitle, Problem, StateBadge, useNow } from "../shared.tsx";

function CsvButton({ name, header, rows }: { name: string; header: string[]; rows: unknown[][] }) {
  const { t } = useI18n();
  return (
    <Button
      size="xs"
      variant="default"
      disabled={rows.length === 0}
      onClick={() => downloadCsv(name, header, rows)}
    >
      {t.exportCsv}
    </Button>
  );
}

/** A list's body: loading, the problem, "nothing here", or the table of its items with these headings. */
function ListBody<T>({
  q,
  id,
  heads,
  children,
}: {
  q: UseQueryResult<{ items: T[] }>;
  id: string;
  heads: ReactNode[];
  children: (items: T[]) => ReactNode;
}) {
  const { t } = useI18n();
  if (q.isPending) return <Loading />;
  if (q.isError) return <Problem error={q.error} />;
  if (q.data.items.length === 0) return <Text>{t.lists.empty}</Text>;
  return (
    <Table fz="sm" id={id}>
      <Table.Thead>
        <Table.Tr>
          {heads.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the headings are fixed and in order
            <Table.Th key={i}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>{children(q.data.items)}</Table.Tbody>
    </Table>
  );
}

function CaseLinks({ ids }: { ids: number[] }) {
  return (
    <>
      {ids.map((id) => (
        <Anchor key={id} component={Link} href={`/cases/${id}`} mr={6}>
          #{id}
        </Anchor>
      ))}
    </>
  );
}

export function NoticesPage() {
  const { t, dateTime } = useI18n();
  const now = useNow();
  const q = useQuery({
    queryKey: ["notices"],
    queryFn: async () => (await api.GET("/api/v1/notices", { params: { query: { limit: 200 } } })).data!,
  });
  return (
    <Stack>
      <PageTitle
        actions={
          <CsvButton
            name="notices.csv"
            header={["reference", "received_at", "category", "location", "state", "due_at", "case"]}
            rows={(q.data?.items ?? []).flatMap((n) =>
              (n.procedures.length ? n.procedures : [null]).map((p) => [
                n.reference,
                n.received_at,
                n.category,
                p?.location ?? n.locations.join(" "),
                p?.state ?? n.state,
                p?.due?.due_at,
                p?.case_id,
              ]),
            )}
          />
        }
      >
        {t.lists.notices}
      </PageTitle>
      <ListBody
        q={q}
        id="notices"
        heads={[
          "#",
          t.lists.received,
          t.lists.category,
          t.lists.location,
          t.lists.state,
          t.lists.due,
          t.lists.case,
        ]}
      >
        {(items) => (
          <>
            {items.map((n) =>
              (n.procedures.length ? n.procedures : [null]).map((p, i) => (
                <Table.Tr key={`${n.id}-${p?.location ?? ""}`}>
                  <Table.Td>
                    {i === 0 && (
                      <Anchor component={Link} href={`/notices/${n.id}`}>
                        {n.reference}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>{i === 0 ? dateTime(n.received_at) : ""}</Table.Td>
                  <Table.Td>{words(n.category)}</Table.Td>
                  <Table.Td className="mono">{p?.location ?? n.locations.join(", ")}</Table.Td>
                  <Table.Td>
                    <StateBadge state={p?.state ?? n.state} />
                  </Table.Td>
                  <Table.Td>{p?.due ? <Countdown due={p.due.due_at} now={now} /> : "—"}</Table.Td>
                  <Table.Td>{p && <CaseLinks ids={[p.case_id]} />}</Table.Td>
                </Table.Tr>
              )),
            )}
          </>
        )}
      </ListBody>
    </Stack>
  );
}

export function OrdersPage() {
  const { t, dateTime } = useI18n();
  const now = useNow();
  const q = useQuery({
    queryKey: ["orders"],
    queryFn: async () => (await api.GET("/api/v1/orders", { params: { query: { limit: 200 } } })).data!,
  });
  return (
    <Stack>
      <PageTitle
        actions={
          <CsvButton
            name="orders.csv"
            header={[
              "reference",
              "authority",
              "received_at",
              "category",
              "deadline_state",
              "due_at",
              "executed_at",
              "cases",
            ]}
            rows={(q.data?.items ?? []).map((o) => [
              o.reference,
              o.authority_name,
              o.received_at,
              o.category,
              o.deadline.state,
              o.deadline.due_at,
              o.executed_at,
              (o.cases ?? []).map((c) => c.id).join(" "),
            ])}
          />
        }
      >
        {t.lists.orders}
      </PageTitle>
      <ListBody
        q={q}
        id="orders"
        heads={[
          "#",
          t.lists.authority,
          t.lists.received,
          t.lists.category,
          t.lists.state,
          t.lists.due,
          t.lists.case,
        ]}
      >
        {(items) => (
          <>
            {items.map((o) => (
              <Table.Tr key={o.id}>
                <Table.Td>
                  <Anchor component={Link} href={`/orders/${o.id}`}>
                    {o.reference}
                  </Anchor>
                </Table.Td>
                <Table.Td>{o.authority_name}</Table.Td>
                <Table.Td>{dateTime(o.received_at)}</Table.Td>
                <Table.Td>{words(o.category)}</Table.Td>
                <Table.Td>
                  <StateBadge state={o.deadline.state} />
                </Table.Td>
                <Table.Td>
                  {o.executed_at ? dateTime(o.executed_at) : <Countdown due={o.deadline.due_at} now={now} />}
                </Table.Td>
                <Table.Td>
                  <CaseLinks ids={(o.cases ?? []).map((c) => c.id)} />
                </Table.Td>
              </Table.Tr>
            ))}
          </>
        )}
      </ListBody>
    </Stack>
  );
}

export function MeasuresPage() {
  const { t, dateTime, step } = useI18n();
  const q = useQuery({
    queryKey: ["actions"],
    queryFn: async () => (await api.GET("/api/v1/actions", { params: { query: { limit: 200 } } })).data!,
  });
  return (
    <Stack>
      <PageTitle
        actions={
          <CsvButton
            name="measures.csv"
            header={[
              "id",
              "case",
              "brand",
              "customer",
              "step",
              "state",
              "requested_by",
              "approved_by",
              "created_at",
              "done_at",
            ]}
            rows={(q.data?.items ?? []).map((a) => [
              a.id,
              a.case_id,
              a.brand,
              a.customer?.id,
              a.step,
              a.state,
              a.requested_by,
              a.approved_by,
              a.created_at,
              a.done_at,
            ])}
          />
        }
      >
        {t.lists.measures}
      </PageTitle>
      <ListBody
        q={q}
        id="measures"
        heads={["#", t.lists.step, t.caseView.customer, t.lists.state, t.lists.created, t.lists.case]}
      >
        {(items) => (
          <>
            {items.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{a.id}</Table.Td>
                <Table.Td>{step(a.step)}</Table.Td>
                <Table.Td>{a.customer?.name ?? "—"}</Table.Td>
                <Table.Td>
                  <StateBadge state={a.state} />
                </Table.Td>
                <Table.Td>
                  {dateTime(a.created_at)} · {a.requested_by}
                </Table.Td>
                <Table.Td>
                  <CaseLinks ids={[a.case_id]} />
                </Table.Td>
              </Table.Tr>
            ))}
          </>
        )}
      </ListBody>
    </Stack>
  );
}

/** Flattens the report's nested figures into "notices.by_category.spam" = 3 rows. */
function flatten(value: unknown, prefix = "", out: [string, string][] = [], depth = 0): [string, string][] {
  if (depth > 6) return out;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
  } else out.push([prefix, Array.isArray(value) ? value.join(", ") : String(value ?? "—")]);
  return out;
}

export function TransparencyPage() {
  const { t } = useI18n();
  const year = new Date().getUTCFullYear();
  const [from, setFrom] = useState(`${year}-01-01`);
  const [to, setTo] = useState(new Date().toISOString().slice(0, 10));
  const [asked, setAsked] = useState({ from, to });
  const q = useQuery({
    queryKey: ["transparency", asked],
    queryFn: async () =>
      (
        await api.GET("/api/v1/reports/transparency", {
          params: {
            query: {
              from: new Date(`${asked.from}T00:00:00Z`).toISOString(),
              to: new Date(`${asked.to}T23:59:59Z`).toISOString(),
            },
          },
        })
      ).data as unknown,
  });
  const rows = q.data ? flatten(q.data) : [];
  return (
    <Stack>
      <PageTitle
        actions={
          <Group className="no-print">
            <Button
              size="xs"
              variant="default"
              disabled={rows.length === 0}
              onClick={() =>
                downloadCsv(`transparency-${asked.from}-${asked.to}.csv`, ["figure", "value"], rows)
              }
            >
              {t.transparency.csv}
            </Button>
            <Button size="xs" variant="default" onClick={() => window.print()}>
              {t.transparency.print}
            </Button>
          </Group>
        }
      >
        {t.transparency.title}
      </PageTitle>
      <Group align="flex-end" className="no-print">
        <TextInput
          type="date"
          label={t.transparency.from}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label={t.transparency.to}
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
        />
        <Button onClick={() => setAsked({ from, to })}>{t.transparency.show}</Button>
      </Group>
      <Text size="sm">
        {asked.from} – {asked.to}
      </Text>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <Problem error={q.error} />
      ) : (
        <Table fz="sm" id="transparency">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t.transparency.figure}</Table.Th>
              <Table.Th>{t.transparency.value}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Td className="mono">{k}</Table.Td>
                <Table.Td>{v}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
