import { expect, type APIRequestContext, type Page, type BrowserContext } from '@playwright/test';

/** Waits until the islands are interactive: `hydrate()` marks the body when done. */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated]').waitFor({ timeout: 30_000 });
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
  await page.waitForURL('**/cases');
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
