/**
 * The dashboard: open work, due today, overdue, awaiting approval, triage; cases opened per day by category,
 * brand and kind; how fast the desk answers and acts; the customers with the most cases. Every figure links
 * to the list behind it. From GET /api/v1/stats/overview.
 */
import { BarChart } from "@mantine/charts";
import { Anchor, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { api } from "../api.ts";
import { useI18n, words } from "../i18n.tsx";
import { Loading, PageTitle, Problem } from "../shared.tsx";

const PALETTE = [
  "desk.6",
  "teal.6",
  "orange.6",
  "grape.6",
  "red.6",
  "yellow.6",
  "cyan.6",
  "lime.7",
  "pink.6",
  "gray.6",
];
type By = "category" | "brand" | "kind";

function Figure({
  label,
  value,
  href,
  id,
  alert,
}: {
  label: string;
  value: number;
  href: string;
  id: string;
  alert?: boolean;
}) {
  return (
    <Paper withBorder p="md">
      <Anchor component={Link} href={href} underline="hover" id={id}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {label}
        </Text>
        <Text size="2rem" fw={700} c={alert && value > 0 ? "red.8" : "dark.7"} data-figure={id}>
          {value}
        </Text>
      </Anchor>
    </Paper>
  );
}

export function Dashboard() {
  const { t, duration } = useI18n();
  const [days, setDays] = useState("30");
  const [by, setBy] = useState<By>("category");
  const stats = useQuery({
    queryKey: ["stats", days],
    queryFn: async () =>
      (await api.GET("/api/v1/stats/overview", { params: { query: { days: Number(days) } } })).data!,
  });
  if (stats.isPending) return <Loading />;
  if (stats.isError) return <Problem error={stats.error} retry={() => void stats.refetch()} />;
  const s = stats.data;

  // One row per day, one series per category (or brand, or kind): a stacked bar chart.
  const series = [...new Set(s.volumes.map((v) => v[by]))].sort();
  const byDay = new Map<string, Record<string, number | string>>();
  for (const v of s.volumes) {
    const row = byDay.get(v.day) ?? { day: v.day };
    row[v[by]] = (Number(row[v[by]] ?? 0) as number) + v.count;
    byDay.set(v.day, row);
  }
  const data = [...byDay.values()];
  const filterOf = (key: string) =>
    by === "category" ? `category=${key}` : by === "brand" ? `brand=${key}` : `kind=${key}`;

  return (
    <Stack gap="md">
      <PageTitle
        actions={
          <SegmentedControl
            size="xs"
            value={days}
            onChange={setDays}
            aria-label={t.dashboard.period(Number(days))}
            data={["7", "30", "90", "365"].map((d) => ({ value: d, label: t.dashboard.period(Number(d)) }))}
          />
        }
      >
        {t.dashboard.title}
      </PageTitle>
      <SimpleGrid cols={{ base: 2, md: 3, xl: 6 }}>
        <Figure id="fig-open" label={t.dashboard.open} value={s.open} href="/" />
        <Figure
          id="fig-due-today"
          label={t.dashboard.dueToday}
          value={s.due_today}
          href={`/?due_before=${new Date().toISOString().slice(0, 10)}`}
        />
        <Figure id="fig-overdue" label={t.dashboard.overdue} value={s.overdue} href="/?view=overdue" alert />
        <Figure
          id="fig-approval"
          label={t.dashboard.awaitingApproval}
          value={s.awaiting_approval}
          href="/?view=approval"
        />
        <Figure
          id="fig-classify"
          label={t.dashboard.needsClassification}
          value={s.needs_classification}
          href="/?view=classify"
        />
        <Figure id="fig-triage" label={t.dashboard.triage} value={s.triage} href="/reports?state=triage" />
      </SimpleGrid>
      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4">
            {t.dashboard.volumes}
          </Title>
          <SegmentedControl
            size="xs"
            value={by}
            onChange={(v) => setBy(v as By)}
            aria-label={t.dashboard.volumes}
            data={[
              { value: "category", label: t.dashboard.byCategory },
              { value: "brand", label: t.dashboard.byBrand },
              { value: "kind", label: t.dashboard.byKind },
            ]}
          />
        </Group>
        {data.length === 0 ? (
          <Text>{t.dashboard.noData}</Text>
        ) : (
          <>
            <BarChart
              h={260}
              data={data}
              dataKey="day"
              type="stacked"
              withLegend
              series={series.map((name, i) => ({
                name,
                label: words(name),
                color: PALETTE[i % PALETTE.length]!,
              }))}
            />
            <Group gap="sm" mt="xs">
              {series.map((name) => (
                <Anchor key={name} component={Link} href={`/?state=all&${filterOf(name)}`} size="sm">
                  {words(name)}: {s.volumes.filter((v) => v[by] === name).reduce((a, v) => a + v.count, 0)}
                </Anchor>
              ))}
            </Group>
          </>
        )}
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Paper withBorder p="md">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t.dashboard.firstReply}
          </Text>
          <Text size="xl" fw={700} id="median-first-reply">
            {s.median_first_reply_seconds === null ? "—" : duration(s.median_first_reply_seconds * 1000)}
          </Text>
        </Paper>
        <Paper withBorder p="md">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t.dashboard.toAction}
          </Text>
          <Text size="xl" fw={700} id="median-to-action">
            {s.median_to_action_seconds === null ? "—" : duration(s.median_to_action_seconds * 1000)}
          </Text>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="xs">
            {t.dashboard.topCustomers}
          </Title>
          <Table fz="sm">
            <Table.Tbody>
              {s.top_customers.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Anchor component={Link} href={`/?state=all&q=${encodeURIComponent(c.id)}`}>
                      {c.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ta="right">{c.cases}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
