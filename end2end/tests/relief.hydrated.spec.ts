import { test, expect } from '@playwright/test';
import { hydrated, shot, useSession, useStaffSession } from './helpers';

const WANG = '13800000003';
const CLERK = '13900000001';

// A tiny but real PNG: the server checks a document by its bytes, not its name.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

// A litigant who cannot pay applies for a waiver with a photo of their 低保证; the clerk
// opens the photo and grants it; nothing is due any more and the deadline is gone. (王五's
// simplified-procedure traffic case, docketed yesterday; the other tests leave it alone.)
test('a waiver applied for on the phone with proof and granted by the clerk', async ({ page, browser }) => {
  await useSession(page.context(), WANG);
  const cases = await (await page.request.get('/api/v1/cases')).json();
  let id = 0;
  for (const c of cases) {
    const p = await (await page.request.get(`/api/v1/cases/${c.id}/progress`)).json();
    if (p.fee_due_fen > 0 && p.procedure.includes('简易')) id = c.id;
  }
  expect(id, 'a case with a fee due').toBeGreaterThan(0);

  await page.goto(`/cases/${id}/fees`);
  await hydrated(page);
  await page.getByTestId('relief-apply').locator('summary').click();
  await page.getByTestId('relief-ground').selectOption('waive:subsistence');
  await page.getByTestId('relief-reason').fill('我是低保户，家里没有别的收入，交不起诉讼费。');
  await page.getByTestId('relief-proof').setInputFiles({ name: '低保证.png', mimeType: 'image/png', buffer: PNG });
  await shot(page, 'relief-01-apply');
  await page.getByTestId('relief-submit').click();
  await page.waitForURL(`**/cases/${id}/fees?relief=sent`);
  await expect(page.getByTestId('relief-note')).toContainText('申请已提交');
  await expect(page.getByTestId('relief-status')).toHaveText('正在审核');
  await expect(page.getByTestId('relief-apply')).toHaveCount(0);
  await shot(page, 'relief-02-sent');

  const clerkContext = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await useStaffSession(clerkContext, CLERK);
  const clerk = await clerkContext.newPage();
  await clerk.goto(`/cases/${id}/fees`);
  const photo = await clerkContext.request.get(await clerk.getByTestId('relief-file').getAttribute('href') as string);
  expect(photo.status()).toBe(200);
  expect(photo.headers()['content-type']).toBe('image/png');
  // A refusal without a reason is sent back.
  await clerk.getByTestId('relief-refuse').check();
  await clerk.getByTestId('relief-decide-submit').click();
  await clerk.waitForURL(`**/cases/${id}/fees?error=relief_note`);
  await expect(clerk.getByTestId('pay-error')).toContainText('要写明理由');
  await clerk.getByTestId('relief-grant').check();
  await clerk.getByTestId('relief-decision-text').fill('低保证属实，准予免交。');
  await shot(clerk, 'relief-03-clerk-decides');
  await clerk.getByTestId('relief-decide-submit').click();
  await clerk.waitForURL(`**/cases/${id}/fees?relief=decided`);
  await clerkContext.close();

  await page.goto(`/cases/${id}/fees`);
  await expect(page.getByTestId('relief-status')).toHaveText('已准许');
  await expect(page.getByTestId('fee-settled')).toBeVisible();
  await expect(page.getByTestId('fee-deadline')).toHaveCount(0);
  await expect(page.getByTestId('pay-button')).toHaveCount(0);
  await shot(page, 'relief-04-granted');
});
