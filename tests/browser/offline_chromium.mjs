// Debian's Chromium as every browser test here starts it: headless, in a fresh profile, with the
// flags that keep it from reaching for the network by itself (background updates, sync, QUIC),
// so that any request the page makes is one the test sees.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium } from "playwright-core";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

// The browser context and a close() that also removes its profile; exits 2 (the browser would not
// start) after printing why.
export async function launchOffline({ executablePath, name, timeout }) {
  const profile = mkdtempSync(join(tmpdir(), `${name}-profile-`));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: FLAGS,
      serviceWorkers: "block",
      viewport: { width: 1400, height: 900 },
      timeout,
    });
    const close = async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    };
    return { context, close };
  } catch (error) {
    console.error(`could not start ${executablePath}: ${error.message}`);
    rmSync(profile, { recursive: true, force: true });
    process.exit(2);
  }
}
