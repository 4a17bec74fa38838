/**
 * Reports as received: in triage, parsed, waiting or failed. A report in triage is classified here by picking
 * a category (and, when nothing readable was found, naming its subjects), which files its events.
 */
import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
} from "@mantine/core";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "wouter";
import { may, useMe } from "../App.tsx";
import { api } from "../api.ts";
import { useI18n, words } from "../i18n.tsx";
import { CATEGORIES, downloadCsv, Loading, PageTitle, Problem } from "../shared.tsx";
import { ReportReader } from "./ReportReader.tsx";

const STATES = ["triage", "parsed", "processing", "error"] as const;
type State = (typeof STATES)[number];

export function ReportsPage() {
  const { t, dateTime } = useI18n();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const client = useQueryClient();
  const state: State = (STATES as readonly string[]).includes(params.get("state") ?? "")
    ? (params.get("state") as State)
    : "triage";
  const [classifying, setClassifying] = useState<number | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [subjects, setSubjects] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const list = useInfiniteQuery({
    queryKey: ["reports", state],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (await api.GET("/api/v1/reports", { params: { query: { state, limit: 50, cursor: pageParam } } }))
        .data!,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const classify = useMutation({
    mutationFn: async (id: number) => {
      const named = subjects
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean);
      return (
        await api.POST("/api/v1/reports/{id}/classify", {
          params: { path: { id } },
          body: { category: category!, ...(named.length ? { subjects: named } : {}) },
        })
      ).data!;
    },
    onSuccess: (r) => {
      setNotice(t.reportsView.classified(r.id, r.event_count));
      setClassifying(null);
      setCategory(null);
      setSubjects("");
      void client.invalidateQueries({ queryKey: ["reports"] });
      void client.invalidateQueries({ queryKey: ["cases"] });
      void client.invalidateQueries({ queryKey: ["stats"] });
    },
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const canWork = may(me, "work");
  return (
    <Stack gap="sm">
      <PageTitle
        actions={
          <Button
            size="xs"
            variant="default"
            onClick={() =>
              downloadCsv(
                `reports-${state}.csv`,
                [
                  "id",
                  "received_at",
                  "channel",
                  "format",
                  "sender",
                  "subject",
                  "state",
                  "events",
                  "triage_reason",
                ],
                items.map((r) => [
                  r.id,
                  r.received_at,
                  r.channel,
                  r.format,
                  r.reporter?.email ?? r.mail_from,
                  r.subject,
                  r.state,
                  r.event_count,
                  r.triage_reason,
                ]),
              )
            }
          >
            {t.exportCsv}
          </Button>
        }
      >
        {t.reportsView.title}
      </PageTitle>
      <Tabs value={state} onChange={(v) => setParams(v === "triage" ? {} : { state: v ?? "triage" })}>
        <Tabs.List>
          {STATES.map((s) => (
            <Tabs.Tab key={s} value={s}>
              {t.reportsView.states[s]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {notice && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          onClose={() => setNotice(null)}
          closeButtonLabel={t.close}
          id="reports-notice"
        >
          {notice}
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        {list.data?.pages[0]?.total ?? 0}
      </Text>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <Problem error={list.error} retry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Text>{t.reportsView.empty}</Text>
      ) : (
        <Table fz="sm" id="reports">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t.reportsView.received}</Table.Th>
              <Table.Th>{t.reportsView.channel}</Table.Th>
              <Table.Th>{t.reportsView.format}</Table.Th>
              <Table.Th>{t.reportsView.sender}</Table.Th>
              <Table.Th>{t.reportsView.subject}</Table.Th>
              <Table.Th>{t.reportsView.events}</Table.Th>
              <Table.Th>{state === "triage" ? t.reportsView.reason : t.reportsView.state}</Table.Th>
              <Table.Th>
                <span className="visually-hidden">{t.reportsView.classify}</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((r) => (
              <Table.Tr key={r.id} data-report={r.id}>
                <Table.Td>
                  <ReportReader id={r.id} />
                </Table.Td>
                <Table.Td>{dateTime(r.received_at)}</Table.Td>
                <Table.Td>{r.channel}</Table.Td>
                <Table.Td>{r.format ?? "—"}</Table.Td>
                <Table.Td className="mono">{r.reporter?.email ?? r.mail_from ?? "—"}</Table.Td>
                <Table.Td>{r.subject ?? r.filename ?? "—"}</Table.Td>
                <Table.Td>
                  {r.event_count}
                  {r.cases.slice(0, 3).map((id) => (
                    <Anchor key={id} component={Link} href={`/cases/${id}`} ml={4}>
                      #{id}
                    </Anchor>
                  ))}
                </Table.Td>
                <Table.Td>{state === "triage" ? r.triage_reason : words(r.state)}</Table.Td>
                <Table.Td>
                  {canWork && (r.state === "triage" || r.state === "parsed") && (
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() => setClassifying(r.id)}
                      id={`classify-${r.id}`}
                    >
                      {t.reportsView.classify}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {list.hasNextPage && (
        <Button variant="default" onClick={() => void list.fetchNextPage()}>
          {t.loadMore}
        </Button>
      )}
      <Modal
        opened={classifying !== null}
        onClose={() => setClassifying(null)}
        title={classifying !== null ? t.reportsView.classifyTitle(classifying) : ""}
      >
        <Stack>
          <Select
            label={t.queue.category}
            data={CATEGORIES.map((c) => ({ value: c, label: words(c) }))}
            value={category}
            onChange={setCategory}
            searchable
            data-autofocus
            id="report-category"
            comboboxProps={{ withinPortal: false }}
          />
          <Textarea
            label={t.reportsView.subjects}
            value={subjects}
            onChange={(e) => setSubjects(e.currentTarget.value)}
            rows={3}
            id="report-subjects"
          />
          {classify.error && <Problem error={classify.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setClassifying(null)}>
              {t.cancel}
            </Button>
            <Button
              disabled={!category}
              onClick={() => classifying !== null && classify.mutate(classifying)}
              loading={classify.isPending}
              id="report-classify-apply"
            >
              {t.apply}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
