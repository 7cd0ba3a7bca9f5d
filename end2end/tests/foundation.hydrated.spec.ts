import { test, expect } from '@playwright/test';
import { hydrated, signIn, codeFromInbox, saveSession, shot, useSession } from './helpers';

const ZHANG = '13800000001';
const WANG = '13800000003';
const CLERK = '13900000001';

test('a litigant signs in with the SMS code, opens a case and sees its timeline and live countdown', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await shot(page, '01-home');
  await page.getByTestId('go-sign-in').click();
  await signIn(page, ZHANG);

  const cases = page.getByTestId('case-link');
  await expect(cases.first()).toBeVisible();
  expect(await cases.count()).toBeGreaterThanOrEqual(10);
  await shot(page, '02-my-cases');

  // Open the first case that shows a deadline.
  const card = page.locator('.case-card', { has: page.locator('.deadline') }).first();
  await card.getByTestId('case-link').click();
  await hydrated(page);
  await expect(page.getByTestId('timeline')).toBeVisible();
  await expect(page.getByTestId('next-deadline')).toBeVisible();
  const countdown = page.getByTestId('next-deadline').locator('.countdown');
  const before = await countdown.innerText();
  expect(before).toMatch(/还剩|已超期/);
  await expect(countdown).not.toHaveText(before, { timeout: 5_000 });
  await expect(page.getByText('依据：')).toBeVisible();
  await shot(page, '03-case');

  // Someone else's case: not found, with a way back.
  const mine = await (await page.request.get('/api/v1/cases')).json();
  const ids: number[] = mine.map((c: { id: number }) => c.id);
  const other = [...Array(20).keys()].map((i) => i + 1).find((id) => !ids.includes(id))!;
  const res = await page.goto(`/cases/${other}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('case-not-found')).toBeVisible();
  await shot(page, '04-not-found');
});

test('a mistyped number is flagged while typing and a wrong code says how many tries are left', async ({ page }) => {
  await page.goto('/sign-in');
  await hydrated(page);
  const phone = page.getByLabel('手机号码');
  await phone.fill('1380000');
  await phone.blur();
  await expect(page.locator('#phone-error')).toContainText('11位');
  await phone.fill('13712340000');
  await expect(page.locator('#phone-error')).toHaveText('');
  await page.getByTestId('send-code').click();
  await expect(page.getByTestId('send-code')).toContainText('秒后可重新获取');
  const code = await codeFromInbox(page.context(), '13712340000');
  const wrong = code === '000000' ? '111111' : '000000';
  await page.getByLabel('短信验证码（6位数字）').fill(wrong);
  await page.getByTestId('verify-code').click();
  await expect(page.getByTestId('form-error')).toContainText('还可以再试4次');
  await shot(page, '05-sign-in-errors');
});

test('the profile checks the resident ID number as it is typed', async ({ page }) => {
  await signIn(page, '13712340001');
  await page.goto('/profile');
  await hydrated(page);
  await page.getByLabel('真实姓名').fill('孙小梅');
  const id = page.getByTestId('resident-id');
  await id.fill('430181200002296062');
  await expect(page.getByTestId('id-error')).toContainText('身份证');
  await id.fill('430181200002296061');
  await expect(page.getByTestId('id-error')).toHaveText('');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('profile-saved')).toContainText('4301');
  await shot(page, '06-profile');
});

test('elder mode enlarges text and targets; English switches every label', async ({ page }) => {
  await page.goto('/query');
  await page.getByTestId('switch-elder').click();
  await expect(page.locator('body')).toHaveClass(/elder/);
  const size = await page.locator('main').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(size).toBeGreaterThanOrEqual(24); // 18 pt
  const button = await page.getByRole('button', { name: '查询' }).boundingBox();
  expect(button!.height).toBeGreaterThanOrEqual(60);
  await shot(page, '07-elder');
  await page.getByTestId('switch-lang').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Case progress lookup');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await shot(page, '08-english');
  await page.getByTestId('switch-lang').click();
  await page.getByTestId('switch-elder').click();
  await expect(page.locator('body')).not.toHaveClass(/elder/);
});

test('staff sign in with password and SMS code and see the court\'s cases', async ({ page }) => {
  await page.goto('/staff/sign-in?next=/cases');
  await hydrated(page);
  await page.getByLabel('手机号码').fill(CLERK);
  await page.getByLabel('密码').fill('wrong password');
  await page.getByTestId('send-code').click();
  await expect(page.getByTestId('form-error')).toContainText('手机号或密码不对');
  await page.getByLabel('密码').fill('liuyang-demo-2026');
  await page.getByTestId('send-code').click();
  await expect(page.getByLabel('短信验证码（6位数字）')).toBeVisible();
  const code = await codeFromInbox(page.context(), CLERK);
  await page.getByLabel('短信验证码（6位数字）').fill(code);
  await page.getByTestId('verify-code').click();
  // A predicate, not a glob: '**/cases' also matches the sign-in page's own ?next=/cases.
  await page.waitForURL((url) => url.pathname === '/cases');
  // Later tests reuse this session (a number gets one SMS code a minute).
  await saveSession(page.context(), CLERK);
  await expect(page.getByTestId('case-link')).toHaveCount(20);
  await shot(page, '09-staff-cases');
});

test('anyone can look a case up by number and query code, without names', async ({ page, browser }) => {
  // The party reads the number and query code off the case page...
  await useSession(page.context(), WANG);
  const list = await (await page.request.get('/api/v1/cases')).json();
  const docketed = list.find((c: { case_number: string | null }) => c.case_number);
  const progress = await (await page.request.get(`/api/v1/cases/${docketed.id}/progress`)).json();
  // ...and a relative, not signed in, looks it up.
  const stranger = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: test.info().project.use.baseURL });
  const p = await stranger.newPage();
  await p.goto('/query');
  await p.getByLabel('案号').fill(progress.case_number.replace('（', '(').replace('）', ')'));
  await p.getByLabel('查询码').fill('WRONG123');
  await p.getByRole('button', { name: '查询' }).click();
  await expect(p.getByTestId('error-note')).toContainText('案号或查询码不对');
  await p.getByLabel('查询码').fill(progress.query_code.toLowerCase());
  await p.getByRole('button', { name: '查询' }).click();
  await expect(p.getByTestId('public-result')).toContainText(progress.case_number);
  await expect(p.getByTestId('public-result')).not.toContainText('王五');
  await shot(p, '10-public-lookup');
  await stranger.close();
});
