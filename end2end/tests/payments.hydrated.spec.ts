import { test, expect } from '@playwright/test';
import { caseWithFeeDue, hydrated, shot, useSession } from './helpers';

const ZHANG = '13800000001';

// A docketed case's fee, paid on the phone through the sandbox checkout, ends in a receipt.
test('a litigant pays the court fee from the case page and downloads the receipt', async ({ page }) => {
  await useSession(page.context(), ZHANG);
  const id = await caseWithFeeDue(page.request);

  await page.goto(`/cases/${id}`);
  await hydrated(page);
  await page.getByTestId('go-case-fees').click();
  await expect(page.getByTestId('fee-due')).toBeVisible();
  await expect(page.getByTestId('fee-deadline')).toContainText('诉讼费用交纳办法 第22条');
  await shot(page, 'pay-01-fee-page');

  await page.getByTestId('pay-button').click();
  await page.waitForURL('**/sandbox-pay/checkout/**');
  await shot(page, 'pay-02-sandbox-checkout');
  await page.getByTestId('sandbox-pay').click();

  await page.waitForURL(`**/cases/${id}/fees?order=*`);
  await expect(page.getByTestId('payment-paid')).toBeVisible();
  await expect(page.getByTestId('fee-settled')).toBeVisible();
  await expect(page.getByTestId('pay-button')).toHaveCount(0);
  await shot(page, 'pay-03-paid');

  await page.getByTestId('receipt-link').click();
  await expect(page.getByTestId('receipt')).toContainText('人民币');
  await expect(page.getByTestId('receipt')).toContainText('元整');
  await shot(page, 'pay-04-receipt');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('receipt-download').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^receipt-PC\d+[0-9a-f]+\.html$/);

  // The case has moved on: its current stage is the fee paid, dated today.
  await page.goto(`/cases/${id}`);
  await expect(page.getByTestId('stage')).toHaveText('交纳诉讼费');
  await expect(page.getByTestId('go-case-fees')).toHaveText('诉讼费和缴费凭证');
});

// Cancelling at the checkout charges nothing and leaves the pay button there.
test('a cancelled checkout says nothing was charged and lets the person pay again', async ({ page }) => {
  await useSession(page.context(), ZHANG);
  const id = await caseWithFeeDue(page.request);
  await page.goto(`/cases/${id}/fees`);
  await page.getByTestId('pay-button').click();
  await page.waitForURL('**/sandbox-pay/checkout/**');
  await page.getByTestId('sandbox-cancel').click();
  await page.waitForURL(`**/cases/${id}/fees?order=*`);
  await expect(page.getByTestId('payment-closed')).toContainText('没有扣款');
  await expect(page.getByTestId('pay-button')).toBeVisible();
  await shot(page, 'pay-05-cancelled');
});
