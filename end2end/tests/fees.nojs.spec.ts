import { test, expect } from '@playwright/test';
import { shot } from './helpers';

test('the fee calculator works as a plain form without JavaScript', async ({ page }) => {
  await page.goto('/fees');
  await page.getByLabel('起诉要求的金额（元）').fill('150000');
  await page.getByRole('button', { name: '计算' }).click();
  await expect(page).toHaveURL(/amount=150000/);
  await expect(page.getByTestId('fee-total')).toHaveText('3,300.00');
  await shot(page, 'nojs-fees');
});
