import { test, expect } from '@playwright/test';
import { signInByApi, shot } from './helpers';

// Reading pages arrive complete from the server and work with JavaScript off.
const LI = '13800000002';

test('home, my cases, a case and the public lookup all read without JavaScript', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await shot(page, 'nojs-01-home');

  await signInByApi(page.context().request, LI);
  await page.goto('/cases');
  const links = page.getByTestId('case-link');
  await expect(links.first()).toBeVisible();
  await shot(page, 'nojs-02-my-cases');

  await links.filter({ hasText: '湘0181' }).first().click();
  await expect(page.getByTestId('timeline')).toBeVisible();
  await expect(page.getByTestId('stage')).not.toBeEmpty();
  await shot(page, 'nojs-03-case');

  // Find by number works as a plain form.
  const number = await page.getByTestId('case-number').innerText();
  await page.goto('/cases');
  await page.getByLabel('按案号查找').fill(number.replace('（', '(').replace('）', ')').replace('号', ''));
  await page.getByRole('button', { name: '查找' }).click();
  await expect(page.getByTestId('case-number')).toHaveText(number);

  // The switches are plain links.
  await page.getByTestId('switch-lang').click();
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByTestId('switch-lang').click();

  // Signing out is a plain form too.
  await page.goto('/profile');
  await page.getByTestId('sign-out').click();
  await page.goto('/cases');
  await expect(page).toHaveURL(/sign-in/);
});
