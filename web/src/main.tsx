import "@mantine/core/styles.css";
import "@mantine/charts/styles.css";
import "./console.css";
import { Anchor, createTheme, MantineProvider, Modal } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { setNonce } from "get-nonce";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { queryClient } from "./api.ts";
import { I18nProvider } from "./i18n.tsx";

// The page's Content-Security-Policy allows inline <style> only with this response's nonce.
const nonce = document.querySelector('meta[name="csp-nonce"]')?.getAttribute("content") ?? "";
// Dialogs lock the page's scrolling with a <style> element of their own (react-remove-scroll): same nonce.
setNonce(nonce);

const theme = createTheme({
  primaryColor: "desk",
  colors: {
    desk: [
      "#e8f0fa",
      "#cddcf0",
      "#9cb9e2",
      "#6894d4",
      "#3f76c8",
      "#2863bd",
      "#1d4e89",
      "#17406f",
      "#113256",
      "#0a223b",
    ],
  },
  primaryShade: 6,
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  defaultRadius: "sm",
  // No sliding or fading for people who asked their system for less motion.
  respectReducedMotion: true,
  // Links are underlined: told apart from the text around them without relying on colour (WCAG 1.4.1).
  components: {
    Anchor: Anchor.extend({ defaultProps: { underline: "always" } }),
    // The dialogs' close button says what it does (screen readers read an "×" as nothing).
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close / Sluiten" } } }),
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider theme={theme} getStyleNonce={() => nonce}>
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <App />
        </I18nProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
