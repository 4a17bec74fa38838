/**
 * A real IMAP server for the tests: Debian's Dovecot, started on a free loopback port with a throwaway
 * configuration, one mailbox user and maildirs in a temp folder. It stands for the provider's own mail
 * server, which is outside abusedesk. `scripts/test.js` installs the package when it is missing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { freePort, waitFor } from "./helpers.ts";

export const DOVECOT = "/usr/sbin/dovecot";

export interface ImapServer {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

export async function startDovecot(): Promise<ImapServer> {
  if (!existsSync(DOVECOT)) {
    throw new Error("Dovecot is not installed: apt-get install dovecot-imapd (npm test does this as root)");
  }
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-imap-"));
  const port = await freePort();
  const user = "abuse@x2com.test";
  const password = "imap-test-secret";
  const root = process.getuid?.() === 0;
  // As root, Dovecot runs the mailbox as `nobody`; otherwise everything runs as the current user.
  const owner = root
    ? { name: "nobody", group: "nogroup" }
    : { name: userInfo().username, group: userInfo().username };
  for (const d of ["run", "state", "home"]) mkdirSync(path.join(dir, d));
  execFileSync("chmod", ["755", dir]);
  if (root) {
    const uid = Number(execFileSync("id", ["-u", "nobody"]).toString());
    const gid = Number(execFileSync("id", ["-g", "nobody"]).toString());
    chownSync(path.join(dir, "home"), uid, gid);
  }
  writeFileSync(path.join(dir, "users"), `${user}:{PLAIN}${password}\n`);
  writeFileSync(
    path.join(dir, "dovecot.conf"),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
${root ? "" : `default_internal_user = ${owner.name}\ndefault_login_user = ${owner.name}\n`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${owner.name} gid=${owner.group} home=${dir}/home/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  // The master daemonizes and keeps its standard streams: give it a file, not a pipe we would wait on.
  const errors = path.join(dir, "start.err");
  const fd = openSync(errors, "w");
  const started = spawnSync(DOVECOT, ["-c", path.join(dir, "dovecot.conf")], { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  if (started.status !== 0) throw new Error(`Dovecot did not start: ${readFileSync(errors, "utf8")}`);
  const pidFile = path.join(dir, "run", "master.pid");
  await waitFor(async () => existsSync(pidFile), 10_000, "Dovecot to start");
  const pid = Number(readFileSync(pidFile, "utf8"));
  return {
    host: "127.0.0.1",
    port,
    user,
    password,
    async stop() {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // gone already
      }
      await waitFor(
        async () => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        10_000,
        "Dovecot to stop",
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
