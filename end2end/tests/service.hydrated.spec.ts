import { test, expect } from '@playwright/test';
import { hydrated, useSession, useStaffSession } from './helpers';

// Electronic service (电子送达) at 390×844: the clerk serves an 应诉通知书 on the defendant;
// the defendant gets the SMS alert (dev inbox), checks its code on the public page without
// signing in, opens the document, and sees the receipt verified on the phone (wasm); the
// clerk then sees "read" with the time.

const ZHANG = '13800000001';
const CLERK = '13900000001';

test('an answer notice served, checked, opened and verified; the clerk sees it read', async ({ browser }) => {
  const zhangContext = await browser.newContext();
  await useSession(zhangContext, ZHANG);
  const cases = await (await zhangContext.request.get('/api/v1/cases')).json();
  const defended = cases.find((k: { case_number: string | null; my_side: string }) => k.case_number && k.my_side === '被告');
  expect(defended, 'a demo case where 张三 defends').toBeTruthy();

  // The clerk serves.
  const clerkContext = await browser.newContext();
  await useStaffSession(clerkContext, CLERK);
  const clerk = await clerkContext.newPage();
  await clerk.goto(`/staff/cases/${defended.id}/service`);
  await expect(clerk.locator('label.choice', { hasText: '张三' })).toContainText('可电子送达');
  await expect(clerk.locator('label.choice', { hasText: '李四' })).toContainText('需邮寄或直接送达');
  await clerk.locator('label.choice', { hasText: '张三' }).locator('input').check();
  await clerk.getByTestId('serve-kind').selectOption('answer');
  await clerk.getByTestId('serve-submit').click();
  await expect(clerk.getByTestId('served-note')).toContainText('已电子送达 1');
  const record = clerk.getByTestId('service-record').filter({ hasText: '应诉通知书' }).first();
  await expect(record.getByTestId('record-status')).toHaveText('已送达');

  // The SMS alert, as the phone shows it.
  const phone = await zhangContext.newPage();
  await phone.goto('/dev/inbox');
  const sms = await phone.locator(`li.sms[data-to="${ZHANG}"] .sms-body`, { hasText: '应诉通知书' }).first().innerText();
  const code = sms.match(/查验码([2-9A-Z]{8})/)?.[1];
  const id = sms.match(/\/service\/(\d+)/)?.[1];
  expect(code, sms).toBeTruthy();
  expect(id, sms).toBeTruthy();

  // Anyone can check the code, signed in or not, typed in lower case with spaces.
  const anonymous = await browser.newContext();
  const check = await anonymous.newPage();
  await check.goto('/check');
  await check.getByTestId('check-code').fill(` ${code!.toLowerCase().slice(0, 4)} ${code!.toLowerCase().slice(4)} `);
  await check.getByTestId('check-submit').click();
  await expect(check.getByTestId('check-ok')).toContainText('浏阳市人民法院');
  await expect(check.getByTestId('c-case')).toHaveText(defended.case_number);
  await check.getByTestId('check-code').fill('ABCDEFGH');
  await check.getByTestId('check-submit').click();
  await expect(check.getByTestId('check-fail')).toContainText('查无此码');

  // The defendant opens the record: verified on the phone, not yet read.
  await phone.goto(`/service/${id}`);
  await hydrated(phone);
  await expect(phone.getByTestId('verify-ok')).toContainText('已在本机核验');
  await expect(phone.getByTestId('r-read')).toHaveText('—');
  await expect(phone.getByTestId('r-effective')).toContainText('到达即生效');
  const us = Number(await phone.getByTestId('verify-ok').getAttribute('data-verify-us'));
  console.log(`BENCH receipt (3 events) verified in the browser (wasm) in ${(us / 1000).toFixed(2)} ms`);

  // Fetching the document by its address records nothing (a link from anywhere is not the
  // recipient's act); opening it with the page's button does.
  const href = `/service/${id}/document`;
  expect((await zhangContext.request.get(href)).status()).toBe(200);
  await phone.reload();
  await hydrated(phone);
  await expect(phone.getByTestId('r-read')).toHaveText('—');
  const [tab] = await Promise.all([
    phone.context().waitForEvent('page'),
    phone.getByTestId('open-document').click(),
  ]);
  await tab.close();
  const pdf = await zhangContext.request.get(href);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  await phone.reload();
  await hydrated(phone);
  await expect(phone.getByTestId('r-read')).not.toHaveText('—');
  await expect(phone.getByTestId('verify-ok')).toBeVisible();
  // It is in the inbox too, no longer unread.
  await phone.goto('/inbox');
  await expect(phone.getByTestId('inbox-item').filter({ hasText: '应诉通知书' }).first()).not.toContainText('未读');

  // The clerk sees it read, with the time.
  await clerk.reload();
  const seen = clerk.getByTestId('service-record').filter({ hasText: '应诉通知书' }).first();
  await expect(seen.getByTestId('record-status')).toHaveText('已阅读');
  await expect(seen.getByTestId('record-read')).toContainText(/已阅读 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);

  await Promise.all([zhangContext.close(), clerkContext.close(), anonymous.close()]);
});
