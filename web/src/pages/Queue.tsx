/**
 * The queue: open cases, orders and escalations first, then what is due first (the API's order). Filters
 * and saved views live in the address (a link or the dashboard can open a view), keys move and act:
 * j/k move, Enter opens, a assigns to me, x selects, p takes the proposed step after a confirmation,
 * / goes to the search field.
 */
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Checkbox,
  Grid,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useLocation, useSearchParams } from "wouter";
import { useMe } from "../App.tsx";
import { api, type CaseListItem, type CaseQuery } from "../api.ts";
import { useI18n, words } from "../i18n.tsx";
import {
  CASE_STATES,
  CATEGORIES,
  Countdown,
  downloadCsv,
  KINDS,
  Loading,
  PageTitle,
  Problem,
  StateBadge,
  typing,
  useNow,
} from "../shared.tsx";

/** The saved views: each is a set of filters, named in the address as ?view=. */
const VIEWS = ["open", "mine", "approval", "orders", "classify", "overdue"] as const;
type View = (typeof VIEWS)[number];

/** The most rows one CSV export takes (pages of 200). */
const MAX_EXPORT_ROWS = 10_000;
const PAGE = 50;

function queryOf(params: URLSearchParams, userId: number | null): CaseQuery {
  const view = (params.get("view") ?? "open") as View;
  const q: Record<string, string> = {};
  for (const k of ["state", "brand", "kind", "category", "q", "unassigned"]) {
    const v = params.get(k);
    if (v) q[k] = v;
  }
  const due = params.get("due_before");
  if (due) q.due_before = new Date(`${due}T23:59:59`).toISOString();
  if (params.get("owner") === "me" && userId !== null) q.owner = String(userId);
  if (view === "mine" && userId !== null) q.owner = String(userId);
  if (view === "approval") q.awaiting_approval = "true";
  if (view === "orders") q.kind = "authority";
  if (view === "classify") q.needs_classification = "true";
  if (view === "overdue") q.due_before = new Date().toISOString();
  return q as unknown as CaseQuery;
}

export function Queue() {
  const { t, step, dateTime } = useI18n();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const now = useNow();
  const view = (VIEWS as readonly string[]).includes(params.get("view") ?? "")
    ? (params.get("view") as View)
    : "open";
  const query = useMemo(() => queryOf(params, me.user_id), [params, me.user_id]);
  const [cur, setCur] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(() => new Set());
  const [confirming, setConfirming] = useState<{ id: number; step: string } | null>(null);
  const [closing, setClosing] = useState(false);
  const [closeReason, setCloseReason] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const search = useRef<HTMLInputElement>(null);
  const rows = useRef<Map<number, HTMLTableRowElement>>(new Map());

  const brands = useQuery({
    queryKey: ["brands"],
    queryFn: async () => (await api.GET("/api/v1/brands")).data!.items,
    staleTime: 300_000,
  });
  const list = useInfiniteQuery({
    queryKey: ["cases", query],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (await api.GET("/api/v1/cases", { params: { query: { ...query, limit: PAGE, cursor: pageParam } } }))
        .data!,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items: CaseListItem[] = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const total = list.data?.pages[0]?.total ?? 0;
  const current = items[Math.min(cur, items.length - 1)];

  // The proposed step of every case on the page (one request), and the current case's whole proposal beside.
  const ids = useMemo(() => items.map((c) => c.id), [items]);
  const proposals = useQuery({
    queryKey: ["proposals", ids],
    enabled: ids.length > 0,
    queryFn: async () => {
      const steps = new Map<number, { step: string | null; needs_approval: boolean; waiting: boolean }>();
      for (let i = 0; i < ids.length; i += 100) {
        const page = (
          await api.GET("/api/v1/cases/proposals", {
            params: { query: { ids: ids.slice(i, i + 100).join(",") } as never },
          })
        ).data!;
        for (const p of page.items)
          steps.set(p.id, {
            step: p.step,
            needs_approval: p.needs_approval,
            waiting: p.waiting_until !== null,
          });
      }
      return steps;
    },
  });
  const detail = useQuery({
    queryKey: ["case", current?.id],
    enabled: current !== undefined,
    queryFn: async () =>
      (await api.GET("/api/v1/cases/{id}", { params: { path: { id: current!.id } } })).data!,
  });

  // A new filter starts at the top with nothing selected.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filter is what this effect follows
  useEffect(() => {
    setCur(0);
    setSelected(new Set());
  }, [query]);
  useEffect(() => {
    if (current) rows.current.get(current.id)?.scrollIntoView({ block: "nearest" });
  }, [current]);

  const refresh = () => {
    void client.invalidateQueries({ queryKey: ["cases"] });
    void client.invalidateQueries({ queryKey: ["case"] });
    void client.invalidateQueries({ queryKey: ["proposals"] });
    void client.invalidateQueries({ queryKey: ["stats"] });
  };
  const assign = useMutation({
    mutationFn: async (ids: number[]) =>
      (
        await api.POST("/api/v1/cases/bulk", {
          body: { ids, action: "assign", owner: me.user_id ?? me.name },
        })
      ).data!,
    onSuccess: (r) => {
      setNotice(t.queue.assigned(r.changed.length));
      refresh();
    },
  });
  const close = useMutation({
    mutationFn: async (ids: number[]) =>
      (await api.POST("/api/v1/cases/bulk", { body: { ids, action: "close", reason: closeReason } })).data!,
    onSuccess: (r) => {
      setNotice(t.queue.closed(r.changed.length));
      setClosing(false);
      setCloseReason("");
      setSelected(new Set());
      refresh();
    },
  });
  const take = useMutation({
    mutationFn: async (c: { id: number; step: string }) =>
      (
        await api.POST("/api/v1/cases/{id}/actions", {
          params: { path: { id: c.id } },
          body: { step: c.step as never },
        })
      ).data!,
    onSuccess: (r, c) => {
      setConfirming(null);
      setNotice(
        r.action.needs_approval ? t.caseView.waitsApproval(step(c.step)) : t.queue.done(step(c.step), c.id),
      );
      refresh();
    },
  });

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  // The keys: only when no field has the focus and no dialog is open.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
      if (confirming || closing) return;
      if (e.key === "j" || e.key === "ArrowDown")
        setCur((c) => Math.min(c + 1, Math.max(items.length - 1, 0)));
      else if (e.key === "k" || e.key === "ArrowUp") setCur((c) => Math.max(c - 1, 0));
      else if (e.key === "Enter" && current) navigate(`/cases/${current.id}`);
      else if (e.key === "a" && current) assign.mutate([current.id]);
      else if (e.key === "x" && current) toggle(current.id);
      else if (e.key === "p" && current) {
        const p = proposals.data?.get(current.id);
        if (p?.step && !p.waiting) setConfirming({ id: current.id, step: p.step });
      } else if (e.key === "/") search.current?.focus();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const exportCsv = async () => {
    const all: CaseListItem[] = [];
    let cursor: string | undefined;
    do {
      const page = (await api.GET("/api/v1/cases", { params: { query: { ...query, limit: 200, cursor } } }))
        .data!;
      all.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor && all.length < MAX_EXPORT_ROWS);
    downloadCsv(
      "cases.csv",
      [
        "id",
        "brand",
        "customer_id",
        "customer",
        "category",
        "kind",
        "state",
        "priority",
        "owner",
        "next_deadline",
        "due_at",
        "subjects",
        "events",
        "opened_at",
      ],
      all.map((c) => [
        c.id,
        c.brand,
        c.customer?.id,
        c.customer?.name,
        c.category,
        c.kind,
        c.state,
        c.priority,
        c.owner?.email,
        c.next_deadline?.name,
        c.next_deadline?.due_at,
        c.subjects.join(" "),
        c.event_count,
        c.opened_at,
      ]),
    );
  };

  const proposal = detail.data && current && detail.data.id === current.id ? detail.data.proposal : undefined;
  const canWork = me.abilities.includes("work");
  return (
    <Stack gap="sm">
      <PageTitle
        actions={
          <Button variant="default" size="xs" onClick={() => void exportCsv()}>
            {t.exportCsv}
          </Button>
        }
      >
        {t.queue.title}
      </PageTitle>
      <Tabs
        value={view}
        onChange={(v) => setParam("view", v === "open" ? null : v)}
        aria-label={t.queue.title}
      >
        <Tabs.List>
          {VIEWS.map((v) => (
            <Tabs.Tab key={v} value={v} id={`view-${v}`}>
              {t.queue.views[v]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Group gap="sm" align="flex-end" role="search" aria-label={t.queue.filters}>
        <TextInput
          ref={search}
          label={t.queue.search}
          defaultValue={params.get("q") ?? ""}
          onKeyDown={(e) => {
            if (e.key === "Enter") setParam("q", e.currentTarget.value.trim() || null);
            if (e.key === "Escape") e.currentTarget.blur();
          }}
          onBlur={(e) => setParam("q", e.currentTarget.value.trim() || null)}
          w={260}
          name="q"
        />
        <Select
          label={t.queue.state}
          data={[{ value: "all", label: t.all }, ...CASE_STATES.map((s) => ({ value: s, label: words(s) }))]}
          value={params.get("state")}
          onChange={(v) => setParam("state", v)}
          clearable
          placeholder={words("open")}
          w={170}
        />
        <Select
          label={t.queue.brand}
          data={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
          value={params.get("brand")}
          onChange={(v) => setParam("brand", v)}
          clearable
          w={170}
        />
        <Select
          label={t.queue.kind}
          data={KINDS.map((k) => ({ value: k, label: k }))}
          value={params.get("kind")}
          onChange={(v) => setParam("kind", v)}
          clearable
          w={130}
        />
        <Select
          label={t.queue.category}
          data={CATEGORIES.map((c) => ({ value: c, label: words(c) }))}
          value={params.get("category")}
          onChange={(v) => setParam("category", v)}
          clearable
          searchable
          w={190}
        />
        <Select
          label={t.queue.columns.owner}
          data={[
            { value: "me", label: t.queue.ownerMe },
            { value: "none", label: t.unassigned },
          ]}
          value={params.get("owner") === "me" ? "me" : params.get("unassigned") === "true" ? "none" : null}
          onChange={(v) => {
            const next = new URLSearchParams(params);
            next.delete("owner");
            next.delete("unassigned");
            if (v === "me") next.set("owner", "me");
            if (v === "none") next.set("unassigned", "true");
            setParams(next);
          }}
          clearable
          placeholder={t.all}
          w={150}
        />
        <TextInput
          type="date"
          label={t.queue.dueBefore}
          value={params.get("due_before") ?? ""}
          onChange={(e) => setParam("due_before", e.currentTarget.value || null)}
          w={160}
        />
      </Group>
      <Text size="xs" c="dimmed" id="queue-keys">
        {t.queue.keys}
      </Text>
      {notice && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          onClose={() => setNotice(null)}
          closeButtonLabel={t.close}
        >
          {notice}
        </Alert>
      )}
      {(assign.error || close.error) && <Problem error={assign.error ?? close.error} />}
      {selected.size > 0 && canWork && (
        <Group gap="sm" role="toolbar" aria-label={t.queue.selected(selected.size)}>
          <Text size="sm" fw={600}>
            {t.queue.selected(selected.size)}
          </Text>
          <Button size="xs" onClick={() => assign.mutate([...selected])} loading={assign.isPending}>
            {t.queue.assignMe}
          </Button>
          <Button size="xs" color="gray" onClick={() => setClosing(true)}>
            {t.queue.closeSelected}
          </Button>
        </Group>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 9 }}>
          <Text size="sm" c="dimmed" id="queue-total" mb={4}>
            {t.queue.total(total)}
          </Text>
          {list.isPending ? (
            <Loading />
          ) : list.isError ? (
            <Problem error={list.error} retry={() => void list.refetch()} />
          ) : items.length === 0 ? (
            <Text id="queue-empty">{t.queue.empty}</Text>
          ) : (
            <Box style={{ overflowX: "auto" }}>
              <Table highlightOnHover verticalSpacing={6} fz="sm" aria-describedby="queue-keys" id="queue">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>
                      <span className="visually-hidden">{t.queue.columns.select}</span>
                    </Table.Th>
                    <Table.Th>{t.queue.columns.case}</Table.Th>
                    <Table.Th>{t.queue.columns.due}</Table.Th>
                    <Table.Th>{t.queue.columns.priority}</Table.Th>
                    <Table.Th>{t.queue.columns.brand}</Table.Th>
                    <Table.Th>{t.queue.columns.customer}</Table.Th>
                    <Table.Th>{t.queue.columns.category}</Table.Th>
                    <Table.Th>{t.queue.columns.subjects}</Table.Th>
                    <Table.Th>{t.queue.columns.state}</Table.Th>
                    <Table.Th>{t.queue.columns.owner}</Table.Th>
                    <Table.Th>{t.queue.proposed}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((c, i) => (
                    <Table.Tr
                      key={c.id}
                      ref={(el) => {
                        if (el) rows.current.set(c.id, el);
                        else rows.current.delete(c.id);
                      }}
                      className="queue-row"
                      data-current={i === cur}
                      data-case={c.id}
                      aria-selected={i === cur}
                      onClick={() => setCur(i)}
                      onDoubleClick={() => navigate(`/cases/${c.id}`)}
                    >
                      <Table.Td>
                        <Checkbox
                          aria-label={`${t.queue.columns.select} #${c.id}`}
                          checked={selected.has(c.id)}
                          onChange={() => toggle(c.id)}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} href={`/cases/${c.id}`} fw={600}>
                          #{c.id}
                        </Anchor>
                        {c.kind !== "abuse" && (
                          <Badge
                            size="xs"
                            ml={4}
                            color={c.kind === "authority" ? "red" : "violet"}
                            variant="light"
                          >
                            {c.kind}
                          </Badge>
                        )}
                        {c.escalated && (
                          <Badge size="xs" ml={4} color="red">
                            !
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Countdown due={c.next_deadline?.due_at} now={now} />
                        {c.next_deadline && (
                          <Text size="xs" c="dimmed">
                            {words(c.next_deadline.name)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{c.priority}</Table.Td>
                      <Table.Td className="nowrap">{c.brand}</Table.Td>
                      <Table.Td>{c.customer?.name ?? "—"}</Table.Td>
                      <Table.Td>
                        {words(c.category)}
                        {c.needs_classification && (
                          <Badge size="xs" ml={4} color="yellow" variant="light">
                            ?
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td className="mono subjects" title={c.subjects.join(", ")}>
                        {c.subjects.join(", ")}
                        {c.subject_count > c.subjects.length && ` +${c.subject_count - c.subjects.length}`}
                      </Table.Td>
                      <Table.Td>
                        <StateBadge state={c.state} />
                      </Table.Td>
                      <Table.Td>
                        {c.owner?.email ?? (
                          <Text span c="dimmed" size="sm">
                            {t.unassigned}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td className="nowrap" data-proposed={proposals.data?.get(c.id)?.step ?? ""}>
                        {proposals.data ? step(proposals.data.get(c.id)?.step) : ""}
                        {proposals.data?.get(c.id)?.needs_approval && (
                          <Badge size="xs" ml={4} color="orange" variant="light" className="state-badge">
                            {t.queue.fourEyes}
                          </Badge>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Box>
          )}
          {list.hasNextPage && (
            <Button
              variant="default"
              mt="sm"
              onClick={() => void list.fetchNextPage()}
              loading={list.isFetchingNextPage}
            >
              {t.loadMore}
            </Button>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 3 }}>
          {current && (
            <Paper withBorder p="md" aria-labelledby="preview-title" id="preview">
              <Title order={2} size="h4" id="preview-title" mb="xs">
                {t.queue.preview}: #{current.id}
              </Title>
              <Text size="sm" c="dimmed" mb="sm">
                {current.customer?.name ?? "—"} · {words(current.category)} · {dateTime(current.opened_at)}
              </Text>
              {detail.isPending ? (
                <Loading />
              ) : proposal ? (
                <Stack gap="xs">
                  <Text size="sm">
                    {t.queue.proposed}: <strong id="preview-step">{step(proposal.step)}</strong>
                  </Text>
                  <Text size="sm" className="clause">
                    {proposal.clause.document} {proposal.clause.article}: “{proposal.clause.quote}”
                  </Text>
                  {canWork && !proposal.waiting_until && (
                    <Button size="xs" onClick={() => setConfirming({ id: current.id, step: proposal.step })}>
                      {t.queue.takeProposed(step(proposal.step))} (p)
                    </Button>
                  )}
                </Stack>
              ) : (
                <Text size="sm">{detail.data?.proposal_note ?? t.queue.noProposal}</Text>
              )}
            </Paper>
          )}
        </Grid.Col>
      </Grid>
      <Modal opened={confirming !== null} onClose={() => setConfirming(null)} title={t.confirm}>
        {confirming && (
          <Stack>
            <Text>{t.queue.confirmTake(step(confirming.step), confirming.id)}</Text>
            {take.error && <Problem error={take.error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(null)}>
                {t.cancel}
              </Button>
              <Button
                data-autofocus
                onClick={() => take.mutate(confirming)}
                loading={take.isPending}
                id="confirm-take"
              >
                {t.confirm}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
      <Modal opened={closing} onClose={() => setClosing(false)} title={t.queue.closeSelected}>
        <Stack>
          <Textarea
            label={t.queue.closeReason}
            value={closeReason}
            onChange={(e) => setCloseReason(e.currentTarget.value)}
            required
            data-autofocus
          />
          {close.error && <Problem error={close.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setClosing(false)}>
              {t.cancel}
            </Button>
            <Button
              disabled={closeReason.trim() === ""}
              onClick={() => close.mutate([...selected])}
              loading={close.isPending}
            >
              {t.confirm}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
