import { test, expect } from '@playwright/test';
import { hydrated, shot } from './helpers';

// The public fee calculator: the fee engine runs in the phone as the person types.
test('the fee calculator explains each line as the amount is typed', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByTestId('go-fees').click();
  await hydrated(page);

  const amount = page.getByTestId('fee-amount');
  await amount.fill('150000');
  await expect(page.getByTestId('fee-total')).toHaveText('3,300.00');
  await expect(page.getByTestId('fee-lines').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('fee-lines')).toContainText('第13条');
  await shot(page, 'fees-01-property');

  // Simplified procedure halves it (art. 16).
  await page.getByLabel('审理程序').selectOption('simplified');
  await expect(page.getByTestId('fee-total')).toHaveText('1,650.00');

  // A wrong amount says what is wrong, at once.
  await amount.fill('12.345');
  await expect(page.getByTestId('fee-error')).toContainText('两位小数');
  await amount.fill('1,000,000');
  await expect(page.getByTestId('fee-error')).toHaveCount(0);

  // A kind without an amount hides the box and shows its fixed fee.
  await page.getByLabel('案件或申请的种类').selectOption('labor');
  await expect(amount).toBeHidden();
  await expect(page.getByTestId('fee-total')).toHaveText('5.00');
  await shot(page, 'fees-02-labour-simplified');
});
