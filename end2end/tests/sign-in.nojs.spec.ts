import { test, expect } from '@playwright/test';
import { codeFromInbox } from './helpers';

// Signing in must never wait for the wasm: with JavaScript off (and so before the island wakes
// on a slow link) the form posts to the server, step by step. It answered HTTP 405 before.
test('a litigant signs in without JavaScript: number, code by SMS, signed in', async ({ page }) => {
  const phone = '13712340077';
  await page.goto('/sign-in?next=/cases');
  await page.getByLabel('手机号码').fill(phone);
  // "前往" / Enter in the number box submits the form, as a phone keyboard does.
  await page.getByLabel('手机号码').press('Enter');
  await expect(page.getByLabel('短信验证码（6位数字）')).toBeVisible();
  // The number is never put into the address bar (nor the code).
  expect(page.url()).not.toContain('13712340077');
  const code = await codeFromInbox(page.context(), phone);
  const wrong = code === '000000' ? '111111' : '000000';
  await page.getByLabel('短信验证码（6位数字）').fill(wrong);
  await page.getByTestId('verify-code').click();
  await expect(page.getByTestId('form-error')).toContainText('验证码不对');
  await page.getByLabel('短信验证码（6位数字）').fill(code);
  await page.getByTestId('verify-code').click();
  await page.waitForURL((url) => url.pathname === '/cases');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(page.url()).not.toContain(code);
});

test('a mistyped number is refused in plain words, without JavaScript', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('手机号码').fill('1380000');
  await page.getByTestId('send-code').click();
  await expect(page.getByTestId('form-error')).toContainText('11位');
});

test('staff sign in without JavaScript: password, then the code', async ({ page }) => {
  await page.goto('/staff/sign-in?next=/cases');
  await page.getByLabel('手机号码').fill('13900000003');
  await page.getByLabel('密码').fill('liuyang-demo-2026');
  await page.getByTestId('send-code').click();
  await expect(page.getByLabel('短信验证码（6位数字）')).toBeVisible();
  const code = await codeFromInbox(page.context(), '13900000003');
  await page.getByLabel('短信验证码（6位数字）').fill(code);
  await page.getByTestId('verify-code').click();
  await page.waitForURL((url) => url.pathname === '/cases');
});
