import { test, expect } from '@playwright/test';
import { caseWithFeeDue, shot, useSession } from './helpers';

// Paying is a plain form post: it works on a phone with JavaScript off (or before it loads).
test('the fee can be paid and the receipt read without JavaScript', async ({ page }) => {
  await useSession(page.context(), '13800000001');
  const id = await caseWithFeeDue(page.request);
  await page.goto(`/cases/${id}/fees`);
  await expect(page.getByTestId('fee-due')).toBeVisible();
  await page.getByTestId('pay-button').click();
  await page.waitForURL('**/sandbox-pay/checkout/**');
  await page.getByTestId('sandbox-pay').click();
  await page.waitForURL(`**/cases/${id}/fees?order=*`);
  await expect(page.getByTestId('payment-paid')).toBeVisible();
  await page.getByTestId('receipt-link').click();
  await expect(page.getByTestId('receipt')).toContainText('人民币');
  await shot(page, 'pay-nojs-receipt');
});
