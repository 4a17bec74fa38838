/**
 * A report as a person reads it: subject, sender, date, its text, and its HTML as the server sanitised it
 * (GET /api/v1/reports/:id/body: nothing that runs, loads or styles is left). The original is only a
 * download, never opened in the page.
 */
import { Alert, Button, Group, Modal, ScrollArea, Stack, Tabs, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, downloadFromApi } from "../api.ts";
import { useI18n } from "../i18n.tsx";
import { Loading, Problem } from "../shared.tsx";

export function ReportReader({ id, label }: { id: number; label?: string }) {
  const { t, dateTime } = useI18n();
  const [open, setOpen] = useState(false);
  const body = useQuery({
    queryKey: ["report-body", id],
    enabled: open,
    queryFn: async () => (await api.GET("/api/v1/reports/{id}/body", { params: { path: { id } } })).data!,
  });
  return (
    <>
      <Button
        size="compact-xs"
        variant="subtle"
        onClick={() => setOpen(true)}
        aria-label={`${t.reader.read} #${id}`}
        data-read={id}
      >
        {label ?? `#${id}`}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`${t.caseView.report} #${id}`} size="xl">
        {body.isPending ? (
          <Loading />
        ) : body.isError ? (
          <Problem error={body.error} />
        ) : (
          <Stack gap="xs" id="report-reader">
            <Text size="sm">
              <strong>{body.data.subject ?? "—"}</strong>
            </Text>
            <Text size="sm">
              {body.data.from ?? "—"} · {dateTime(body.data.date)}
            </Text>
            {body.data.truncated && <Alert color="yellow">{t.reader.truncated}</Alert>}
            <Tabs defaultValue="text">
              <Tabs.List>
                <Tabs.Tab value="text">{t.reader.text}</Tabs.Tab>
                {body.data.html !== null && <Tabs.Tab value="html">{t.reader.html}</Tabs.Tab>}
              </Tabs.List>
              <Tabs.Panel value="text" pt="xs">
                <ScrollArea.Autosize mah={480}>
                  <pre className="report-text">{body.data.text}</pre>
                </ScrollArea.Autosize>
              </Tabs.Panel>
              {body.data.html !== null && (
                <Tabs.Panel value="html" pt="xs">
                  <ScrollArea.Autosize mah={480}>
                    {/* Sanitised on the server with an allow-list (src/intake/report-body.ts); the page's CSP
                        would stop a script or a remote image even so. */}
                    {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the server sanitised it */}
                    <div className="report-html" dangerouslySetInnerHTML={{ __html: body.data.html }} />
                  </ScrollArea.Autosize>
                </Tabs.Panel>
              )}
            </Tabs>
            <Group>
              <Button
                size="xs"
                variant="default"
                onClick={() => void downloadFromApi(`/api/v1/reports/${id}/raw`, `report-${id}.eml`)}
              >
                {t.caseView.raw}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
