import { test, expect } from '@playwright/test';
import { hydrated, shot, useSession, useStaffSession } from './helpers';

const ZHANG = '13800000001';
const WANG = '13800000003';
const JUDGE = '13900000002';
const ADMIN = '13900000004';

// The demo's case settled by mediation 4 days ago: half the fee goes back, by a deadline.
test("a mediated case's refund appears with its deadline, and then as paid back", async ({ page }) => {
  await useSession(page.context(), ZHANG);
  const cases = await (await page.request.get('/api/v1/cases')).json();
  let id = 0;
  for (const c of cases) {
    const p = await (await page.request.get(`/api/v1/cases/${c.id}/progress`)).json();
    // The demo's own (900.00 yuan owed): case-mediation.hydrated.spec.ts closes another.
    if (p.refund_open_fen === 90_000) id = c.id;
  }
  expect(id, 'a demo case with a refund owed').toBeGreaterThan(0);

  await page.goto(`/cases/${id}`);
  await hydrated(page);
  await expect(page.getByTestId('outcome')).toHaveText('调解结案');
  const box = page.getByTestId('case-refund');
  await expect(box).toContainText('900.00');
  await expect(box.getByTestId('refund-deadline')).toContainText('诉讼费用交纳办法 第53条');
  await expect(box.getByTestId('refund-deadline')).toContainText('还剩');
  await shot(page, 'refund-01-case-page');

  await box.getByRole('link').click();
  const refund = page.getByTestId('refund');
  await expect(refund.getByTestId('refund-status')).toHaveText('退款处理中');
  await expect(refund).toContainText('调解结案，案件受理费减半交纳');
  await expect(refund).toContainText('原路退回');
  await expect(page.getByTestId('fee-reduced')).toContainText('900.00');
  await shot(page, 'refund-02-fee-page');

  // The bank's side, played on the sandbox's console by the demo's administrator: the money
  // arrives. (The payer cannot open the console.)
  const fees = page.url();
  expect((await page.request.get('/sandbox-pay/refunds')).status()).toBe(404);
  const bank = await page.context().browser()!.newContext({ baseURL: new URL(page.url()).origin });
  await useStaffSession(bank, ADMIN);
  const console = await bank.newPage();
  await console.goto('/sandbox-pay/refunds');
  await console.locator('[data-testid="sandbox-refund"]').filter({ hasText: '900.00' }).getByTestId('sandbox-refund-success').click();
  await bank.close();
  await page.goto(fees);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('refund-status')).toHaveText('已退还', { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId('refund-deadline')).toHaveCount(0);
  await shot(page, 'refund-03-refunded');
});

// The judge closes a paid ordinary case by mediation; the payer sees the refund at once.
test('the judge closes a paid case by mediation and the payer sees the refund', async ({ page, browser }) => {
  const wang = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await useSession(wang, WANG);
  const cases = await (await wang.request.get('/api/v1/cases')).json();
  let id = 0;
  for (const c of cases) {
    const p = await (await wang.request.get(`/api/v1/cases/${c.id}/progress`)).json();
    if (p.fee_due_fen > 0 && p.procedure.includes('普通')) id = c.id;
  }
  expect(id, "王五's ordinary case with a fee due").toBeGreaterThan(0);
  const order = await (
    await wang.request.post(`/api/v1/cases/${id}/payments`, { data: { idempotency_key: 'e2e-refund-0000000001' } })
  ).json();
  await wang.request.post(order.checkout_url, { form: { action: 'pay' } });
  await expect(async () => {
    const acct = await (await wang.request.get(`/api/v1/cases/${id}/fees`)).json();
    expect(acct.due_fen).toBe(0);
  }).toPass({ timeout: 15_000 });

  await useStaffSession(page.context(), JUDGE);
  await page.goto(`/cases/${id}`);
  await hydrated(page);
  await page.getByTestId('outcome-mediated').check();
  await shot(page, 'refund-04-judge-closes');
  await page.getByTestId('close-case-submit').click();
  await page.waitForURL(`**/cases/${id}?closed=1`);
  await expect(page.getByTestId('case-note')).toHaveText('已结案。');
  await expect(page.getByTestId('outcome')).toHaveText('调解结案');
  await expect(page.getByTestId('close-case')).toHaveCount(0);

  const payer = await wang.newPage();
  await payer.goto(`/cases/${id}/fees`);
  await expect(payer.getByTestId('refund-status')).toHaveText('退款处理中');
  await expect(payer.getByTestId('refund-deadline')).toContainText('诉讼费用交纳办法 第53条');
  await shot(payer, 'refund-05-payer-sees-refund');
  await wang.close();
});
