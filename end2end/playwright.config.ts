import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';

// Debian's Chromium; Playwright never downloads a browser here.
const chromium = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
};

const port = Number(process.env.E2E_PORT ?? 3210);
const dataDir = path.join(os.tmpdir(), `pocket-court-e2e-${process.pid}`);
// Always named on the command line: a DATABASE_URL left in the environment must never point
// the test server (which loads the demo court) at a real or shared database. scripts/test.sh
// sets E2E_DATABASE_URL to a freshly created PostgreSQL database for the second run.
const database = process.env.E2E_DATABASE_URL ?? `sqlite://${dataDir}/pocket-court.db`;

// On PostgreSQL (the second run of `make test`) the browser suite leaves out the three long
// mediation journeys: most of their minutes wait out the one-code-a-minute limit, and every
// step they take runs on both databases in the integration tests (server/tests/api/mediation.rs
// and case_mediation.rs, `both_backends!`). case-mediation.nojs stays, so signing, 签收 and
// the service-log entries are still driven through a browser on PostgreSQL.
const onPostgres = !!process.env.E2E_DATABASE_URL;
const sqliteOnly = [/mediation\.hydrated\.spec\.ts/, /case-mediation\.hydrated\.spec\.ts/, /\/mediation\.nojs\.spec\.ts/];

export default defineConfig({
  testDir: './tests',
  testIgnore: onPostgres ? sqliteOnly : [],
  outputDir: './test-results',
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    launchOptions: chromium,
  },
  projects: [
    { name: 'hydrated', testMatch: /.*\.hydrated\.spec\.ts/ },
    { name: 'no-javascript', testMatch: /.*\.nojs\.spec\.ts/, use: { javaScriptEnabled: false } },
  ],
  webServer: {
    // The release binary, a fresh database (SQLite unless told) with the demo court.
    command: `rm -rf ${dataDir} && mkdir -p ${dataDir} && ../target/release/pocket-court serve --demo --addr 127.0.0.1:${port} --database ${database} --data-dir ${dataDir} --site-root ../target/site --public-url http://127.0.0.1:${port} --meeting-url https://meet.liuyang-court.example/j/`,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
