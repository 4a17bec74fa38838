import pg from "pg";
import type { Logger } from "pino";

export interface ChangeListener {
  close(): Promise<void>;
}

export interface ListenOptions {
  config: pg.ClientConfig;
  channel: string;
  log: Logger;
  /** Called on every notification and after every (re)connect. */
  onChange: (payload: string | undefined) => void;
}

export function listenForChanges(opts: ListenOptions): ChangeListener {
  let client: pg.Client | null = null;
  let stopped = false;
  let delay = 500;
  let timer: NodeJS.Timeout | null = null;

  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, 30_000);
  };

  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ ...opts.config, application_name: "abusedesk inventory listener" });
    // 'error' and 'end' both fire on a broken connection; reconnect once per client
    let gone = false;
    const lost = (err?: Error) => {
      if (gone) return;
      gone = true;
      if (client === c) client = null;
      c.removeAllListeners("notification");
      c.end().catch(() => {});
      if (!stopped) {
        opts.log.warn({ err }, "inventory listener lost its connection; reconnecting");
        schedule();
      }
    };
    c.on("error", lost);
    c.on("end", () => lost());
    c.on("notification", (msg) => {
      if (msg.channel === opts.channel) opts.onChange(msg.payload);
    });
    try {
      await c.connect();
      await c.query(`listen ${opts.channel}`);
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (stopped) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    delay = 500;
    opts.onChange(undefined);
  };

  void connect();
  return {
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners("end");
        c.removeAllListeners("error");
        c.on("error", () => {});
        await c.end().catch(() => {});
      }
    },
  };
}
