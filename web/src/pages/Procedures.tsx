/**
 * One notice-and-takedown notice, and one authority order: what they say, each location's or subject's
 * procedure with its state and term, and (for a notice) the procedure's steps — forward to the customer,
 * pass on the reaction, the notifier's rebuttal, decide (upheld, to court, rejected) — through
 * POST /api/v1/notices/:id/steps, which checks who may take which step.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Link } from "wouter";
import { may, useMe } from "../App.tsx";
import { api, type paths } from "../api.ts";
import { useI18n, words } from "../i18n.tsx";
import { Countdown, DetailHeader, Loading, Problem, Section, StateBadge, useNow } from "../shared.tsx";

type StepBody = NonNullable<
  paths["/api/v1/notices/{id}/steps"]["post"]["requestBody"]
>["content"]["application/json"];
const NOTICE_STEPS = [
  "forward",
  "forward_reaction",
  "rebuttal",
  "decide",
  "act",
  "complete",
  "lapse",
] as const;
const DECISIONS = ["upheld", "to_court", "rejected"] as const;
const BASES = ["manifest", "law", "order", "terms", "assessment"] as const;

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm">
      <strong>{label}:</strong> {children}
    </Text>
  );
}

export function NoticePage({ id }: { id: number }) {
  const { t, dateTime, step } = useI18n();
  const me = useMe();
  const now = useNow();
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ["notice", id],
    queryFn: async () =>
      (await api.GET("/api/v1/notices/{id}", { params: { path: { id: String(id) } } })).data!,
  });
  const [which, setWhich] = useState<string | null>(null);
  const [cases, setCases] = useState<string[]>([]);
  const [decision, setDecision] = useState<string | null>(null);
  const [basis, setBasis] = useState<string | null>(null);
  const [ground, setGround] = useState("");
  const [reason, setReason] = useState("");
  const [unfounded, setUnfounded] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const take = useMutation({
    mutationFn: async () => {
      const body: StepBody = {
        step: which as StepBody["step"],
        ...(cases.length ? { cases: cases.map(Number) } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(which === "decide" && decision ? { decision: decision as StepBody["decision"] } : {}),
        ...(which === "decide" && basis ? { basis: basis as StepBody["basis"] } : {}),
        ...(which === "decide" && ground.trim()
          ? { ground: { kind: "terms", document: ground.trim() } }
          : {}),
        ...(which === "decide" && decision === "rejected" ? { manifestly_unfounded: unfounded } : {}),
      };
      return (await api.POST("/api/v1/notices/{id}/steps", { params: { path: { id: String(id) } }, body }))
        .data!;
    },
    onSuccess: () => {
      setNotice(t.notice.taken(t.notice.steps[which as (typeof NOTICE_STEPS)[number]]));
      setWhich(null);
      setReason("");
      void client.invalidateQueries({ queryKey: ["notice", id] });
      void client.invalidateQueries({ queryKey: ["notices"] });
      void client.invalidateQueries({ queryKey: ["cases"] });
    },
  });
  if (q.isPending) return <Loading />;
  if (q.isError) return <Problem error={q.error} />;
  const n = q.data;
  return (
    <Stack gap="md">
      <DetailHeader
        back={{ href: "/notices", label: t.lists.notices }}
        title={n.reference}
        aside={`${words(n.category)} · ${n.brand} · ${n.channel}`}
      />
      <Group gap="xs">
        <StateBadge state={n.state} />
        {n.trusted && <Badge color="grape">{t.notice.trusted}</Badge>}
        {n.anonymous && <Badge color="gray">{t.notice.anonymous}</Badge>}
        <Text size="sm">{dateTime(n.received_at)}</Text>
      </Group>
      {notice && (
        <Alert color="green" role="status" id="notice-notice" withCloseButton onClose={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Section title={t.notice.what} id="notice-what">
          <Stack gap={4}>
            <Field label={t.notice.explanation}>{n.explanation ?? "—"}</Field>
            <Field label={t.notice.legalGround}>{n.legal_ground ?? "—"}</Field>
            <Field label={t.notice.interest}>{n.interest ?? "—"}</Field>
            <Field label={t.notice.goodFaith}>{n.good_faith ? "✓" : "—"}</Field>
            <Field label={t.notice.notifier}>
              {n.notifier.name ?? "—"} {n.notifier.email ? `<${n.notifier.email}>` : ""}
            </Field>
            {n.missing.length > 0 && (
              <Alert color="yellow" mt="xs">
                {t.notice.missing}: {n.missing.map(words).join(", ")}
              </Alert>
            )}
            {n.unresolved.length > 0 && (
              <Field label={t.notice.unresolved}>
                <span className="mono">{n.unresolved.join(", ")}</span>
              </Field>
            )}
          </Stack>
        </Section>
        <Section title={t.notice.procedures} id="notice-procedures">
          <Table fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t.lists.location}</Table.Th>
                <Table.Th>{t.lists.state}</Table.Th>
                <Table.Th>{t.lists.due}</Table.Th>
                <Table.Th>{t.lists.case}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {n.procedures.map((p) => (
                <Table.Tr key={p.case_id} data-procedure={p.case_id}>
                  <Table.Td className="mono subjects" title={p.location}>
                    {p.location}
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={p.state} />
                    {p.decision && <Text size="xs">{words(p.decision)}</Text>}
                  </Table.Td>
                  <Table.Td>{p.due ? <Countdown due={p.due.due_at} now={now} /> : "—"}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} href={`/cases/${p.case_id}`}>
                      #{p.case_id}
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Section>
      </SimpleGrid>
      {may(me, "work") && (
        <Section title={t.notice.step} id="notice-step">
          <Stack gap="xs">
            <Group align="flex-end">
              <Select
                label={t.notice.step}
                data={NOTICE_STEPS.map((s) => ({ value: s, label: t.notice.steps[s] }))}
                value={which}
                onChange={setWhich}
                w={240}
                id="notice-step-select"
              />
              {n.procedures.length > 1 && (
                <MultiSelect
                  label={t.notice.which}
                  placeholder={t.all}
                  data={n.procedures.map((p) => ({
                    value: String(p.case_id),
                    label: `#${p.case_id} ${p.location}`,
                  }))}
                  value={cases}
                  onChange={setCases}
                  w={320}
                />
              )}
            </Group>
            {which === "decide" && (
              <Group align="flex-end">
                <Select
                  label={t.notice.decision}
                  data={DECISIONS.map((d) => ({ value: d, label: words(d) }))}
                  value={decision}
                  onChange={setDecision}
                  w={180}
                />
                <Select
                  label={t.notice.basis}
                  data={BASES.map((b) => ({ value: b, label: words(b) }))}
                  value={basis}
                  onChange={setBasis}
                  clearable
                  w={180}
                />
                {decision === "upheld" && (
                  <TextInput
                    label={t.notice.ground}
                    value={ground}
                    onChange={(e) => setGround(e.currentTarget.value)}
                    w={260}
                  />
                )}
                {decision === "rejected" && (
                  <Checkbox
                    label={t.notice.unfounded}
                    checked={unfounded}
                    onChange={(e) => setUnfounded(e.currentTarget.checked)}
                    mb={8}
                  />
                )}
              </Group>
            )}
            {which && (
              <>
                <Textarea
                  label={t.caseView.reason}
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                />
                <Group>
                  <Button onClick={() => take.mutate()} loading={take.isPending} id="notice-step-take">
                    {t.notice.steps[which as (typeof NOTICE_STEPS)[number]]}
                  </Button>
                </Group>
              </>
            )}
            {take.error && <Problem error={take.error} />}
          </Stack>
        </Section>
      )}
      {n.complaints.length > 0 && (
        <Section title={t.notice.complaints} id="notice-complaints">
          {n.complaints.map((c) => (
            <Text size="sm" key={c.id}>
              {dateTime(c.received_at)} · {c.complainant} · {c.text}
            </Text>
          ))}
        </Section>
      )}
      <Text size="xs" c="dimmed">
        {step("remove_content")}: {t.notice.actHint}
      </Text>
    </Stack>
  );
}

export function OrderPage({ id }: { id: number }) {
  const { t, dateTime, step } = useI18n();
  const now = useNow();
  const q = useQuery({
    queryKey: ["order", id],
    queryFn: async () => (await api.GET("/api/v1/orders/{id}", { params: { path: { id } } })).data!,
  });
  if (q.isPending) return <Loading />;
  if (q.isError) return <Problem error={q.error} />;
  const o = q.data;
  return (
    <Stack gap="md">
      <DetailHeader
        back={{ href: "/orders", label: t.lists.orders }}
        title={o.reference}
        aside={`${o.authority_name} · ${words(o.category)}`}
      />
      <Group gap="xs">
        <StateBadge state={o.deadline.state} />
        {o.gag && <Badge color="red">{t.order.gag}</Badge>}
        <Text size="sm">
          {t.lists.due}:{" "}
          {o.executed_at ? `✓ ${dateTime(o.executed_at)}` : <Countdown due={o.deadline.due_at} now={now} />}
        </Text>
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Section title={t.order.what} id="order-what">
          <Stack gap={4}>
            <Field label={t.order.legalBasis}>{o.legal_basis}</Field>
            <Field label={t.lists.received}>{dateTime(o.received_at)}</Field>
            <Field label={t.order.subjects}>
              <span className="mono">{o.subjects.join(", ")}</span>
            </Field>
            <Field label={t.order.requested}>{o.requested.map((r) => step(r)).join(", ")}</Field>
            <Field label={t.order.deadline}>
              {dateTime(o.deadline.due_at)} ({o.deadline.source})
              {o.deadline.stated ? ` · ${o.deadline.stated}` : ""}
            </Field>
            {o.unresolved.length > 0 && (
              <Field label={t.notice.unresolved}>
                <span className="mono">{o.unresolved.join(", ")}</span>
              </Field>
            )}
          </Stack>
        </Section>
        <Section title={t.order.cases} id="order-cases">
          <Stack gap={4}>
            {(o.cases ?? []).map((c) => (
              <Text size="sm" key={c.id}>
                <Anchor component={Link} href={`/cases/${c.id}`}>
                  #{c.id}
                </Anchor>{" "}
                {c.customer?.name ?? "—"} · {words(c.state)}
              </Text>
            ))}
            {(o.actions ?? []).map((a) => (
              <Text size="sm" key={a.id}>
                {step(a.step)} · {words(a.state)} {a.done_at ? `· ${dateTime(a.done_at)}` : ""}
              </Text>
            ))}
          </Stack>
        </Section>
      </SimpleGrid>
    </Stack>
  );
}
