import { defineConfig, devices } from '@playwright/test';
import { OIDC_APP_PORT, OIDC_PROVIDER_PORT } from './oidc/ports';

// E2E_PORT lets several checkouts run their journeys side by side.
// Lets the offline tests cut the service worker's own requests too
// (context.setOffline does not reach them).
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';
// Debian's Chromium; flags that keep it from reaching for the network here.
const launchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  // Each worker starts its own server on its own database (tests/helpers.ts),
  // so spec files run side by side; the tests of one file run in order.
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: 0,
  reporter: [['list']],
  use: {
    launchOptions,
    trace: 'off',
    // No step may wait for the whole test's time: a stuck click or page load
    // then fails at its own line instead of as a bare "test timeout".
    actionTimeout: 20_000,
    navigationTimeout: 45_000,
  },
  projects: [
    { name: 'desktop-js', use: { ...devices['Desktop Chrome'], launchOptions } },
    { name: 'desktop-no-js', use: { ...devices['Desktop Chrome'], launchOptions, javaScriptEnabled: false } },
    { name: 'phone', use: { ...devices['Pixel 5'], launchOptions } },
  ],
  webServer: [
    {
      // Logs in through a real OpenID Connect provider (tests/oidc.spec.ts).
      command: `./start-oidc.sh ${OIDC_APP_PORT} ${OIDC_PROVIDER_PORT}`,
      url: `http://127.0.0.1:${OIDC_APP_PORT}/login`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
