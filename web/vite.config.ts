// The console's build: `npm install` runs it (scripts/build-console.js); `npm run dev:web` serves it with hot
// reload and sends /api, /login and /account to a desk on 127.0.0.1:8080 (docs/console.md).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const desk = process.env.ABUSEDESK_DEV_DESK ?? "http://127.0.0.1:8080";

export default defineConfig({
  root: import.meta.dirname,
  base: "/console/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500, sourcemap: false },
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      ["/api", "/login", "/logout", "/account", "/sign-in.css", "/favicon.svg"].map((p) => [p, desk]),
    ),
  },
});
