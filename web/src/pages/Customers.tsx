/**
 * Customers and the inventory: the customers of the reader's brands (search by name, id or address), one
 * customer with its contracts, its resources in time (who held which address when), its KYC records and
 * its cases; the inventory import (admin) previewed before it is applied; the brands' own ranges.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  FileInput,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "wouter";
import { may, useMe } from "../App.tsx";
import { api, type paths, postFile } from "../api.ts";
import { useI18n, words } from "../i18n.tsx";
import { DetailHeader, downloadCsv, Loading, PageTitle, Problem, Section, StateBadge } from "../shared.tsx";

type ImportAnswer =
  paths["/api/v1/inventory/import"]["post"]["responses"]["200"]["content"]["application/json"];

function KycBadge({ status }: { status: string }) {
  // Dark enough for white text at this size (WCAG AA 4.5:1).
  const color = status === "verified" ? "#1b5e20" : status === "high_risk" ? "#8b1a1a" : "#495057";
  return (
    <Badge color={color} variant="filled" tt="none" className="state-badge">
      {words(status)}
    </Badge>
  );
}

export function CustomersPage() {
  const { t } = useI18n();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const list = useInfiniteQuery({
    queryKey: ["customers", q],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (
        await api.GET("/api/v1/customers", {
          params: { query: { ...(q ? { q } : {}), limit: 50, cursor: pageParam } },
        })
      ).data!,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="md">
      <PageTitle
        actions={
          <Button
            size="xs"
            variant="default"
            onClick={() =>
              downloadCsv(
                "customers.csv",
                ["id", "brand", "name", "kyc_status", "current_resources", "contact_emails"],
                items.map((c) => [
                  c.id,
                  c.brand,
                  c.name,
                  c.kyc_status,
                  c.current_resources,
                  c.contact_emails.join(";"),
                ]),
              )
            }
          >
            {t.exportCsv}
          </Button>
        }
      >
        {t.customers.title}
      </PageTitle>
      <TextInput
        label={t.customers.search}
        defaultValue={q}
        w={320}
        onKeyDown={(e) => {
          if (e.key === "Enter")
            setParams(e.currentTarget.value.trim() ? { q: e.currentTarget.value.trim() } : {});
        }}
      />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <Problem error={list.error} />
      ) : (
        <Table fz="sm" id="customers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t.customers.id}</Table.Th>
              <Table.Th>{t.customers.name}</Table.Th>
              <Table.Th>{t.queue.brand}</Table.Th>
              <Table.Th>KYC</Table.Th>
              <Table.Th>{t.customers.resources}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Anchor component={Link} href={`/customers/${encodeURIComponent(c.id)}`}>
                    {c.id}
                  </Anchor>
                </Table.Td>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>{c.brand}</Table.Td>
                <Table.Td>
                  <KycBadge status={c.kyc_status} />
                </Table.Td>
                <Table.Td>{c.current_resources}</Table.Td>
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
      {may(me, "admin") && <InventoryImport />}
      <BrandRanges />
    </Stack>
  );
}

function InventoryImport() {
  const { t, dateTime } = useI18n();
  const client = useQueryClient();
  const brands = useQuery({
    queryKey: ["brands"],
    queryFn: async () => (await api.GET("/api/v1/brands")).data!.items,
    staleTime: 300_000,
  });
  const [file, setFile] = useState<File | null>(null);
  const [sync, setSync] = useState(false);
  const [brand, setBrand] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportAnswer | null>(null);
  const [applied, setApplied] = useState<ImportAnswer | null>(null);
  const query = (extra: Record<string, string>) => {
    const p = new URLSearchParams({ ...extra, ...(file ? { filename: file.name } : {}) });
    if (sync) p.set("sync", "true");
    if (brand) p.set("brand", brand);
    return `/api/v1/inventory/import?${p}`;
  };
  const run = useMutation({
    mutationFn: async (mode: "preview" | "apply") =>
      postFile<ImportAnswer>(query(mode === "preview" ? { preview: "true" } : {}), file!, "text/csv"),
    onSuccess: (answer, mode) => {
      if (mode === "preview") {
        setPreview(answer);
        setApplied(null);
      } else {
        setApplied(answer);
        setPreview(null);
        void client.invalidateQueries({ queryKey: ["customers"] });
      }
    },
  });
  const counts = (a: ImportAnswer) =>
    t.customers.counts(
      a.rows,
      a.customers_created,
      a.customers_updated,
      a.resources_added,
      a.resources_closed,
      a.resources_changed,
      a.resources_unchanged,
    );
  return (
    <Section title={t.customers.import} id="inventory-import">
      <Stack gap="sm">
        <Text size="sm">{t.customers.importHelp}</Text>
        <Group align="flex-end">
          <FileInput
            label={t.customers.file}
            accept=".csv,text/csv"
            value={file}
            onChange={(f) => {
              setFile(f);
              setPreview(null);
              setApplied(null);
            }}
            w={280}
            id="inventory-file"
            clearable
          />
          <Select
            label={t.queue.brand}
            data={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
            value={brand}
            onChange={(v) => {
              setBrand(v);
              setPreview(null);
            }}
            clearable
            w={180}
          />
          <Checkbox
            label={t.customers.sync}
            checked={sync}
            onChange={(e) => {
              setSync(e.currentTarget.checked);
              setPreview(null);
            }}
            mb={8}
          />
          <Button
            disabled={!file}
            onClick={() => run.mutate("preview")}
            loading={run.isPending}
            id="inventory-preview"
          >
            {t.customers.preview}
          </Button>
        </Group>
        {run.error && (
          <Alert color="red" role="alert" style={{ whiteSpace: "pre-wrap" }}>
            {run.error.message}
          </Alert>
        )}
        {preview && (
          <Stack gap="xs" id="inventory-preview-result">
            <Text fw={600}>{counts(preview)}</Text>
            <Table fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t.customers.change}</Table.Th>
                  <Table.Th>{t.customers.id}</Table.Th>
                  <Table.Th>{t.customers.kind}</Table.Th>
                  <Table.Th>{t.customers.value}</Table.Th>
                  <Table.Th>{t.customers.from}</Table.Th>
                  <Table.Th>{t.customers.until}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(preview.changes ?? []).map((c) => (
                  <Table.Tr key={`${c.change}|${c.customer_id}|${c.kind}|${c.value}|${c.valid_from}`}>
                    <Table.Td>{t.customers.changes[c.change]}</Table.Td>
                    <Table.Td>{c.customer_id}</Table.Td>
                    <Table.Td>{c.kind}</Table.Td>
                    <Table.Td className="mono">{c.value}</Table.Td>
                    <Table.Td>{dateTime(c.valid_from)}</Table.Td>
                    <Table.Td>
                      {c.was_valid_to !== undefined && `${dateTime(c.was_valid_to)} → `}
                      {dateTime(c.valid_to)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Group>
              <Button
                color="green"
                onClick={() => run.mutate("apply")}
                loading={run.isPending}
                id="inventory-apply"
              >
                {t.apply}
              </Button>
            </Group>
          </Stack>
        )}
        {applied && (
          <Alert color="green" role="status" id="inventory-applied">
            {t.customers.applied}: {counts(applied)}
          </Alert>
        )}
      </Stack>
    </Section>
  );
}

function BrandRanges() {
  const { t } = useI18n();
  const ranges = useQuery({
    queryKey: ["ranges"],
    queryFn: async () => (await api.GET("/api/v1/inventory/ranges")).data!,
  });
  return (
    <Section title={t.customers.ranges} id="ranges">
      {ranges.isPending ? (
        <Loading />
      ) : ranges.isError ? (
        <Problem error={ranges.error} />
      ) : (
        <Table fz="sm">
          <Table.Tbody>
            {ranges.data.items.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{r.brand}</Table.Td>
                <Table.Td className="mono">{r.cidr}</Table.Td>
                <Table.Td>{r.note}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}

export function CustomerPage({ id }: { id: string }) {
  const { t, dateTime } = useI18n();
  const customer = useQuery({
    queryKey: ["customer", id],
    queryFn: async () => (await api.GET("/api/v1/customers/{id}", { params: { path: { id } } })).data!,
  });
  const cases = useQuery({
    queryKey: ["cases", { customer: id, state: "all" }],
    queryFn: async () =>
      (
        await api.GET("/api/v1/cases", {
          params: { query: { customer: id, state: "all" as never, limit: 100 } },
        })
      ).data!,
  });
  if (customer.isPending) return <Loading />;
  if (customer.isError) return <Problem error={customer.error} />;
  const c = customer.data;
  return (
    <Stack gap="md">
      <DetailHeader
        back={{ href: "/customers", label: t.customers.title }}
        title={c.name}
        aside={`${c.id} · ${c.brand}`}
      />
      <Group gap="xs">
        <KycBadge status={c.kyc_status} />
        <Text size="sm">{c.contact_emails.join(", ")}</Text>
        {c.registration_number && <Text size="sm">· {c.registration_number}</Text>}
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Section title={t.customers.resources} id="resources">
          <Table fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t.customers.kind}</Table.Th>
                <Table.Th>{t.customers.value}</Table.Th>
                <Table.Th>{t.customers.from}</Table.Th>
                <Table.Th>{t.customers.until}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {c.resources.map((r) => (
                <Table.Tr key={r.id} fw={r.current ? 600 : 400}>
                  <Table.Td>{r.kind}</Table.Td>
                  <Table.Td className="mono">{r.value}</Table.Td>
                  <Table.Td>{dateTime(r.valid_from)}</Table.Td>
                  <Table.Td>{r.valid_to ? dateTime(r.valid_to) : t.customers.current}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Section>
        <Stack gap="md">
          <Section title={t.customers.contracts} id="contracts">
            {c.contracts.length === 0 ? (
              <Text size="sm">{t.lists.empty}</Text>
            ) : (
              c.contracts.map((k) => (
                <Text size="sm" key={k.id}>
                  {k.service}
                  {k.product ? ` (${k.product})` : ""} · {dateTime(k.started_at)} –{" "}
                  {k.ended_at ? dateTime(k.ended_at) : t.customers.current}
                </Text>
              ))
            )}
          </Section>
          <Section title="KYC" id="kyc">
            {c.verifications.length === 0 ? (
              <Text size="sm">{t.lists.empty}</Text>
            ) : (
              c.verifications.map((v) => (
                <Text size="sm" key={v.id}>
                  {words(v.method)}: {v.result} · {dateTime(v.verified_at)} · {v.verified_by}
                  {v.valid_until ? ` · ${t.customers.until} ${dateTime(v.valid_until)}` : ""}
                </Text>
              ))
            )}
          </Section>
        </Stack>
      </SimpleGrid>
      <Section title={t.customers.cases} id="customer-cases">
        {cases.isPending ? (
          <Loading />
        ) : cases.isError ? (
          <Problem error={cases.error} />
        ) : (
          <Table fz="sm">
            <Table.Tbody>
              {cases.data.items.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>
                    <Anchor component={Link} href={`/cases/${k.id}`}>
                      #{k.id}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{words(k.category)}</Table.Td>
                  <Table.Td>
                    <StateBadge state={k.state} />
                  </Table.Td>
                  <Table.Td>{dateTime(k.opened_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
    </Stack>
  );
}
