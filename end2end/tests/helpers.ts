import { expect, type APIRequestContext, type Page, type BrowserContext } from '@playwright/test';
import * as fs from 'fs';

// Sessions made in this run, by phone: a number gets one SMS code a minute, so later tests
// reuse the session an earlier one signed in with (the output folder is emptied per run).
const sessions = 'test-results/.sessions';

export async function saveSession(context: BrowserContext, phone: string) {
  fs.mkdirSync(sessions, { recursive: true });
  fs.writeFileSync(`${sessions}/${phone}.json`, JSON.stringify(await context.cookies()));
}

/** Signed in as `phone`: this run's session if there is one still valid, else a new one. */
export async function useSession(context: BrowserContext, phone: string) {
  const file = `${sessions}/${phone}.json`;
  if (fs.existsSync(file)) {
    await context.addCookies(JSON.parse(fs.readFileSync(file, 'utf8')));
    if ((await context.request.get('/api/v1/cases')).status() === 200) return;
  }
  await signInByApi(context.request, phone);
  await saveSession(context, phone);
}


/** Signed in as staff member `phone`: this run's session if still valid, else a new one. */
export async function useStaffSession(context: BrowserContext, phone: string) {
  const file = `${sessions}/${phone}.json`;
  if (fs.existsSync(file)) {
    await context.addCookies(JSON.parse(fs.readFileSync(file, 'utf8')));
    if ((await context.request.get('/api/v1/cases')).status() === 200) return;
  }
  await staffSignInByApi(context.request, phone);
  await saveSession(context, phone);
}

/** Waits until the islands are interactive: `hydrate()` marks the body when done. */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated]').waitFor({ timeout: 30_000 });
  // Lazy islands with fields load their chunk after that; each marks itself until awake.
  await expect(page.locator('[data-waking]')).toHaveCount(0, { timeout: 30_000 });
}

/** Reads the newest sign-in code for `phone` from the demo SMS inbox, as a person would. */
export async function codeFromInbox(context: BrowserContext, phone: string): Promise<string> {
  const inbox = await context.newPage();
  await inbox.goto('/dev/inbox');
  const text = await inbox.locator(`li.sms[data-to="${phone}"] .sms-body`).first().innerText();
  await inbox.close();
  const code = text.match(/(\d{6})/)?.[1];
  expect(code, `a 6-digit code in: ${text}`).toBeTruthy();
  return code!;
}

/** Signs a litigant in through the real form. Ends on the page it was sent to. */
export async function signIn(page: Page, phone: string) {
  await page.goto('/sign-in?next=/cases');
  await hydrated(page);
  await page.getByLabel('手机号码').fill(phone);
  await page.getByTestId('send-code').click();
  await expect(page.getByLabel('短信验证码（6位数字）')).toBeVisible();
  const code = await codeFromInbox(page.context(), phone);
  await page.getByLabel('短信验证码（6位数字）').fill(code);
  await page.getByTestId('verify-code').click();
  // A predicate, not a glob: '**/cases' also matches the sign-in page's own ?next=/cases.
  await page.waitForURL((url) => url.pathname === '/cases');
  await hydrated(page);
  await saveSession(page.context(), phone);
}

/** Signs in over HTTP only (the browser context keeps the cookie): for pages tested without JS. */
export async function signInByApi(request: APIRequestContext, phone: string) {
  const json = { Accept: 'application/json' };
  const sent = await request.post('/sf/send_code', { form: { phone }, headers: json });
  expect(sent.status(), await sent.text()).toBe(200);
  const { request_id } = await sent.json();
  const inbox = await (await request.post('/sf/dev_inbox', { headers: json })).json();
  const body: string = inbox.find((m: { to: string }) => m.to === phone).body;
  const code = body.match(/(\d{6})/)![1];
  const ok = await request.post('/sf/verify_code', { form: { phone, request_id, code }, headers: json });
  expect(ok.status(), await ok.text()).toBe(200);
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

/** The signed-in person's first case with a fee still to pay. */
export async function caseWithFeeDue(request: APIRequestContext): Promise<number> {
  const cases = await (await request.get('/api/v1/cases')).json();
  for (const c of cases) {
    const p = await (await request.get(`/api/v1/cases/${c.id}/progress`)).json();
    if (p.fee_due_fen > 0) return c.id;
  }
  throw new Error('no demo case with a fee due');
}

/** Signs a staff member in over HTTP (password, then the SMS code); the context keeps the cookie. */
export async function staffSignInByApi(request: APIRequestContext, phone: string) {
  const json = { Accept: 'application/json' };
  const sent = await request.post('/sf/staff_password', {
    form: { phone, password: 'liuyang-demo-2026' },
    headers: json,
  });
  expect(sent.status(), await sent.text()).toBe(200);
  const { request_id } = await sent.json();
  const inbox = await (await request.post('/sf/dev_inbox', { headers: json })).json();
  const body: string = inbox.find((m: { to: string }) => m.to === phone).body;
  const code = body.match(/(\d{6})/)![1];
  const ok = await request.post('/sf/verify_code', { form: { phone, request_id, code }, headers: json });
  expect(ok.status(), await ok.text()).toBe(200);
}

/** A valid resident ID (GB 11643) from its first 17 digits. */
export function residentId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

/** A new litigant signed in over HTTP with a real-name profile (name and resident ID). */
export async function newPerson(context: BrowserContext, phone: string, name: string, id17: string) {
  await signInByApi(context.request, phone);
  const res = await context.request.post('/sf/save_profile', {
    form: { name, resident_id: residentId(id17) },
    headers: { Accept: 'application/json' },
  });
  expect(res.status(), await res.text()).toBe(200);
  await saveSession(context, phone);
}

/** The newest SMS to `phone` in the demo inbox. */
export async function newestSms(context: BrowserContext, phone: string): Promise<string> {
  const res = await context.request.post('/sf/dev_inbox', { headers: { Accept: 'application/json' } });
  const inbox = await res.json();
  return inbox.find((m: { to: string }) => m.to === phone).body;
}

/** Draws a stroke across the signature box with the pointer. */
export async function drawSignature(page: Page) {
  const box = (await page.locator('.signature-pad canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.6);
  await page.mouse.down();
  for (const [fx, fy] of [[0.3, 0.3], [0.45, 0.7], [0.6, 0.35], [0.8, 0.6]]) {
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 4 });
  }
  await page.mouse.up();
}

/**
 * Taps `button` for a signing code and reads it from the demo inbox, as a person would. A
 * number gets one signing code a minute: when the page says to wait, waits and taps again.
 * `sms` is a phrase the text must carry.
 */
export async function codeBy(page: Page, button: string, phone: string, sms = '验证码'): Promise<string> {
  for (let attempt = 0; attempt < 8; attempt++) {
    await page.getByTestId(button).click();
    await page.waitForURL(/[?&](req|error)=/);
    if (page.url().includes('req=')) {
      const body = await newestSms(page.context(), phone);
      expect(body).toContain(sms);
      return body.match(/(\d{6})/)![1];
    }
    await expect(page.getByTestId('form-error')).toContainText('验证码');
    await page.waitForTimeout(10_000);
  }
  throw new Error(`no code by ${button} for ${phone}`);
}
