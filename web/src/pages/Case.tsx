/**
 * One case: the proposal with its clause and reasoning and the buttons to take it or another step (a reason
 * is required to deviate); approval or refusal of a severe step by a second person; the timeline (reports,
 * notes, audit, steps and messages in one stream); the evidence; notes, messages, facts, state, owner and
 * the customer's history. Every change goes through the public API and comes back on the timeline.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Divider,
  Grid,
  Group,
  Modal,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "wouter";
import { STEPS } from "../../../src/policy/steps.ts";
import { may, useMe } from "../App.tsx";
import { api, type CaseView } from "../api.ts";
import { useI18n, words } from "../i18n.tsx";
import { CATEGORIES, Countdown, Loading, Problem, Section, StateBadge, useNow } from "../shared.tsx";
import { ReportReader } from "./ReportReader.tsx";

/** The message templates a person may send from a case (the rest are sent by the procedures themselves). */
const TEMPLATES = {
  customer: ["notice", "request_information", "reminder", "notice_of_default", "decision"],
  reporter: ["acknowledgement", "reporter_update", "missing_information", "decision"],
} as const;

export function CasePage({ id }: { id: number }) {
  const { t } = useI18n();
  const c = useQuery({
    queryKey: ["case", id],
    queryFn: async () => (await api.GET("/api/v1/cases/{id}", { params: { path: { id } } })).data!,
  });
  if (c.isPending) return <Loading />;
  if (c.isError) return <Problem error={c.error} retry={() => void c.refetch()} />;
  return (
    <Stack gap="md">
      <Anchor component={Link} href="/" size="sm">
        ← {t.caseView.back}
      </Anchor>
      <CaseBody c={c.data} />
    </Stack>
  );
}

function CaseBody({ c }: { c: CaseView }) {
  const { t, dateTime, step } = useI18n();
  const me = useMe();
  const now = useNow();
  const client = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const done = (text: string) => {
    setNotice(text);
    void client.invalidateQueries({ queryKey: ["case", c.id] });
    void client.invalidateQueries({ queryKey: ["cases"] });
    void client.invalidateQueries({ queryKey: ["stats"] });
  };
  const canWork = may(me, "work");
  const canApprove = may(me, "approve");
  // The customer's KYC status beside the case (its page has the records).
  const kyc = useQuery({
    queryKey: ["customer", c.customer?.id],
    enabled: c.customer !== null,
    queryFn: async () =>
      (await api.GET("/api/v1/customers/{id}", { params: { path: { id: c.customer!.id } } })).data!,
  });

  const assign = useMutation({
    mutationFn: async () =>
      api.POST("/api/v1/cases/{id}/assign", {
        params: { path: { id: c.id } },
        body: { owner: me.user_id ?? me.name },
      }),
    onSuccess: () => done(t.queue.assigned(1)),
  });

  return (
    <>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            {t.caseView.title(c.id)}{" "}
            <Text span c="dimmed" size="lg">
              {words(c.category)} · {c.brand} · {c.kind}
            </Text>
          </Title>
          <Group gap="xs" mt={4}>
            <StateBadge state={c.state} />
            {c.escalated && <Badge color="red">escalated</Badge>}
            <Text size="sm">
              {t.caseView.customer}:{" "}
              {c.customer ? (
                <Anchor component={Link} href={`/customers/${encodeURIComponent(c.customer.id)}`} fw={700}>
                  {c.customer.name} ({c.customer.id})
                </Anchor>
              ) : (
                t.caseView.noCustomer
              )}
              {kyc.data && (
                <>
                  {" "}
                  · KYC: <strong id="case-kyc">{words(kyc.data.kyc_status)}</strong>
                </>
              )}
            </Text>
            <Text size="sm">
              · {t.caseView.owner}: {c.owner?.email ?? t.unassigned}
            </Text>
            <Text size="sm">
              · {t.caseView.opened}: {dateTime(c.opened_at)}
            </Text>
          </Group>
        </div>
        {canWork && c.owner?.id !== me.user_id && (
          <Button variant="default" size="xs" onClick={() => assign.mutate()} loading={assign.isPending}>
            {t.caseView.assignMe}
          </Button>
        )}
      </Group>
      {notice && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          onClose={() => setNotice(null)}
          closeButtonLabel={t.close}
          id="case-notice"
        >
          {notice}
        </Alert>
      )}
      {assign.error && <Problem error={assign.error} />}
      {c.needs_classification && (
        <Classify c={c} onDone={() => done(t.caseView.classified)} canWork={canWork} />
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Proposal c={c} canWork={canWork} onDone={done} />
            <Steps c={c} canApprove={canApprove} onDone={done} />
            <Timeline c={c} />
            <Evidence c={c} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <Section title={t.caseView.deadlines} id="deadlines">
              {c.deadlines.length === 0 ? (
                <Text size="sm">{t.due.none}</Text>
              ) : (
                <Stack gap={4}>
                  {c.deadlines.map((d) => (
                    <Text size="sm" key={`${d.name}-${d.due_at}`}>
                      {words(d.name)}:{" "}
                      {d.met_at ? `✓ ${dateTime(d.met_at)}` : <Countdown due={d.due_at} now={now} />}
                    </Text>
                  ))}
                </Stack>
              )}
            </Section>
            {canWork && <StateChange c={c} onDone={() => done(t.caseView.stateChanged)} />}
            {canWork && <MergeSplit c={c} onDone={done} />}
            <Notes c={c} canWork={canWork} onDone={() => done(t.caseView.noted)} />
            <Messages c={c} canWork={canWork} onDone={(text) => done(text)} />
            <Section title={t.caseView.facts} id="facts">
              <Facts c={c} canWork={canWork} onDone={() => done(t.saved)} />
            </Section>
            <Section title={t.caseView.history} id="history">
              {c.customer_history.cases.length === 0 ? (
                <Text size="sm">{t.caseView.noHistory}</Text>
              ) : (
                <Stack gap={4}>
                  {c.customer_history.cases.map((h) => (
                    <Text size="sm" key={h.id}>
                      <Anchor component={Link} href={`/cases/${h.id}`}>
                        #{h.id}
                      </Anchor>{" "}
                      {words(h.category)} · {dateTime(h.opened_at)}
                      {h.actions.length > 0 && ` · ${h.actions.map((a) => step(a.step)).join(", ")}`}
                    </Text>
                  ))}
                </Stack>
              )}
            </Section>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}

function Proposal({ c, canWork, onDone }: { c: CaseView; canWork: boolean; onDone: (text: string) => void }) {
  const { t, step, dateTime } = useI18n();
  const [confirm, setConfirm] = useState(false);
  const [other, setOther] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [note, setNote] = useState("");
  const p = c.proposal;
  const take = useMutation({
    mutationFn: async (body: { step: string; reason?: string; note?: string }) =>
      (await api.POST("/api/v1/cases/{id}/actions", { params: { path: { id: c.id } }, body: body as never }))
        .data!,
    onSuccess: (r) => {
      setConfirm(false);
      setOther(null);
      setReason("");
      setNote("");
      onDone(
        r.action.needs_approval
          ? t.caseView.waitsApproval(step(r.action.step))
          : t.caseView.taken(step(r.action.step)),
      );
    },
  });
  const deviates = other !== null && other !== p?.step;
  return (
    <Section title={t.caseView.proposal} id="proposal">
      {p ? (
        <Stack gap="xs">
          <Text size="lg" fw={700} id="proposed-step">
            {step(p.step)}
          </Text>
          <Text size="sm" fw={600}>
            {t.caseView.clause}: {p.clause.document}, {p.clause.article}
          </Text>
          <blockquote className="clause" id="proposal-clause">
            {p.clause.quote}
          </blockquote>
          <Text size="sm">
            <strong>{t.caseView.reasoning}:</strong> <span id="proposal-reasoning">{p.reasoning}</span>
          </Text>
          {p.basis && (
            <Text size="sm">
              <strong>{t.caseView.basis}:</strong> {p.basis.document}, {p.basis.article}: “{p.basis.quote}”
            </Text>
          )}
          {p.needs_approval && (
            <Text size="sm" c="orange.9">
              {t.caseView.needsApproval}
            </Text>
          )}
          {p.waiting_until && <Text size="sm">{t.caseView.waitingUntil(dateTime(p.waiting_until))}</Text>}
          {canWork && (
            <Group>
              <Button onClick={() => setConfirm(true)} id="take-proposal">
                {t.caseView.takeProposal}: {step(p.step)}
              </Button>
            </Group>
          )}
        </Stack>
      ) : (
        <Text size="sm">{c.proposal_note ?? t.queue.noProposal}</Text>
      )}
      {canWork && (
        <>
          <Divider my="sm" label={t.caseView.otherStep} labelPosition="left" />
          <Stack gap="xs">
            <Select
              label={t.caseView.step}
              data={STEPS.map((s) => ({ value: s, label: step(s) }))}
              value={other}
              onChange={setOther}
              clearable
              id="other-step"
            />
            {other !== null && (
              <>
                <Textarea
                  label={t.caseView.reason}
                  description={t.caseView.reasonHint}
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                  required={deviates}
                  id="other-reason"
                />
                <Button
                  disabled={deviates && reason.trim() === ""}
                  onClick={() =>
                    take.mutate({ step: other, ...(reason.trim() ? { reason: reason.trim() } : {}) })
                  }
                  loading={take.isPending}
                  variant="light"
                  id="take-other"
                >
                  {t.caseView.take}: {step(other)}
                </Button>
              </>
            )}
          </Stack>
        </>
      )}
      {take.error && !confirm && <Problem error={take.error} />}
      <Modal opened={confirm} onClose={() => setConfirm(false)} title={t.confirm}>
        {p && (
          <Stack>
            <Text>{t.queue.confirmTake(step(p.step), c.id)}</Text>
            <Textarea label={t.caseView.note} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            {take.error && <Problem error={take.error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirm(false)}>
                {t.cancel}
              </Button>
              <Button
                data-autofocus
                id="confirm-proposal"
                loading={take.isPending}
                onClick={() => take.mutate({ step: p.step, ...(note.trim() ? { note: note.trim() } : {}) })}
              >
                {t.confirm}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Section>
  );
}

function Steps({
  c,
  canApprove,
  onDone,
}: {
  c: CaseView;
  canApprove: boolean;
  onDone: (text: string) => void;
}) {
  const { t, step, dateTime } = useI18n();
  const [refusing, setRefusing] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  const approve = useMutation({
    mutationFn: async (actionId: number) =>
      api.POST("/api/v1/cases/{id}/actions/{actionId}/approve", {
        params: { path: { id: c.id, actionId } },
        body: {},
      }),
    onSuccess: () => onDone(t.caseView.approved),
  });
  const refuse = useMutation({
    mutationFn: async (actionId: number) =>
      api.POST("/api/v1/actions/{id}/refuse", { params: { path: { id: actionId } }, body: { reason } }),
    onSuccess: () => {
      setRefusing(null);
      setReason("");
      onDone(t.caseView.refused);
    },
  });
  if (c.actions.length === 0) return null;
  return (
    <Section title={t.caseView.actions} id="steps">
      {(approve.error || refuse.error) && <Problem error={approve.error ?? refuse.error} />}
      <Stack gap="xs">
        {c.actions.map((a) => (
          <Paper
            key={a.id}
            p="xs"
            bg={a.state === "awaiting_approval" ? "orange.0" : "gray.0"}
            data-action={a.id}
          >
            <Group justify="space-between">
              <Text size="sm">
                <strong>{step(a.step)}</strong> · {words(a.state)} · {t.caseView.by(a.actor)} ·{" "}
                {dateTime(a.created_at)}
                {a.approved_by && ` · ${t.caseView.approvedBy(a.approved_by)}`}
              </Text>
              {a.state === "awaiting_approval" && canApprove && (
                <Group gap="xs">
                  <Button
                    size="xs"
                    color="green"
                    onClick={() => approve.mutate(a.id)}
                    loading={approve.isPending}
                    id={`approve-${a.id}`}
                  >
                    {t.caseView.approve}
                  </Button>
                  <Button size="xs" color="red" variant="light" onClick={() => setRefusing(a.id)}>
                    {t.caseView.refuse}
                  </Button>
                </Group>
              )}
            </Group>
            {a.reason && <Text size="xs">{a.reason}</Text>}
            {a.clause && (
              <Text size="xs" c="dimmed">
                {a.clause.document}, {a.clause.article}
              </Text>
            )}
          </Paper>
        ))}
      </Stack>
      <Modal opened={refusing !== null} onClose={() => setRefusing(null)} title={t.caseView.refuse}>
        <Stack>
          <Textarea
            label={t.caseView.refuseReason}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRefusing(null)}>
              {t.cancel}
            </Button>
            <Button
              color="red"
              onClick={() => refusing !== null && refuse.mutate(refusing)}
              loading={refuse.isPending}
            >
              {t.caseView.refuse}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Section>
  );
}

interface Entry {
  at: string;
  kind: string;
  who: string | null;
  text: string;
}

function Timeline({ c }: { c: CaseView }) {
  const { t, dateTime, step } = useI18n();
  const entries: Entry[] = [
    ...c.timeline.map((e) => ({ at: e.at, kind: e.type, who: e.actor, text: `${e.action}: ${e.summary}` })),
    ...c.messages.map((m) => ({
      at: m.sent_at ?? m.created_at,
      kind: m.direction === "in" ? "message in" : "message out",
      who: m.direction === "in" ? m.from : m.party,
      text: `${m.subject ?? m.template ?? ""} (${words(m.state)})`,
    })),
    ...c.actions.map((a) => ({
      at: a.created_at,
      kind: "step",
      who: a.actor,
      text: `${step(a.step)} (${words(a.state)})`,
    })),
  ].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return (
    <Section title={t.caseView.timeline} id="timeline">
      <ol className="timeline">
        {entries.map((e) => (
          <li key={`${e.at}|${e.kind}|${e.who}|${e.text}`}>
            <Text size="xs" c="dimmed" component="span">
              {dateTime(e.at)} · {e.kind}
              {e.who ? ` · ${e.who}` : ""}
            </Text>
            <Text size="sm">{e.text}</Text>
          </li>
        ))}
      </ol>
    </Section>
  );
}

function Evidence({ c }: { c: CaseView }) {
  const { t, dateTime } = useI18n();
  return (
    <Section title={t.caseView.evidence} id="evidence">
      <Title order={3} size="h5" mb={4}>
        {t.caseView.subjects} ({c.subject_count})
      </Title>
      <Table fz="sm" mb="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t.caseView.subjects}</Table.Th>
            <Table.Th>#</Table.Th>
            <Table.Th>{t.caseView.firstSeen}</Table.Th>
            <Table.Th>{t.caseView.lastSeen}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {c.subject_details.map((s) => (
            <Table.Tr key={`${s.kind}:${s.value}`}>
              <Table.Td className="mono">{s.value}</Table.Td>
              <Table.Td>{s.event_count}</Table.Td>
              <Table.Td>{dateTime(s.first_seen_at)}</Table.Td>
              <Table.Td>{dateTime(s.last_seen_at)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={3} size="h5" mb={4}>
        {t.caseView.events(c.events.shown, c.events.total)}
      </Title>
      <Table fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t.caseView.subjects}</Table.Th>
            <Table.Th>{t.queue.category}</Table.Th>
            <Table.Th>{t.caseView.occurred}</Table.Th>
            <Table.Th>{t.caseView.report}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {c.events.items.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td className="mono">
                {e.subject.url ?? e.subject.ip ?? e.subject.domain ?? e.subject.email ?? "—"}
                {e.subject.port ? `:${e.subject.port}` : ""}
              </Table.Td>
              <Table.Td>{words(e.category)}</Table.Td>
              <Table.Td>{dateTime(e.occurred_at ?? e.received_at)}</Table.Td>
              <Table.Td>
                <ReportReader id={e.report_id} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function Classify({ c, onDone, canWork }: { c: CaseView; onDone: () => void; canWork: boolean }) {
  const { t } = useI18n();
  const [category, setCategory] = useState<string | null>(null);
  const classify = useMutation({
    mutationFn: async () =>
      api.POST("/api/v1/cases/{id}/classify", {
        params: { path: { id: c.id } },
        body: { category: category! },
      }),
    onSuccess: onDone,
  });
  return (
    <Alert color="yellow" title={t.caseView.needsClassification}>
      {c.source_categories && c.source_categories.length > 0 && (
        <Text size="sm" mb="xs">
          {t.caseView.sourceLabels}: {c.source_categories.map((s) => `${s.label} (${s.events})`).join(", ")}
        </Text>
      )}
      {canWork && (
        <Group align="flex-end">
          <Select
            label={t.caseView.classifyAs}
            data={CATEGORIES.filter((x) => x !== "other").map((x) => ({ value: x, label: words(x) }))}
            value={category}
            onChange={setCategory}
            searchable
            id="classify-category"
          />
          <Button
            disabled={!category}
            onClick={() => classify.mutate()}
            loading={classify.isPending}
            id="classify-apply"
          >
            {t.caseView.classify}
          </Button>
        </Group>
      )}
      {classify.error && <Problem error={classify.error} />}
    </Alert>
  );
}

function StateChange({ c, onDone }: { c: CaseView; onDone: () => void }) {
  const { t } = useI18n();
  const [to, setTo] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const change = useMutation({
    mutationFn: async () =>
      api.POST("/api/v1/cases/{id}/transitions", {
        params: { path: { id: c.id } },
        body: { to: to as never, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      }),
    onSuccess: () => {
      setTo(null);
      setReason("");
      onDone();
    },
  });
  if (c.allowed_transitions.length === 0) return null;
  return (
    <Section title={t.caseView.changeState} id="state">
      <Stack gap="xs">
        <Select
          label={t.caseView.to}
          data={c.allowed_transitions.map((s) => ({ value: s, label: words(s) }))}
          value={to}
          onChange={setTo}
        />
        {to && (
          <>
            <TextInput
              label={t.caseView.reason}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
            />
            <Button size="xs" onClick={() => change.mutate()} loading={change.isPending}>
              {t.save}
            </Button>
          </>
        )}
        {change.error && <Problem error={change.error} />}
      </Stack>
    </Section>
  );
}

function Notes({ c, canWork, onDone }: { c: CaseView; canWork: boolean; onDone: () => void }) {
  const { t, dateTime } = useI18n();
  const [body, setBody] = useState("");
  const [visibility, setVisibility] = useState<"internal" | "shared">("internal");
  const add = useMutation({
    mutationFn: async () =>
      api.POST("/api/v1/cases/{id}/notes", { params: { path: { id: c.id } }, body: { body, visibility } }),
    onSuccess: () => {
      setBody("");
      onDone();
    },
  });
  return (
    <Section title={t.caseView.notes} id="notes">
      <Stack gap="xs">
        {c.notes.map((n) => (
          <Paper key={n.id} p="xs" bg="gray.0">
            <Text size="xs" c="dimmed">
              {dateTime(n.created_at)} · {n.author ?? "—"} ·{" "}
              {n.visibility === "shared" ? t.caseView.shared : t.caseView.internal}
            </Text>
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {n.body}
            </Text>
          </Paper>
        ))}
        {canWork && (
          <>
            <Textarea
              label={t.caseView.addNote}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
              id="note-body"
            />
            <SegmentedControl
              size="xs"
              aria-label={t.caseView.noteVisibility}
              value={visibility}
              onChange={(v) => setVisibility(v as "internal" | "shared")}
              data={[
                { value: "internal", label: t.caseView.internal },
                { value: "shared", label: t.caseView.shared },
              ]}
            />
            <Button
              size="xs"
              disabled={body.trim() === ""}
              onClick={() => add.mutate()}
              loading={add.isPending}
              id="note-add"
            >
              {t.caseView.addNote}
            </Button>
            {add.error && <Problem error={add.error} />}
          </>
        )}
      </Stack>
    </Section>
  );
}

function Messages({ c, canWork, onDone }: { c: CaseView; canWork: boolean; onDone: (text: string) => void }) {
  const { t, dateTime } = useI18n();
  const [party, setParty] = useState<"customer" | "reporter">("customer");
  const [template, setTemplate] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: async () =>
      api.POST("/api/v1/cases/{id}/messages", {
        params: { path: { id: c.id } },
        body: { party, template: template! },
      }),
    onSuccess: () => {
      setTemplate(null);
      onDone(`${words(template ?? "")} → ${party}`);
    },
  });
  return (
    <Section title={t.caseView.messages} id="messages">
      <Stack gap={4}>
        {c.messages.map((m) => (
          <Text size="sm" key={m.id}>
            {m.direction === "in" ? "←" : "→"} {m.party} · {m.subject ?? m.template ?? "—"} · {words(m.state)}{" "}
            · {dateTime(m.sent_at ?? m.created_at)}
          </Text>
        ))}
        {c.contact_problems.length > 0 && (
          <Alert color="red" title={t.caseView.contactProblems} mt="xs">
            {c.contact_problems.map((p) => (
              <Text size="sm" key={p.message}>
                {p.party}: {p.reason}
              </Text>
            ))}
          </Alert>
        )}
        {canWork && (
          <Group align="flex-end" mt="xs">
            <Select
              label="→"
              aria-label={t.caseView.messages}
              data={[
                { value: "customer", label: t.caseView.customer },
                { value: "reporter", label: "reporter" },
              ]}
              value={party}
              onChange={(v) => {
                setParty((v ?? "customer") as "customer" | "reporter");
                setTemplate(null);
              }}
              w={140}
            />
            <Select
              label="Template"
              data={TEMPLATES[party].map((x) => ({ value: x, label: words(x) }))}
              value={template}
              onChange={setTemplate}
              w={200}
            />
            <Button size="xs" disabled={!template} onClick={() => send.mutate()} loading={send.isPending}>
              {t.confirm}
            </Button>
          </Group>
        )}
        {send.error && <Problem error={send.error} />}
      </Stack>
    </Section>
  );
}

const FACT_FLAGS = ["serious", "known_offender", "insecure_site", "cooperating"] as const;

function Facts({ c, canWork, onDone }: { c: CaseView; canWork: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const facts = c.facts as Record<string, unknown>;
  const save = useMutation({
    mutationFn: async (change: Record<string, unknown>) =>
      api.POST("/api/v1/cases/{id}/facts", {
        params: { path: { id: c.id } },
        body: { facts: change as never },
      }),
    onSuccess: onDone,
  });
  return (
    <Stack gap={4}>
      {FACT_FLAGS.map((f) => (
        <Checkbox
          key={f}
          label={t.facts[f]}
          checked={facts[f] === true}
          disabled={!canWork || save.isPending}
          onChange={(e) => save.mutate({ [f]: e.currentTarget.checked })}
        />
      ))}
      <Select
        label={t.facts.opt_in_proof}
        data={[
          { value: "shown", label: t.facts.shown },
          { value: "missing", label: t.facts.missing },
        ]}
        value={typeof facts.opt_in_proof === "string" ? facts.opt_in_proof : null}
        onChange={(v) => v && save.mutate({ opt_in_proof: v })}
        disabled={!canWork || save.isPending}
        w={220}
      />
      {save.error && <Problem error={save.error} />}
    </Stack>
  );
}

/** Merge other cases into this one, or split subjects off into a case of their own; each with a reason. */
function MergeSplit({ c, onDone }: { c: CaseView; onDone: (text: string) => void }) {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [from, setFrom] = useState("");
  const [subjects, setSubjects] = useState<string[]>([]);
  const [reason, setReason] = useState("");
  const merge = useMutation({
    mutationFn: async () =>
      (
        await api.POST("/api/v1/cases/{id}/merge", {
          params: { path: { id: c.id } },
          body: {
            from: from
              .split(/[\s,]+/)
              .map((x) => Number(x.replace("#", "")))
              .filter((n) => Number.isInteger(n) && n > 0),
            reason: reason.trim(),
          },
        })
      ).data,
    onSuccess: () => {
      setFrom("");
      setReason("");
      onDone(t.caseView.merged);
    },
  });
  const split = useMutation({
    mutationFn: async () =>
      (
        await api.POST("/api/v1/cases/{id}/split", {
          params: { path: { id: c.id } },
          body: { subjects, reason: reason.trim() },
        })
      ).data as { new_case: number } | undefined,
    onSuccess: (r) => {
      setSubjects([]);
      setReason("");
      if (r?.new_case) navigate(`/cases/${r.new_case}`);
    },
  });
  return (
    <Section title={t.caseView.mergeSplit} id="merge-split">
      <Stack gap="xs">
        <TextInput
          label={t.caseView.reason}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          id="merge-reason"
        />
        <Group align="flex-end">
          <TextInput
            label={t.caseView.mergeFrom}
            placeholder="#12, #15"
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
            w={180}
          />
          <Button
            size="xs"
            variant="light"
            disabled={!from.trim() || !reason.trim()}
            onClick={() => merge.mutate()}
            loading={merge.isPending}
          >
            {t.caseView.merge}
          </Button>
        </Group>
        {c.subject_details.length > 1 && (
          <Group align="flex-end">
            <MultiSelect
              label={t.caseView.splitOff}
              data={c.subject_details.map((s) => s.value)}
              value={subjects}
              onChange={setSubjects}
              searchable
              w={260}
            />
            <Button
              size="xs"
              variant="light"
              disabled={subjects.length === 0 || !reason.trim()}
              onClick={() => split.mutate()}
              loading={split.isPending}
            >
              {t.caseView.split}
            </Button>
          </Group>
        )}
        {(merge.error || split.error) && <Problem error={merge.error ?? split.error} />}
      </Stack>
    </Section>
  );
}
