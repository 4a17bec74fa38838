/**
 * Settings (admin): brands and their abuse addresses; people with their roles and brands (a new person gets
 * a one-time password to hand over); API tokens (revoke); and, read-only because they live in files, each
 * brand's policy profile with every clause it quotes, the measure connectors, the templates and retention.
 */
import {
  Accordion,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { may, useMe } from "../App.tsx";
import { api } from "../api.ts";
import { useI18n, words } from "../i18n.tsx";
import { Loading, PageTitle, Problem, Section } from "../shared.tsx";

const ROLES = ["agent", "supervisor", "legal", "admin", "auditor"] as const;
/** How deep the clause finder looks into a profile (profiles are small; the bound is for safety). */
const MAX_DEPTH = 12;

interface Clause {
  path: string;
  document: string;
  article: string;
  quote: string;
}

/** Every clause in a profile ({document, article, quote} anywhere in it), with where it sits. */
export function clausesOf(value: unknown, path = "", out: Clause[] = [], depth = 0): Clause[] {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return out;
  const v = value as Record<string, unknown>;
  if (typeof v.document === "string" && typeof v.article === "string" && typeof v.quote === "string")
    out.push({ path, document: v.document, article: v.article, quote: v.quote });
  else
    for (const [k, child] of Object.entries(v)) clausesOf(child, path ? `${path}.${k}` : k, out, depth + 1);
  return out;
}

export function SettingsPage() {
  const { t } = useI18n();
  const me = useMe();
  if (!may(me, "admin")) return <Alert color="yellow">{t.settings.adminOnly}</Alert>;
  return (
    <Stack gap="md">
      <PageTitle>{t.settings.title}</PageTitle>
      <Brands />
      <Users />
      <Tokens />
      <FromFiles />
    </Stack>
  );
}

function Brands() {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ["brands"],
    queryFn: async () => (await api.GET("/api/v1/brands")).data!.items,
  });
  return (
    <Section title={t.settings.brands} id="brands">
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <Problem error={q.error} />
      ) : (
        <Table fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>id</Table.Th>
              <Table.Th>{t.customers.name}</Table.Th>
              <Table.Th>{t.settings.country}</Table.Th>
              <Table.Th>{t.language}</Table.Th>
              <Table.Th>{t.settings.abuseAddresses}</Table.Th>
              <Table.Th>{t.settings.profile}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((b) => (
              <Table.Tr key={b.id}>
                <Table.Td>{b.id}</Table.Td>
                <Table.Td>{b.name}</Table.Td>
                <Table.Td>{b.country}</Table.Td>
                <Table.Td>{b.languages.join(", ")}</Table.Td>
                <Table.Td className="mono">{b.abuse_addresses.join(", ")}</Table.Td>
                <Table.Td>{b.policy_profile}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}

function Users() {
  const { t, dateTime } = useI18n();
  const client = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<string | null>("agent");
  const [made, setMade] = useState<{ email: string; password: string } | null>(null);
  const q = useQuery({
    queryKey: ["users"],
    queryFn: async () => (await api.GET("/api/v1/users")).data!.items,
  });
  const create = useMutation({
    mutationFn: async () =>
      (
        await api.POST("/api/v1/users", {
          body: { email: email.trim(), role: role as (typeof ROLES)[number] },
        })
      ).data!,
    onSuccess: (u) => {
      setMade({ email: u.email, password: u.password });
      setEmail("");
      void client.invalidateQueries({ queryKey: ["users"] });
    },
  });
  return (
    <Section title={t.settings.users} id="users">
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <Problem error={q.error} />
      ) : (
        <Table fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t.settings.email}</Table.Th>
              <Table.Th>{t.settings.role}</Table.Th>
              <Table.Th>{t.queue.brand}</Table.Th>
              <Table.Th>TOTP</Table.Th>
              <Table.Th>{t.lists.created}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>
                  {u.email}
                  {u.disabled_at && (
                    <Badge ml={4} color="gray" className="state-badge">
                      {t.settings.disabled}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{u.role}</Table.Td>
                <Table.Td>{u.brands?.join(", ") ?? t.all}</Table.Td>
                <Table.Td>{u.totp ? "✓" : "—"}</Table.Td>
                <Table.Td>{dateTime(String(u.created_at))}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group align="flex-end" mt="sm">
        <TextInput
          label={t.settings.email}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          w={260}
        />
        <Select label={t.settings.role} data={[...ROLES]} value={role} onChange={setRole} w={160} />
        <Button disabled={!email.trim() || !role} onClick={() => create.mutate()} loading={create.isPending}>
          {t.settings.addUser}
        </Button>
      </Group>
      {create.error && <Problem error={create.error} />}
      {made && (
        <Alert color="green" mt="sm" role="status">
          {t.settings.oneTime(made.email)} <Code>{made.password}</Code>
        </Alert>
      )}
    </Section>
  );
}

function Tokens() {
  const { t, dateTime } = useI18n();
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ["tokens"],
    queryFn: async () => (await api.GET("/api/v1/tokens")).data!.items,
  });
  const revoke = useMutation({
    mutationFn: async (id: number) => api.DELETE("/api/v1/tokens/{id}", { params: { path: { id } } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["tokens"] }),
  });
  return (
    <Section title={t.settings.tokens} id="tokens">
      {revoke.error && <Problem error={revoke.error} />}
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <Problem error={q.error} />
      ) : q.data.length === 0 ? (
        <Text size="sm">{t.lists.empty}</Text>
      ) : (
        <Table fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t.customers.name}</Table.Th>
              <Table.Th>{t.settings.person}</Table.Th>
              <Table.Th>{t.settings.role}</Table.Th>
              <Table.Th>{t.lists.state}</Table.Th>
              <Table.Th>{t.settings.lastUsed}</Table.Th>
              <Table.Th>
                <span className="visually-hidden">{t.settings.revoke}</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>{k.name}</Table.Td>
                <Table.Td>{k.user ?? t.settings.service}</Table.Td>
                <Table.Td>
                  {k.role} ({k.scope})
                </Table.Td>
                <Table.Td>{k.state}</Table.Td>
                <Table.Td>{k.last_used_at ? dateTime(String(k.last_used_at)) : "—"}</Table.Td>
                <Table.Td>
                  {k.state === "active" && (
                    <Button size="xs" color="red" variant="light" onClick={() => revoke.mutate(k.id)}>
                      {t.settings.revoke}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}

function FromFiles() {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ["settings"],
    queryFn: async () => (await api.GET("/api/v1/settings/overview")).data!,
  });
  if (q.isPending) return <Loading />;
  if (q.isError) return <Problem error={q.error} />;
  const s = q.data;
  return (
    <>
      <Section title={t.settings.policies} id="policies">
        <Text size="sm" mb="xs">
          {t.settings.readOnly}
        </Text>
        <Accordion multiple>
          {s.policies.map((p) => {
            const clauses = clausesOf(p.profile);
            return (
              <Accordion.Item key={p.brand} value={p.brand}>
                <Accordion.Control>
                  {p.brand} · {t.settings.clauses(clauses.length)}
                </Accordion.Control>
                <Accordion.Panel>
                  <Stack gap="xs">
                    {clauses.map((c) => (
                      <div key={c.path}>
                        <Text size="xs" c="dimmed" className="mono">
                          {c.path}
                        </Text>
                        <Text size="sm" fw={600}>
                          {c.document}, {c.article}
                        </Text>
                        <blockquote className="clause">{c.quote}</blockquote>
                      </div>
                    ))}
                  </Stack>
                </Accordion.Panel>
              </Accordion.Item>
            );
          })}
        </Accordion>
      </Section>
      <Section title={t.settings.connectors} id="connectors">
        {s.connectors.length === 0 ? (
          <Text size="sm">{t.settings.noConnectors}</Text>
        ) : (
          <Table fz="sm">
            <Table.Tbody>
              {s.connectors.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{c.id}</Table.Td>
                  <Table.Td>{c.type}</Table.Td>
                  <Table.Td>{c.steps.map(words).join(", ")}</Table.Td>
                  <Table.Td>{c.brands?.join(", ") ?? t.all}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
      <Section title={t.settings.retention} id="retention">
        <Table fz="sm">
          <Table.Tbody>
            {s.retention.map((r) => (
              <Table.Tr key={r.kind}>
                <Table.Td>{words(r.kind)}</Table.Td>
                <Table.Td>{t.settings.days(r.days)}</Table.Td>
                <Table.Td>
                  {r.brands.map((b) => `${b.brand}: ${t.settings.days(b.days)}`).join(", ")}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
      <Section title={t.settings.templates} id="templates">
        <Text size="sm" className="mono" style={{ whiteSpace: "normal" }}>
          {s.templates.join(" · ")}
        </Text>
      </Section>
    </>
  );
}
